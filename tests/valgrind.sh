#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make check-valgrind`: the differ and klp-convert under valgrind
# memcheck, no memory error and no leak (definite, indirect or possible)
# allowed: the differ on the bad inputs, the fixture pairs, the
# regression pairs and the fuzz crash inputs; klp-convert on the modules
# of test-fixtures/fuzz/seeds/, --finalize on klp-build's unfinalized
# ones and standalone on the hand-written ones, and on the crash inputs.
#   tests/valgrind.sh BUILD_DIR
set -euo pipefail

build=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
export KLP_VALGRIND=1
# valgrind runs the tools some ten times slower.
export KLP_DIFF_TIMEOUT=120
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"

seeds=$top/test-fixtures/fuzz/seeds
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# convert NAME ARGS...: klp-convert under valgrind must succeed, clean.
convert() {
	local name=$1 rc=0
	shift
	"${klp_wrap[@]}" "$build/klp-convert" "$@" "$scratch/out.ko" \
		> "$scratch/out" 2> "$scratch/err" || rc=$?
	if grep -qE "$klp_bad_report" "$scratch/err"; then
		t_fail "valgrind/klp-convert/$name" "memory error or leak: $(grep -m 5 -E "$klp_bad_report" "$scratch/err")"
	elif [ "$rc" -ne 0 ]; then
		t_fail "valgrind/klp-convert/$name" "exit $rc: $(head -3 "$scratch/err")"
	else
		t_pass "valgrind/klp-convert/$name"
	fi
	rm -f "$scratch/out.ko"
}

command -v valgrind > /dev/null || {
	t_fail valgrind/installed "no valgrind; run scripts/install-deps.sh"
	t_summary
}
cd "$top"
"$top/tests/bad-input.sh" "$build"
"$top/tests/diff-fixtures.sh" "$build"
"$top/tests/regression.sh" "$build"
"$top/tests/fuzz-regression.sh" "$build"
for ko in "$seeds"/prefinal-*.ko; do
	convert "finalize-$(basename "$ko" .ko)" --finalize "$ko"
done
for ko in "$seeds"/livepatch-kc-*.ko; do
	convert "standalone-$(basename "$ko" .ko)" --symbols "$seeds/vmlinux-syms" "$ko"
done
t_summary
