#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# create-diff-object over a list of object pairs, as klp-build runs it:
# each line of LIST is "SYMBOLS OBJECT_NAME ORIG.o PATCHED.o". Exit 0 and
# 3 (no change) are verdicts; any other exit is a finding, not the end of
# the measurement: its message goes to stderr and its pair to
# OUT_DIR/failed.
#   bench/cdo-run.sh CDO SYMVERS LIST OUT_DIR
set -euo pipefail

cdo=$1
symvers=$2
list=$3
out=$4
n=0
: > "$out/failed"
while read -r symbols object orig patched; do
	n=$((n + 1))
	rc=0
	"$cdo" --symbols "$symbols" --symvers "$symvers" --object "$object" \
		"$orig" "$patched" "$out/$n.o" > /dev/null 2> "$out/$n.err" || rc=$?
	if [ "$rc" != 0 ] && [ "$rc" != 3 ]; then
		printf 'cdo-run: %s: create-diff-object exit %s:\n' "$patched" "$rc" >&2
		cat "$out/$n.err" >&2
		printf '%s\n' "$patched" >> "$out/failed"
	fi
done < "$list"
