# SPDX-License-Identifier: GPL-2.0
# Damaging one field of an object's relocation, for the tests that check
# the tools refuse it (sourced).
# shellcheck shell=bash

# rela_entry OBJ RELASEC INDEX: the file offset of entry INDEX of RELASEC.
rela_entry() {
	local off
	off=$(readelf -SW "$1" | sed -n "s/^ *\[ *[0-9]*\] $2 \{1,\}RELA \{1,\}[0-9a-f]\{16\} \([0-9a-f]\{6,\}\) .*/\1/p")
	[ -n "$off" ] || { echo "rela_entry: no section $2 in $1" >&2; return 1; }
	echo $((0x$off + $3 * 24))
}

# poke_le64 FILE OFFSET VALUE: VALUE (a number bash reads) as 8 little-endian bytes.
poke_le64() {
	local v=$3 i bytes=
	for i in 0 1 2 3 4 5 6 7; do
		bytes+=$(printf '\\x%02x' $(((v >> (8 * i)) & 0xff)))
	done
	printf '%b' "$bytes" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# poke_rela OBJ RELASEC INDEX FIELD VALUE: FIELD offset, info or addend of the entry.
poke_rela() {
	local at field
	at=$(rela_entry "$1" "$2" "$3") || return 1
	case $4 in
	offset) field=0 ;;
	info) field=8 ;;
	addend) field=16 ;;
	esac
	poke_le64 "$1" $((at + field)) "$5"
}
