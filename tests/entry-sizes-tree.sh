#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# klp-build finds the 6.1 test tree's special-section entry sizes itself:
# the probe it compiles (support-templates/klp-entry-sizes.c with the
# tree's flags) holds the sizes of this kernel's structs, and a second run
# on the same tree reuses it.
#   tests/entry-sizes-tree.sh BUILD_DIR
set -euo pipefail

build=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"

tree=$("$top/testbed/build-kernel.sh" 2> /dev/null)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
patch=$top/test-fixtures/kpatches/02-new-function/1.patch

build_once() {
	XDG_CACHE_HOME=$scratch/cache KLP_TOOLS_DIR=$build \
		"$top/kmod-builder/klp-build" -s "$tree" -o "$scratch/out" "$patch" \
		> "$scratch/log" 2>&1
}

if ! build_once; then
	t_fail entry-sizes-tree/build "klp-build failed: $(tail -3 "$scratch/log")"
	t_summary
	exit 0
fi
probe=$(ls "$scratch"/cache/klp-build/entry-sizes-*.o 2> /dev/null || true)
if [ "$(printf '%s' "$probe" | grep -c .)" != 1 ]; then
	t_fail entry-sizes-tree/cached "want one probe in the cache, found: $probe"
	t_summary
	exit 0
fi
t_pass entry-sizes-tree/cached

# Linux 6.1 x86_64 with testbed/kernel.config: struct bug_entry (relative,
# verbose) 12, jump_entry 16, exception_table_entry 12, alt_instr 12,
# paravirt_patch_site 16, static_call_site 8, orc_entry 6.
want='__bug_table 12
__jump_table 16
__ex_table 12
.altinstructions 12
.parainstructions 16
.static_call_sites 8
.orc_unwind 6
.orc_unwind_ip 4
.retpoline_sites 4
.return_sites 4
.smp_locks 4
__mcount_loc 8'
got=$(readelf -sW "$probe" | awk '$8 ~ /^klp_entry_size\./ { sub(/^klp_entry_size\./, "", $8); print $8, $3 }')
if [ "$(sort <<< "$got")" = "$(sort <<< "$want")" ]; then
	t_pass entry-sizes-tree/sizes
else
	t_fail entry-sizes-tree/sizes "$(diff <(sort <<< "$want") <(sort <<< "$got") | tr '\n' ' ')"
fi

stamp=$(stat -c %Y.%i "$probe")
if build_once && [ "$(stat -c %Y.%i "$probe")" = "$stamp" ]; then
	t_pass entry-sizes-tree/reused
else
	t_fail entry-sizes-tree/reused "the second run failed or compiled the probe again"
fi
t_summary
