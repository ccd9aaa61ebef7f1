#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A bug table entry: proc_pid_cmdline_read() keeps its BUG_ON(*pos < 0)
# and now shows "[name]" for a kernel thread, whose command line is
# empty, as ps does; its copy_to_user() brings check_copy_size()'s
# WARN_ON_ONCE too. readelf on a manual klp-build's livepatch-k16_1.ko
# shows __bug_table with both entries for proc_pid_cmdline_read (line
# 389 of fs/proc/base.c, the BUG_ON, and line 233 of
# include/linux/thread_info.h), next to the module template's own.
# Neither fires: the console must stay free of BUG/WARNING.
set -eu
. /test/vm-lib.sh

# pid 2 is kthreadd.
assert_eq "comm of pid 2" "kthreadd" "$(cat /proc/2/comm)"
assert_eq "/proc/2/cmdline before" "" "$(cat /proc/2/cmdline)"
self=$(tr '\0' ' ' <"/proc/$$/cmdline")

klp_load /test/livepatch-k16_1.ko
klp_wait_transition livepatch_k16_1
assert_eq "/proc/2/cmdline patched" "[kthreadd]" "$(cat /proc/2/cmdline)"
assert_eq "first 3 bytes of it" "[kt" "$(head -c 3 /proc/2/cmdline)"
assert_eq "this shell's cmdline" "$self" "$(tr '\0' ' ' <"/proc/$$/cmdline")"

klp_disable livepatch_k16_1
assert_eq "/proc/2/cmdline after disable" "" "$(cat /proc/2/cmdline)"
klp_unload livepatch_k16_1
