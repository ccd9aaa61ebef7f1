#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# create-diff-object --entry-sizes PROBE.o: entry sizes read from a probe
# object's klp_entry_size.SECTION symbols (what klp-build compiles from
# support-templates/klp-entry-sizes.c for a tree).  Probes here are built
# with gcc from asm-labelled arrays, so no kernel is needed.
#   tests/entry-sizes.sh BUILD_DIR
set -euo pipefail

build=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"

cdo=$build/create-diff-object
corpus=$top/test-fixtures/regression
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# probe NAME SEC=BYTES...: a probe object with those sizes.
probe() {
	local name=$1 pair sec i=0
	shift
	for pair in "$@"; do
		sec=${pair%=*}
		printf 'const char s%d[%d] __asm__("klp_entry_size.%s") = { 0 };\n' \
			"$i" "${pair#*=}" "$sec"
		i=$((i + 1))
	done > "$scratch/$name.c"
	gcc -c -o "$scratch/$name.o" "$scratch/$name.c"
}

# run CASE ARGS...: the differ on a regression pair; "exit N" then stdout.
run() {
	local dir=$corpus/$1 rc=0
	shift
	"$cdo" "$@" "$dir/orig.o" "$dir/patched.o" "$scratch/out.o" \
		> "$scratch/out" 2> "$scratch/err" || rc=$?
	echo "exit $rc"
	cat "$scratch/out"
}

# 6.1 x86_64's sizes, as the probe gives them for the test tree.
probe linux61 __bug_table=12 __jump_table=16 __ex_table=12 .altinstructions=12 \
	.parainstructions=16 .static_call_sites=8 .orc_unwind=6 .orc_unwind_ip=4 \
	.retpoline_sites=4 .return_sites=4 .smp_locks=4 __mcount_loc=8
probe bad_bug __bug_table=1000
printf 'int unrelated;\n' > "$scratch/none.c"
gcc -c -o "$scratch/none.o" "$scratch/none.c"

for case in 15-jump-label_1--fs_proc_uptime 16-bug-table_1--fs_proc_base \
	17-ex-table_1--fs_readdir 14-inline-header_1--fs_fs_context; do
	want=$(run "$case")
	got=$(run "$case" --entry-sizes "$scratch/linux61.o")
	if [ "$got" = "$want" ]; then
		t_pass "entry-sizes/probe-6.1/$case"
	else
		t_fail "entry-sizes/probe-6.1/$case" "$(diff <(echo "$want") <(echo "$got") | tr '\n' ' ')"
	fi
done

# A probe's size is used: 1000 does not fit the 6.1 __bug_table.
got=$(run 16-bug-table_1--fs_proc_base --entry-sizes "$scratch/bad_bug.o")
if [[ $got == "exit 1"* ]] && grep -q '__bug_table: size .* entry size 1000' "$scratch/err"; then
	t_pass entry-sizes/probe-is-read
else
	t_fail entry-sizes/probe-is-read "want exit 1 and an entry-size error: $got $(cat "$scratch/err")"
fi

# --entry-size wins over the probe.
got=$(run 16-bug-table_1--fs_proc_base --entry-sizes "$scratch/bad_bug.o" --entry-size __bug_table=12)
if [ "$got" = "$(run 16-bug-table_1--fs_proc_base)" ]; then
	t_pass entry-sizes/option-overrides-probe
else
	t_fail entry-sizes/option-overrides-probe "$got"
fi

# An object that is no probe, and a missing file: exit 1, a message, no output.
rm -f "$scratch/out.o"
for p in "$scratch/none.o" "$scratch/missing.o"; do
	got=$(run 16-bug-table_1--fs_proc_base --entry-sizes "$p")
	if [ "$got" = "exit 1" ] && [ -s "$scratch/err" ] && [ ! -e "$scratch/out.o" ]; then
		t_pass "entry-sizes/bad-probe/$(basename "$p")"
	else
		t_fail "entry-sizes/bad-probe/$(basename "$p")" "$got $(cat "$scratch/err")"
	fi
	rm -f "$scratch/out.o"
done
t_summary
