#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The differ's peak RSS per object, self-diffs run as klp-build runs
# them (--symbols the vmlinux or module the object is linked into), and
# with KPATCH_CDO kpatch's create-diff-object on the same object right
# after, run as kpatch-build runs it (the vmlinux's `readelf -s --wide`
# as its symbol table, the special-section sizes of the 6.1 tree in its
# environment). LIST has cdo-run.sh's lines; one output line per object:
# "OBJECT OURS_KIB KPATCH_KIB" (KPATCH_KIB "-" without KPATCH_CDO).
#   bench/cdo-rss.sh CDO SYMVERS LIST OUT_DIR [KPATCH_CDO SYMTAB]
set -euo pipefail

cdo=$1
symvers=$2
list=$3
out=$4
kpatch=${5:-}
symtab=${6:-}

# peak CMD...: its peak RSS in KiB; exit 0 and 3 (no change) are verdicts.
peak() {
	local rc=0
	/usr/bin/time -f '%M' -o "$out/rss" "$@" > /dev/null 2> "$out/rss.err" || rc=$?
	if [ "$rc" != 0 ] && [ "$rc" != 3 ]; then
		printf 'cdo-rss: %s: exit %s:\n' "$*" "$rc" >&2
		cat "$out/rss.err" >&2
		return 1
	fi
	tail -n 1 "$out/rss"
}

# kpatch-build's sizes for x86_64 6.1 (struct alt_instr, bug_entry, ...).
export ALT_STRUCT_SIZE=12 BUG_STRUCT_SIZE=12 EX_STRUCT_SIZE=12 JUMP_STRUCT_SIZE=16 \
	ORC_STRUCT_SIZE=6 PARA_STRUCT_SIZE=16 STATIC_CALL_STRUCT_SIZE=8 \
	PRINTK_INDEX_STRUCT_SIZE=44

while read -r symbols object orig patched; do
	ours=$(peak "$cdo" --symbols "$symbols" --symvers "$symvers" --object "$object" \
		"$orig" "$patched" "$out/rss.o")
	theirs=-
	if [ -n "$kpatch" ]; then
		theirs=$(peak "$kpatch" "$orig" "$patched" "$object" "$symtab" "$symvers" \
			bench_rss "$out/rss-kpatch.o")
	fi
	printf '%s %s %s\n' "$orig" "$ours" "$theirs"
done < "$list"
