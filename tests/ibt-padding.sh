#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# IBT kernels, without a kernel: create-diff-object keeps the 16 bytes
# of call padding before a changed function (test-fixtures/ibt/padded.c
# compiled as CALL_PADDING kernels compile), and klp-build-ibt.sh, the
# static ENDBR check klp-build runs on modules for IBT kernels, accepts
# the output and rejects the same code without endbr64. An alias of a
# padded function is placed after the padding too; a changed function
# with a runtime constant (test-fixtures/ibt/runtime-const.c) is refused.
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

# An alias of the changed function (SYSCALL_DEFINE's __do_sys_NAME)
# starts where it does, after the padding.
alias_after_padding() {
	local at
	compile "$scratch/alias-orig.o" -fcf-protection=branch -DALIAS
	compile "$scratch/alias-patched.o" -fcf-protection=branch -DALIAS -DPATCHED
	"${klp_wrap[@]}" "$build/create-diff-object" "$scratch/alias-orig.o" \
		"$scratch/alias-patched.o" "$scratch/alias-out.o" > /dev/null
	read -r at _ < <(sym_at "$scratch/alias-out.o" show_value_alias)
	[ "$((16#${at:-0}))" = 16 ] || { echo "show_value_alias at 0x${at:-none}, not after the padding"; return 1; }
}

# A changed function with a runtime constant (runtime_ptr_NAME, 6.11+)
# is refused, named with the constant.
runtime_const_refused() {
	local src=$top/test-fixtures/ibt/runtime-const.c rc=0
	gcc "${flags[@]}" -o "$scratch/rc-orig.o" "$src"
	gcc "${flags[@]}" -DPATCHED -o "$scratch/rc-patched.o" "$src"
	"${klp_wrap[@]}" "$build/create-diff-object" "$scratch/rc-orig.o" "$scratch/rc-patched.o" \
		"$scratch/rc-out.o" > /dev/null 2> "$scratch/rc.err" || rc=$?
	[ "$rc" = 5 ] || { echo "exit $rc, want 5: $(cat "$scratch/rc.err")"; return 1; }
	grep -q 'klp_fixture_limit: uses the runtime constant KLP_FIXTURE_MAX (runtime_ptr_KLP_FIXTURE_MAX)' "$scratch/rc.err" ||
		{ echo "no refusal of klp_fixture_limit: $(cat "$scratch/rc.err")"; return 1; }
}

t_check ibt/differ-output diff_padded
t_check ibt/padding-kept padding_kept
t_check ibt/klp-call-aimed call_aimed
t_check ibt/alias-after-padding alias_after_padding
t_check ibt/runtime-const-refused runtime_const_refused
# The differ's output has its address taken (klp_fixture_show) and endbr64.
t_check ibt/endbr-accepted "$check" "$scratch/out.o"
compile "$scratch/no-endbr.o" -fcf-protection=none
if out=$("$check" "$scratch/no-endbr.o" 2>&1); then
	t_fail ibt/endbr-missing-rejected "klp-build-ibt.sh accepted a taken function without endbr64: $out"
else
	t_check ibt/endbr-missing-rejected grep -q 'show_value: address taken.*does not start with endbr64' <<< "$out"
fi
t_summary
