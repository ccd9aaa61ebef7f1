#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# klp-verify on small objects assembled here (the symbols and sizes a
# livepatch module, a stock module and an original object have) and a
# System.map written here: each check passes and fails as it should,
# with its message and exit status. tests/distro-verify.sh proves it
# on Debian's stock modules through klp-build --distro.
#   tests/klp-verify.sh BUILD_DIR
set -euo pipefail

build=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"

verify=$build/klp-verify
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# asm NAME TEXT: $scratch/NAME.o assembled from TEXT.
asm() {
	printf '%s\n' "$2" > "$scratch/$1.s"
	as --64 -o "$scratch/$1.o" "$scratch/$1.s"
}

# func NAME SIZE: a local function of SIZE bytes.
func() {
	printf '.type %s,@function\n%s:\n.skip %s\n.size %s, %s\n' "$1" "$1" "$2" "$1" "$2"
}

# The livepatch module: references to .klp.sym names, and a bar of its own.
klp_refs() {
	local s
	printf '.data\n'
	for s in "$@"; do
		printf '.quad "%s"\n' "$s"
	done
}

# Two local bars, as two files of a module have: joined by ld -r.
asm stock1 "$(printf '.text\n'; func bar 5; func baz 16)"
asm stock2 "$(printf '.text\n'; func bar 7)"
ld -r -o "$scratch/stock.o" "$scratch/stock1.o" "$scratch/stock2.o"
asm orig "$(printf '.text\n'; func bar 7; func baz 16)"
asm orig-other "$(printf '.text\n'; func bar 9; func baz 12)"
printf '%s\n' 'ffffffff81000000 T _stext' 'ffffffff81000100 t foo' \
	'ffffffff81000200 t foo' 'ffffffff81000300 T one' 'ffffffff81000400 U undef' > "$scratch/System.map"
map=$scratch/System.map

# expect NAME CODE ERE LIVEPATCH-SYMBOLS -- KLP-VERIFY-ARGS...
expect() {
	local name=$1 code=$2 re=$3 syms=() rc=0 err
	shift 3
	while [ "$1" != -- ]; do
		syms+=("$1")
		shift
	done
	shift
	asm "lp-$name" "$(klp_refs "${syms[@]}")"
	"$verify" "$@" "$scratch/lp-$name.o" > "$scratch/out" 2> "$scratch/err" || rc=$?
	err=$(cat "$scratch/err")
	if [ "$rc" != "$code" ]; then
		t_fail "klp-verify/$name" "exit $rc, want $code: $err"
	elif grep -q 'Sanitizer\|runtime error' "$scratch/err"; then
		t_fail "klp-verify/$name" "sanitizer report: $err"
	elif [ -s "$scratch/out" ]; then
		t_fail "klp-verify/$name" "wrote to stdout: $(cat "$scratch/out")"
	elif { [ -z "$re" ] && [ -n "$err" ]; } || { [ -n "$re" ] && ! grep -qE -- "$re" <<< "$err"; }; then
		t_fail "klp-verify/$name" "stderr does not match /$re/: $err"
	else
		t_pass "klp-verify/$name"
	fi
}

mod=(--map "$map" --module "m=$scratch/stock.o" --orig "m=$scratch/orig.o")
expect all-found 0 '' '.klp.sym.vmlinux.foo,2' '.klp.sym.vmlinux.one,0' '.klp.sym.m.bar,2' \
	'.klp.sym.m.baz,0' -- "${mod[@]}" --changed vmlinux:init/x.o:one --changed m:fs/m.o:baz
expect map-past-end 1 '^klp-verify: foo,3: 2 symbol\(s\) of this name in .*System.map; the module would not load' \
	'.klp.sym.vmlinux.foo,3' -- "${mod[@]}"
expect map-ambiguous 1 'foo,0: 2 symbol\(s\) of this name' '.klp.sym.vmlinux.foo,0' -- "${mod[@]}"
expect map-undefined-entry 1 'undef,0: 0 symbol\(s\) of this name' '.klp.sym.vmlinux.undef,0' -- "${mod[@]}"
expect ko-no-position 1 'bar,3: no symbol at that position in .*stock.o; the module would not load' \
	'.klp.sym.m.bar,3' -- "${mod[@]}"
expect ko-size 1 'bar of m is 9 bytes as compiled here but 7 in .*stock.o: the prepared source does not build what Debian shipped' \
	'.klp.sym.m.bar,2' -- --map "$map" --module "m=$scratch/stock.o" --orig "m=$scratch/orig-other.o"
expect ko-other-module 1 '^klp-verify: \.klp\.sym\.n\.bar,1: n is not a module this patch changes' \
	'.klp.sym.n.bar,1' -- "${mod[@]}"
expect map-function-missing 1 'patched function two is not in .*System.map: this image does not have it' \
	'.klp.sym.vmlinux.one,0' -- "${mod[@]}" --changed vmlinux:init/x.o:two
expect ko-function-missing 1 'patched function qux is not in .*stock.o: the stock m does not have it' \
	'.klp.sym.vmlinux.one,0' -- "${mod[@]}" --changed m:fs/m.o:qux
expect ko-function-size 1 'baz of fs/m.o is 12 bytes as compiled here but 16 in .*stock.o: .*\(another linux-source-6.1 or gcc\?\)' \
	'.klp.sym.vmlinux.one,0' -- --map "$map" --module "m=$scratch/stock.o" \
	--orig "m=$scratch/orig-other.o" --source-package linux-source-6.1 --changed m:fs/m.o:baz
expect ko-function-ambiguous-orig 1 'bar of fs/m.o is no bytes as compiled here but 5 7 in' \
	'.klp.sym.vmlinux.one,0' -- "${mod[@]}" --orig "m=$scratch/orig-other.o" --changed m:fs/m.o:bar
expect bad-klp-name 1 'klp\.sym\.vmlinux\.foo: not \.klp\.sym\.OBJ\.NAME,POS' '.klp.sym.vmlinux.foo' -- "${mod[@]}"
expect usage-changed 2 'expected NAME:OBJ:FUNC' '.klp.sym.vmlinux.one,0' -- "${mod[@]}" --changed vmlinux:one
expect usage-module 2 'expected NAME=PATH' '.klp.sym.vmlinux.one,0' -- --module m
expect unreadable-map 1 'nope' '.klp.sym.vmlinux.one,0' -- --map "$scratch/nope"
expect not-a-map 1 'is not "ADDRESS TYPE NAME"' '.klp.sym.vmlinux.one,0' -- --map "$scratch/stock1.s"
t_summary
