#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The limit klp-build is measured against: the work it cannot avoid.
# Each object is compiled twice with kbuild's recorded command and
# klp-build's extra flags (JOBS at a time, as klp-build does), then a
# livepatch module around the diff objects of DIFF_DIR is built by kbuild
# M= against the tree.
#   bench/limit.sh TREE JOBS DIFF_DIR OBJ...
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=kmod-builder/klp-build
. "$top/kmod-builder/klp-build"

srcdir=$1
jobs=$2
diff_dir=$3
shift 3
templates=$top/support-templates
scratch=$(mktemp -d "${TMPDIR:-/tmp}/klp-limit.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

# Two outputs per object, so both compiles of a unit run as klp-build's would.
compile_twice() {
	local obj copy
	for obj in "$@"; do
		for copy in a b; do
			mkdir -p "$scratch/$copy/$(dirname "$obj")"
			printf '%s\0' "$(compile_cmd "$obj" orig "$scratch/$copy/$obj")"
		done
	done | (cd "$srcdir" && xargs -0 -n 1 -P "$jobs" bash -c)
}

build_module() {
	local dir=$scratch/module o n=0 members=()
	mkdir -p "$dir"
	cp -- "$templates/livepatch-main.c" "$templates/klp-records.h" "$templates/klp-build.lds" "$dir/"
	for o in "$diff_dir"/*.o; do
		n=$((n + 1))
		cp -- "$o" "$dir/klp-diff-$n.o"
		printf 'cmd_%s := create-diff-object\n' "$dir/klp-diff-$n.o" > "$dir/.klp-diff-$n.o.cmd"
		members+=("klp-diff-$n.o")
	done
	cat > "$dir/Kbuild" <<EOF
obj-m := livepatch-bench.o
livepatch-bench-y := livepatch-main.o ${members[*]}
ldflags-y += -T \$(src)/klp-build.lds
EOF
	make -C "$srcdir" M="$dir" -j"$jobs" modules
}

compile_twice "$@"
build_module
