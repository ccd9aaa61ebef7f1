#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A function with alternatives: meminfo_proc_show() computes VMALLOC_TOTAL
# through pgtable_l5_enabled(), a static_cpu_has() (an .altinstructions
# entry with an .altinstr_aux fallback); the patch adds a KlpLa57: line
# from a second one. The module carries its own .altinstructions, which
# the kernel applies at load; both answers must agree.
set -eu
. /test/vm-lib.sh

p=livepatch_k18_1
ko=/test/livepatch-k18_1.ko
grep -q '\.rela\.altinstructions' "$ko" || vm_die "$ko has no .altinstructions section"
total=$(grep '^VmallocTotal:' /proc/meminfo)
assert_not_contains /proc/meminfo '^KlpLa57:'
klp_load $ko
klp_wait_transition $p
assert_contains /proc/meminfo '^KlpLa57: *[01]$'
la57=$(sed -n 's/^KlpLa57: *//p' /proc/meminfo)
kb=$(echo "$total" | tr -s ' ' | cut -d' ' -f2)
# 4-level paging: 32 TB of vmalloc space (13421772799 kB); 5-level: 12800 TB.
if [ "$kb" -gt 13421772799 ]; then want=1; else want=0; fi
assert_eq "KlpLa57 (VmallocTotal $kb kB)" "$want" "$la57"
assert_eq "VmallocTotal while patched" "$total" "$(grep '^VmallocTotal:' /proc/meminfo)"
klp_disable $p
assert_not_contains /proc/meminfo '^KlpLa57:'
assert_eq "VmallocTotal after disable" "$total" "$(grep '^VmallocTotal:' /proc/meminfo)"
klp_unload $p
