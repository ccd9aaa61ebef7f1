#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# klp-build never changes the user's tree: after a success, a failure,
# and a SIGINT or SIGTERM in each phase, every file of the tree has the
# size, mtime, ctime and mode it had, no file came or went, the files a
# patch reaches have their contents, and an interrupted run leaves
# nothing in TMPDIR or the output directory and no process running.
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
	local line='seq_puts(m, "x") syntax error;'
	broken_patch > "$scratch/broken.patch"
	# A failed run keeps its scratch directory (the log): in the test's own.
	mkdir -p "$scratch/tmp-failure"
	if TMPDIR=$scratch/tmp-failure "$klp_build" -s "$tree" -o "$scratch/out" -n broken "$scratch/broken.patch" > "$scratch/log" 2>&1; then
		t_fail klp-build-tree/failure "a patch that does not compile was built"
		return
	fi
	check_tree failure
	# The #line directives name the tree's file: gcc must still quote
	# the line the patch wrote, not the tree's line of that number.
	if ! grep -qF -- "$line" "$scratch/log"; then
		t_fail klp-build-tree/failure-quotes-patched-line "no '$line' in: $(grep -A3 'failed:' "$scratch/log" | head -5)"
	elif ! jq -e --arg l "$line" 'any(.failure.output[]; contains($l))' "$scratch/out/livepatch-broken.json" > /dev/null; then
		t_fail klp-build-tree/failure-quotes-patched-line "the failed manifest's output lacks '$line'"
	else
		t_pass klp-build-tree/failure-quotes-patched-line
	fi
}

# A Ctrl-C while klp-build removes its scratch directory, after a
# complete module and manifest: rm (on PATH) sends SIGINT to the group
# klp-build was started in, as a terminal would, as it starts. The run
# still ends 0 with its outputs, and no half-deleted scratch directory.
run_cleanup_interrupt() {
	local bin=$scratch/int-bin tmp=$scratch/tmp-cleanup out=$scratch/out-cleanup rc=0 why=
	mkdir -p "$bin" "$tmp"
	cat > "$bin/rm" <<'SH'
#!/bin/sh
case "$*" in *klp-build.*) kill -INT -- "-$(cat "$KLP_TEST_GROUP")" ;; esac
exec /bin/rm "$@"
SH
	chmod +x "$bin/rm"
	set -m
	PATH=$bin:$PATH TMPDIR=$tmp KLP_TEST_GROUP=$scratch/cleanup.group env --default-signal=INT \
		"$klp_build" -s "$tree" -o "$out" -n clean "$good" > /dev/null 2> "$scratch/cleanup.log" &
	set +m
	echo "$!" > "$scratch/cleanup.group"
	wait "$!" || rc=$?
	if [ "$rc" -ne 0 ]; then
		why="exit $rc: $(tail -2 "$scratch/cleanup.log")"
	elif [ ! -f "$out/livepatch-clean.ko" ] || [ ! -f "$out/livepatch-clean.json" ]; then
		why="no module or manifest in $out"
	elif [ -n "$(ls -A "$tmp")" ]; then
		why="left $(ls -A "$tmp") in TMPDIR"
	fi
	if [ -n "$why" ]; then
		t_fail klp-build-tree/sigINT-during-cleanup "$why"
	else
		t_pass klp-build-tree/sigINT-during-cleanup
	fi
}

# The contents of the files the test patches could reach, and of the
# build's results: with the snapshot's ctimes (which no write can put
# back), proof that the tree is byte for byte what it was.
checksums() {
	(cd "$tree" && find fs/proc include/generated include/config -type f \
		-print0 | sort -z | xargs -0 md5sum && md5sum .config Makefile vmlinux Module.symvers)
}

# leftovers TMP OUT: what an interrupted run left: files in its TMPDIR,
# a module or temporary file in its output directory, a process still
# running from its scratch directory.
leftovers() {
	local tmp=$1 out=$2 stray
	stray=$(pgrep -af -- "$tmp/" || true)
	[ -z "$stray" ] || echo "left processes running: $stray"
	# Whatever klp-build failed to stop would write now.
	sleep 1
	[ -z "$(ls -A "$tmp")" ] || echo "left $(ls -A "$tmp") in TMPDIR"
	[ ! -d "$out" ] || [ -z "$(ls -A "$out")" ] || echo "left $(ls -A "$out") in the output directory"
}

# interrupt SIG PHASE: SIG as soon as klp-build announces phase PHASE
# (t_interrupt: SIGINT to the whole process group, as a terminal's
# Ctrl-C; SIGTERM to klp-build alone, as kill(1) and timeout(1) send
# it): its children must not outlive it, nor write after it cleaned up.
interrupt() {
	local sig=$1 n=$2 tmp=$scratch/tmp-$1-$2 out=$scratch/out-$1-$2 rc why
	local log=$scratch/int-$1-$2.log
	mkdir -p "$tmp"
	t_interrupt "$sig" "$log" "\[$n/5\]" 0 env TMPDIR="$tmp" "$klp_build" -s "$tree" -o "$out" "$good"
	rc=$t_interrupt_rc
	why=$(leftovers "$tmp" "$out")
	if [ "$rc" -eq 0 ]; then
		t_fail "klp-build-tree/sig$sig-phase-$n" "finished before the signal (at: $(tail -1 "$log"))"
	elif [ "$rc" -ne $((128 + $(kill -l "$sig"))) ]; then
		t_fail "klp-build-tree/sig$sig-phase-$n" "exit $rc, want $((128 + $(kill -l "$sig"))): $(tail -2 "$log")"
	elif [ -n "$why" ]; then
		t_fail "klp-build-tree/sig$sig-phase-$n" "$why"
	elif ! checksums | cmp -s - "$scratch/sums"; then
		t_fail "klp-build-tree/sig$sig-phase-$n" "file contents changed: $(checksums | diff "$scratch/sums" - | head -3)"
	else
		check_tree "sig$sig-phase-$n"
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

# A whole build with hostile names: the patch given relatively with a
# leading dash, quotes and $(), the output directory likewise, a TMPDIR
# kbuild cannot build under (klp-build falls back to /tmp). The module
# lands where asked, nothing is executed, nothing is left behind.
run_hostile_names() {
	local dir="$scratch/h it's \$(touch pwned) \"q\"" out="-o dir \$(touch pwned)" rc=0 ko why=
	local patch="-p dir/-x it's \$(touch pwned).patch"
	mkdir -p "$dir/tmp" "$dir/-p dir"
	cp "$good" "$dir/$patch"
	(cd "$dir" && TMPDIR=$dir/tmp "$klp_build" -s "$tree" -o "$out" -- "$patch") \
		> "$scratch/hostile.log" 2>&1 || rc=$?
	ko="$dir/$out/livepatch--x_it_s___touch_pwned_.ko"
	if [ "$rc" -ne 0 ]; then
		why="exit $rc: $(tail -3 "$scratch/hostile.log")"
	elif [ ! -f "$ko" ]; then
		why="no $ko: $(tail -3 "$scratch/hostile.log")"
	elif ! grep -q 'using /tmp' "$scratch/hostile.log"; then
		why="no word of the unusable TMPDIR: $(head -3 "$scratch/hostile.log")"
	elif [ -n "$(find "$scratch" "$tree" -maxdepth 3 -name pwned)" ]; then
		why="a \$() in a name was executed"
	elif [ -n "$(ls -A "$dir/tmp")" ]; then
		why="left $(ls -A "$dir/tmp") in TMPDIR"
	fi
	if [ -n "$why" ]; then
		t_fail klp-build-tree/hostile-names "$why"
	else
		check_tree hostile-names
	fi
}

tree=$("$top/testbed/build-kernel.sh")
snapshot > "$scratch/before"
checksums > "$scratch/sums"
run_success
run_failure
run_cleanup_interrupt
run_two_patches
run_hostile_names
for phase in 1 2 3 4 5; do
	interrupt INT "$phase"
	interrupt TERM "$phase"
done
