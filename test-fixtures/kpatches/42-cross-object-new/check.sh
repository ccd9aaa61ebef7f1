#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A new global function of one file called from another: fs/proc/cmdline.c
# adds klp_cmdline_note(), which fs/proc/version.c's version_proc_show()
# calls too. Both must reach the module's own new function (the kernel
# has none of that name): /proc/cmdline and /proc/version gain its line.
set -eu
. /test/vm-lib.sh

p=livepatch_k42_1
cmdline=$(cat /proc/cmdline)
version=$(cat /proc/version)
note="klp-build: cmdline is ${#cmdline} bytes"
klp_load /test/livepatch-k42_1.ko
klp_wait_transition $p
assert_eq "patched /proc/cmdline" "$cmdline
$note" "$(cat /proc/cmdline)"
assert_eq "patched /proc/version" "$version
$note" "$(cat /proc/version)"
! ls -d /sys/kernel/livepatch/$p/vmlinux/klp_cmdline_note,* 2>/dev/null ||
	vm_die "the new function klp_cmdline_note is listed as a patched function"
klp_disable $p
assert_eq "/proc/version after disable" "$version" "$(cat /proc/version)"
klp_unload $p
