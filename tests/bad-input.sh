#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Bad input to create-diff-object (and to klp-convert, for what their
# shared ELF model and output handling decide): every case must end in
# a clear "TOOL: FILE: ...; what to do" message and the right exit code,
# never a crash (sanitizer report, signal), and never an output file.
set -euo pipefail

build=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"
# shellcheck source=tests/fixture-cc.sh
. "$top/tests/fixture-cc.sh"
# shellcheck source=tests/elf-poke.sh
. "$top/tests/elf-poke.sh"

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

# --- Outputs: never an input, never anything but a regular file. ---
# kept NAME FILE COPY: FILE is still byte for byte COPY.
kept() {
	if cmp -s "$2" "$3"; then
		t_pass "bad-input/$1-input-kept"
	else
		t_fail "bad-input/$1-input-kept" "$2 was removed or changed"
	fi
}
cp "$d/good.o" "$d/good.keep"
cp "$d/good2.o" "$d/good2.keep"
expect out-is-orig 1 'out_check: the output is the input' "$d/good.o" "$d/good2.o" "$d/good.o"
kept out-is-orig "$d/good.o" "$d/good.keep"
expect out-is-all-three 1 'out_check: the output is the input' "$d/good.o" "$d/good.o" "$d/good.o"
kept out-is-all-three "$d/good.o" "$d/good.keep"
expect bad-orig-out-is-patched 1 'out_check: the output is the input' "$d/text.o" "$d/good2.o" "$d/good2.o"
kept bad-orig-out-is-patched "$d/good2.o" "$d/good2.keep"
ln "$d/good2.o" "$d/hardlink.o"
expect out-hardlink-to-input 1 'out_check: the output is the input' "$d/good.o" "$d/good2.o" "$d/hardlink.o"
ln -s good.o "$d/symlink.o"
expect out-symlink-to-input 1 'out_check: the output is the input' "$d/good.o" "$d/good2.o" "$d/symlink.o"
expect out-is-symvers 1 'out_check: the output is the input' --symvers "$d/bad.symvers" "$d/good.o" "$d/good2.o" "$d/bad.symvers"
mkfifo "$d/fifo.o"
expect out-fifo 1 'exists and is not a regular file' "$d/good.o" "$d/good2.o" "$d/fifo.o"
[ -p "$d/fifo.o" ] || t_fail bad-input/out-fifo-kept "the fifo was replaced"
expect out-directory 1 'exists and is not a regular file' "$d/good.o" "$d/good2.o" "$d/dir.o"
kept all-cases "$d/good.o" "$d/good.keep"
kept all-cases "$d/good2.o" "$d/good2.keep"

# A valid output name of 250 bytes: the temporary must not be longer.
long=$d/long/$(printf 'o%.0s' {1..248}).o
mkdir "$d/long"
rc=0
"$cdo" "$d/good.o" "$d/good2.o" "$long" > /dev/null 2> "$d/long.err" || rc=$?
if [ "$rc" = 0 ] && [ -f "$long" ] && [ "$(find "$d/long" -mindepth 1 | wc -l)" = 1 ]; then
	t_pass bad-input/long-output-name
else
	t_fail bad-input/long-output-name "exit $rc: $(cat "$d/long.err"; ls -A "$d/long")"
fi

# SIGTERM while the output is written (fsync held 3 s by strace): the
# temporary goes with the process, and no OUT.o appears.
# sigterm_mid_write NAME DIR CMD...: CMD writes its output into DIR.
sigterm_mid_write() {
	local name=$1 dir=$2 pid rc=0 i
	shift 2
	strace -qq -f -o /dev/null -e trace=fsync -e inject=fsync:delay_enter=3000000 "$@" \
		> /dev/null 2> "$d/$name.err" &
	pid=$!
	for i in $(seq 50); do
		[ -z "$(ls -A "$dir")" ] || break
		sleep 0.1
	done
	pkill -TERM -P "$pid"
	wait "$pid" || rc=$?
	if [ -n "$(ls -A "$dir")" ]; then
		t_fail "bad-input/$name" "left $(ls -A "$dir") behind (exit $rc)"
	elif [ "$rc" != 143 ]; then
		t_fail "bad-input/$name" "exit $rc, want 143 (SIGTERM): $(cat "$d/$name.err")"
	else
		t_pass "bad-input/$name"
	fi
}
mkdir "$d/term"
sigterm_mid_write sigterm-mid-write "$d/term" "$cdo" "$d/good.o" "$d/good2.o" "$d/term/out.o"

# --- Relocations: validated on load, then trusted. ---
cat > "$d/addend.c" <<'EOC'
static int arr[4];
int f(int x) { return arr[x & 3] + 1; }
unsigned long g(void)
{
	unsigned long v;

	asm volatile("movabs $arr, %0" : "=r"(v));
	return v + (unsigned long)&arr[1];
}
EOC
fixture_cc "$d/addend.c" "$d/addend.o"
# damaged NAME FIELD VALUE [FIELD VALUE]: addend.o with g's second relocation changed.
damaged() {
	local f=$d/$1.o
	cp "$d/addend.o" "$f"
	poke_rela "$f" .rela.text.g 1 "$2" "$3"
	[ $# -lt 5 ] || poke_rela "$f" .rela.text.g 1 "$4" "$5"
	cp "$f" "$d/$1-copy.o"
}
arr_sym=$(readelf -rW "$d/addend.o" | sed -n 's/^0000000000000007  \([0-9a-f]\{8\}\)00000001 .*/\1/p')
damaged pcrel-huge info $(((0x$arr_sym << 32) | 2)) addend 0x7ffffffffffffffe
expect pcrel-huge-addend 1 'addend 9223372036854775806, which its 4-byte field cannot hold' "$d/pcrel-huge.o" "$d/pcrel-huge-copy.o" "$d/out.o"
damaged abs-overflow addend 0x7ffffffffffffffc
expect abs-overflowing-addend 1 'check_places: .* past any place' "$d/abs-overflow.o" "$d/abs-overflow-copy.o" "$d/out.o"
# A huge but representable 64-bit addend, the same in both: no change.
damaged abs-huge addend 0x4000000000000000
expect abs-huge-addend-identical 3 'no changed or new functions' "$d/abs-huge.o" "$d/abs-huge-copy.o" "$d/out.o"
damaged far-offset offset 0xfffffffffffffff0
expect reloc-offset-outside 1 'writes 8 bytes at offset 0xfffffffffffffff0, outside .text.g' "$d/far-offset.o" "$d/far-offset-copy.o" "$d/out.o"
damaged bad-type info $(((0x$arr_sym << 32) | 0xff))
expect reloc-type-unknown 1 'has type 255, which x86_64 does not define' "$d/bad-type.o" "$d/bad-type-copy.o" "$d/out.o"
# 8-byte __mcount_loc relocations in 3-byte entries.
expect entry-size-too-small 1 'check_entry_relocs: __mcount_loc: the 8-byte relocation at offset 0x0 crosses the end of an entry of 3 bytes' --entry-size __mcount_loc=3 "$d/good.o" "$d/good2.o" "$d/out.o"

# --- klp-convert: the same model, the same outputs. ---
kc=$build/klp-convert
seed=$top/test-fixtures/fuzz/seeds/prefinal-livepatch-s01.ko
# kc_expect NAME EXIT PATTERN ARGS...: like expect, for klp-convert.
kc_expect() {
	local name=$1 want=$2 pattern=$3 rc=0
	shift 3
	rm -f "$scratch/out.o"
	${klp_wrap[@]+"${klp_wrap[@]}"} "$kc" "$@" > /dev/null 2> "$scratch/stderr" || rc=$?
	if [ "$rc" -ne "$want" ]; then
		t_fail "bad-input/kc-$name" "exit $rc, want $want: $(cat "$scratch/stderr")"
	elif grep -qE "$klp_bad_report" "$scratch/stderr"; then
		t_fail "bad-input/kc-$name" "memory error or leak: $(cat "$scratch/stderr")"
	elif [ -n "$pattern" ] && ! grep -qE "$pattern" "$scratch/stderr"; then
		t_fail "bad-input/kc-$name" "stderr does not match /$pattern/: $(cat "$scratch/stderr")"
	elif [ "$want" != 0 ] && [ -e "$scratch/out.o" ]; then
		t_fail "bad-input/kc-$name" "an output file was left behind"
	else
		t_pass "bad-input/kc-$name"
	fi
}
cp "$seed" "$d/kc.ko"
cp "$seed" "$d/kc-far.ko"
poke_rela "$d/kc-far.ko" .rela.text.cmdline_proc_show 0 offset 0xfffffffffffffff0
kc_expect finalize-offset-outside 1 'offset 0xfffffffffffffff0, outside .text.cmdline_proc_show' --finalize "$d/kc-far.ko" "$d/out.o"
cp "$seed" "$d/kc-type.ko"
kc_sym=$(readelf -rW "$seed" | sed -n '/^Relocation section .\.rela\.text\.cmdline_proc_show/,/^$/s/^[0-9a-f]\{16\}  \([0-9a-f]\{8\}\)[0-9a-f]\{8\} .*/\1/p' | head -1)
poke_rela "$d/kc-type.ko" .rela.text.cmdline_proc_show 0 info $(((0x$kc_sym << 32) | 0xff))
kc_expect finalize-type-unknown 1 'has type 255, which x86_64 does not define' --finalize "$d/kc-type.ko" "$d/out.o"
# Record 5's objname (the module whose .klp.rela takes it) pointed far
# past the string table: record 6's name relocation moved onto that field.
cp "$top/test-fixtures/fuzz/seeds/prefinal-livepatch-s07.ko" "$d/kc-objname.ko"
poke_rela "$d/kc-objname.ko" .rela.klp_build.relocs 13 offset $((5 * 40 + 32))
poke_rela "$d/kc-objname.ko" .rela.klp_build.relocs 13 addend 0x7fffffff00
kc_expect finalize-objname-outside 1 "klp_build.relocs: a record's name lies outside its string table" \
	--finalize "$d/kc-objname.ko" "$d/out.o"
kc_expect out-is-symbols 1 'out_check: the output is the input' --symbols "$d/good.o" "$d/kc.ko" "$d/good.o"
kept kc-out-is-symbols "$d/good.o" "$d/good.keep"
printf '0x00000000\tkfree\tvmlinux\tEXPORT_SYMBOL\t\n' > "$d/good.symvers"
cp "$d/good.symvers" "$d/good.symvers.keep"
kc_expect out-is-symvers 1 'out_check: the output is the input' --finalize --symvers "$d/good.symvers" "$d/kc.ko" "$d/good.symvers"
kept kc-out-is-symvers "$d/good.symvers" "$d/good.symvers.keep"
kc_expect out-fifo 1 'exists and is not a regular file' --finalize "$d/kc.ko" "$d/fifo.o"
[ -p "$d/fifo.o" ] || t_fail bad-input/kc-out-fifo-kept "the fifo was replaced"
# In place (OUT.ko is IN.ko) stays allowed: the conversion replaces it whole.
kc_expect in-place 0 '' --finalize "$d/kc.ko" "$d/kc.ko"
if readelf -SW "$d/kc.ko" | grep -q '\.klp\.rela\.' && [ -z "$(find "$d" -maxdepth 1 -name '.klp-*')" ]; then
	t_pass bad-input/kc-in-place-converted
else
	t_fail bad-input/kc-in-place-converted "no .klp.rela section in the converted module, or a temporary left"
fi
rm -rf "$d/long" "$d/term"
mkdir "$d/long" "$d/term"
rc=0
"$kc" --finalize "$seed" "$long" 2> "$d/long.err" || rc=$?
if [ "$rc" = 0 ] && [ -f "$long" ] && [ "$(find "$d/long" -mindepth 1 | wc -l)" = 1 ]; then
	t_pass bad-input/kc-long-output-name
else
	t_fail bad-input/kc-long-output-name "exit $rc: $(cat "$d/long.err"; ls -A "$d/long")"
fi
sigterm_mid_write kc-sigterm-mid-write "$d/term" "$kc" --finalize "$seed" "$d/term/out.ko"
