#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# In the VM: livepatch-kc-nonexported.ko (klp-convert output) replaces
# cmdline_proc_show(). Line 1 of the patched /proc/cmdline is what the
# module read from saved_command_line, so it must equal the unpatched
# /proc/cmdline; line 2 is print_tainted()'s string, which must be the
# one /proc/sys/kernel/tainted gives (K, livepatch, set by the load).
# Last, the module as kbuild left it (/test/raw/) must not load: without
# klp-convert its two symbols are unknown to the module loader.
set -eu
. /test/vm-lib.sh

p=livepatch_kc_nonexported

before=$(cat /proc/cmdline)
assert_contains "$before" "console=ttyS0"
assert_eq "lines of /proc/cmdline" 1 "$(echo "$before" | wc -l)"

klp_load /test/livepatch-kc-nonexported.ko
klp_wait_transition $p
out=$(cat /proc/cmdline)
echo "patched /proc/cmdline:"
echo "$out"
assert_eq "lines of patched /proc/cmdline" 2 "$(echo "$out" | wc -l)"
assert_eq "saved_command_line read by the patch" "$before" "$(echo "$out" | sed -n 1p)"
assert_print_tainted "print_tainted() called by the patch" klp-convert "$(echo "$out" | sed -n 2p)"

klp_disable $p
assert_eq "/proc/cmdline after disable" "$before" "$(cat /proc/cmdline)"
klp_unload $p
assert_eq "/proc/cmdline after unload" "$before" "$(cat /proc/cmdline)"

if insmod /test/raw/livepatch-kc-nonexported.ko; then
	vm_die "the unconverted module loaded"
fi
[ ! -d "$KLP_SYSFS/$p" ] || vm_die "the unconverted module left $KLP_SYSFS/$p"
dmesg | grep -q 'Unknown symbol saved_command_line' ||
	vm_die "no 'Unknown symbol saved_command_line' in dmesg"
vm_log "ok: the unconverted module does not load"
