#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# --debug names the source line of each changed function's first
# difference when the objects have DWARF (test-fixtures/srcline, built
# with -g), and only the offset when they have none.
#   tests/debug-srcline.sh BUILD_DIR
set -euo pipefail

build=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"

fix=$top/test-fixtures/srcline
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
read -r -a cflags < "$top/test-fixtures/diff/cflags"

# build DIR EXTRA_FLAGS...: orig.o and patched.o, each from DIR/V/fixture.c.
build_pair() {
	local dir=$1 v
	shift
	for v in orig patched; do
		mkdir -p "$dir/$v"
		cp "$fix/$v.c" "$dir/$v/fixture.c"
		(cd "$dir/$v" && gcc "${cflags[@]}" "$@" -I "$top/test-fixtures/diff/include" \
			-c fixture.c -o ../$v.o)
	done
	"$build/create-diff-object" --debug "$dir/orig.o" "$dir/patched.o" "$dir/out.o" \
		> "$dir/stdout" 2> "$dir/stderr"
}

build_pair "$scratch/g" -g
# sum's first difference is the constant of `s ^= ...`, line 10: the
# decoded instruction holding it, not the byte.
if grep -qE 'compare: sum changed, first difference at offset 0x[0-9a-f]+: xor eax, 0x77 \(.*/fixture\.c:10\)$' "$scratch/g/stderr"; then
	t_pass debug-srcline/line
else
	t_fail debug-srcline/line "$(grep 'compare:' "$scratch/g/stderr" | tr '\n' ' ')"
fi
# scale grows: its first difference is still a line of scale (19-24).
if grep -qE 'compare: scale changed, first difference at offset 0x[0-9a-f]+: [a-z][^(]* \(.*/fixture\.c:(19|2[0-4])\)$' "$scratch/g/stderr"; then
	t_pass debug-srcline/resized
else
	t_fail debug-srcline/resized "$(grep 'compare:' "$scratch/g/stderr" | tr '\n' ' ')"
fi

build_pair "$scratch/nog"
if grep -qE 'compare: sum changed, first difference at offset 0x[0-9a-f]+: xor eax, 0x77$' "$scratch/nog/stderr" &&
	grep -qx 'changed function: sum' "$scratch/nog/stdout"; then
	t_pass debug-srcline/no-dwarf
else
	t_fail debug-srcline/no-dwarf "$(head -c 400 "$scratch/nog/stderr")"
fi
t_summary
