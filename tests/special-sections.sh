#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Special sections on real 6.1 objects (test-fixtures/special/, built by
# scripts/make-special-corpus.sh): the differ's exit status and function
# lines are the recorded ones, and each directive of the case's `checks`
# file holds on out.o (format: test-fixtures/special/README.md).
#   tests/special-sections.sh BUILD_DIR [CASE...]
set -euo pipefail

build=$(cd "$1" && pwd)
shift
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# relocs OBJ SEC: "OFFSET SYMBOL" of each relocation of SEC (hex offset).
relocs() {
	readelf -rW "$1" | awk -v want=".rela$2" '
		/^Relocation section/ { sec = $3; gsub(/\047/, "", sec); next }
		sec == want && NF >= 5 && $1 ~ /^[0-9a-f]+$/ { print $1, $5 }'
}

# sec_size OBJ SEC: the bytes of every section named SEC, added up.
sec_size() {
	local hex n=0
	for hex in $(readelf -SW "$1" | awk -v want="$2" '
		{ sub(/^ *\[ *[0-9]+\] /, "") } $1 == want { print $5 }'); do
		n=$((n + 16#$hex))
	done
	echo "$n"
}

# The function a relocation's symbol is in: .text.f, .text.unlikely.f, f.cold -> f.
func_of() {
	sed -E 's/^\.text\.(unlikely\.)?//; s/\.cold$//'
}

# included_entries OBJ SEC SIZE FIELD: entries of SEC whose relocation at
# FIELD points into an included function.
included_entries() {
	relocs "$1" "$2" | while read -r off sym; do
		off=$((16#$off))
		[ $((off % $3)) = "$4" ] || continue
		if grep -qxF -- "$(func_of <<< "$sym")" "$scratch/funcs"; then
			echo "$off"
		fi
	done | sort -u | wc -l
}

# check_entries SEC SIZE: out.o has only entries for included functions,
# and exactly as many as patched.o has for them.
check_entries() {
	local sec=$1 size=$2 n_out kept want
	n_out=$(( $(sec_size "$scratch/out.o" "$sec") / size ))
	kept=$(included_entries "$scratch/out.o" "$sec" "$size" 0)
	want=$(included_entries "$dir/patched.o" "$sec" "$size" 0)
	if [ "$n_out" -gt 0 ] && [ "$n_out" = "$kept" ] && [ "$kept" = "$want" ]; then
		return 0
	fi
	echo "$sec: out.o has $n_out entries, $kept of them for included functions; patched.o has $want"
}

# check_refs SEC SIZE FIELD ERE: every entry's relocation at FIELD names a
# symbol matching ERE.
check_refs() {
	local n_out bad
	n_out=$(( $(sec_size "$scratch/out.o" "$1") / $2 ))
	bad=$(relocs "$scratch/out.o" "$1" | while read -r off sym; do
		[ $((16#$off % $2)) = "$3" ] && ! grep -qE -- "$4" <<< "$sym" && echo "$sym"
	done || true)
	local n_field
	n_field=$(relocs "$scratch/out.o" "$1" | while read -r off _; do
		[ $((16#$off % $2)) = "$3" ] && echo; done | wc -l)
	[ -z "$bad" ] && [ "$n_field" = "$n_out" ] && return 0
	echo "$1: field +$3 of $n_field/$n_out entries, off target: $bad"
}

# One directive of a checks file; prints why it fails.
check_one() {
	local what=$1
	shift
	case $what in
	entries) check_entries "$@" ;;
	refs) check_refs "$@" ;;
	orc)
		[ "$(( $(sec_size "$scratch/out.o" .orc_unwind) / 6 ))" = \
			"$(( $(sec_size "$scratch/out.o" .orc_unwind_ip) / 4 ))" ] ||
			echo ".orc_unwind and .orc_unwind_ip differ in entries"
		check_entries .orc_unwind_ip 4
		;;
	size)
		[ "$(sec_size "$scratch/out.o" "$1")" = "$2" ] ||
			echo "$1: $(sec_size "$scratch/out.o" "$1") bytes, want $2"
		;;
	absent)
		! readelf -SW "$scratch/out.o" | grep -qE -- "\] $1" ||
			echo "a section matching $1 is in out.o"
		;;
	stdout)
		grep -qE -- "$1" "$scratch/stdout" || echo "no stdout line matches $1"
		;;
	*) echo "unknown directive $what" ;;
	esac
}

run_case() {
	local dir=$1 name rc=0 want got exp why='' line
	name=$(basename "$dir")
	"$build/create-diff-object" "$dir/orig.o" "$dir/patched.o" "$scratch/out.o" \
		> "$scratch/stdout" 2> "$scratch/stderr" || rc=$?
	want=$(sed -n 's/^exit //p' "$dir/expected")
	got=$(grep -E '^(changed|new) function: ' "$scratch/stdout" | sort || true)
	exp=$(grep -E '^(changed|new) function: ' "$dir/expected" | sort || true)
	sed -n 's/^\(changed\|new\) function: //p' "$scratch/stdout" > "$scratch/funcs"
	if grep -q 'Sanitizer\|runtime error' "$scratch/stderr"; then
		why="sanitizer report: $(head -3 "$scratch/stderr")"
	elif [ "$rc" != "$want" ]; then
		why="exit $rc, want $want: $(head -3 "$scratch/stderr")"
	elif [ "$got" != "$exp" ]; then
		why="functions: $(diff <(echo "$exp") <(echo "$got") | grep '^[<>]' | tr '\n' ' ')"
	elif [ "$rc" = 0 ]; then
		while read -r -a line; do
			if [ "${#line[@]}" = 0 ] || [[ ${line[0]} == \#* ]]; then
				continue
			fi
			why+=$(check_one "${line[@]}")
		done < "$dir/checks"
	fi
	if [ -n "$why" ]; then
		t_fail "special/$name" "$why"
	else
		t_pass "special/$name"
	fi
	rm -f "$scratch/out.o"
}

if [ "$#" -gt 0 ]; then
	for c in "$@"; do run_case "$top/test-fixtures/special/$c"; done
else
	for d in "$top"/test-fixtures/special/*/; do run_case "${d%/}"; done
fi
t_summary
