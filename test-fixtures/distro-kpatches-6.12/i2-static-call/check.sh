#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A changed function with a static call site (cond_resched() is
# static_call_mod(cond_resched) under PREEMPT_DYNAMIC): the module's
# own objtool pass records it in .static_call_sites, which the loader
# patches; the call then runs on every read of /proc/cmdline.
set -eu
# shellcheck source=testbed/vm-lib.sh
. /test/vm-lib.sh

p=livepatch_ki2_1
# The build id the manifest records (1.expect) is the running kernel's.
assert_contains "$(od -An -v -tx1 /sys/kernel/notes | tr -d ' \n')" \
	780f2f47538a4f6dd89290f22e78060edf2b1cfb
before=$(cat /proc/cmdline)
klp_load /test/livepatch-ki2_1.ko
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
