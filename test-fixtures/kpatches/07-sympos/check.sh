#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A static function whose name vmlinux has several times: s_show of
# kernel/kallsyms.c (/proc/kallsyms), kernel/trace/trace.c, mm/vmalloc.c
# (/proc/vmallocinfo) and, in Debian's image, the mce driver. The patch
# changes the vmalloc one, so the livepatch must name it by its position
# in address order (s_show,3 in the test kernel, s_show,4 in Debian's):
# the last s_show before vmalloc_to_page, of the same file.
# /proc/vmallocinfo changes, /proc/kallsyms does not.
set -eu
. /test/vm-lib.sh

p=livepatch_k07_1
pos=$(awk '$3 == "vmalloc_to_page" && NF == 3 { v = $1 }
	$3 == "s_show" && NF == 3 { a[++n] = $1 }
	END { for (i = 1; i <= n; i++) if (a[i] < v) p = i; print n, p }' /proc/kallsyms)
[ "${pos% *}" -ge 3 ] || vm_die "vmlinux has ${pos% *} s_show symbols, want 3 or more"
pos=${pos#* }
assert_not_contains /proc/vmallocinfo "klp-build"
kallsyms_head=$(head -n 20 /proc/kallsyms)
klp_load /test/livepatch-k07_1.ko
klp_wait_transition $p
ls /sys/kernel/livepatch/$p/vmlinux/
[ -d "/sys/kernel/livepatch/$p/vmlinux/s_show,$pos" ] ||
	vm_die "s_show,$pos is not a patched function of $p"
# Every line of a vmalloc area with a vm_struct gets the marker; the
# livepatch's own module memory is one (caller load_module).
assert_contains /proc/vmallocinfo ' load_module.* klp-build'
assert_eq "/proc/kallsyms start after patching" "$kallsyms_head" "$(head -n 20 /proc/kallsyms)"
assert_not_contains /proc/kallsyms "klp-build"
klp_disable $p
assert_not_contains /proc/vmallocinfo "klp-build"
klp_unload $p
