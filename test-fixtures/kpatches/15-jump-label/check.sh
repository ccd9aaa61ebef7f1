#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A jump label: the changed uptime_proc_show() gets a pr_debug(), which
# with DYNAMIC_DEBUG=y is a static branch on its own descriptor's key.
# readelf on a manual klp-build's livepatch-k15_1.ko shows __jump_table
# with one entry (code and target in uptime_proc_show, key in the
# module's __dyndbg descriptor). /proc/uptime gains a line; the debug
# message stays off until dynamic debug enables the module's call site,
# which flips the static key: proof the jump entry was set up. Turning
# it off, then disabling the patch, restores the original.
set -eu
. /test/vm-lib.sh

ctl=/proc/dynamic_debug/control
[ -f "$ctl" ] || ctl=/sys/kernel/debug/dynamic_debug/control
k15_debug() {
	dmesg | grep -c 'klp-k15: uptime read by cat' || true
}

assert_not_contains "$(cat /proc/uptime)" "klp-k15"
assert_not_contains "$ctl" "klp-k15"

klp_load /test/livepatch-k15_1.ko
klp_wait_transition livepatch_k15_1
assert_contains "$(cat /proc/uptime)" "^klp-k15 patched$"
assert_contains "$ctl" "^fs/proc/uptime.c:[0-9]* \[livepatch_k15_1\]uptime_proc_show =_ \"klp-k15: uptime read by %s\\\\n\"$"
assert_eq "debug messages while off" 0 "$(k15_debug)"

echo "module livepatch_k15_1 +p" >"$ctl"
assert_contains "$ctl" "\[livepatch_k15_1\]uptime_proc_show =p "
cat /proc/uptime >/dev/null
cat /proc/uptime >/dev/null
assert_eq "debug messages while on" 2 "$(k15_debug)"

echo "module livepatch_k15_1 -p" >"$ctl"
cat /proc/uptime >/dev/null
assert_eq "debug messages after turning off" 2 "$(k15_debug)"

klp_disable livepatch_k15_1
assert_not_contains "$(cat /proc/uptime)" "klp-k15"
klp_unload livepatch_k15_1
assert_not_contains "$ctl" "klp-k15"
