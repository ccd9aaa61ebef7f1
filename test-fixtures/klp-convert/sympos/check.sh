#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# In the VM: livepatch-kc-sympos.ko calls .klp.sym.vmlinux.print_cpu,2.
# vmlinux has two print_cpu; /proc/kallsyms lists them in address order
# (the order the livepatch core counts positions in). Line 2 must be the
# address the patched /proc/cmdline says it calls, and line 1 another
# one. Their outputs tell them apart too: position 1 (sched debug) is
# behind /sys/kernel/debug/sched/debug ("cpu#0, ..."), position 2
# behind /proc/timer_list ("cpu: 0", " clock 0:"); the patched
# /proc/cmdline must have the format of position 2 only.
set -eu
. /test/vm-lib.sh

p=livepatch_kc_sympos

syms=$(grep ' print_cpu$' /proc/kallsyms)
echo "$syms"
assert_eq "print_cpu symbols in /proc/kallsyms" 2 "$(echo "$syms" | wc -l)"
addr1=$(echo "$syms" | sed -n 1p | cut -d ' ' -f 1)
addr2=$(echo "$syms" | sed -n 2p | cut -d ' ' -f 1)
assert_contains "$addr1" '^[0-9a-f]\{16\}$'
[ "$addr1" != 0000000000000000 ] || vm_die "/proc/kallsyms hides addresses"
[ "$addr1" != "$addr2" ] || vm_die "both print_cpu at $addr1"
# The two functions, by their own outputs.
assert_contains /sys/kernel/debug/sched/debug '^cpu#0'
assert_contains /proc/timer_list '^cpu: 0$'
assert_not_contains /proc/timer_list '^cpu#'

before=$(cat /proc/cmdline)
klp_load /test/livepatch-kc-sympos.ko
klp_wait_transition $p
out=$(cat /proc/cmdline)
echo "$out" | head -n 4
called=$(echo "$out" | sed -n 's/^klp-convert: print_cpu at //p')
assert_eq "address the patch called (print_cpu line 2 of /proc/kallsyms)" "$addr2" "$called"
assert_contains "$out" '^cpu: 0$'
assert_contains "$out" '^ clock 0:$'
assert_not_contains "$out" '^cpu#'

klp_disable $p
assert_eq "/proc/cmdline after disable" "$before" "$(cat /proc/cmdline)"
klp_unload $p
