#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# distro-kpatches-6.12/i2-static-call on the 6.12 test tree (-s): a
# changed function with a static call site (cond_resched() is
# static_call_mod(cond_resched) under PREEMPT_DYNAMIC), which the
# module's own objtool pass records in .static_call_sites.
set -eu
# shellcheck source=testbed/vm-lib.sh
. /test/vm-lib.sh

p=livepatch_kt2_1
before=$(cat /proc/cmdline)
klp_load /test/livepatch-kt2_1.ko
klp_wait_transition $p
i=0
while [ $i -lt 20 ]; do
	assert_eq "patched /proc/cmdline ($i)" "klp static call
$before" "$(cat /proc/cmdline)"
	i=$((i + 1))
done
klp_disable $p
assert_eq "/proc/cmdline after disable" "$before" "$(cat /proc/cmdline)"
klp_unload $p
