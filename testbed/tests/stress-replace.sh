#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# In-VM stress: a chain of ten atomic-replace livepatches built by
# klp-build, livepatch-stress_N.ko printing "klp stress N" first in
# /proc/cmdline. Each replaces the one before: after its transition it is
# the only patch, its line is the one shown, and the replaced module
# unloads. The last one disabled gives the original back.
# Needs: --file livepatch-stress_1.ko ... livepatch-stress_10.ko.
set -eu
# shellcheck source=SCRIPTDIR/../vm-lib.sh
. /test/vm-lib.sh

before=$(cat /proc/cmdline)
i=1
while [ "$i" -le 10 ]; do
	klp_load "/test/livepatch-stress_$i.ko"
	klp_wait_transition "livepatch_stress_$i"
	assert_eq "patch $i: /proc/cmdline" "klp stress $i
$before" "$(cat /proc/cmdline)"
	if [ "$i" -gt 1 ]; then
		# The replaced patch's sysfs directory goes from a workqueue.
		vm_wait_for "$KLP_GONE_TIMEOUT" klp_sysfs_gone "livepatch_stress_$((i - 1))" ||
			vm_die "patch $i: the replaced livepatch_stress_$((i - 1)) is still in sysfs"
		klp_unload "livepatch_stress_$((i - 1))"
	fi
	assert_eq "patch $i: patches in sysfs" "livepatch_stress_$i" "$(ls "$KLP_SYSFS")"
	i=$((i + 1))
done
klp_disable livepatch_stress_10
assert_eq "/proc/cmdline after the chain" "$before" "$(cat /proc/cmdline)"
klp_unload livepatch_stress_10
