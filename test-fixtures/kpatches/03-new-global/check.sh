#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A new global variable: the patch adds klp_loadavg_reads, which the
# patched loadavg_proc_show() increments and prints on each read. It
# lives in the livepatch, starts at zero and keeps its value between
# reads: 1, 2, 3 for three reads of /proc/loadavg.
set -eu
. /test/vm-lib.sh

p=livepatch_k03_1
loadavg_re='^[0-9]*\.[0-9][0-9] [0-9]*\.[0-9][0-9] [0-9]*\.[0-9][0-9] [0-9]*/[0-9]* [0-9]*$'
before=$(cat /proc/loadavg)
assert_contains "$before" "$loadavg_re"
assert_eq "lines of /proc/loadavg" 1 "$(wc -l </proc/loadavg)"
klp_load /test/livepatch-k03_1.ko
klp_wait_transition $p
for n in 1 2 3; do
	out=$(cat /proc/loadavg)
	assert_contains "$(echo "$out" | sed -n 1p)" "$loadavg_re"
	assert_eq "read $n, line 2" "klp-build reads: $n" "$(echo "$out" | sed -n 2p)"
done
klp_disable $p
assert_eq "lines of /proc/loadavg after disable" 1 "$(wc -l </proc/loadavg)"
assert_not_contains "$(cat /proc/loadavg)" "klp-build"
klp_unload $p
