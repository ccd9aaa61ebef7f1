#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Differ fixtures: for each test-fixtures/diff/NN-name/ case, compile
# orig.c and patched.c with test-fixtures/diff/cflags, run
# create-diff-object on the pair and check the case's `expected` file
# (format: test-fixtures/diff/README.md).
#
# usage: tests/diff-fixtures.sh [--keep] [-j N] BUILD_DIR [CASE...]
#   BUILD_DIR  directory holding the create-diff-object binary
#   CASE       case directory names (default: all); a trailing / is ignored
#   --keep     keep the scratch directories and print where they are
#   -j N       compile and run N cases at a time (default: nproc)
# Environment: KLP_FIXTURE_CC (default gcc), KLP_DIFF_TIMEOUT (seconds a
# single differ run may take, default 20), KLP_DIFF_FIXTURES (another
# fixture directory with the same layout, to test the runner itself).

set -euo pipefail

tests_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top_dir=$(dirname "$tests_dir")
fix_dir=${KLP_DIFF_FIXTURES:-$top_dir/test-fixtures/diff}
fix_dir=$(cd "$fix_dir" && pwd)
inc_dir=$fix_dir/include

# shellcheck source=tests/lib.sh
. "$tests_dir/lib.sh"

usage() {
	echo "usage: $0 [--keep] [-j N] BUILD_DIR [CASE...]" >&2
	exit 2
}

keep=0
jobs=$(nproc 2>/dev/null || echo 2)
while [ $# -gt 0 ]; do
	case $1 in
	--keep) keep=1; shift ;;
	-j) [ $# -ge 2 ] || usage; jobs=$2; shift 2 ;;
	-j*) jobs=${1#-j}; shift ;;
	--) shift; break ;;
	-*) usage ;;
	*) break ;;
	esac
done
[ $# -ge 1 ] || usage
case $jobs in '' | *[!0-9]* | 0) usage ;; esac

build_dir=$(cd "$1" 2>/dev/null && pwd) || {
	echo "$0: $1: no such build directory" >&2
	exit 2
}
shift
cdo=$build_dir/create-diff-object
cc=${KLP_FIXTURE_CC:-gcc}
timeout_s=${KLP_DIFF_TIMEOUT:-20}

read -r -a cflags < "$fix_dir/cflags"

if [ $# -gt 0 ]; then
	cases=()
	for c in "$@"; do
		c=${c%/}
		c=${c##*/}
		if [[ ! $c =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ ]]; then
			t_fail "diff/$c" "not a case name"
			continue
		fi
		cases+=("$c")
	done
else
	cases=()
	for d in "$fix_dir"/[0-9][0-9]-*/; do
		d=${d%/}
		cases+=("${d##*/}")
	done
fi

scratch_top=$(mktemp -d "${TMPDIR:-/tmp}/klp-diff-fixtures.XXXXXX")
cleanup() {
	if [ "$keep" -eq 1 ]; then
		echo "diff-fixtures: scratch directories kept under $scratch_top"
	else
		rm -rf "$scratch_top"
	fi
}
trap cleanup EXIT

# ---- per-case work (runs in a background subshell) -----------------------
# Forks are expensive on some CI machines: the checks below use bash
# builtins (=~ is the same POSIX ERE syntax as grep -E) and fork only for
# the compiler, the differ and readelf.

# note MSG...: append one failure reason for the current case.
note() {
	printf '  %s\n' "$*" >> "$work/reasons"
}

# show FILE LABEL: the first 40 lines of a captured output, indented.
show() {
	local file=$1 label=$2 l
	local -a lines=()
	[ -f "$file" ] && mapfile -t lines < "$file"
	if [ ${#lines[@]} -eq 0 ]; then
		printf '  %s: (empty)\n' "$label"
		return 0
	fi
	printf '  %s:\n' "$label"
	for l in "${lines[@]:0:40}"; do
		printf '    | %s\n' "$l"
	done
	if [ ${#lines[@]} -gt 40 ]; then
		printf '    | ... (%s lines)\n' "${#lines[@]}"
	fi
}

# compile_one SRC_DIR SRC_NAME OUT_O [FLAG...]: compile SRC_DIR/SRC_NAME
# from inside SRC_DIR, so that the FILE symbol and __FILE__ are just SRC_NAME.
compile_one() {
	local dir=$1 src=$2 out=$3
	shift 3
	cd "$dir" && "$cc" "${cflags[@]}" "$@" -I"$inc_dir" -c "$src" -o "$out" \
		>> "$work/compile.log" 2>&1
}

# compile_case CASE_DIR: build orig.o, patched.o and, if the case has a
# symbols/ directory, symbols.o. Both sides are compiled as fixture.c, as
# the orig and patched objects of a kernel file share one source name.
compile_case() {
	local cdir=$1 v f objs=() module=()

	mkdir -p "$work/orig" "$work/patched"
	for v in orig patched; do
		cp "$cdir/$v.c" "$work/$v/fixture.c" 2>> "$work/compile.log" || return 1
		compile_one "$work/$v" fixture.c "$work/$v.o" || return 1
	done
	# Built as Debian builds a stock module: one .text per object.
	[ ! -f "$cdir/stock-module" ] || module=(-fno-function-sections -fno-data-sections)
	if [ -d "$cdir/symbols" ]; then
		mkdir -p "$work/symbols"
		for f in "$cdir"/symbols/*.c; do
			[ -e "$f" ] || continue
			f=${f##*/}
			compile_one "$cdir/symbols" "$f" "$work/symbols/${f%.c}.o" \
				${module[@]+"${module[@]}"} || return 1
			objs+=("$work/symbols/${f%.c}.o")
		done
		if [ ${#objs[@]} -eq 0 ]; then
			echo "symbols/ has no .c file" >> "$work/compile.log"
			return 1
		fi
		ld -r -o "$work/symbols.o" "${objs[@]}" >> "$work/compile.log" 2>&1 || return 1
		# As Debian installs its modules: no STT_FILE symbols left.
		if [ -f "$cdir/stock-module" ]; then
			strip --strip-debug "$work/symbols.o" >> "$work/compile.log" 2>&1 || return 1
		fi
	fi
	if [ -f "$cdir/system-map" ]; then
		# What a distribution ships of vmlinux: nm -n of the linked image.
		ld -e 0 --unresolved-symbols=ignore-all -o "$work/symbols.elf" "${objs[@]}" \
			>> "$work/compile.log" 2>&1 || return 1
		nm -n "$work/symbols.elf" > "$work/System.map" || return 1
	fi
	cd "$work"
}

# make_view KEY: write $work/KEY.txt, the readelf output a KEY directive
# looks at. For readelf-r every line from a "Relocation section 'X'"
# header on is prefixed with "X: ", so that a directive can name the
# relocation section.
make_view() {
	local key=$1 l sec=""
	local -a lines=()
	case $key in
	readelf-s) mapfile -t lines < <(readelf -sW "$work/out.o" 2>&1) ;;
	readelf-S) mapfile -t lines < <(readelf -SW "$work/out.o" 2>&1) ;;
	modinfo)
		# the NUL-separated strings of .modinfo, one per line
		: > "$work/modinfo.bin"
		objcopy -O binary -j .modinfo "$work/out.o" "$work/modinfo.bin" 2>/dev/null || true
		mapfile -t -d '' lines < "$work/modinfo.bin" ;;
	readelf-r)
		mapfile -t lines < <(readelf -rW "$work/out.o" 2>&1)
		for l in "${lines[@]}"; do
			if [[ $l =~ ^Relocation\ section\ \'([^\']*)\' ]]; then
				sec=${BASH_REMATCH[1]}
			fi
			printf '%s\n' "${sec:+$sec: }$l"
		done > "$work/$key.txt"
		return 0 ;;
	esac
	printf '%s\n' ${lines[@]+"${lines[@]}"} > "$work/$key.txt"
}

# match FILE ERE: 0 when a line of FILE matches (it is left in $matched),
# 1 when none does, 2 when ERE is not a valid regular expression.
match() {
	local l r
	local -a lines=()
	matched=
	# the status of [[ =~ ]] itself is wanted: 2 for a bad ERE
	# shellcheck disable=SC2319
	if [[ "" =~ $2 ]]; then r=0; else r=$?; fi
	[ "$r" -le 1 ] || return 2
	mapfile -t lines < "$1"
	for l in ${lines[@]+"${lines[@]}"}; do
		if [[ $l =~ $2 ]]; then
			matched=$l
			return 0
		fi
	done
	return 1
}

# check_directives CASE_DIR RC: check the expected file against the
# captured run; every failed directive is noted.
check_directives() {
	local cdir=$1 rc=$2 exp=$1/expected line key re neg src n=0 r l
	local want_exit="" seen_exit=0
	local -a explines=()
	local -A want=() got=()

	if [ ! -f "$exp" ]; then
		note "no expected file"
		return 0
	fi
	mapfile -t explines < "$exp"
	for line in ${explines[@]+"${explines[@]}"}; do
		n=$((n + 1))
		# trim blanks at both ends; skip blank lines and comments
		line=${line#"${line%%[![:space:]]*}"}
		line=${line%"${line##*[![:space:]]}"}
		case $line in '' | '#'*) continue ;; esac
		if [ "$seen_exit" -eq 0 ]; then
			if [[ $line =~ ^exit\ +([0-9]+)$ ]]; then
				want_exit=${BASH_REMATCH[1]}
				seen_exit=1
				if [ "$rc" != "$want_exit" ]; then
					note "exit: expected $want_exit, got $rc"
				fi
				continue
			fi
			note "expected:$n: first directive must be 'exit N'"
			return 0
		fi
		case $line in
		'changed function: '* | 'new function: '*)
			want[$line]=1
			continue ;;
		esac
		if [[ ! $line =~ ^(!?)(stdout|stderr|readelf-s|readelf-r|readelf-S|modinfo):\ ?(.*)$ ]]; then
			note "expected:$n: unknown directive: $line"
			continue
		fi
		neg=${BASH_REMATCH[1]}
		key=${BASH_REMATCH[2]}
		re=${BASH_REMATCH[3]}
		if [ -z "$re" ]; then
			note "expected:$n: empty regular expression: $line"
			continue
		fi
		case $key in
		stdout | stderr) src=$work/$key ;;
		readelf-* | modinfo)
			if [ "$want_exit" != 0 ]; then
				note "expected:$n: $key directive in a case that does not expect exit 0"
				continue
			fi
			# without OUT.o the exit or OUT.o check has failed already
			if [ "$rc" != 0 ] || [ ! -f "$work/out.o" ]; then
				continue
			fi
			src=$work/$key.txt
			[ -f "$src" ] || make_view "$key" ;;
		esac
		r=0
		match "$src" "$re" || r=$?
		if [ "$r" -eq 2 ]; then
			note "expected:$n: bad regular expression: $line"
		elif [ -z "$neg" ] && [ "$r" -ne 0 ]; then
			note "$line: no line of $key matches"
		elif [ -n "$neg" ] && [ "$r" -eq 0 ]; then
			note "$line: a line of $key matches: $matched"
		fi
	done
	if [ "$seen_exit" -eq 0 ]; then
		note "expected: no 'exit N' directive"
		return 0
	fi

	# the set of changed/new function lines must be exactly the listed
	# set; no function, data or klp symbol line may be printed twice
	local -a outlines=() missing=() extra=()
	local -A seen=()
	mapfile -t outlines < "$work/stdout"
	for l in ${outlines[@]+"${outlines[@]}"}; do
		case $l in
		'changed function: '* | 'new function: '* | *' data: '* | 'klp symbol: '*)
			if [ -n "${seen[$l]+x}" ]; then
				note "printed more than once: $l"
			fi
			seen[$l]=1 ;;
		esac
		case $l in
		'changed function: '* | 'new function: '*) got[$l]=1 ;;
		esac
	done
	for l in "${!want[@]}"; do
		[ -n "${got[$l]+x}" ] || missing+=("$l")
	done
	for l in "${!got[@]}"; do
		[ -n "${want[$l]+x}" ] || extra+=("$l")
	done
	if [ ${#missing[@]} -gt 0 ] || [ ${#extra[@]} -gt 0 ]; then
		note "function lines differ from the expected set:"
		for l in ${missing[@]+"${missing[@]}"}; do
			note "  missing: $l"
		done
		for l in ${extra[@]+"${extra[@]}"}; do
			note "  unexpected: $l"
		done
	fi
}

# run_case CASE: everything for one case; leaves $work/verdict
# ("pass" or "fail") and $work/reasons.
run_case() {
	local name=$1 cdir=$fix_dir/$1 rc=0 line f
	local -a args=()
	work=$scratch_top/$name
	mkdir -p "$work"
	: > "$work/reasons"

	if [ ! -f "$cdir/orig.c" ] || [ ! -f "$cdir/patched.c" ]; then
		note "no such case (need $cdir/orig.c and patched.c)"
		echo fail > "$work/verdict"
		return 0
	fi
	if ! compile_case "$cdir"; then
		note "fixture does not compile:"
		while IFS= read -r line; do
			note "  | $line"
		done < "$work/compile.log"
		echo fail > "$work/verdict"
		return 0
	fi

	if [ -f "$cdir/args" ]; then
		line=
		IFS= read -r line < "$cdir/args" || true
		line=${line//\{dir\}/$work}
		read -r -a args <<< "$line"
	fi
	[ ! -f "$cdir/Module.symvers" ] || args+=(--symvers "$cdir/Module.symvers")
	if [ -f "$cdir/system-map" ]; then
		args+=(--symbols "$work/System.map")
	elif [ -f "$work/symbols.o" ]; then
		args+=(--symbols "$work/symbols.o")
	fi

	printf -v line '%q ' "$cdo" ${args[@]+"${args[@]}"} \
		"$work/orig.o" "$work/patched.o" "$work/out.o"
	printf '%s\n' "${line% }" > "$work/cmdline"
	timeout -k 5 "$timeout_s" ${klp_wrap[@]+"${klp_wrap[@]}"} "$cdo" ${args[@]+"${args[@]}"} \
		"$work/orig.o" "$work/patched.o" "$work/out.o" \
		> "$work/stdout" 2> "$work/stderr" < /dev/null || rc=$?
	echo "$rc" > "$work/rc"
	if grep -qE "$klp_bad_report" "$work/stderr"; then
		note "memory error or leak reported: $(grep -m 3 -E "$klp_bad_report" "$work/stderr" | tr '\n' ' ')"
	fi
	if [ "$rc" -eq 124 ]; then
		note "timed out after ${timeout_s}s"
	elif [ "$rc" -ge 128 ]; then
		note "killed by signal $((rc - 128))"
	fi

	# OUT.o exists iff exit is 0, and readelf must accept it
	if [ "$rc" -eq 0 ]; then
		if [ ! -f "$work/out.o" ]; then
			note "exit 0 but OUT.o was not written"
		elif ! readelf -h "$work/out.o" > /dev/null 2> "$work/readelf-h.err" ||
		     [ -s "$work/readelf-h.err" ]; then
			IFS= read -r line < "$work/readelf-h.err" || true
			note "readelf -h rejects OUT.o: $line"
		fi
	elif [ -e "$work/out.o" ]; then
		note "exit $rc but OUT.o was left behind"
	fi

	check_directives "$cdir" "$rc"

	if [ -s "$work/reasons" ]; then
		{
			printf '  command (--keep keeps its files): %s\n' "$(< "$work/cmdline")"
			for f in stdout stderr; do
				show "$work/$f" "$f"
			done
		} >> "$work/reasons"
		echo fail > "$work/verdict"
	else
		echo pass > "$work/verdict"
	fi
}

# ---- main ----------------------------------------------------------------

if [ ! -x "$cdo" ]; then
	t_fail diff/create-diff-object "$cdo: no such executable (build it first: make)"
	t_summary || exit 1
	exit 1
fi

running=0
for c in ${cases[@]+"${cases[@]}"}; do
	if [ "$running" -ge "$jobs" ]; then
		# returns at once (127) if every job has already ended
		wait -n || true
		running=$((running - 1))
	fi
	( run_case "$c" ) > "$scratch_top/$c.log" 2>&1 &
	running=$((running + 1))
done
wait || true

for c in ${cases[@]+"${cases[@]}"}; do
	w=$scratch_top/$c
	v=
	[ ! -f "$w/verdict" ] || read -r v < "$w/verdict" || true
	case $v in
	pass) t_pass "diff/$c" ;;
	fail) t_fail "diff/$c" "$(printf '\n%s' "$(< "$w/reasons")")" ;;
	*) t_fail "diff/$c" "runner error, its log says: $(< "$scratch_top/$c.log")" ;;
	esac
	if [ "$keep" -eq 1 ] && [ -d "$w" ]; then
		echo "     scratch: $w"
	fi
done

t_summary
