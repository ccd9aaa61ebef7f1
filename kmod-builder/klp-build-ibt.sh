# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
#
# ENDBR placement of a livepatch module for a kernel with
# CONFIG_X86_KERNEL_IBT, checked statically: qemu's TCG has no CET, so a
# VM test cannot see an indirect branch to a function without endbr64.
# Sourced by klp-build; run directly as
#   kmod-builder/klp-build-ibt.sh [--padding] MODULE.ko
# it prints the problems and exits 1 when there are any.
#
# Rules: a function whose address is taken (an absolute reference, or a
# PC-relative one that is not the operand of a call or jump) starts
# with endbr64 and is not listed in .ibt_endbr_seal (the loader would
# overwrite its endbr64); a function only called directly needs none,
# and gcc gives a static one none. With call padding (16 NOPs that
# objtool names __pfx_NAME) every function keeps its padding.

# mawk has no strtonum.
ibt_hex='function hex(s,  i, n) { n = 0; s = tolower(s); for (i = 1; i <= length(s); i++) n = n * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1; return n }'

# "INDEX NAME FILE_OFFSET SIZE FLAGS" of each section of ELF file $1.
ibt_sections() {
	readelf -SW "$1" | sed -n 's/^ *\[ *\([0-9]*\)\] /\1 /p' |
		awk "$ibt_hex"' $1 > 0 { flags = (NF >= 11) ? $8 : "-"; print $1, $2, hex($5), hex($6), flags }'
}

# "INDEX VALUE SIZE TYPE SECTION NAME" of each symbol of ELF file $1.
ibt_symbols() {
	readelf -sW "$1" | awk "$ibt_hex"' $1 ~ /^[0-9]+:$/ && NF >= 8 && $7 ~ /^[0-9]+$/ {
		print substr($1, 1, length($1) - 1), hex($2), $3, $4, $7, $8 }'
}

# "SECTION OFFSET TYPE SYMINDEX ADDEND" of each relocation of ELF file $1,
# SECTION being the relocated one's name.
ibt_relocs() {
	readelf -rW "$1" | awk "$ibt_hex"'
		/^Relocation section / { sec = $3; gsub(/\047/, "", sec); sub(/^\.rela/, "", sec); next }
		$1 ~ /^[0-9a-f]+$/ && $3 ~ /^R_X86_64_/ {
			sym = hex(substr($2, 1, length($2) - 8))
			add = 0
			if ($(NF - 1) == "+") add = hex($NF)
			if ($(NF - 1) == "-") add = -hex($NF)
			print sec, hex($1), $3, sym, add
		}'
}

# Prints one line per ENDBR problem of module $1, and per function
# without padding when $2 is 1 (a call padding kernel).
ibt_problems() {
	local ko=$1 padding=${2:-0} tmp idx off size flags
	tmp=$(mktemp -d) || return 1
	if ! ibt_sections "$ko" > "$tmp/secs" || ! ibt_symbols "$ko" > "$tmp/syms" ||
		! ibt_relocs "$ko" > "$tmp/relocs" || [ ! -s "$tmp/secs" ]; then
		rm -rf "$tmp"
		echo "cannot read its sections, symbols and relocations (readelf)"
		return 1
	fi
	# The bytes of the executable sections, one hex byte a line after a header.
	while read -r idx _ off size flags; do
		[[ $flags == *X* ]] || continue
		printf 'sec %s\n' "$idx"
		od -An -v -tx1 -j "$off" -N "$size" "$ko" | tr -s ' ' '\n' | grep -v '^$'
	done < "$tmp/secs" > "$tmp/bytes"
	awk -v padding="$padding" -f - "$tmp/secs" "$tmp/syms" "$tmp/relocs" "$tmp/bytes" <<'AWK'
FILENAME ~ /secs$/ { secidx[$2] = $1; flags[$1] = $5; next }
FILENAME ~ /syms$/ {
	symval[$1] = $2; symsec[$1] = $5; symtype[$1] = $4; symname[$1] = $6
	if ($4 == "FUNC") { func_at[$5 " " $2] = $6; funcs[$1] = 1 }
	next
}
FILENAME ~ /relocs$/ { nr++; rsec[nr] = $1; roff[nr] = $2; rtype[nr] = $3; rsym[nr] = $4; radd[nr] = $5; next }
/^sec / { cur = $2; pos = 0; next }
{ byte[cur " " pos++] = $1 }
END {
	skip[".orc_unwind_ip"]; skip["__mcount_loc"]; skip[".return_sites"]
	skip[".call_sites"]; skip[".retpoline_sites"]; skip["__patchable_function_entries"]
	skip[".static_call_sites"]; skip[".altinstructions"]; skip["__ex_table"]; skip["__bug_table"]
	for (i = 1; i <= nr; i++) {
		s = rsym[i]
		if (!(s in symsec) || symsec[s] == 0) continue
		from = secidx[rsec[i]]
		if (flags[from] !~ /A/ || rsec[i] in skip || rsec[i] ~ /^\.discard/) continue
		at = symval[s] + radd[i]
		pcrel = rtype[i] ~ /PC32|PLT32/
		if (pcrel && rsec[i] != ".ibt_endbr_seal") at += 4
		key = symsec[s] " " at
		if (!(key in func_at)) continue
		if (rsec[i] == ".ibt_endbr_seal") { sealed[key] = 1; continue }
		if (pcrel && flags[from] ~ /X/) {
			b1 = byte[from " " (roff[i] - 1)]; b2 = byte[from " " (roff[i] - 2)]
			if (b1 == "e8" || b1 == "e9" || (b2 == "0f" && b1 ~ /^8/)) continue
		}
		taken[key] = rsec[i] "+0x" sprintf("%x", roff[i])
	}
	for (key in taken) {
		split(key, k, " ")
		e = byte[k[1] " " k[2]] byte[k[1] " " (k[2] + 1)] byte[k[1] " " (k[2] + 2)] byte[k[1] " " (k[2] + 3)]
		if (e != "f30f1efa")
			printf "%s: address taken (%s) but it does not start with endbr64: an indirect call to it would trap under IBT\n", func_at[key], taken[key]
		if (key in sealed)
			printf "%s: address taken (%s) but listed in .ibt_endbr_seal: the loader would remove its endbr64\n", func_at[key], taken[key]
	}
	# A .cold part (gcc-14 splits more of them) is only jumped to: the
	# kernel's own have no padding either.
	for (s in funcs) {
		if (symname[s] ~ /^__pfx_/ || symname[s] ~ /\.cold(\.[0-9]+)?$/ || flags[symsec[s]] !~ /X/) continue
		if (!((symsec[s] " " (symval[s] - 16)) in func_at) && padding)
			printf "%s: no 16-byte padding (__pfx_%s) before it: call padding kernels patch those bytes\n", symname[s], symname[s]
	}
}
AWK
	rm -rf "$tmp"
}

# klp-build's check of the module $1 it built for the kernel of config $2:
# nothing to check without IBT.
ibt_verify_module() {
	local ko=$1 config=$2 pad=0 problems
	grep -q '^CONFIG_X86_KERNEL_IBT=y' "$config" || return 0
	grep -q '^CONFIG_CALL_PADDING=y' "$config" && pad=1
	problems=$(ibt_problems "$ko" "$pad") || problems=${problems:-the check failed}
	[ -z "$problems" ] ||
		die "$EXIT_BUILD" "${ko##*/} is not right for an IBT kernel: ${problems//$'\n'/; }; report this with the log"
	msg "       IBT kernel: ENDBR placement$([ "$pad" = 0 ] || echo " and call padding") of ${ko##*/} checked"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -euo pipefail
	pad=0
	[ "${1:-}" != --padding ] || { pad=1; shift; }
	if [ "$#" != 1 ] || [ ! -f "$1" ]; then
		echo "usage: klp-build-ibt.sh [--padding] MODULE.ko" >&2
		exit 2
	fi
	problems=$(ibt_problems "$1" "$pad") || problems=${problems:-failed}
	[ -z "$problems" ] || { printf 'klp-build-ibt: %s: %s\n' "$1" "$problems" >&2; exit 1; }
	printf 'klp-build-ibt: %s: ENDBR placement%s right\n' "$1" "$([ "$pad" = 0 ] || echo " and call padding")"
fi
