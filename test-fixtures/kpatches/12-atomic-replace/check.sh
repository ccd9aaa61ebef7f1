#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Atomic replace (klp-build's default): 1.patch and 2.patch change
# filesystems_proc_show() differently (a last line "klp-k12 patch A" or
# "... B" in /proc/filesystems). Loading 2 over 1 replaces 1: once 2's
# transition completes, 6.1 frees the replaced patch
# (klp_free_replaced_patches_async): livepatch_k12_1 leaves
# /sys/kernel/livepatch and drops its module reference, its module stays
# loaded, unused. Only B shows; disabling 2 brings back the original,
# not A. Then both modules unload.
set -eu
. /test/vm-lib.sh

orig=$(cat /proc/filesystems)
assert_not_contains "$orig" "klp-k12"

klp_load /test/livepatch-k12_1.ko
klp_wait_transition livepatch_k12_1
assert_eq "/proc/filesystems with 1" "$orig
klp-k12 patch A" "$(cat /proc/filesystems)"

klp_load /test/livepatch-k12_2.ko
klp_wait_transition livepatch_k12_2
vm_wait_for "$KLP_GONE_TIMEOUT" klp_sysfs_gone livepatch_k12_1 ||
	vm_die "replaced livepatch_k12_1 still in $KLP_SYSFS"
vm_log "livepatch_k12_1 replaced: gone from $KLP_SYSFS"
assert_eq "patches in $KLP_SYSFS" "livepatch_k12_2" "$(ls "$KLP_SYSFS")"
assert_eq "enabled of 2" 1 "$(cat "$KLP_SYSFS/livepatch_k12_2/enabled")"
vm_module_loaded livepatch_k12_1 || vm_die "livepatch_k12_1 unloaded by the replace"
vm_wait_for "$KLP_GONE_TIMEOUT" vm_module_unused livepatch_k12_1 ||
	vm_die "replaced livepatch_k12_1 still referenced"
assert_eq "/proc/filesystems with 2 over 1" "$orig
klp-k12 patch B" "$(cat /proc/filesystems)"

klp_disable livepatch_k12_2
assert_eq "/proc/filesystems after disabling 2" "$orig" "$(cat /proc/filesystems)"
klp_unload livepatch_k12_2
klp_unload livepatch_k12_1
