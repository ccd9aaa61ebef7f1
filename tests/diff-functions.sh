#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# create-diff-object --functions: the records klp-build reads in place of
# the stdout lines (changed, new, through, alias; empty on no change).
#   tests/diff-functions.sh BUILD_DIR
set -euo pipefail

build=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
fix=$top/test-fixtures/diff
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"

scratch=$(mktemp -d "${TMPDIR:-/tmp}/klp-diff-functions.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
read -r -a cflags < "$fix/cflags"

# compile CASE: orig.o and patched.o of a differ fixture, built as its runner does.
compile() {
	local side
	for side in orig patched; do
		mkdir -p "$scratch/$1/$side"
		cp "$fix/$1/$side.c" "$scratch/$1/$side/fixture.c"
		(cd "$scratch/$1/$side" && gcc "${cflags[@]}" -I "$fix/include" -c fixture.c)
	done
}

# check CASE RC RECORDS: the differ exits RC and writes exactly RECORDS.
check() {
	local d=$scratch/$1 rc=0
	compile "$1"
	"${klp_wrap[@]}" "$build/create-diff-object" --functions "$d/functions" \
		"$d/orig/fixture.o" "$d/patched/fixture.o" "$d/out.o" \
		> "$d/stdout" 2> "$d/stderr" || rc=$?
	if [ "$rc" != "$2" ]; then
		t_fail "functions-$1" "exit $rc, expected $2: $(cat "$d/stderr")"
	elif [ ! -f "$d/functions" ]; then
		t_fail "functions-$1" "no --functions file written"
	elif [ "$(cat -A "$d/functions")" != "$(printf '%b' "$3" | cat -A)" ]; then
		t_fail "functions-$1" "records: $(cat -A "$d/functions")"
	else
		t_pass "functions-$1"
	fi
}

check 02-new-function 0 'new\tclamp_value\t\t\nchanged\tcompute\t\t\n'
check 48-notrace-two-callers 0 'changed\tentry_a\tdo_work\t\nchanged\tentry_b\tdo_work\t\n'
check 51-alias-one-function 0 'changed\tx64_getppid\t\tdo_getppid\n'
check 04-identical 3 ''

# The records file is an output of its own: never OUT.o.
d=$scratch/02-new-function
rc=0
"$build/create-diff-object" --functions "$d/out.o" "$d/orig/fixture.o" \
	"$d/patched/fixture.o" "$d/out.o" > /dev/null 2> "$d/stderr" || rc=$?
if [ "$rc" = 2 ] && grep -q -- '--functions .*name a file of its own' "$d/stderr"; then
	t_pass functions-same-as-out
else
	t_fail functions-same-as-out "exit $rc: $(cat "$d/stderr")"
fi
t_summary
