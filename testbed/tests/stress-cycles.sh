#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# In-VM stress: 50 load / transition / disable / unload cycles of one
# livepatch module built by klp-build, /proc/cmdline checked patched and
# unpatched in every cycle. Needs: --file livepatch-stress_1.ko.
set -eu
# shellcheck source=SCRIPTDIR/../vm-lib.sh
. /test/vm-lib.sh

before=$(cat /proc/cmdline)
i=1
while [ "$i" -le 50 ]; do
	klp_load /test/livepatch-stress_1.ko
	klp_wait_transition livepatch_stress_1
	got=$(head -n 1 /proc/cmdline)
	[ "$got" = "klp stress 1" ] || vm_die "cycle $i: patched /proc/cmdline starts '$got'"
	klp_disable livepatch_stress_1
	got=$(cat /proc/cmdline)
	[ "$got" = "$before" ] || vm_die "cycle $i: /proc/cmdline after disable is '$got'"
	klp_unload livepatch_stress_1
	i=$((i + 1))
done
vm_log "ok: 50 cycles"
