#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Callbacks: the patch registers pre/post patch and pre/post unpatch
# callbacks (KLP_*_CALLBACK of klp-macros.h) next to a changed
# version_proc_show(). Each callback prints a line; the kernel log must
# show them once each, in the livepatch core's order around its own
# transition messages: pre_patch before the patching transition starts,
# post_patch after it, before "patching complete"; pre_unpatch before the
# unpatching transition, post_unpatch after it.
set -eu
. /test/vm-lib.sh

# The callbacks' lines and the core's lines about this patch, in order,
# without printk timestamps.
k10_log() {
	dmesg | grep -E "klp-k10: |'livepatch_k10_1'" | sed 's/^\[[ 0-9.]*\] //'
}

assert_eq "log before loading" "" "$(k10_log)"
assert_not_contains "$(cat /proc/version)" "klp-k10 patched"

klp_load /test/livepatch-k10_1.ko
klp_wait_transition livepatch_k10_1
enabled="livepatch: enabling patch 'livepatch_k10_1'
klp-k10: pre_patch vmlinux
livepatch: 'livepatch_k10_1': starting patching transition
klp-k10: post_patch vmlinux
livepatch: 'livepatch_k10_1': patching complete"
assert_eq "log after enabling" "$enabled" "$(k10_log)"
assert_contains "$(cat /proc/version)" "^klp-k10 patched$"

klp_disable livepatch_k10_1
assert_eq "log after disabling" "$enabled
klp-k10: pre_unpatch vmlinux
livepatch: 'livepatch_k10_1': starting unpatching transition
klp-k10: post_unpatch vmlinux
livepatch: 'livepatch_k10_1': unpatching complete" "$(k10_log)"
assert_not_contains "$(cat /proc/version)" "klp-k10 patched"

klp_unload livepatch_k10_1
