#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Regenerates test-fixtures/regression/ from the klp-build suite: for each
# patch of test-fixtures/kpatches/, the original and patched objects
# klp-build compiled from the 6.1 test tree, and what the differ said of
# them in that run (whose module the suite proves in the VM). A pair
# klp-build found identical is as the compiler left it (objtool runs on
# the pairs that differ only; the committed pairs predate that). Run
# after a change to the cases; review the diff of the expected files.
#   scripts/make-regression-corpus.sh [CASE...]
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
corpus=$top/test-fixtures/regression
max_bytes=$((400 * 1024))

# record DIR CASE_PATCH OBJ: one pair with its expected result.
record() {
	local scratch=$1 name=$2 obj=$3 dest rc=3 key
	key=${obj//\//_}
	[ "$(stat -c %s "$scratch/orig/$obj")" -le "$max_bytes" ] || return 0
	dest=$corpus/$name--${key%.o}
	mkdir -p "$dest"
	cp "$scratch/orig/$obj" "$dest/orig.o"
	cp "$scratch/patched/$obj" "$dest/patched.o"
	[ -f "$scratch/diff/$key.o" ] && rc=0
	grep -q 'unsafe change' "$scratch/diff/$key.stderr" 2> /dev/null && rc=1
	{
		echo "# from test-fixtures/kpatches/${name%%_*}, object $obj"
		echo "exit $rc"
		grep -E '^(changed|new) function: ' "$scratch/diff/$key.stdout" 2> /dev/null || true
	} > "$dest/expected"
}

one_patch() {
	local case_dir=$1 patch=$2 name scratch obj
	name=$(basename "$case_dir")_$(basename "$patch" .patch)
	scratch=$("$top/kmod-builder/klp-build" -k -s "$tree" -o "$work/out" "$patch" 2>&1 |
		sed -n 's/.*scratch directory kept: //p' | tail -1) || true
	[ -n "$scratch" ] && [ -d "$scratch/orig" ] || return 0
	while IFS= read -r obj; do
		[ -f "$scratch/patched/$obj" ] && record "$scratch" "$name" "$obj"
	done < <(cd "$scratch/orig" && find . -name '*.o' | sed 's|^\./||')
	rm -rf "$scratch"
}

main() {
	local case_dir p cases=()
	tree=$("$top/testbed/build-kernel.sh")
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
	if [ "$#" -gt 0 ]; then
		for p in "$@"; do cases+=("$top/test-fixtures/kpatches/$p"); done
	else
		cases=("$top"/test-fixtures/kpatches/[0-9]*)
	fi
	for case_dir in "${cases[@]}"; do
		for p in "$case_dir"/*.patch; do
			one_patch "$case_dir" "$p"
		done
	done
}

main "$@"
