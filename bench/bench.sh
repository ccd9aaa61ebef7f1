#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: klp-build's speed and the differ's memory, each measured
# side by side with its limit, in one run on the cached 6.1 tree.
#   bench/bench.sh BUILD_DIR
# Env: BENCH_RUNS (5) runs of row 1, BENCH_HEADER_RUNS (3) of row 2,
# BENCH_CDO_RUNS (3) of row 4, BENCH_CC_RUNS (3) of rows 6 and 7 per side,
# BENCH_FULL (1; 0 skips row 3, a whole kernel build),
# BENCH_ROWS ("1 2 4 6 7 3": which rows, in what order; row 5 runs with
# row 4, on its objects; row 8, --distro's 200-unit header patch, only
# when named), BENCH_KPATCH_SRC (a dynup/kpatch checkout: row 5
# measures its create-diff-object beside ours),
# BENCH_OUT (bench/results): latest.txt, latest.tsv.
# See bench/README.md for what each row measures.
set -euo pipefail

build=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=kmod-builder/klp-build
. "$top/kmod-builder/klp-build"
runs=${BENCH_RUNS:-5}
header_runs=${BENCH_HEADER_RUNS:-3}
cdo_runs=${BENCH_CDO_RUNS:-3}
full=${BENCH_FULL:-1}
cc_runs=${BENCH_CC_RUNS:-3}
rows=${BENCH_ROWS:-1 2 4 6 7 3}
out_dir=${BENCH_OUT:-$top/bench/results}
jobs=$(nproc)
klp_build=$top/kmod-builder/klp-build
cdo=$build/create-diff-object
export KLP_TOOLS_DIR=$build
templates=$top/support-templates

work=$(mktemp -d "${TMPDIR:-/tmp}/klp-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
raw=$work/latest.tsv
table=$work/latest.txt
log=$work/bench.log

say() {
	printf 'bench: %s\n' "$*" >&2
}

fail() {
	say "error: $*"
	say "last lines of the log ($log):"
	tail -n 30 "$log" >&2
	exit 1
}

row() {
	printf '%-4s %-58s %s\n' "$@" | tee -a "$table"
}

load() {
	cut -d' ' -f1-3 /proc/loadavg
}

# timed ROW WHAT RUN CMD...: runs CMD; its wall time (s) and peak RSS
# (KiB, of its largest process) go to the raw file.
timed() {
	local id=$1 what=$2 run=$3 t=$work/time wall rss
	shift 3
	printf '+ [%s %s %s] %s\n' "$id" "$what" "$run" "$*" >> "$log"
	/usr/bin/time -f '%e %M' -o "$t" "$@" >> "$log" 2>&1 ||
		fail "$id $what (run $run) failed: $*"
	read -r wall rss < <(tail -n 1 "$t")
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$id" "$what" "$run" "$wall" "$rss" "$(load)" >> "$raw"
}

# stats ROW WHAT FIELD: "min median max" of field 4 (wall) or 5 (RSS).
stats() {
	awk -F'\t' -v r="$1" -v w="$2" -v f="$3" '$1 == r && $2 == w { print $f }' "$raw" |
		sort -g | awk '{ v[NR] = $1 }
		END {
			if (NR == 0) exit 1
			m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			printf "%s %s %s\n", v[1], m, v[NR]
		}'
}

median() {
	stats "$@" | cut -d' ' -f2
}

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'
}

# warm_up ID PATCH: one kept klp-build run, whose objects and diff
# objects the limit reuses; it also warms the page cache for both sides.
warm_up() {
	local id=$1 patch=$2 err kept
	err=$work/$id.warm.err
	mkdir -p "$work/$id/diffs" "$work/$id/out"
	"$klp_build" -k -s "$tree" -o "$work/$id/out" -n "bench_$id" "$patch" \
		> /dev/null 2> "$err" || { cat "$err" >> "$log"; fail "klp-build $patch failed"; }
	kept=$(sed -n 's/^klp-build: scratch directory kept: //p' "$err")
	sed -n 's/^klp-build: .* object(s) to rebuild: //p' "$err" | tr ' ' '\n' | grep . > "$work/$id/objects"
	cp -- "$kept"/diff/*.o "$work/$id/diffs/"
	rm -rf -- "$kept"
}

# side_by_side ID PATCH RUNS: klp-build and its limit, in alternating order.
side_by_side() {
	local id=$1 patch=$2 n=$3 i
	local objs
	mapfile -t objs < "$work/$id/objects"
	for ((i = 1; i <= n; i++)); do
		if ((i % 2)); then
			timed "$id" klp-build "$i" "$klp_build" -s "$tree" -o "$work/$id/out" -n "bench_$id" "$patch"
			timed "$id" limit "$i" "$top/bench/limit.sh" "$tree" "$jobs" "$work/$id/diffs" "${objs[@]}"
		else
			timed "$id" limit "$i" "$top/bench/limit.sh" "$tree" "$jobs" "$work/$id/diffs" "${objs[@]}"
			timed "$id" klp-build "$i" "$klp_build" -s "$tree" -o "$work/$id/out" -n "bench_$id" "$patch"
		fi
	done
}

row_one_function() {
	local patch=$top/test-fixtures/kpatches/01-proc-string/1.patch k l
	say "row 1: one-function patch, $runs runs each side"
	warm_up 1 "$patch"
	side_by_side 1 "$patch" "$runs"
	read -r -a k < <(stats 1 klp-build 4)
	read -r -a l < <(stats 1 limit 4)
	row 1 "klp-build, one function (kpatches/01, $(paste -sd' ' "$work/1/objects"))" \
		"min ${k[0]} s, median ${k[1]} s, max ${k[2]} s"
	row 1 "limit: 2 compiles of it + kbuild M= module" \
		"min ${l[0]} s, median ${l[1]} s, max ${l[2]} s"
	row 1 "ratio klp-build / limit (goal <= 1.5)" \
		"$(ratio "${k[1]}" "${l[1]}") (median), $(ratio "${k[0]}" "${l[0]}") (min)"
}

# Objects whose recorded dependencies name header $1, counted apart
# from klp-build's own lookup: every .o.cmd that mentions it.
header_users() {
	grep -rlF --include='.*.o.cmd' -e "$1" "$tree" |
		sed -e "s|^$tree/||" -e 's|\.\([^/]*\)\.cmd$|\1|' | sort -u
}

row_header() {
	local patch=$top/test-fixtures/kpatches/14-inline-header/1.patch
	local header=include/linux/fs_parser.h n all kern k l
	say "row 2: header patch, $header_runs runs each side"
	warm_up 2 "$patch"
	side_by_side 2 "$patch" "$header_runs"
	n=$(wc -l < "$work/2/objects")
	header_users "$header" > "$work/2/users"
	all=$(wc -l < "$work/2/users")
	kern=$(kernel_objects < "$work/2/users" | wc -l)
	read -r -a k < <(stats 2 klp-build 4)
	read -r -a l < <(stats 2 limit 4)
	row 2 "klp-build, header $header (kpatches/14)" \
		"min ${k[0]} s, median ${k[1]} s; $(ratio "${k[1]}" "$n") s per unit"
	row 2 "limit: 2 compiles of each unit + kbuild M= module" \
		"min ${l[0]} s, median ${l[1]} s; $(ratio "${l[1]}" "$n") s per unit"
	row 2 "ratio klp-build / limit" "$(ratio "${k[1]}" "${l[1]}") (median), $(ratio "${k[0]}" "${l[0]}") (min)"
	row 2 "units rebuilt / units the header affects" \
		"$n / $kern kernel objects ($all .o.cmd files name it; $((all - kern)) are host, boot or link objects)"
}

row_full_build() {
	local copy=$work/full-tree one k
	if [ "$full" != 1 ]; then
		row 3 "full double build of the tree (kpatch-build's way)" "SKIPPED: BENCH_FULL=0"
		return
	fi
	say "row 3: a clean build of a copy of the tree (-j$jobs bzImage modules; ~10-12 min)"
	cp -a -- "$tree" "$copy"
	make -C "$copy" clean >> "$log" 2>&1
	timed 3 full-build 1 make -C "$copy" -j"$jobs" bzImage modules
	rm -rf -- "$copy"
	one=$(median 3 full-build 4)
	row 3 "one clean build of a copy (-j$jobs bzImage modules)" "$one s (timed once)"
	row 3 "double build = 2 x the one timed" "$(awk -v a="$one" 'BEGIN { print 2 * a }') s"
	if k=$(median 1 klp-build 4); then
		row 3 "ratio double build / klp-build (row 1 median)" "$(ratio "$(awk -v a="$one" 'BEGIN { print 2 * a }')" "$k")"
	else
		row 3 "ratio double build / klp-build" "n/a: row 1 is not in this run (BENCH_ROWS)"
	fi
}

# Kernel C objects of the tree: host tools record absolute paths, and
# the link's own generated objects (.vmlinux.export.o) hold no function.
tree_objects() {
	grep -rh --include='.*.o.cmd' -e '^source_.* := .*\.c$' "$tree" |
		sed 's/^source_\(.*\) := .*/\1/' | grep -vE '^/|^\.' | kernel_objects | sort -u
}

# pair_line OBJ ORIG PATCHED: a cdo-run.sh line, with klp-build's target.
pair_line() {
	classify_object "$1"
	printf '%s %s %s %s\n' "${obj_ko[$1]}" "${obj_module[$1]}" "$2" "$3"
}

compile_largest() {
	local obj cmd
	for obj in "${largest[@]}"; do
		mkdir -p "$work/4/orig/$(dirname "$obj")" "$work/4/new/$(dirname "$obj")"
		printf '%s\0' "$(compile_cmd "$obj" orig "$work/4/orig/$obj")"
		cmd=$(compile_cmd "$obj" orig "$work/4/new/$obj")
		printf '%s\0' "${cmd%% *} -include $top/bench/added-function.h ${cmd#* }"
	done | (cd "$tree" && xargs -0 -n 1 -P "$jobs" bash -c) >> "$log" 2>&1 ||
		fail "compiling the largest objects failed"
}

# cdo_row WHAT LIST N: the rows of one cdo measurement over N objects.
cdo_row() {
	local what=$1 n=$2 t r
	read -r -a t < <(stats 4 "$what" 4)
	read -r -a r < <(stats 4 "$what" 5)
	printf '%s s median (min %s), %s objects/s, peak RSS %s MiB\n' "${t[1]}" "${t[0]}" \
		"$(ratio "$n" "${t[1]}")" "$((r[2] / 1024))"
}

row_cdo() {
	local obj i
	say "row 4: create-diff-object over the 20 largest objects and over all"
	mapfile -t all < <(tree_objects)
	mapfile -t largest < <(for obj in "${all[@]}"; do
		printf '%s %s\n' "$(wc -c < "$tree/$obj")" "$obj"
	done | sort -rn | head -n 20 | cut -d' ' -f2)
	compile_largest
	mkdir -p "$work/4/out"
	for obj in "${largest[@]}"; do
		pair_line "$obj" "$work/4/orig/$obj" "$work/4/orig/$obj" >> "$work/4/self.list"
		pair_line "$obj" "$work/4/orig/$obj" "$work/4/new/$obj" >> "$work/4/change.list"
	done
	for obj in "${all[@]}"; do
		pair_line "$obj" "$tree/$obj" "$tree/$obj"
	done > "$work/4/all.list"
	for ((i = 1; i <= cdo_runs; i++)); do
		timed 4 self-20 "$i" "$top/bench/cdo-run.sh" "$cdo" "$tree/Module.symvers" "$work/4/self.list" "$work/4/out"
		[ ! -s "$work/4/out/failed" ] || fail "create-diff-object failed on a self-diff of the 20 largest"
		timed 4 change-20 "$i" "$top/bench/cdo-run.sh" "$cdo" "$tree/Module.symvers" "$work/4/change.list" "$work/4/out"
		[ ! -s "$work/4/out/failed" ] || fail "create-diff-object failed on a change to the 20 largest"
	done
	row 4 "cdo self-diff, 20 largest (-ffunction-sections)" "$(cdo_row self-20 20)"
	row 4 "cdo + one new function, 20 largest" "$(cdo_row change-20 20)"
	publish
	row_rss
	publish
	timed 4 self-all 1 "$top/bench/cdo-run.sh" "$cdo" "$tree/Module.symvers" "$work/4/all.list" "$work/4/out"
	row 4 "cdo self-diff, all ${#all[@]} kernel C objects (as built)" "$(cdo_row self-all "${#all[@]}")"
	row 4 "  of which create-diff-object refused or failed" "$(wc -l < "$work/4/out/failed") (named in bench.log)"
}

# kpatch's create-diff-object (dynup/kpatch, 7085e9d measured) built
# from BENCH_KPATCH_SRC, a checkout of it: Debian 12 has no kpatch.
kpatch_cdo() {
	[ -n "${BENCH_KPATCH_SRC:-}" ] || return 0
	cp -a -- "$BENCH_KPATCH_SRC" "$work/kpatch"
	make -C "$work/kpatch/kpatch-build" ARCH=x86_64 create-diff-object >> "$log" 2>&1 ||
		fail "building kpatch's create-diff-object from $BENCH_KPATCH_SRC failed"
	readelf -s --wide "$tree/vmlinux" > "$work/4/vmlinux.symtab"
	printf '%s\n' "$work/kpatch/kpatch-build/create-diff-object" "$work/4/vmlinux.symtab"
}

mib() {
	awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'
}

# rss_line FIELD: "KIB OBJECT" of the largest field 2 (ours) or 3 (kpatch)
# of the per-object results, and that of kernel/sched/core.o.
rss_max() {
	sort -k"$1" -n "$work/4/rss" | tail -n 1 | awk -v f="$1" '{ print $f, $1 }'
}

# Row 5, on row 4's objects: the differ's peak RSS per object with
# --symbols vmlinux, self-diffs, against kpatch's beside it when it can
# be built, else against issue 16's goal (kpatch's 8.4 MiB on
# kernel/sched/core.o, measured 2026-12-05).
row_rss() {
	local goal=8602 kp=() obj ours theirs m core worst=0 worst_obj=
	mapfile -t kp < <(kpatch_cdo)
	"$top/bench/cdo-rss.sh" "$cdo" "$tree/Module.symvers" "$work/4/self.list" "$work/4/out" \
		${kp[@]+"${kp[@]}"} > "$work/4/rss.raw" 2>> "$log" ||
		fail "create-diff-object failed in the RSS row"
	: > "$work/4/rss"
	while read -r obj ours theirs; do
		obj=${obj#"$work/4/orig/"}
		printf '%s %s %s\n' "$obj" "$ours" "$theirs" >> "$work/4/rss"
		printf '5\trss-self %s\t1\t\t%s\t%s\n' "$obj" "$ours" "$(load)" >> "$raw"
		[ "$theirs" = - ] ||
			printf '5\trss-kpatch %s\t1\t\t%s\t%s\n' "$obj" "$theirs" "$(load)" >> "$raw"
		if [ "$theirs" != - ] && awk -v a="$ours" -v b="$theirs" -v w="$worst" 'BEGIN { exit !(a / b > w) }'; then
			worst=$(awk -v a="$ours" -v b="$theirs" 'BEGIN { print a / b }')
			worst_obj=$obj
		fi
	done < "$work/4/rss.raw"
	read -r m obj < <(rss_max 2)
	core=$(awk '$1 == "kernel/sched/core.o" { print $2 }' "$work/4/rss")
	row 5 "cdo peak RSS, --symbols vmlinux, 20 largest (self-diff)" \
		"max $(mib "$m") MiB ($obj), kernel/sched/core.o $(if [ -n "$core" ]; then
			echo "$(mib "$core") MiB"; else echo "not among them"; fi)"
	if [ "${#kp[@]}" -gt 0 ]; then
		read -r m obj < <(rss_max 3)
		row 5 "kpatch create-diff-object, same objects and order" "max $(mib "$m") MiB ($obj)"
		row 5 "ratio ours / kpatch, worst object (goal <= 1)" "$(ratio "$worst" 1) ($worst_obj)"
	else
		row 5 "kpatch side by side" "SKIPPED: set BENCH_KPATCH_SRC to a dynup/kpatch checkout"
		row 5 "ratio sched/core.o / 8.4 MiB (kpatch's, the goal <= 1)" \
			"$(if [ -n "$core" ]; then ratio "$core" "$goal"; else echo n/a; fi)"
	fi
}

# distro_build NAME ARGS...: klp-build --distro -v on the 200-unit header
# patch, timed as row 8's NAME; the log keeps its output.
distro_build() {
	local what=$1
	shift
	timed 8 "$what" 1 "$klp_build" --distro -v "$@" -o "$work/8/out-$what" -n bench_8 "$distro_patch"
}

# With issue 20's two distccd servers in network namespaces
# (tests/distcc-hosts.sh) when this tree has them and klp-build takes
# --cc-wrapper.
distro_distcc() {
	local hosts=$top/tests/distcc-hosts.sh dir=$work/8/distcc served
	if [ ! -f "$hosts" ] || ! grep -q -- '--cc-wrapper' "$klp_build"; then
		row 8 "  the same through 2 distccd (network namespaces)" "n/a: this tree has no tests/distcc-hosts.sh or --cc-wrapper"
		return
	fi
	# shellcheck source=/dev/null
	. "$hosts"
	# distccd, started as root, runs as user distccd: it must reach its log.
	chmod go+x "$work"
	distcc_hosts_start "$dir" 2 2 >> "$log" 2>&1 || fail "starting the distccd servers failed"
	distro_build distcc --cc-wrapper distcc || { distcc_hosts_stop "$dir"; fail "klp-build through distcc failed"; }
	served=$(distcc_hosts_served "$dir")
	distcc_hosts_stop "$dir" >> "$log" 2>&1 || true
	row 8 "  the same through 2 distccd (network namespaces)" \
		"$(median 8 distcc 4) s; compiles served: ${served// / and } (one machine: fan-out, not speed)"
}

# Row 7: a header patch on Debian's stock 6.1 (--distro) reaching some
# 200 units; the first run (untimed) makes the release's units index and
# kbuild's record of each unit's command, as any first run does once.
row_distro_header() {
	local n
	distro_patch=$top/test-fixtures/distro-kpatches/h1-header-patches/2.patch
	say "row 8: --distro header patch (include/linux/fs.h, i_size_read), some 200 units"
	mkdir -p "$work/8"
	# BENCH_DISTRO_WARM=0: the release's units index is made already.
	if [ "${BENCH_DISTRO_WARM:-1}" != 0 ]; then
		"$klp_build" --distro -o "$work/8/out-warm" -n bench_8 "$distro_patch" >> "$log" 2>&1 ||
			fail "klp-build --distro $distro_patch failed"
	fi
	distro_build local
	n=$(grep -o '[0-9]* unit(s) use them' "$log" | tail -n 1 | cut -d' ' -f1)
	row 8 "klp-build --distro, header i_size_read() of fs.h (distro h1/2)" \
		"$(median 8 local 4) s local (-j$jobs), $n units: $((2 * n)) compiles"
	distro_distcc
}

# ---- rows 6 and 7: ccache ----
#
# The header patch of row 2 (22 units) with --ccache: cold is an empty
# cache, warm the cache one build of the same patch left (row 6), or of
# the first patch when a second one changes the same header (row 7,
# where a copy of that cache is taken before each run: the run itself
# would add the second patch's objects). Sides alternate.

# cc_build ID WHAT RUN CACHE PATCH: one timed klp-build --ccache.
cc_build() {
	CCACHE_DIR=$4 timed "$1" "$2" "$3" "$klp_build" --ccache -s "$tree" -o "$work/cc/out" \
		-n "bench_$1" "$5"
}

# cc_fresh DIR [FROM]: DIR empty, or a copy of the cache FROM.
cc_fresh() {
	rm -rf -- "$1"
	if [ -n "${2:-}" ]; then
		cp -a -- "$2" "$1"
	else
		mkdir -p -- "$1"
	fi
}

cc_base() {
	local patch=$top/test-fixtures/kpatches/14-inline-header/1.patch
	[ ! -d "$work/cc/base" ] || return 0
	mkdir -p "$work/cc/out"
	cc_fresh "$work/cc/base"
	CCACHE_DIR=$work/cc/base "$klp_build" --ccache -s "$tree" -o "$work/cc/out" -n bench_cc \
		"$patch" >> "$log" 2>&1 || fail "klp-build --ccache $patch failed"
}

cc_row() {
	local id=$1 what=$2 w c
	read -r -a w < <(stats "$id" warm 4)
	read -r -a c < <(stats "$id" cold 4)
	row "$id" "$what, cached" "min ${w[0]} s, median ${w[1]} s"
	row "$id" "the same, empty cache" "min ${c[0]} s, median ${c[1]} s"
	row "$id" "ratio cached / empty cache (goal <= $3)" \
		"$(ratio "${w[1]}" "${c[1]}") (median), $(ratio "${w[0]}" "${c[0]}") (min)"
}

row_ccache_rebuild() {
	local patch=$top/test-fixtures/kpatches/14-inline-header/1.patch i
	say "row 6: the header patch rebuilt with --ccache, $cc_runs runs each side"
	cc_base
	for ((i = 1; i <= cc_runs; i++)); do
		cc_fresh "$work/cc/cold"
		if ((i % 2)); then
			cc_build 6 warm "$i" "$work/cc/base" "$patch"
			cc_build 6 cold "$i" "$work/cc/cold" "$patch"
		else
			cc_build 6 cold "$i" "$work/cc/cold" "$patch"
			cc_build 6 warm "$i" "$work/cc/base" "$patch"
		fi
	done
	cc_row 6 "klp-build --ccache, header patch (kpatches/14) again" 0.3
}

row_ccache_second() {
	local patch=$work/cc/second.patch i
	say "row 7: a second patch to the same header with --ccache, $cc_runs runs each side"
	cc_base
	sed 's/: option %s/: mount option %s/' \
		"$top/test-fixtures/kpatches/14-inline-header/1.patch" > "$patch"
	for ((i = 1; i <= cc_runs; i++)); do
		cc_fresh "$work/cc/cold"
		cc_fresh "$work/cc/warm" "$work/cc/base"
		if ((i % 2)); then
			cc_build 7 warm "$i" "$work/cc/warm" "$patch"
			cc_build 7 cold "$i" "$work/cc/cold" "$patch"
		else
			cc_build 7 cold "$i" "$work/cc/cold" "$patch"
			cc_build 7 warm "$i" "$work/cc/warm" "$patch"
		fi
	done
	cc_row 7 "klp-build --ccache, a 2nd patch to fs_parser.h (originals cached)" 0.6
}

main_bench() {
	local lockfd r
	tree=$("$top/testbed/build-kernel.sh")
	srcdir=$tree
	# What klp-build's check_inputs would set: the tree stands for itself.
	vmlinux_syms=$tree/vmlinux symvers=$tree/Module.symvers kbuild_tree=$tree
	# A rebuild of the shared tree (another session) waits until we are done.
	if [ -f "$tree.lock" ]; then
		exec {lockfd}< "$tree.lock"
		flock -s "$lockfd"
	fi
	[ -x "$cdo" ] || fail "no $cdo: run make first"
	printf 'row\twhat\trun\twall_s\tmaxrss_kib\tload_1_5_15\n' > "$raw"
	{
		printf 'klp-build bench, %s, %s cores, commit %s\n' "$(date -u '+%F %H:%M UTC')" \
			"$jobs" "$(git -C "$top" rev-parse --short HEAD 2> /dev/null || echo '?')"
		printf 'tree %s; load average at start: %s\n' "$tree" "$(load)"
	} | tee "$table"
	for r in $rows; do
		case $r in
		1) row_one_function ;;
		2) row_header ;;
		3) row_full_build ;;
		4) row_cdo ;;
		6) row_ccache_rebuild ;;
		7) row_ccache_second ;;
		8) row_distro_header ;;
		*) fail "BENCH_ROWS: no row $r (rows are 1 2 3 4 6 7 8; row 5 runs with row 4)" ;;
		esac
		# What is measured stays, should a later row fail.
		publish
	done
	printf 'load average at end: %s; raw numbers: latest.tsv\n' "$(load)" | tee -a "$table"
	publish
	say "results in $out_dir"
}

publish() {
	mkdir -p "$out_dir"
	cp -- "$raw" "$table" "$out_dir/"
}

main_bench
