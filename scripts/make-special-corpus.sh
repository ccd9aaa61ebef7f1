#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Regenerates the objects of test-fixtures/special/: for each case, the
# object named in its `object` file compiled from the 6.1 test tree the
# way klp-build compiles it, as is (orig.o) and with the case's
# change.patch applied to a copy of the source (patched.o), then the
# differ's exit status and function lines (`expected`).  Review the diff
# of the expected files after a run; `checks` is written by hand.
#   scripts/make-special-corpus.sh [CASE...]
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
corpus=$top/test-fixtures/special
# shellcheck source=scripts/kbuild-compile.sh
. "$top/scripts/kbuild-compile.sh"

# patched_source DIR SRC PATCH: SRC of the tree with PATCH, in DIR.
patched_source() {
	local dir=$1 src=$2 patch=$3
	mkdir -p "$dir/$(dirname "$src")"
	cp "$tree/$src" "$dir/$src"
	patch -s -d "$dir" -p1 < "$patch"
	# __FILE__ stays the tree's path.
	{ printf '#line 1 "%s"\n' "$src"; cat "$dir/$src"; } > "$dir/$(basename "$src")"
	printf '%s\n' "$dir/$(basename "$src")"
}

one_case() {
	local dir=$1 obj src copy rc=0
	obj=$(cat "$dir/object")
	src=$(source_of "$obj")
	kbuild_compile "$obj" "$src" "$dir/orig.o"
	copy=$(patched_source "$work/$(basename "$dir")" "$src" "$dir/change.patch")
	kbuild_compile "$obj" "$copy" "$dir/patched.o"
	"$top/build/create-diff-object" "$dir/orig.o" "$dir/patched.o" "$work/out.o" \
		> "$work/stdout" 2> "$work/stderr" || rc=$?
	{
		echo "# $obj with change.patch"
		echo "exit $rc"
		grep -E '^(changed|new) function: ' "$work/stdout" || true
	} > "$dir/expected"
	cat "$work/stderr" >&2
}

main() {
	local d dirs=()
	tree=$("$top/testbed/build-kernel.sh" 2> /dev/null)
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
	if [ "$#" -gt 0 ]; then
		for d in "$@"; do dirs+=("$corpus/$d"); done
	else
		for d in "$corpus"/*/; do dirs+=("${d%/}"); done
	fi
	for d in "${dirs[@]}"; do
		echo "special: $(basename "$d")" >&2
		one_case "$d"
	done
}

main "$@"
