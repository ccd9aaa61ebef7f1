#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The differ on real 6.1 objects (test-fixtures/regression/): same exit
# code and exactly the same function lines as when the corpus was made.
#   tests/regression.sh BUILD_DIR
set -euo pipefail

build=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

for dir in "$top"/test-fixtures/regression/*/; do
	name=$(basename "$dir")
	rc=0
	${klp_wrap[@]+"${klp_wrap[@]}"} "$build/create-diff-object" "$dir/orig.o" "$dir/patched.o" "$scratch/out.o" \
		> "$scratch/out" 2> "$scratch/err" || rc=$?
	want=$(sed -n 's/^exit //p' "$dir/expected")
	got=$(grep -E '^(changed|new) function: ' "$scratch/out" | sort || true)
	exp=$(grep -E '^(changed|new) function: ' "$dir/expected" | sort || true)
	if grep -qE "$klp_bad_report" "$scratch/err"; then
		t_fail "regression/$name" "memory error or leak: $(grep -m 5 -E "$klp_bad_report" "$scratch/err")"
	elif [ "$rc" != "$want" ]; then
		t_fail "regression/$name" "exit $rc, want $want: $(head -3 "$scratch/err")"
	elif [ "$got" != "$exp" ]; then
		t_fail "regression/$name" "functions differ: $(diff <(echo "$exp") <(echo "$got") | grep '^[<>]' | tr '\n' ' ')"
	else
		t_pass "regression/$name"
	fi
	rm -f "$scratch/out.o"
done
