#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make fuzz`: each libFuzzer harness for SECONDS under nice, seeded from
# the fixture objects, the peer corpus and the inputs that once crashed
# a tool (test-fixtures/fuzz/). What a run finds stays in
# BUILD/fuzz/corpus/ (FUZZ_CORPUS, which `make fuzz-long` keeps in the
# cache directory, so that a run resumes where the last one stopped); a
# crashing input lands in BUILD/fuzz/artifacts/. FUZZ_NICE: niceness (10).
#   tests/fuzz/run.sh BUILD_DIR SECONDS
set -euo pipefail

build=$(cd "$1" && pwd)
secs=$2
top=$(cd "$(dirname "$0")/../.." && pwd)
fx=$top/test-fixtures/fuzz
peer=${KLP_PEER_DIR:-$top/../shared/peer-tests/kpatch-unit-x86_64}
pair=${FUZZ_PAIR:-$top/test-fixtures/regression/15-jump-label_1--fs_proc_uptime}
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"

# stat LOG NAME: one of libFuzzer's final statistics.
stat() {
	sed -n "s/^stat::$2: *//p" "$1" | tail -1
}

# fuzz NAME HARNESS MAX_LEN SEED_DIR...: one run of HARNESS (settings in
# the environment); a crash, leak, sanitizer report or an input taking
# over 30 s (a hang: inputs take milliseconds) fails it.
fuzz() {
	local name=$1 harness=$2 max_len=$3 corpus log
	shift 3
	corpus=${FUZZ_CORPUS:-$build/fuzz/corpus}/$name
	log=$build/fuzz/$name.log
	mkdir -p "$corpus" "$build/fuzz/artifacts"
	if nice -n "${FUZZ_NICE:-10}" "$build/fuzz/$harness" -max_total_time="$secs" -timeout=30 \
		-rss_limit_mb=2048 -max_len="$max_len" -close_fd_mask=3 \
		-print_final_stats=1 -artifact_prefix="$build/fuzz/artifacts/$name-" \
		"$corpus" "$@" > "$log" 2>&1; then
		t_pass "fuzz/$name: $(stat "$log" number_of_executed_units) executions in $secs s, $(stat "$log" new_units_added) new inputs"
	else
		t_fail "fuzz/$name" "$(grep -m 1 -E '^(==[0-9]+==ERROR|SUMMARY)' "$log" || tail -1 "$log")" \
			"(log: $log; input: $(find "$build/fuzz/artifacts" -name "$name-*" | tail -1))"
	fi
}

seeds=("$top/test-fixtures/regression" "$fx")
if [ -d "$peer" ]; then
	seeds+=("$peer")
else
	echo "fuzz: no peer corpus at $peer; seeding from the fixtures alone"
fi

fuzz elf fuzz-elf 65536 "${seeds[@]}"
KLP_FUZZ_PAIR=$pair KLP_FUZZ_SIDE=patched fuzz cdo-patched fuzz-cdo 32768 "$pair" "${seeds[@]}"
KLP_FUZZ_PAIR=$pair KLP_FUZZ_SIDE=orig fuzz cdo-orig fuzz-cdo 32768 "$pair" "${seeds[@]}"
KLP_FUZZ_MODE=finalize fuzz kc-finalize fuzz-klp-convert 65536 "$fx"
KLP_FUZZ_MODE=standalone KLP_FUZZ_SYMBOLS=$fx/seeds/vmlinux-syms \
	fuzz kc-standalone fuzz-klp-convert 65536 "$fx"
t_summary
