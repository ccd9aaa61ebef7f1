#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A static function whose name vmlinux has three times: s_show of
# kernel/kallsyms.c (/proc/kallsyms), kernel/trace/trace.c and
# mm/vmalloc.c (/proc/vmallocinfo), in that address order. The patch
# changes the vmalloc one, so the livepatch must name it s_show,3
# (sympos 3): /proc/vmallocinfo changes, /proc/kallsyms does not.
set -eu
. /test/vm-lib.sh

p=livepatch_k07_1
assert_eq "vmlinux s_show symbols" 3 "$(grep -c ' s_show$' /proc/kallsyms)"
assert_not_contains /proc/vmallocinfo "klp-build"
kallsyms_head=$(head -n 20 /proc/kallsyms)
klp_load /test/livepatch-k07_1.ko
klp_wait_transition $p
ls /sys/kernel/livepatch/$p/vmlinux/
[ -d "/sys/kernel/livepatch/$p/vmlinux/s_show,3" ] ||
	vm_die "s_show,3 is not a patched function of $p"
# Every line of a vmalloc area with a vm_struct gets the marker; the
# livepatch's own module memory is one (caller load_module).
assert_contains /proc/vmallocinfo ' load_module.* klp-build'
assert_eq "/proc/kallsyms start after patching" "$kallsyms_head" "$(head -n 20 /proc/kallsyms)"
assert_not_contains /proc/kallsyms "klp-build"
klp_disable $p
assert_not_contains /proc/vmallocinfo "klp-build"
klp_unload $p
