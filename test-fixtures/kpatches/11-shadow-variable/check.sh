#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A shadow variable: the patched cmdline_proc_show() keeps a per-task
# count of /proc/cmdline reads in a shadow variable of current
# (KLP_SHADOW_GET_OR_ALLOC) and prints it. Reads by this shell itself (a
# redirection in the shell, no fork) count 1, 2, 3: the shadow persists
# across calls; a child process gets its own count. The post-unpatch
# callback frees every shadow (KLP_SHADOW_FREE_ALL): loading the patch
# again, this shell's count starts over at 1.
set -eu
. /test/vm-lib.sh

# Reads /proc/cmdline in this shell; k11_line is its klp-k11 line, if any.
k11_read() {
	k11_line=
	while IFS= read -r k11_l; do
		case $k11_l in "klp-k11 "*) k11_line=$k11_l ;; esac
	done </proc/cmdline
}

k11_read
assert_eq "klp-k11 line before loading" "" "$k11_line"

klp_load /test/livepatch-k11_1.ko
klp_wait_transition livepatch_k11_1
for n in 1 2 3; do
	k11_read
	assert_eq "read $n by this shell" "klp-k11 reads by $$: $n" "$k11_line"
done
assert_contains "$(cat /proc/cmdline)" "^klp-k11 reads by [0-9]*: 1$"
k11_read
assert_eq "read 4 by this shell, after a child's" "klp-k11 reads by $$: 4" "$k11_line"

klp_disable livepatch_k11_1
k11_read
assert_eq "klp-k11 line after disable" "" "$k11_line"
klp_unload livepatch_k11_1

# The shadows went with the post-unpatch callback: a fresh count.
klp_load /test/livepatch-k11_1.ko
klp_wait_transition livepatch_k11_1
k11_read
assert_eq "first read after reloading" "klp-k11 reads by $$: 1" "$k11_line"
klp_disable livepatch_k11_1
klp_unload livepatch_k11_1
