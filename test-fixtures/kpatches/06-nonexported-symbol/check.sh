#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A call to a vmlinux function that is not exported: the patched
# uptime_proc_show() adds a line with print_tainted() (kernel/panic.c,
# not in Module.symvers), reached through a klp relocation. The line
# must be exactly the kernel's taint string for /proc/sys/kernel/tainted,
# which includes K (livepatch) once the patch is loaded.
set -eu
. /test/vm-lib.sh

p=livepatch_k06_1
uptime_re='^[0-9]*\.[0-9][0-9] [0-9]*\.[0-9][0-9]$'

before=$(cat /proc/uptime)
assert_contains "$before" "$uptime_re"
assert_eq "lines of /proc/uptime" 1 "$(echo "$before" | wc -l)"
klp_load /test/livepatch-k06_1.ko
klp_wait_transition $p
out=$(cat /proc/uptime)
assert_contains "$(echo "$out" | sed -n 1p)" "$uptime_re"
assert_print_tainted "line 2 of patched /proc/uptime" klp-build "$(echo "$out" | sed -n 2p)"
klp_disable $p
out=$(cat /proc/uptime)
assert_contains "$out" "$uptime_re"
assert_eq "lines of /proc/uptime after disable" 1 "$(echo "$out" | wc -l)"
klp_unload $p
