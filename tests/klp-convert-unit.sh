#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# klp-convert (standalone mode) without a VM: its refusals and the ELF
# it writes, on the hand-written livepatch modules of
# test-fixtures/klp-convert/ built against the 6.1 test tree (in a
# mktemp -d copy; the tree and the repo are not written).
#   tests/klp-convert-unit.sh BUILD_DIR
# One result per check, klp-convert/<check>. The sympos fixture is also
# built with KCFLAGS=-DKLP_TEST_SYMPOS=N: N is the position its
# KLP_SYMPOS(print_cpu, vmlinux, N) names, a negative N leaves it out.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"
# shellcheck source=tests/klp-module.sh
. "$top/tests/klp-module.sh"

klp_module_setup "$1"
# ALLOC | INFO_LINK | SHF_RELA_LIVEPATCH (0x00100000)
klp_rela_flags=0000000000100042

say() {
	printf 'klp-convert-unit: %s\n' "$*" >&2
}

# ko NAME: the module build_module NAME made.
ko() {
	local f
	for f in "$scratch/$1"/*.ko; do
		printf '%s\n' "$f"
	done
}

# kc ARGS...: runs klp-convert against the tree, output in $scratch/kc.*;
# sets $rc.
kc() {
	rc=0
	"$convert" --symbols "$tree/vmlinux" --symvers "$tree/Module.symvers" "$@" \
		> "$scratch/kc.out" 2> "$scratch/kc.err" || rc=$?
}

# refused PATTERN OUT: the last kc exited 1, said PATTERN (ERE) on
# stderr, did not crash, and left no OUT. Prints what does not hold.
refused() {
	local err
	err=$(cat "$scratch/kc.err")
	if [ "$rc" -ne 1 ]; then
		echo "exit $rc, want 1: $err"
	elif grep -q 'Sanitizer\|runtime error' "$scratch/kc.err"; then
		echo "sanitizer report: $err"
	elif ! grep -qE -- "$1" "$scratch/kc.err"; then
		echo "stderr does not match /$1/: $err"
	elif [ -e "$2" ]; then
		echo "$2 was written"
	elif compgen -G "$2.*" > /dev/null; then
		echo "left $(echo "$2".*) behind"
	fi
}

# record NAME WHY: pass when WHY is empty.
record() {
	if [ -z "$2" ]; then
		t_pass "klp-convert/$1"
	else
		t_fail "klp-convert/$1" "$2"
	fi
}

# converted NAME IN OUT [ARGS...]: kc that must succeed; prints why not.
converted() {
	local in=$1 out=$2
	shift 2
	kc "$@" "$in" "$out"
	if [ "$rc" -ne 0 ]; then
		echo "klp-convert $in exit $rc: $(cat "$scratch/kc.err")"
	elif grep -q 'Sanitizer\|runtime error' "$scratch/kc.err"; then
		echo "sanitizer report: $(cat "$scratch/kc.err")"
	elif [ ! -f "$out" ]; then
		echo "no $out"
	fi
}

# sections KO: "INDEX NAME TYPE OFFSET FLAGS LINK INFO" per section.
sections() {
	readelf -SW "$1" | sed -n 's/^ *\[ *\([0-9][0-9]*\)\] /\1 /p' |
		awk '{ print $1, $2, $3, $5, (NF == 11 ? $8 : "-"), $(NF - 2), $(NF - 1) }'
}

# shdr_flags KO INDEX: sh_flags of section INDEX, 16 hex digits.
shdr_flags() {
	local shoff
	shoff=$(readelf -hW "$1" | awk '/Start of section headers/ { print $5 }')
	od -An -t x8 -j $((shoff + $2 * 64 + 8)) -N 8 "$1" | tr -d ' '
}

# klp_relocs KO: "SECTION OFFSET TYPE SYMBOL" per relocation of a
# .klp.rela section.
klp_relocs() {
	readelf -rW "$1" | awk '
		/^Relocation section/ { sec = $3; gsub("\047", "", sec); next }
		sec ~ /^\.klp\.rela\./ && $1 ~ /^[0-9a-f]+$/ && NF >= 5 { print sec, $1, $3, $5 }'
}


# check_rela_sections KO: each .klp.rela.OBJ.SEC is SHT_RELA with flags
# exactly ALLOC|INFO_LINK|SHF_RELA_LIVEPATCH (readelf: A, I, o), sh_info
# the index of SEC and sh_link that of .symtab. Prints what does not hold.
check_rela_sections() {
	local ko=$1 idx name type off flags link info target symtab n=0 want raw
	symtab=$(sections "$ko" | awk '$2 == ".symtab" { print $1 }')
	while read -r idx name type off flags link info; do
		case $name in .klp.rela.*) ;; *) continue ;; esac
		n=$((n + 1))
		# .klp.rela.<obj>.<sec>: <obj> has no dots, <sec> may have
		target=${name#.klp.rela.}
		target=${target#*.}
		want=$(sections "$ko" | awk -v s="$target" '$2 == s { print $1 }')
		[ "$type" = RELA ] || echo "$ko: $name: type $type, want RELA"
		[[ $flags == *A* && $flags == *o* && $flags == *I* ]] ||
			echo "$ko: $name: flags '$flags', want A, I and o"
		raw=$(shdr_flags "$ko" "$idx")
		[ "$raw" = "$klp_rela_flags" ] ||
			echo "$ko: $name: sh_flags 0x$raw, want 0x$klp_rela_flags"
		[ -n "$want" ] || echo "$ko: $name: no section $target"
		[ "$info" = "$want" ] || echo "$ko: $name: sh_info $info, want $want ($target)"
		[ "$link" = "$symtab" ] || echo "$ko: $name: sh_link $link, want $symtab (.symtab)"
	done < <(sections "$ko")
	[ "$n" -gt 0 ] || echo "$ko: no .klp.rela section"
}

# check_zero_bytes KO: the bytes under every klp relocation are zero.
check_zero_bytes() {
	local ko=$1 sec off type sym size target toff bytes n=0
	while read -r sec off type sym; do
		case $type in
		R_X86_64_PC32 | R_X86_64_PLT32 | R_X86_64_32 | R_X86_64_32S) size=4 ;;
		R_X86_64_64 | R_X86_64_PC64) size=8 ;;
		*) echo "$ko: $sec+0x$off: unexpected type $type"; continue ;;
		esac
		target=${sec#.klp.rela.}
		target=${target#*.}
		toff=$(sections "$ko" | awk -v s="$target" '$2 == s { print $4 }')
		if [ -z "$toff" ]; then
			echo "$ko: $sec: no section $target"
			continue
		fi
		bytes=$(od -An -t x1 -j $((0x$toff + 0x$off)) -N "$size" "$ko" | tr -d ' \n')
		n=$((n + 1))
		[ "$bytes" = "$(printf '0%.0s' $(seq $((size * 2))))" ] ||
			echo "$ko: $target+0x$off ($type against $sym): bytes $bytes, want zeros"
	done < <(klp_relocs "$ko")
	[ "$n" -gt 0 ] || echo "$ko: no klp relocation"
}

build_all() {
	local pids=() names=(ne sp2 sp1 sp0 sp3 spnone cf) i failed=0
	build_module ne nonexported-vmlinux & pids+=("$!")
	build_module sp2 sympos & pids+=("$!")
	build_module sp1 sympos -DKLP_TEST_SYMPOS=1 & pids+=("$!")
	build_module sp0 sympos -DKLP_TEST_SYMPOS=0 & pids+=("$!")
	build_module sp3 sympos -DKLP_TEST_SYMPOS=3 & pids+=("$!")
	build_module spnone sympos -DKLP_TEST_SYMPOS=-1 & pids+=("$!")
	build_module cf module-symbol & pids+=("$!")
	for i in "${!pids[@]}"; do
		if ! wait "${pids[$i]}"; then
			say "building ${names[$i]} failed:"
			tail -n 20 "$scratch/${names[$i]}/build.log" >&2
			failed=1
		fi
	done
	return "$failed"
}

# A module that is not a livepatch: configs.ko of the tree.
test_not_livepatch() {
	local out=$scratch/not-livepatch.ko
	kc "$tree/kernel/configs.ko" "$out"
	record not-livepatch "$(refused 'not a livepatch module .*MODULE_INFO\(livepatch' "$out")"
}

# print_cpu without KLP_SYMPOS: exit 1, one ready-to-paste line per
# print_cpu of vmlinux, in address order with its position and address.
test_ambiguous() {
	local out=$scratch/ambiguous.ko why want have
	kc "$(ko spnone)" "$out"
	why=$(refused 'print_cpu: 2 symbols of this name; say which one with KLP_SYMPOS' "$out")
	if [ -z "$why" ]; then
		want=$(nm "$tree/vmlinux" | awk '$3 == "print_cpu" { print $1 }' | sort |
			awk '{ printf "KLP_SYMPOS(print_cpu, vmlinux, %d); 0x%s\n", NR, $1 }' |
			sed 's/0x0*/0x/')
		have=$(sed -n 's/^  \(KLP_SYMPOS(print_cpu, vmlinux, [0-9]*);\) .* at \(0x[0-9a-f]*\),.*/\1 \2/p' \
			"$scratch/kc.err")
		[ "$(echo "$want" | wc -l)" -eq 2 ] || why="vmlinux has $(echo "$want" | wc -l) print_cpu, want 2"
		[ -n "$why" ] || [ "$have" = "$want" ] ||
			why="candidates listed [$have], want [$want]; stderr: $(cat "$scratch/kc.err")"
		[ -n "$why" ] || [ "$(grep -c 'KLP_SYMPOS(' "$scratch/kc.err")" -eq 3 ] ||
			why="extra KLP_SYMPOS lines: $(cat "$scratch/kc.err")"
	fi
	record ambiguous-no-sympos "$why"
}

# KLP_SYMPOS naming a position print_cpu does not have (3 of 2), or 0
# (which means "the only one") for a name vmlinux has twice.
test_wrong_sympos() {
	local n out=$scratch/wrong.ko why
	for n in 3 0; do
		kc "$(ko "sp$n")" "$out"
		why=$(refused "KLP_SYMPOS\(print_cpu, vmlinux, $n\) does not match the 2 symbols" "$out")
		[ -n "$why" ] || grep -q '^  KLP_SYMPOS(print_cpu, vmlinux, 2);' "$scratch/kc.err" ||
			why="the candidates are not listed: $(cat "$scratch/kc.err")"
		record "wrong-sympos-$n" "$why"
	done
}

# The position written is the one converted to; the records go.
test_sympos_position() {
	local n out why=''
	for n in 1 2; do
		out=$scratch/sympos-$n.ko
		why=$(converted "$(ko "sp$n")" "$out")
		[ -n "$why" ] && break
		[ "$(klp_syms "$out")" = ".klp.sym.vmlinux.print_cpu,$n" ] ||
			why="$out: livepatch symbols [$(klp_syms "$out" | tr '\n' ' ')], want .klp.sym.vmlinux.print_cpu,$n"
		[ -n "$why" ] && break
		! sections "$out" | grep -q 'klp_build' ||
			why="$out: .klp_build sections left: $(sections "$out" | grep klp_build | tr '\n' ' ')"
		[ -n "$why" ] && break
	done
	record sympos-position "$why"
}

# seq_printf, klp_enable_patch, __fentry__ (Module.symvers) stay plain
# undefined symbols with their normal relocations; only the two
# non-exported names become livepatch symbols; nothing else is undefined.
test_exported() {
	local out=$scratch/ne.ko why name und
	why=$(converted "$(ko ne)" "$out")
	if [ -z "$why" ]; then
		und=$(readelf -sW "$out" | awk '$7 == "UND" && $8 != "" { print $5, $8 }' | sort)
		for name in seq_printf klp_enable_patch __fentry__; do
			grep -qx "GLOBAL $name" <<< "$und" || why+="$name is not a plain undefined global; "
			readelf -rW "$out" | awk -v s="$name" '
				/^Relocation section/ { ok = ($3 == "\047.rela.text\047"); next }
				ok && $5 == s { f = 1 } END { exit !f }' ||
				why+="no .rela.text relocation against $name; "
		done
		while read -r _ name; do
			grep -qP "^0x[0-9a-f]+\t\Q$name\E\t" "$tree/Module.symvers" ||
				why+="$name: undefined and not exported; "
		done <<< "$und"
		[ "$(klp_syms "$out" | tr '\n' ' ')" = ".klp.sym.vmlinux.print_tainted,0 .klp.sym.vmlinux.saved_command_line,0 " ] ||
			why+="livepatch symbols: $(klp_syms "$out" | tr '\n' ' ')"
	fi
	record exported-stays-plain "$why"
}

test_rela_sections() {
	local why
	why=$(converted "$(ko cf)" "$scratch/cf.ko" --module "configs=$tree/kernel/configs.ko")
	[ -n "$why" ] || why=$(for f in "$scratch/ne.ko" "$scratch/sympos-2.ko" "$scratch/cf.ko"; do
		check_rela_sections "$f"; done)
	record klp-rela-sections "$why"
	why=$(dirty_copy "$(ko ne)" "$scratch/dirty-in.ko" saved_command_line print_tainted)
	[ -n "$why" ] || why=$(converted "$scratch/dirty-in.ko" "$scratch/dirty.ko")
	[ -n "$why" ] || why=$(for f in "$scratch/ne.ko" "$scratch/sympos-2.ko" "$scratch/cf.ko" \
		"$scratch/dirty.ko"; do
		[ -f "$f" ] || { echo "no $f"; continue; }
		check_zero_bytes "$f"; done)
	record klp-rela-bytes-zero "$why"
}

# dirty_copy IN OUT SYM...: IN with 0xdeadbeef written in .text under
# every .rela.text relocation against SYM (kbuild leaves them zero, so
# that klp-convert must be seen clearing them). Prints what went wrong.
dirty_copy() {
	local in=$1 out=$2 text off n=0
	shift 2
	cp "$in" "$out"
	text=$(sections "$out" | awk '$2 == ".text" { print $4 }')
	while read -r off; do
		printf '\xef\xbe\xad\xde' |
			dd of="$out" bs=1 seek=$((0x$text + 0x$off)) conv=notrunc status=none
		n=$((n + 1))
	done < <(readelf -rW "$out" | awk -v syms=" $* " '
		/^Relocation section/ { ok = ($3 == "\047.rela.text\047"); next }
		ok && index(syms, " " $5 " ") { print $1 }')
	[ "$n" -ge "$#" ] || echo "dirty_copy: $n relocations against $* in $in, want $# or more"
}

# A --module symbol without --module: refused, naming the option.
test_module_not_given() {
	local out=$scratch/no-module.ko
	kc "$(ko cf)" "$out"
	record module-not-given "$(refused 'kernel_config_data(_end)?: undefined, not exported, and found in none .*--module' "$out")"
}

# OUT.ko = IN.ko: converted in place, the same bytes as to another file.
test_in_place() {
	local f=$scratch/inplace.ko why
	cp "$(ko ne)" "$f"
	why=$(converted "$f" "$f")
	[ -n "$why" ] || cmp -s "$f" "$scratch/ne.ko" ||
		why="in place differs from $scratch/ne.ko: $(cmp "$f" "$scratch/ne.ko" 2>&1)"
	[ -n "$why" ] || ! compgen -G "$f.*" > /dev/null || why="left $(echo "$f".*) behind"
	record in-place "$why"
}

# Bad input: exit 1, a message naming the file, no OUT; an OUT that was
# there stays as it was.
test_bad_input() {
	local in=$scratch/bad.ko out=$scratch/bad-out.ko why
	head -c "$(($(stat -c %s "$(ko ne)") / 2))" "$(ko ne)" > "$in"
	kc "$in" "$out"
	record truncated-input "$(refused "^klp-convert: $in: " "$out")"
	head -c 64 "$(ko ne)" > "$in"
	kc "$in" "$out"
	record truncated-header "$(refused "^klp-convert: $in: " "$out")"
	printf 'not an ELF file, just text\n%.0s' {1..50} > "$in"
	kc "$in" "$out"
	record non-elf-input "$(refused "^klp-convert: $in: " "$out")"
	printf 'old output\n' > "$out"
	cp "$out" "$scratch/old-out"
	kc "$in" "$out"
	why=''
	[ "$rc" -eq 1 ] || why="exit $rc, want 1"
	[ -n "$why" ] || cmp -s "$out" "$scratch/old-out" || why="the existing $out was changed"
	[ -n "$why" ] || ! compgen -G "$out.*" > /dev/null || why="left $(echo "$out".*) behind"
	record failure-keeps-old-output "$why"
}

main() {
	klp_module_tree
	test_not_livepatch
	if ! build_all; then
		t_fail klp-convert/build-fixtures "a fixture module did not build (see above)"
		t_summary || exit 1
	fi
	test_ambiguous
	test_wrong_sympos
	test_sympos_position
	test_exported
	test_rela_sections
	test_module_not_given
	test_in_place
	test_bad_input
	t_summary
}

main "$@"
