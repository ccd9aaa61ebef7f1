#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Perturbation sweep: every kernel C object of the 6.1 test tree, compiled
# the way klp-build compiles it (kbuild's command plus -ffunction-sections
# -fdata-sections, then objtool), as is and with one new global function
# (appended at the end; inserted at the top before a #line 1 directive,
# which renumbers sections, symbols and strings but keeps __LINE__).
# The differ must say "no change" (exit 3) for the object against itself
# and (for the sample) against a second compile, and exactly "new function: NAME" for both
# perturbed objects.  Any other answer, a crash or a sanitizer report fails.
#   tests/perturb-sweep.sh [-j N] [--keep DIR] BUILD_DIR [OBJ...|--sample]
# With no OBJ: every object of the tree.  --sample: the fixed sample of
# test-fixtures/perturb-sample (objects chosen for their special sections).
# --keep DIR keeps the compiled objects there and reuses them on a rerun.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
# First: it sources klp-build, whose globals (keep among them) would
# overwrite this script's.
# shellcheck source=scripts/kbuild-compile.sh
. "$top/scripts/kbuild-compile.sh"
new_fn=klp_sweep_new_fn
tree=${PERTURB_TREE:-}
cdo=${PERTURB_CDO:-}
keep=${PERTURB_KEEP:-}
again=${PERTURB_AGAIN:-0}

# variant SRC top|append OUT: SRC with one new global function.
variant() {
	local src=$1 where=$2 out=$3 fn
	# Guarded: a few sources include themselves (kernel/locking/qspinlock.c).
	printf -v fn '#ifndef KLP_SWEEP_NEW_FN\n#define KLP_SWEEP_NEW_FN\n%s\n#endif' \
		"int $new_fn(int x); int $new_fn(int x) { return x * 3 + 1; }"
	{
		[ "$where" = top ] && echo "$fn"
		printf '#line 1 "%s"\n' "$src"
		cat "$tree/$src"
		[ "$where" = append ] && echo "$fn"
	} > "$out"
}

# build_one OBJ DIR: the four objects of OBJ, unless DIR has them.
build_one() {
	local obj=$1 dir=$2 src v
	src=$(source_of "$obj")
	if [ ! -f "$dir/done" ]; then
		mkdir -p "$dir"
		# The same base name as the original: it names the STT_FILE symbol.
		for v in top append; do
			mkdir -p "$dir/$v"
			variant "$src" "$v" "$dir/$v/$(basename "$src")"
		done
		{
			kbuild_compile "$obj" "$src" "$dir/orig.o" &&
				kbuild_compile "$obj" "$dir/top/$(basename "$src")" "$dir/top.o" &&
				kbuild_compile "$obj" "$dir/append/$(basename "$src")" "$dir/append.o"
		} > "$dir/build.log" 2>&1 || return 1
		touch "$dir/done"
	fi
	# A kept directory of a full sweep lacks the sample's second compile.
	if [ "$again" = 1 ] && [ ! -f "$dir/again.o" ]; then
		kbuild_compile "$obj" "$src" "$dir/again.o" >> "$dir/build.log" 2>&1 || return 1
	fi
	return 0
}

# check ORIG NEW WANT_RC WANT_STDOUT: one differ run; prints a failure.
check() {
	local a=$1 b=$2 want_rc=$3 want=$4 rc=0 out err got
	out=$(dirname "$b")/$(basename "$b" .o).out
	err=${out%.out}.err
	"$cdo" "$a" "$b" "${out%.out}.diff.o" > "$out" 2> "$err" || rc=$?
	rm -f "${out%.out}.diff.o"
	got=$(grep -v '^klp symbol: ' "$out" || true)
	if grep -q 'Sanitizer\|runtime error' "$err"; then
		echo "crash: $(grep -m1 'Sanitizer\|runtime error' "$err")"
	elif [ "$rc" -ne "$want_rc" ]; then
		echo "exit $rc, want $want_rc: $(head -c 300 "$err" | tr '\n' ' ') $(head -c 300 "$out" | tr '\n' ' ')"
	elif [ "$got" != "$want" ]; then
		echo "output: $(printf '%s' "$got" | tr '\n' ' ' | head -c 400)"
	fi
}

# one OBJ: build and check one object; prints "PASS OBJ" or "FAIL OBJ: why".
one() {
	local obj=$1 dir why=
	dir=$keep/${obj//\//_}
	if ! build_one "$obj" "$dir"; then
		echo "SKIP $obj: does not compile outside kbuild: $(grep -m1 -i 'error' "$dir/build.log" | head -c 200)"
		return 0
	fi
	# Real-mode boot code and the 32-bit vDSO are not livepatchable.
	if ! readelf -h "$dir/orig.o" | grep -q 'Machine:.*X86-64'; then
		echo "SKIP $obj: not an x86_64 object"
		return 0
	fi
	why+=$(check "$dir/orig.o" "$dir/orig.o" 3 "")
	if [ "$again" = 1 ]; then
		why+=$(check "$dir/orig.o" "$dir/again.o" 3 "")
	fi
	why+=$(check "$dir/orig.o" "$dir/top.o" 0 "new function: $new_fn")
	why+=$(check "$dir/orig.o" "$dir/append.o" 0 "new function: $new_fn")
	if [ -n "$why" ]; then
		# One line per object: the first failing comparison says why.
		echo "FAIL $obj: $(printf '%s' "$why" | head -1)"
	else
		echo "PASS $obj"
	fi
}

# Kernel C objects of the tree (host tools excluded: not kernel code).
all_objects() {
	grep -rl --include='.*.o.cmd' -e '^source_.*\.c$' "$tree" |
		xargs grep -l -e '-D__KERNEL__' |
		sed -E -e "s|^$tree/||" -e 's#(^|/)\.([^/]*)\.cmd$#\1\2#' | sort
}

main() {
	local jobs=1 objs=() sample=0
	while [ "$#" -gt 0 ]; do
		case $1 in
		-j) jobs=$2; shift 2 ;;
		--keep) keep=$2; shift 2 ;;
		*) break ;;
		esac
	done
	build=$(cd "$1" && pwd)
	shift
	if [ -z "${keep:-}" ]; then
		keep=$(mktemp -d)
		trap 'rm -rf "$keep"' EXIT
	fi
	mkdir -p "$keep"
	keep=$(cd "$keep" && pwd)
	if [ "${1:-}" = --sample ]; then
		sample=1
		again=1
		mapfile -t objs < <(grep -v '^#' "$top/test-fixtures/perturb-sample")
	else
		objs=("$@")
	fi
	export PERTURB_TREE=$tree PERTURB_CDO=$build/create-diff-object PERTURB_KEEP=$keep \
		PERTURB_AGAIN=$again
	[ "${#objs[@]}" -gt 0 ] || mapfile -t objs < <(all_objects)
	# shellcheck source=tests/lib.sh
	. "$top/tests/lib.sh"
	local start=$SECONDS results line
	# Runs sharing a --keep directory each have their own list.
	results=$(mktemp "$keep/results.XXXXXX")
	printf '%s\n' "${objs[@]}" |
		xargs -P "$jobs" -n 1 "$0" --one > "$results"
	while IFS= read -r line; do
		case $line in
		PASS*) t_pass "perturb ${line#PASS }" ;;
		FAIL*) t_fail "perturb ${line#FAIL }" "" ;;
		SKIP*)
			# A sample object that no longer compiles is a failure.
			if [ "$sample" = 1 ]; then t_fail "perturb ${line#SKIP }" ""
			else echo "skip: ${line#SKIP }"; fi
			;;
		esac
	done < <(sort "$results")
	echo "perturb-sweep: ${#objs[@]} objects in $((SECONDS - start)) s"
	t_summary
}

# The xargs children get the tree, the differ and the directory by
# environment: they run only `one`.
if [ "${1:-}" = --one ]; then
	one "$2"
	exit 0
fi
[ -n "$tree" ] || tree=$("$top/testbed/build-kernel.sh" 2> /dev/null)
main "$@"
