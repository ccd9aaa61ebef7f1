#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make ci`: every suite, the userspace ones under ASan and UBSan, with
# one closing total. A failing suite does not stop the others.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
KLP_RESULTS=$(mktemp "${TMPDIR:-/tmp}/klp-ci-results.XXXXXX")
export KLP_RESULTS
trap 'rm -f "$KLP_RESULTS" "${prefetch_log:-}"' EXIT

# step NAME CMD...: runs a suite; a crash of the suite itself counts as a failure.
step() {
	local name=$1 start=$SECONDS
	shift
	echo "=== $name"
	if ! "$@"; then
		grep -q '^fail ' "$KLP_RESULTS" || printf 'fail %s\n' "$name" >> "$KLP_RESULTS"
	fi
	echo "=== $name: $((SECONDS - start)) s"
}

step build make -s all
# check-distro's downloads and preparations while the other suites run
# (the test kernel's build above all): mostly network; their CPU and
# disk work takes only what the suites leave idle (nice, ionice idle).
prefetch_log=$(mktemp "${TMPDIR:-/tmp}/klp-ci-prefetch.XXXXXX")
prefetch_start=$SECONDS
nice -n 19 ionice -c 3 tests/check-distro.sh --prefetch build > "$prefetch_log" 2>&1 &
prefetch_pid=$!
step check-sanitized make -s check SANITIZE=1
step check-valgrind make -s check-valgrind
step fuzz make -s fuzz FUZZ_SECONDS=10
step check-kernel make -s check-kernel
echo "=== check-distro --prefetch (started after the build)"
wait "$prefetch_pid" || echo "check-distro --prefetch failed; check-distro fetches what is missing"
cat "$prefetch_log"
rm -f "$prefetch_log"
echo "=== check-distro --prefetch: done $((SECONDS - prefetch_start)) s after it started"
step check-distro make -s check-distro
step check-deploy make -s check-deploy
tests/summary.sh "$KLP_RESULTS"
