#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Prints the closing total of a results file written by tests/lib.sh.
set -euo pipefail
results=$1
p=$(grep -c '^pass ' "$results" || true)
f=$(grep -c '^fail ' "$results" || true)
if [ "$f" -gt 0 ]; then
	echo "failed tests:"
	grep '^fail ' "$results" | sed 's/^fail /  /'
fi
printf '%s passed, %s failed\n' "$p" "$f"
[ "$f" -eq 0 ] && [ "$p" -gt 0 ]
