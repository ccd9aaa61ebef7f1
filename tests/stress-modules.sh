#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The modules of the VM stress tests (testbed/tests/stress-*.sh, run by
# check-kernel.sh): klp-build makes OUTDIR/livepatch-stress_N.ko, N = 1
# to 10, from test-fixtures/kpatches/01-proc-string with its line
# changed to "klp stress N". Records stress/build.
#   tests/stress-modules.sh BUILD_DIR OUTDIR
set -euo pipefail

build=$(cd "$1" && pwd)
out=$2
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"

export KLP_TOOLS_DIR=$build
base=$top/test-fixtures/kpatches/01-proc-string/1.patch
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
nr=10

# build_one N
build_one() {
	sed "s/klp-build was here/klp stress $1/" "$base" > "$scratch/stress_$1.patch"
	"$top/kmod-builder/klp-build" -j 1 -s "$tree" -o "$out" -n "stress_$1" \
		"$scratch/stress_$1.patch" > "$scratch/build-$1.log" 2>&1
}

# build_all: two at a time; prints what failed.
build_all() {
	local i running=0
	for i in $(seq "$nr"); do
		if [ "$running" -ge 2 ]; then
			wait -n || true
			running=$((running - 1))
		fi
		build_one "$i" &
		running=$((running + 1))
	done
	wait || true
	for i in $(seq "$nr"); do
		[ -f "$out/livepatch-stress_$i.ko" ] ||
			echo "klp-build stress_$i: $(tail -3 "$scratch/build-$i.log")"
	done
}

tree=$("$top/testbed/build-kernel.sh")
start=$SECONDS
why=$(build_all)
if [ -n "$why" ]; then
	t_fail stress/build "$why"
	exit 1
fi
t_pass "stress/build ($nr modules in $((SECONDS - start)) s)"
