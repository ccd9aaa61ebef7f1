#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A /proc string change: cmdline_proc_show() prints one more line, which
# reads a non-exported vmlinux variable (saved_command_line) through a
# klp relocation.
set -eu
# shellcheck source=testbed/vm-lib.sh
. /test/vm-lib.sh

before=$(cat /proc/cmdline)
assert_not_contains "$before" "klp-build was here"
klp_load /test/livepatch-k01_1.ko
klp_wait_transition livepatch_k01_1
assert_eq "patched /proc/cmdline" "klp-build was here
$before" "$(cat /proc/cmdline)"
klp_disable livepatch_k01_1
assert_eq "/proc/cmdline after disable" "$before" "$(cat /proc/cmdline)"
klp_unload livepatch_k01_1
