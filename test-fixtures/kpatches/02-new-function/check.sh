#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A new function: version_proc_show() calls version_klp_note(), a static
# function the patch adds. The new function lives only in the livepatch
# (it is not one of the patched functions in sysfs) and its output is
# the extra /proc/version line.
set -eu
. /test/vm-lib.sh

p=livepatch_k02_1
before=$(cat /proc/version)
assert_not_contains "$before" "klp new function"
klp_load /test/livepatch-k02_1.ko
klp_wait_transition $p
ls -d /sys/kernel/livepatch/$p/vmlinux/version_proc_show,* ||
	vm_die "version_proc_show is not a patched function of $p"
! ls -d /sys/kernel/livepatch/$p/vmlinux/version_klp_note,* 2>/dev/null ||
	vm_die "the new function version_klp_note is listed as a patched function"
assert_eq "patched /proc/version" "$before
klp new function: release $(uname -r)" "$(cat /proc/version)"
klp_disable $p
assert_eq "/proc/version after disable" "$before" "$(cat /proc/version)"
klp_unload $p
