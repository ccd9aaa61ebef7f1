#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# What klp-build --distro refuses for a module target when the image's
# stock .ko does not match, each with its own error: a changed function
# of another size than compiled here, a module the image does not ship;
# and that a compressed .ko is read from a copy in the cache.
#   tests/distro-verify.sh BUILD_DIR
# Part of make check-distro (tests/check-distro.sh prints the summary).
# Each case is a copy of the prepared cache (linked, not copied: the
# source, vmlinuz and System.map) whose fs/binfmt_misc.ko or
# modules.order is altered. Run after tests/check-distro.sh's suite has
# compiled fs/binfmt_misc.o in the shared source, so no case compiles
# there under its own lock.
set -euo pipefail

build=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"

export KLP_TOOLS_DIR=$build
cache=${KLP_CACHE_DIR:-$top/.cache}/distro
patch=$top/test-fixtures/distro-kpatches/d1-module-binfmt-misc/1.patch
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
# The runs fail on purpose and keep their scratch directories (the log):
# in the test's own.
export TMPDIR=$scratch/tmp
mkdir -p "$TMPDIR"

# The release the suite built for: the -amd64 cache directory whose
# source is prepared from the installed linux-source-6.1's version
# (check-distro also prepares other releases and flavours).
release_of_cache() {
	local d ver
	ver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
	for d in "$cache"/6.1.0-*-amd64; do
		[[ ${d##*/} =~ ^6\.1\.0-[0-9]+-amd64$ ]] || continue
		if [ -f "$d/src/.prepared" ] && [ "$(cut -d' ' -f1 "$d/src/.prepared")" = "$ver" ]; then
			basename "$d"
			return
		fi
	done
}

# fake_cache DIR: DIR/distro/$rel, sharing all but the image's modules.
fake_cache() {
	local into=$1/distro/$rel real=$cache/$rel mods
	mods=lib/modules/$rel
	mkdir -p "$into/image/$mods/kernel/fs"
	ln -s "$real/src" "$into/src"
	ln -s "$real/System.map-$rel" "$into/System.map-$rel"
	cp "$real/System.map.version" "$into/"
	cp "$real/image/.version" "$into/image/"
	ln -s "$real/image/boot" "$into/image/boot"
	cp "$real/image/$mods/modules.order" "$into/image/$mods/"
	cp "$real/image/$mods/kernel/fs/binfmt_misc.ko" "$into/image/$mods/kernel/fs/"
	printf '%s\n' "$into/image/$mods"
}

# set_sym_size KO SYMBOL SIZE: rewrites the symbol's st_size in place.
set_sym_size() {
	local ko=$1 sym=$2 size=$3 idx off
	idx=$(readelf -sW "$ko" | awk -v s="$sym" '$8 == s && !i { i = $1; sub(":", "", i) } END { print i }')
	off=$(readelf -SW "$ko" | sed -n 's/.* \.symtab  *SYMTAB  *[0-9a-f]*  *\([0-9a-f]*\) .*/\1/p')
	[[ $idx =~ ^[0-9]+$ && $off =~ ^[0-9a-f]+$ ]] || return 1
	# Elf64_Sym: st_size is the 8 bytes at offset 16, little-endian.
	printf '%b' "$(printf '\\x%02x' "$((size & 255))" "$((size >> 8 & 255))" 0 0 0 0 0 0)" |
		dd of="$ko" bs=1 seek=$((16#$off + idx * 24 + 16)) conv=notrunc status=none
}

# expect NAME CODE ERE: klp-build --distro with the cache in $scratch/NAME.
expect() {
	local name=$1 code=$2 re=$3 rc=0
	KLP_CACHE_DIR=$scratch/$name "$top/kmod-builder/klp-build" --distro --release "$rel" \
		-o "$scratch/$name/out" -n "v_$name" "$patch" > "$scratch/$name.out" 2>&1 || rc=$?
	if [ "$rc" = "$code" ] && grep -qE -- "$re" "$scratch/$name.out"; then
		t_pass "distro-verify/$name"
	else
		sed 's/^/    | /' "$scratch/$name.out" | tail -n 15
		t_fail "distro-verify/$name" "klp-build exit $rc (want $code), stderr /$re/"
	fi
	[ ! -e "$scratch/$name/out/livepatch-v_$name.ko" ] ||
		t_fail "distro-verify/$name-no-module" "a module was written"
}

rel=$(release_of_cache)
if [ -z "$rel" ]; then
	t_fail distro-verify "no prepared source in $cache/6.1.0-*-amd64: run make check-distro"
	exit 0
fi

mods=$(fake_cache "$scratch/size")
set_sym_size "$mods/kernel/fs/binfmt_misc.ko" bm_status_read 7
expect size 1 'bm_status_read of fs/binfmt_misc.o is [0-9]+ bytes as compiled here but 7 in .*binfmt_misc.ko: the prepared source does not build what Debian shipped'

# A compressed stock module (6.12's are .ko.xz) is read from a copy
# decompressed into the cache; the image's file is left as it was.
expect_xz() {
	local out=$scratch/xz/out rc=0 sum
	mods=$(fake_cache "$scratch/xz")
	xz "$mods/kernel/fs/binfmt_misc.ko"
	sum=$(md5sum < "$mods/kernel/fs/binfmt_misc.ko.xz")
	KLP_CACHE_DIR=$scratch/xz "$top/kmod-builder/klp-build" --distro --release "$rel" \
		-o "$out" -n v_xz "$patch" > "$scratch/xz.out" 2>&1 || rc=$?
	if [ "$rc" = 0 ] && [ -f "$out/livepatch-v_xz.ko" ] &&
		[ -f "$scratch/xz/distro/$rel/modules/fs/binfmt_misc.ko" ] &&
		[ ! -e "$mods/kernel/fs/binfmt_misc.ko" ] &&
		[ "$(md5sum < "$mods/kernel/fs/binfmt_misc.ko.xz")" = "$sum" ]; then
		t_pass distro-verify/xz
	else
		sed 's/^/    | /' "$scratch/xz.out" | tail -n 15
		t_fail distro-verify/xz "klp-build exit $rc (want 0), or no module, no copy in the cache, or the image's .ko.xz changed"
	fi
}
expect_xz

mods=$(fake_cache "$scratch/unshipped")
sed -i '/binfmt_misc/d' "$mods/modules.order"
expect unshipped 5 'part of module binfmt_misc, which linux-image-.* does not ship'
