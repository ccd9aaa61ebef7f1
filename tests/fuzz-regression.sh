#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Inputs that once crashed, hung or leaked in a fuzz harness
# (test-fixtures/fuzz/crashes/), run through the real tools the way the
# harness ran them: each must end in a result or a clean error (exit 1-3,
# or 5 for create-diff-object's refusal; a message, no output left), never
# a signal, a hang or a sanitizer report. The name's prefix says the harness:
#   elf-*          both tools, the input as every object they take
#   cdo-patched-*  create-diff-object PAIR/orig.o INPUT
#   cdo-orig-*     create-diff-object INPUT PAIR/patched.o
#   kc-finalize-*  klp-convert --finalize INPUT
#   kc-standalone-* klp-convert --symbols seeds/vmlinux-syms INPUT
# PAIR is the regression pair make fuzz uses (tests/fuzz/run.sh).
#   tests/fuzz-regression.sh BUILD_DIR
set -euo pipefail

build=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"

fx=$top/test-fixtures/fuzz
pair=$top/test-fixtures/regression/15-jump-label_1--fs_proc_uptime
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# verdict TOOL ARGS... (the last is the output): why the run is not
# clean, or nothing.
verdict() {
	local out=${!#} rc=0 tool=$1
	timeout 60 ${klp_wrap[@]+"${klp_wrap[@]}"} "$build/$tool" "${@:2}" \
		> "$scratch/stdout" 2> "$scratch/stderr" || rc=$?
	if grep -qE "$klp_bad_report" "$scratch/stderr"; then
		echo "$tool: memory error or leak: $(grep -m 5 -E "$klp_bad_report" "$scratch/stderr")"
	elif [ "$rc" -eq 124 ]; then
		echo "$tool: hung (killed after 60 s)"
	elif [ "$rc" -ge 4 ] && ! { [ "$rc" = 5 ] && [ "$tool" = create-diff-object ]; }; then
		echo "$tool: exit $rc (a crash or a signal): $(head -3 "$scratch/stderr")"
	elif [ "$rc" -ne 0 ] && [ -e "$out" ]; then
		echo "$tool: exit $rc but $out was written"
	elif [ "$rc" -ne 0 ] && ! grep -q "^$tool: " "$scratch/stderr"; then
		echo "$tool: exit $rc without a message"
	elif compgen -G "$out.*" > /dev/null || compgen -G "$(dirname "$out")/.klp-*" > /dev/null; then
		echo "$tool: left a temporary file behind: $(ls -A "$(dirname "$out")")"
	fi
	rm -f "$out"
}

# check INPUT: the verdicts of the runs its harness stands for.
check() {
	local in=$1 out=$scratch/out.o
	case $(basename "$in") in
	elf-*)
		verdict create-diff-object "$in" "$in" "$out"
		verdict create-diff-object "$pair/orig.o" "$in" "$out"
		verdict create-diff-object --symbols "$in" "$pair/orig.o" "$pair/patched.o" "$out"
		verdict klp-convert --finalize "$in" "$out"
		verdict klp-convert --symbols "$in" "$fx/seeds/livepatch-kc-sympos.ko" "$out"
		;;
	cdo-patched-*) verdict create-diff-object "$pair/orig.o" "$in" "$out" ;;
	cdo-orig-*) verdict create-diff-object "$in" "$pair/patched.o" "$out" ;;
	kc-finalize-*) verdict klp-convert --finalize "$in" "$out" ;;
	kc-standalone-*) verdict klp-convert --symbols "$fx/seeds/vmlinux-syms" "$in" "$out" ;;
	*) echo "no harness prefix in its name (elf-, cdo-patched-, cdo-orig-, kc-finalize-, kc-standalone-)" ;;
	esac
}

n=0
for in in "$fx"/crashes/*; do
	n=$((n + 1))
	why=$(check "$in")
	if [ -z "$why" ]; then
		t_pass "fuzz-regression/$(basename "$in")"
	else
		t_fail "fuzz-regression/$(basename "$in")" "$why"
	fi
done
[ "$n" -gt 0 ] || t_fail fuzz-regression/inputs "no input in $fx/crashes"
