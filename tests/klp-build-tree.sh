#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# klp-build never changes the user's tree: after a success, a failure,
# and a SIGINT in each phase, every file of the tree has the size, mtime,
# ctime and mode it had, no file came or went, and an interrupted run
# leaves no scratch directory behind.
#   tests/klp-build-tree.sh BUILD_DIR
set -euo pipefail

build=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"

klp_build=$top/kmod-builder/klp-build
good=$top/test-fixtures/kpatches/01-proc-string/1.patch
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export KLP_TOOLS_DIR=$build

snapshot() {
	find "$tree" -printf '%P\t%s\t%T@\t%C@\t%m\n' | sort
}

check_tree() {
	local name=$1
	if snapshot | cmp -s - "$scratch/before"; then
		t_pass "klp-build-tree/$name"
	else
		t_fail "klp-build-tree/$name" "the tree changed: $(snapshot | diff "$scratch/before" - | head -5)"
	fi
}

# A patch that applies but does not compile.
broken_patch() {
	sed 's/seq_puts(m, "klp-build was here\\n");/seq_puts(m, "x") syntax error;/' "$good"
}

run_success() {
	if "$klp_build" -s "$tree" -o "$scratch/out" "$good" > "$scratch/log" 2>&1; then
		check_tree success
	else
		t_fail klp-build-tree/success "klp-build failed: $(tail -5 "$scratch/log")"
	fi
}

run_failure() {
	broken_patch > "$scratch/broken.patch"
	if "$klp_build" -s "$tree" -o "$scratch/out" "$scratch/broken.patch" > "$scratch/log" 2>&1; then
		t_fail klp-build-tree/failure "a patch that does not compile was built"
	else
		check_tree failure
	fi
}

# interrupt PHASE: Ctrl-C as soon as klp-build announces phase PHASE.
# As a terminal does, SIGINT goes to the whole process group (compilers,
# make); job control gives klp-build a group of its own, without which a
# background job would start with SIGINT ignored.
interrupt() {
	local n=$1 tmp=$scratch/tmp-$1 pid rc=0
	mkdir -p "$tmp"
	set -m
	TMPDIR=$tmp "$klp_build" -s "$tree" -o "$scratch/out-int" "$good" \
		> /dev/null 2> "$scratch/int-$n.log" &
	pid=$!
	set +m
	for _ in $(seq 600); do
		grep -q "\[$n/5\]" "$scratch/int-$n.log" && break
		sleep 0.02
	done
	kill -INT -- "-$pid" 2> /dev/null || true
	wait "$pid" || rc=$?
	if [ "$rc" -eq 0 ]; then
		t_fail "klp-build-tree/sigint-phase-$n" "finished before the signal (at: $(tail -1 "$scratch/int-$n.log"))"
	elif [ -n "$(ls -A "$tmp")" ]; then
		t_fail "klp-build-tree/sigint-phase-$n" "left $(ls "$tmp") in TMPDIR"
	else
		check_tree "sigint-phase-$n"
	fi
}

# Two patches to two files: each file still gets its #line resyncs, so
# that only the patched function changes.
run_two_patches() {
	local shift=$top/test-fixtures/kpatches/20-line-shift/1.patch
	local other=$top/test-fixtures/kpatches/05-string-literal/1.patch
	local kept src
	kept=$("$klp_build" -k -s "$tree" -o "$scratch/out2" "$shift" "$other" 2>&1 |
		sed -n 's/.*scratch directory kept: //p')
	src=$kept/src/fs/proc/generic.c
	if [ -f "$src" ] && grep -qE '^#line ([2-9]|[1-9][0-9]+) "fs/proc/generic.c"$' "$src"; then
		t_pass klp-build-tree/line-directives-two-patches
	else
		t_fail klp-build-tree/line-directives-two-patches "no #line resync in $src"
	fi
	[ -z "$kept" ] || rm -rf "$kept"
}

tree=$("$top/testbed/build-kernel.sh")
snapshot > "$scratch/before"
run_success
run_failure
run_two_patches
for phase in 1 2 3 4 5; do
	interrupt "$phase"
done
