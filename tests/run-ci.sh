#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make ci`: every suite, the userspace ones under ASan and UBSan, with
# one closing total. A failing suite does not stop the others.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
KLP_RESULTS=$(mktemp "${TMPDIR:-/tmp}/klp-ci-results.XXXXXX")
export KLP_RESULTS
trap 'rm -f "$KLP_RESULTS"' EXIT

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
step check-sanitized make -s check SANITIZE=1
step check-valgrind make -s check-valgrind
step fuzz make -s fuzz FUZZ_SECONDS=10
step check-kernel make -s check-kernel
step check-distro make -s check-distro
step check-deploy make -s check-deploy
tests/summary.sh "$KLP_RESULTS"
