#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Bad input to create-diff-object: every case must end in a clear
# "create-diff-object: FILE: ...; what to do" message and the right exit
# code, never a crash (sanitizer report, signal), and never an OUT.o.
set -euo pipefail

build=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"
# shellcheck source=tests/fixture-cc.sh
. "$top/tests/fixture-cc.sh"

cdo=$build/create-diff-object
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

make_inputs() {
	local d=$scratch
	printf 'int f(int x) { return x + 1; }\nint g(void) { return 2; }\n' > "$d/good.c"
	fixture_cc "$d/good.c" "$d/good.o"
	printf 'int other(void) { return 7; }\n' > "$d/other.c"
	fixture_cc "$d/other.c" "$d/other.o"
	: > "$d/empty.o"
	printf 'this is not an object file, it is text\n%.0s' {1..20} > "$d/text.o"
	head -c 64 "$d/good.o" > "$d/trunc-header.o"
	head -c "$(($(stat -c %s "$d/good.o") / 2))" "$d/good.o" > "$d/trunc-half.o"
	# e_shoff (offset 0x28) pointing far past the end of the file
	cp "$d/good.o" "$d/bad-shoff.o"
	printf '\xff\xff\xff\x7f\x00\x00\x00\x00' |
		dd of="$d/bad-shoff.o" bs=1 seek=40 conv=notrunc status=none
	# the section header table overwritten with garbage
	cp "$d/good.o" "$d/garbage-shdrs.o"
	local shoff
	shoff=$(readelf -h "$d/good.o" | awk '/Start of section headers/ {print $5}')
	# a fixed pattern, so a failure reproduces
	head -c 640 < <(yes $'\xa5\x3c\x00\x7f\xff\x01' | tr -d '\n') | dd of="$d/garbage-shdrs.o" bs=1 seek="$((shoff + 64))" \
		conv=notrunc status=none
	# e_machine (offset 0x12) set to AArch64
	cp "$d/good.o" "$d/arm64.o"
	printf '\xb7\x00' | dd of="$d/arm64.o" bs=1 seek=18 conv=notrunc status=none
	# e_type (offset 0x10) set to ET_EXEC
	cp "$d/good.o" "$d/exec.o"
	printf '\x02\x00' | dd of="$d/exec.o" bs=1 seek=16 conv=notrunc status=none
	mkdir "$d/dir.o"
	printf 'not a symvers line\n' > "$d/bad.symvers"
}

# expect NAME EXIT PATTERN ARGS...: run the differ, check exit, message, no output
expect() {
	local name=$1 want=$2 pattern=$3 rc=0 err
	shift 3
	rm -f "$scratch/out.o"
	${klp_wrap[@]+"${klp_wrap[@]}"} "$cdo" "$@" > "$scratch/stdout" 2> "$scratch/stderr" || rc=$?
	err=$(cat "$scratch/stderr")
	if [ "$rc" -ne "$want" ]; then
		t_fail "bad-input/$name" "exit $rc, want $want: $err"
	elif grep -qE "$klp_bad_report" "$scratch/stderr"; then
		t_fail "bad-input/$name" "memory error or leak: $err"
	elif ! grep -qE "$pattern" "$scratch/stderr"; then
		t_fail "bad-input/$name" "stderr does not match /$pattern/: $err"
	elif [ -e "$scratch/out.o" ]; then
		t_fail "bad-input/$name" "an output file was left behind"
	else
		t_pass "bad-input/$name"
	fi
}

make_inputs
d=$scratch
msg='^create-diff-object: [^ ]+: .+; .+'
for bad in empty text trunc-header trunc-half bad-shoff garbage-shdrs arm64 exec; do
	expect "$bad-as-orig" 1 "$msg" "$d/$bad.o" "$d/good.o" "$d/out.o"
	expect "$bad-as-patched" 1 "$msg" "$d/good.o" "$d/$bad.o" "$d/out.o"
done
expect missing-file 1 "$msg" "$d/nope.o" "$d/good.o" "$d/out.o"
expect directory 1 "$msg" "$d/dir.o" "$d/good.o" "$d/out.o"
expect mismatched-pair 1 'shares no function' "$d/good.o" "$d/other.o" "$d/out.o"
expect bad-symvers 1 'symvers_load: line 1' --symvers "$d/bad.symvers" "$d/good.o" "$d/good.o" "$d/out.o"
expect bad-symbols 1 "$msg" --symbols "$d/text.o" "$d/good.o" "$d/good.o" "$d/out.o"
expect no-args 2 'expected ORIG.o PATCHED.o OUT.o' 
expect two-args 2 'expected ORIG.o PATCHED.o OUT.o' "$d/good.o" "$d/good.o"
expect unknown-option 2 'unrecognized option' --frobnicate "$d/good.o" "$d/good.o" "$d/out.o"
expect bad-entry-size 2 'expected SECTION=BYTES' --entry-size __bug_table "$d/good.o" "$d/good.o" "$d/out.o"
expect bad-object-name 2 'expected vmlinux or a module name' --object a.b "$d/good.o" "$d/good.o" "$d/out.o"
expect no-change 3 'no changed or new functions' "$d/good.o" "$d/good.o" "$d/out.o"
# A run that writes no OUT.o removes only what it created: an OUT.o of
# an earlier run stays as it was (the exit status says there is none).
printf 'earlier\n' > "$d/out.o"
"$cdo" "$d/good.o" "$d/good.o" "$d/out.o" 2> /dev/null || true
if [ "$(cat "$d/out.o" 2> /dev/null)" != earlier ]; then
	t_fail bad-input/earlier-output-kept "OUT.o from an earlier run was removed or changed"
else
	t_pass bad-input/earlier-output-kept
fi
# An output directory that does not exist: error, nothing written anywhere.
sed 's/x + 1/x + 2/' "$d/good.c" > "$d/good2.c"
fixture_cc "$d/good2.c" "$d/good2.o"
expect unwritable-output 1 'cannot create a file beside it' "$d/good.o" "$d/good2.o" "$d/no/such/dir/out.o"
if "$cdo" --help | grep -q 'usage: create-diff-object'; then
	t_pass bad-input/help
else
	t_fail bad-input/help "--help does not print the usage"
fi
