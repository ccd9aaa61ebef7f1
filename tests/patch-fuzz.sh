#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The patch parser and its path checks, fuzzed: zzuf mutates the patches
# of test-fixtures/patch-fuzz/ (names that leave the tree, an added line
# that reads as a header, CRLF, renames, deletions), and klp-build runs
# on each against a small tree whose fs/a.c kbuild compiled, so that a
# patch that applies gets as far as the overlay and both compiles. Each
# run must end with a documented status and an error line (never a
# shell's own failure), and write nothing outside its scratch and output
# directories: the tree, the file next to it and TMPDIR stay as they were.
#   tests/patch-fuzz.sh BUILD_DIR [SECONDS]   (default: $PATCH_FUZZ_SECONDS or 20)
set -euo pipefail

build=$(cd "$1" && pwd)
seconds=${2:-${PATCH_FUZZ_SECONDS:-20}}
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"

export KLP_TOOLS_DIR=$build
klp_build=$top/kmod-builder/klp-build
seeds=$top/test-fixtures/patch-fuzz
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# The tree two levels below $scratch, so that ../../victim/f.c from it
# is a real file, and the overlay's copy of it would be $tmp/victim.
tree=$scratch/t/tree
tmp=$scratch/tmp
mkdir -p "$tree/fs" "$scratch/victim" "$tmp"
printf 'CONFIG_LIVEPATCH=y\n' > "$tree/.config"
: > "$tree/vmlinux"
: > "$tree/Module.symvers"
printf '/*\n */\nint x;\nint f(void)\n{\n\treturn x;\n}\n' > "$tree/fs/a.c"
printf '%s\n' 'source_fs/a.o := fs/a.c' \
	'cmd_fs/a.o := gcc -Wp,-MMD,fs/.a.o.d -O2 -c -o fs/a.o fs/a.c' > "$tree/fs/.a.o.cmd"
printf 'int victim;\n' > "$scratch/victim/f.c"

state() {
	find "$scratch/t" "$scratch/victim" -printf '%P\t%s\t%T@\t%m\n' | sort
	md5sum "$tree/fs/a.c" "$scratch/victim/f.c"
}
state > "$scratch/before"

# check_run NAME PATCH: one klp-build run and its invariants.
check_run() {
	local name=$1 patch=$2 rc=0 why=''
	rm -rf "$scratch/out"
	TMPDIR=$tmp timeout 60 "$klp_build" -s "$tree" -o "$scratch/out" -n fuzz "$patch" \
		> /dev/null 2> "$scratch/err" || rc=$?
	case $rc in
	1|3|4|5) grep -q '^klp-build: error: ' "$scratch/err" || why="exit $rc without an error line" ;;
	*) why="exit $rc" ;;
	esac
	if ! state | cmp -s - "$scratch/before"; then
		why="the tree or the file beside it changed: $(state | diff "$scratch/before" - | head -3)"
	elif [ -n "$(find "$tmp" -mindepth 1 -maxdepth 1 ! -name 'klp-build.*')" ]; then
		why="wrote into TMPDIR: $(find "$tmp" -mindepth 1 -maxdepth 1 ! -name 'klp-build.*')"
	elif [ -n "$(find "$scratch/out" -mindepth 1 ! -name 'livepatch-fuzz.json' 2> /dev/null)" ]; then
		why="wrote into the output directory: $(ls -A "$scratch/out")"
	fi
	rm -rf "${tmp:?}"/klp-build.*
	if [ -n "$why" ]; then
		t_fail "patch-fuzz/$name" "$why: $(tail -n 2 "$scratch/err")"
		sed 's/^/    /' "$patch" | head -n 20
		return 1
	fi
}

runs=0 failed=0
for seed in "$seeds"/*.patch; do
	runs=$((runs + 1))
	check_run "seed-$(basename "$seed" .patch)" "$seed" || failed=$((failed + 1))
done
command -v zzuf > /dev/null || { t_fail patch-fuzz/zzuf "zzuf is missing: run scripts/install-deps.sh"; t_summary; }
mapfile -t seed_files < <(printf '%s\n' "$seeds"/*.patch)
n=0
end=$((SECONDS + seconds))
while [ "$SECONDS" -lt "$end" ]; do
	n=$((n + 1))
	seed=${seed_files[$((n % ${#seed_files[@]}))]}
	zzuf -s "$n" -r 0.001:0.03 cat < "$seed" > "$scratch/mutant-$n.patch"
	runs=$((runs + 1))
	if check_run "zzuf-s$n-$(basename "$seed" .patch)" "$scratch/mutant-$n.patch"; then
		rm -f "$scratch/mutant-$n.patch"
	else
		failed=$((failed + 1))
	fi
done
if [ "$failed" = 0 ]; then
	t_pass "patch-fuzz/$runs-runs"
fi
echo "patch-fuzz: $runs runs ($n zzuf mutants of $(basename -a "${seed_files[@]}" | tr '\n' ' ')) in $seconds s"
t_summary
