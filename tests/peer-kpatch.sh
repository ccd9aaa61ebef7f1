#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The peer corpus: kpatch's x86_64 unit-test objects (../shared/peer-tests,
# real kernel objects built by others), checked against the reference
# differ's results. A case may differ from the reference only where
# test-fixtures/peer-kpatch/deviations says so and why. Then, per included
# function, what each relocation names (build/tests/peer-relocs) against
# test-fixtures/peer-kpatch/relocs/CASE, derived from kpatch's own output,
# but for the functions test-fixtures/peer-kpatch/reloc-deviations argues.
#   tests/peer-kpatch.sh BUILD_DIR [CASE...]
set -euo pipefail

build=$(cd "$1" && pwd)
shift
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"

peer=${KLP_PEER_DIR:-$top/../shared/peer-tests/kpatch-unit-x86_64}
deviations=$top/test-fixtures/peer-kpatch/deviations
relocs=$top/test-fixtures/peer-kpatch/relocs
reloc_deviations=$top/test-fixtures/peer-kpatch/reloc-deviations
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

if [ ! -d "$peer/expected" ]; then
	t_fail peer/corpus "no peer corpus at $peer (shared/ must sit beside the checkout, or set KLP_PEER_DIR)"
	exit 0
fi

# struct alt_instr lost its padlen byte in 5.14 (13 bytes, then 12): the
# size whose entries hold the two relocations at offsets 0 and 4 (a
# wrong size has relocations straddle entries, which the differ refuses).
alt_size() {
	local o=$peer/objects/$1.PATCHED.o off far=0
	[ -f "$o" ] || o=$peer/objects/$1.PATCHED.FAIL.o
	while read -r off; do
		[ $((0x$off)) -lt 12 ] || far=1
		[ $((0x$off % 12)) = 0 ] || [ $((0x$off % 12)) = 4 ] || { echo 13; return; }
	done < <(readelf -rW "$o" | sed -n "/^Relocation section '.rela.altinstructions'/,/^$/s/^\([0-9a-f]\{16\}\) .*/\1/p")
	# One entry's relocations fit either size: 13, the corpus default.
	if [ "$far" = 1 ]; then echo 12; else echo 13; fi
}

# Entry sizes of the kernels these objects came from (see the corpus README).
# Not passed: __jump_table, which the differ tells from its relocation
# types (the README's default of 24 does not hold for every object), and
# .printk_index, which holds 8-byte pointers to entries elsewhere, not
# 44-byte entries, and is left out of the output.
size_args() {
	printf '%s\n' --entry-size .parainstructions=16 --entry-size __ex_table=12 \
		--entry-size __bug_table=12 --entry-size .altinstructions="$(alt_size "$1")" \
		--entry-size .orc_unwind=6 --entry-size .static_call_sites=8
	if [ -f "$peer/objects/$1.env" ] && grep -q '^JUMP_STRUCT_SIZE=16' "$peer/objects/$1.env"; then
		printf '%s\n' --entry-size __jump_table=16
	fi
}

# The expectation: the reference's, unless deviations gives an argued one.
expected_of() {
	local case=$1 line
	line=$(grep -E "^$case " "$deviations" 2>/dev/null | head -1 || true)
	if [ -n "$line" ]; then
		# "CASE exit N; changed A; new B # why": the argued result
		printf '%s\n' "${line#"$case" }" | sed 's/ *#.*//; s/; */\n/g'
	else
		cat "$peer/expected/$case"
	fi
}

run_case() {
	local case=$1 orig patched rc=0 want got exp
	orig=$peer/objects/$case.ORIG.o
	patched=$peer/objects/$case.PATCHED.o
	[ -f "$patched" ] || patched=$peer/objects/$case.PATCHED.FAIL.o
	mapfile -t sizes < <(size_args "$case")
	"$build/create-diff-object" "${sizes[@]}" "$orig" "$patched" "$scratch/$case.o" \
		> "$scratch/$case.out" 2> "$scratch/$case.err" || rc=$?
	exp=$(expected_of "$case")
	want=$(printf '%s\n' "$exp" | sed -n 's/^exit //p' | head -1)
	# The reference exits 2 for a refusal (or an error); ours is 5 for a
	# refusal, 1 for an error.
	[ "$want" != 2 ] || want=5
	got=$(sed -n 's/^\(changed\|new\) function: /\1 /p' "$scratch/$case.out" | sort)
	exp=$(printf '%s\n' "$exp" | grep -E '^(changed|new) ' | sort || true)
	if grep -q 'Sanitizer\|runtime error' "$scratch/$case.err"; then
		t_fail "peer/$case" "sanitizer report: $(head -5 "$scratch/$case.err")"
	elif [ "$rc" != "$want" ]; then
		t_fail "peer/$case" "exit $rc, want $want: $(head -3 "$scratch/$case.err")"
	elif [ "$rc" = 0 ] && [ "$got" != "$exp" ]; then
		t_fail "peer/$case" "functions differ: $(diff <(echo "$exp") <(echo "$got") | grep '^[<>]' | tr '\n' ' ')"
	elif [ "$rc" = 0 ] && ! readelf -h "$scratch/$case.o" > /dev/null 2>&1; then
		t_fail "peer/$case" "output is not a readable object"
	else
		t_pass "peer/$case"
		[ "$rc" != 0 ] || check_relocs "$case"
	fi
}

# argued CASE SIGN: the functions whose lines only ours (+) or only the
# reference (-) may have, one per line.
argued() {
	sed -n "s/^$1 $2\([^ ]*\) .*/\1/p" "$reloc_deviations"
}

# drop_argued FILE CASE SIGN: FILE's "+"/"-" diff lines but those of argued functions.
drop_argued() {
	local fn
	local -a fns
	mapfile -t fns < <(argued "$2" "$3")
	while IFS= read -r line; do
		fn=${line#? }
		fn=${fn%%+0x*}
		[[ " ${fns[*]} " == *" $fn "* ]] || printf '%s\n' "$line"
	done < "$1"
}

# check_relocs CASE: what each relocation of OUT.o's functions names.
check_relocs() {
	local case=$1 ref=$relocs/$1 bad
	if [ ! -f "$ref" ]; then
		t_fail "peer-relocs/$case" "no reference $ref"
		return
	fi
	if ! "$build/tests/peer-relocs" "$scratch/$case.o" | sort -u > "$scratch/$case.relocs"; then
		t_fail "peer-relocs/$case" "peer-relocs cannot read the output"
		return
	fi
	diff "$ref" "$scratch/$case.relocs" | sed -n 's/^</-/p; s/^>/+/p' > "$scratch/$case.rdiff" || true
	bad=$( (drop_argued <(grep '^+' "$scratch/$case.rdiff" || true) "$case" +
		drop_argued <(grep '^-' "$scratch/$case.rdiff" || true) "$case" -) | tr '\n' ';')
	if [ -n "$bad" ]; then
		t_fail "peer-relocs/$case" "relocations name other symbols (- reference, + ours): ${bad:0:600}"
	else
		t_pass "peer-relocs/$case"
	fi
}

if [ "$#" -gt 0 ]; then
	cases=("$@")
else
	mapfile -t cases < <(cd "$peer/expected" && ls)
fi
for case in "${cases[@]}"; do
	run_case "$case"
done
