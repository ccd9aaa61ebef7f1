#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# klp-units and header-functions.awk, what klp-build --distro's header
# patches stand on: which units of a kernel use a header's functions
# (from DWARF of objects gcc compiles here with -g: a "vmlinux" and a
# relocatable "module", as the -dbg package has them), bad input to
# klp-units, and which functions of a header a patch changes (from
# universal-ctags' ranges).
#   tests/klp-units.sh BUILD_DIR
set -euo pipefail

build=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"

ku=$build/klp-units
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# A header with two inline functions and a macro; a.c uses one, b.c
# and dvm/e.c (through "../include") the other, c.c only the macro,
# d.c a type of it.
make_tree() {
	local t=$scratch/tree
	mkdir -p "$t/include/linux" "$t/mods/kernel/fs"
	cat > "$t/include/linux/h.h" <<-'EOF'
	#define H_SCALE 3
	struct h_pair { int a, b; };
	static inline int h_one(int x)
	{
		return x * H_SCALE;
	}
	static inline int h_two(int x)
	{
		return x + 2;
	}
	EOF
	printf '#include <linux/h.h>\nint a_f(int x) { return h_one(x) + 1; }\n' > "$t/a.c"
	printf '#include <linux/h.h>\nint b_f(int x) { return h_two(x); }\n' > "$t/b.c"
	printf '#include <linux/h.h>\nint c_f(int x) { return x * H_SCALE; }\n' > "$t/c.c"
	printf '#include <linux/h.h>\nint d_f(struct h_pair *p) { return p->a; }\n' > "$t/d.c"
	# As kbuild's -I$(src)/.. gives it: "dvm/../include/linux/h.h".
	mkdir -p "$t/dvm"
	printf '#include "../include/linux/h.h"\nint e_f(int x) { return h_two(x); }\n' > "$t/dvm/e.c"
	(cd "$t" && for u in a b c dvm/e; do gcc -O2 -g -Iinclude -c "$u.c" -o "$u.o"; done &&
		gcc -O2 -g -Iinclude -c d.c -o mods/kernel/fs/my-mod.ko &&
		ld -r -o vmlinux a.o b.o c.o dvm/e.o)
}

# query NAME WANT ARGS...: klp-units --query's output must be WANT.
query() {
	local name=$1 want=$2 got
	shift 2
	if ! got=$("$ku" --query "$scratch/units.idx" "$@" 2>&1); then
		t_fail "klp-units/$name" "exited non-zero: $got"
	elif [ "$got" != "$want" ]; then
		t_fail "klp-units/$name" "expected '$want', got '$got'"
	else
		t_pass "klp-units/$name"
	fi
}

index_cases() {
	if ! "$ku" --vmlinux "$scratch/tree/vmlinux" --modules "$scratch/tree/mods" \
		"$scratch/units.idx" 2> "$scratch/index.err"; then
		t_fail klp-units/index "$(cat "$scratch/index.err")"
		return
	fi
	t_pass klp-units/index
	query one-function "vmlinux a.c uses h_one() of include/linux/h.h" \
		--header include/linux/h.h --function h_one
	query two-functions "vmlinux a.c uses h_one() of include/linux/h.h
vmlinux b.c uses h_two() of include/linux/h.h
vmlinux dvm/e.c uses h_two() of include/linux/h.h" \
		--header include/linux/h.h --function h_two --function h_one
	query dotted-header "vmlinux b.c uses h_two() of include/linux/h.h
vmlinux dvm/e.c uses h_two() of include/linux/h.h" \
		--header ./include//linux/../linux/h.h --function h_two
	query unused-function "" --header include/linux/h.h --function h_three
	query whole-file "my_mod d.c names include/linux/h.h in its line table
vmlinux a.c names include/linux/h.h in its line table
vmlinux b.c names include/linux/h.h in its line table
vmlinux dvm/e.c names include/linux/h.h in its line table" --header include/linux/h.h
}

# bad NAME EXIT PATTERN ARGS...: klp-units must exit EXIT with a message
# matching PATTERN, and write no index.
bad() {
	local name=$1 want=$2 re=$3 rc=0
	shift 3
	rm -f "$scratch/bad.idx"
	"$ku" "$@" > /dev/null 2> "$scratch/bad.err" || rc=$?
	if [ "$rc" != "$want" ]; then
		t_fail "klp-units/$name" "exit $rc, want $want: $(cat "$scratch/bad.err")"
	elif ! grep -qE -- "$re" "$scratch/bad.err"; then
		t_fail "klp-units/$name" "message '$(cat "$scratch/bad.err")' does not match /$re/"
	elif [ -e "$scratch/bad.idx" ]; then
		t_fail "klp-units/$name" "an index was written"
	else
		t_pass "klp-units/$name"
	fi
}

bad_input_cases() {
	printf 'not an ELF file\n' > "$scratch/text"
	printf 'klp-units 2\nkey a.h f 7\n' > "$scratch/dangling.idx"
	bad usage-none 2 'either --vmlinux' "$scratch/bad.idx"
	bad usage-both 2 'either --vmlinux' --vmlinux "$scratch/text" --query x "$scratch/bad.idx"
	bad usage-no-header 2 'needs --header' --query "$scratch/units.idx"
	bad not-elf 1 '^klp-units: .*/text: .*; give a debug file' --vmlinux "$scratch/text" "$scratch/bad.idx"
	gcc -O2 -c "$scratch/tree/a.c" -I "$scratch/tree/include" -o "$scratch/nodebug.o"
	bad no-dwarf 1 'no DWARF: .*built with -g' --vmlinux "$scratch/nodebug.o" "$scratch/bad.idx"
	bad no-modules-dir 1 'cannot walk' --vmlinux "$scratch/tree/vmlinux" \
		--modules "$scratch/none" "$scratch/bad.idx"
	bad output-is-input 1 'klp-units: ' --vmlinux "$scratch/tree/vmlinux" "$scratch/tree/vmlinux"
	bad index-not-index 1 'line 1: not a klp-units index' --query "$scratch/text" --header a.h
	bad index-dangling 1 'line 2: a unit id that names no unit' --query "$scratch/dangling.idx" --header a.h
	bad index-missing 1 'cannot open' --query "$scratch/none.idx" --header a.h
}

# changed NAME WANT: header-functions.awk on include/linux/h.h and the
# edited copy in $scratch/new.h must print WANT.
changed() {
	local name=$1 want=$2 got old=$scratch/tree/include/linux/h.h
	tags() {
		ctags -x --_xformat='%n %e %N' --language-force=C --kinds-C=f -o - "$1" | sort -n
	}
	got=$(awk -f "$top/kmod-builder/header-functions.awk" <(tags "$old") <(tags "$scratch/new.h") \
		"$old" "$scratch/new.h")
	if [ "$got" = "$want" ]; then
		t_pass "header-functions/$name"
	else
		t_fail "header-functions/$name" "expected '$want', got '$got'"
	fi
}

# edit SED: $scratch/new.h is the header with sed script SED applied.
edit() {
	sed "$1" "$scratch/tree/include/linux/h.h" > "$scratch/new.h"
}

header_function_cases() {
	edit 's/x \* H_SCALE/x * H_SCALE + 1/'
	changed body "h_one"
	edit 's/x \* H_SCALE/x * H_SCALE + 1/; s/x + 2/x + 3/'
	changed two-bodies "h_one
h_two"
	edit 's/return x + 2;/int y = x;\n\treturn y + 2;/'
	changed added-line "h_two"
	edit 's/define H_SCALE 3/define H_SCALE 4/'
	changed macro "outside 1"
	edit 's/int a, b;/int a, b, c;/'
	changed type "outside 2"
	# shellcheck disable=SC2016 # sed's $ (the last line)
	edit '$a static inline int h_three(void)\n{\n\treturn 3;\n}'
	changed new-function "outside 10"
	edit 's/h_two(int x)/h_2(int x)/'
	changed renamed "outside 7"
	edit 's/return x + 2;/return x + 2; \/\/ same code/'
	changed comment-only "h_two"
}

make_tree
index_cases
bad_input_cases
header_function_cases
t_summary
