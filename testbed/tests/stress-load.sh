#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# In-VM stress: patching while the machine is busy. On both CPUs: a
# shell loop reading /proc/cmdline (it runs the patched function all the
# time), a pure CPU loop, dd through a tmpfs file and dd into /dev/null.
# Under that load, five rounds of: load patch 1, replace it by patch 2,
# disable, unload both; each transition completes and /proc/cmdline is
# right at each step. The workloads must still be running at the end.
# Needs: --file livepatch-stress_1.ko and livepatch-stress_2.ko.
set -eu
# shellcheck source=SCRIPTDIR/../vm-lib.sh
. /test/vm-lib.sh

before=$(cat /proc/cmdline)
mkdir -p /tmp/io
mount -t tmpfs tmpfs /tmp/io || vm_die "mounting a tmpfs failed"
(while :; do cat /proc/cmdline > /dev/null; done) &
reader=$!
(while :; do :; done) &
spinner=$!
(while :; do dd if=/dev/zero of=/tmp/io/f bs=64k count=64 2> /dev/null; rm -f /tmp/io/f; done) &
writer=$!
(while :; do dd if=/dev/zero of=/dev/null bs=1M count=256 2> /dev/null; done) &
copier=$!

round=1
while [ "$round" -le 5 ]; do
	klp_load /test/livepatch-stress_1.ko
	klp_wait_transition livepatch_stress_1
	assert_eq "round $round, patch 1: first line" "klp stress 1" "$(head -n 1 /proc/cmdline)"
	klp_load /test/livepatch-stress_2.ko
	klp_wait_transition livepatch_stress_2
	assert_eq "round $round, patch 2: first line" "klp stress 2" "$(head -n 1 /proc/cmdline)"
	vm_wait_for "$KLP_GONE_TIMEOUT" klp_sysfs_gone livepatch_stress_1 ||
		vm_die "round $round: the replaced livepatch_stress_1 is still in sysfs"
	klp_unload livepatch_stress_1
	klp_disable livepatch_stress_2
	assert_eq "round $round, disabled: /proc/cmdline" "$before" "$(cat /proc/cmdline)"
	klp_unload livepatch_stress_2
	round=$((round + 1))
done

for pid in "$reader" "$spinner" "$writer" "$copier"; do
	kill "$pid" || vm_die "workload $pid was no longer running"
done
vm_log "ok: 5 rounds under load"
