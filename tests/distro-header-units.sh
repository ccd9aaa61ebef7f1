#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# klp-build --distro's choice of the units a header patch reaches (the
# units whose DWARF has a changed function), checked against a full
# scan on a sample: ep_op_has_event() of include/linux/eventpoll.h.
# Four units of Debian's 6.1 config include that header (the tree's
# only #include lines of it, none in another header), and the line
# tables of all four name it; two use the function. KLP_HEADER_UNITS=named rebuilds all four: every
# object whose code the patch changes (create-diff-object finds a
# change) must be one klp-build chooses by default, and the default
# must choose fewer.
#   tests/distro-header-units.sh BUILD_DIR
# Part of make check-distro (tests/check-distro.sh prints the summary);
# run after its suite has made the release's units index.
set -euo pipefail

build=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"

export KLP_TOOLS_DIR=$build
patch=$top/test-fixtures/distro-header-units/ep_op_has_event.patch
header=include/linux/eventpoll.h
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
# klp-build -k keeps its scratch directory in here.
export TMPDIR=$scratch

# build_units MODE: klp-build with KLP_HEADER_UNITS=MODE; prints its
# kept scratch directory.
build_units() {
	local rc=0
	KLP_HEADER_UNITS=$1 "$top/kmod-builder/klp-build" --distro -k -v -o "$scratch/out-$1" \
		-n hu "$patch" > "$scratch/$1.stdout" 2> "$scratch/$1.stderr" || rc=$?
	if [ "$rc" != 0 ]; then
		echo "klp-build (KLP_HEADER_UNITS=$1) exited $rc:" >&2
		tail -n 20 "$scratch/$1.stderr" >&2
		return 1
	fi
	sed -n 's/^klp-build: scratch directory kept: //p' "$scratch/$1.stderr"
}

# The objects klp-build rebuilt (from -v's "unit chosen:" lines).
chosen_objects() {
	sed -n 's/^unit chosen: [^ ]* \([^ ]*\)\.c .*/\1.o/p' "$scratch/$1.stderr" | LC_ALL=C sort
}

# Those of objects $2... in kept scratch directory $1 in which
# create-diff-object found a change (exit 0; 3 is no change).
changed_objects() {
	local dir=$1 obj
	shift
	for obj in "$@"; do
		[ "$(cat "$dir/diff/${obj//\//_}.rc")" != 0 ] || printf '%s\n' "$obj"
	done
}

main() {
	local named exact all chosen changed missed
	if ! named=$(build_units named) || ! exact=$(build_units functions); then
		t_fail distro-header-units "klp-build failed (above)"
		t_summary
		return
	fi
	all=$(chosen_objects named)
	chosen=$(chosen_objects functions)
	# shellcheck disable=SC2086 # object paths have no blanks
	changed=$(changed_objects "$named" $all)
	missed=$(LC_ALL=C comm -23 <(printf '%s\n' "$changed") <(printf '%s\n' "$chosen"))
	if [ -z "$changed" ]; then
		t_fail distro-header-units "no object changed in the full scan of $header: the sample proves nothing"
	elif [ -n "$missed" ]; then
		t_fail distro-header-units "changed but not chosen: $missed"
	elif [ "$(wc -l <<< "$chosen")" -ge "$(wc -l <<< "$all")" ]; then
		t_fail distro-header-units "the function-level choice ($chosen) is no smaller than the full scan ($all)"
	else
		printf '     %s unit(s) name %s, %s changed, %s chosen: none missed\n' \
			"$(wc -l <<< "$all")" "$header" "$(wc -l <<< "$changed")" "$(wc -l <<< "$chosen")"
		t_pass distro-header-units
	fi
	rm -rf "$named" "$exact"
}

main
