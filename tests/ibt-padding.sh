#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# IBT kernels, without a kernel: create-diff-object keeps the 16 bytes
# of call padding before a changed function (test-fixtures/ibt/padded.c
# compiled as CALL_PADDING kernels compile), and klp-build-ibt.sh, the
# static ENDBR check klp-build runs on modules for IBT kernels, accepts
# the output and rejects the same code without endbr64.
#   tests/ibt-padding.sh BUILD_DIR
set -euo pipefail

build=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
src=$top/test-fixtures/ibt/padded.c
check=$top/kmod-builder/klp-build-ibt.sh
flags=(-O2 -c -ffunction-sections -fdata-sections -fno-pic -mcmodel=kernel -mfentry -pg)

# compile OUT CET_FLAG [-DPATCHED]
compile() {
	local out=$1 cet=$2
	shift 2
	gcc "${flags[@]}" "$cet" -fpatchable-function-entry=16,16 "$@" -o "$out" "$src"
}

# "VALUE SECTION" of symbol $2 in ELF $1 (hex value).
sym_at() {
	readelf -sW "$1" | awk -v s="$2" '$8 == s { print $2, $7 }'
}

# The 16 bytes before show_value in the differ's output are its padding.
padding_kept() {
	local out=$scratch/out.o at sec off
	read -r at sec < <(sym_at "$out" show_value)
	[ "$((16#$at))" = 16 ] || { echo "show_value at 0x$at, not after 16 bytes of padding"; return 1; }
	off=$(readelf -SW "$out" | sed -n "s/^ *\[ *$sec\] //p" | awk '{ print $4 }')
	[ "$(od -An -v -tx1 -j "$((16#$off))" -N 16 "$out" | tr -d ' \n')" = "$(printf '90%.0s' {1..16})" ] ||
		{ echo "the 16 bytes before show_value are not the NOPs of its padding"; return 1; }
}

diff_padded() {
	compile "$scratch/orig.o" -fcf-protection=branch
	compile "$scratch/patched.o" -fcf-protection=branch -DPATCHED
	"${klp_wrap[@]}" "$build/create-diff-object" "$scratch/orig.o" "$scratch/patched.o" "$scratch/out.o" > "$scratch/cdo.out"
	grep -qx 'changed function: show_value' "$scratch/cdo.out"
}

# The call to helper (a klp record, no relocation until klp-convert)
# targets show_value itself, so that objtool finds a function there.
call_aimed() {
	objdump -d --no-show-raw-insn "$scratch/out.o" |
		awk '/<show_value>:$/ { f = 1; next } /^$/ { f = 0 } f && /call/' > "$scratch/calls"
	grep -q 'call.*<show_value>$' "$scratch/calls" ||
		{ echo "no call aimed at show_value: $(cat "$scratch/calls")"; return 1; }
}

t_check ibt/differ-output diff_padded
t_check ibt/padding-kept padding_kept
t_check ibt/klp-call-aimed call_aimed
# The differ's output has its address taken (klp_fixture_show) and endbr64.
t_check ibt/endbr-accepted "$check" "$scratch/out.o"
compile "$scratch/no-endbr.o" -fcf-protection=none
if out=$("$check" "$scratch/no-endbr.o" 2>&1); then
	t_fail ibt/endbr-missing-rejected "klp-build-ibt.sh accepted a taken function without endbr64: $out"
else
	t_check ibt/endbr-missing-rejected grep -q 'show_value: address taken.*does not start with endbr64' <<< "$out"
fi
t_summary
