#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A module with two functions of one name, built with --distro: fat.ko
# has a static init_once() in cache.c (the fat_cache constructor, first
# in the module) and one in inode.c (the inode constructor, second).
# Debian's stock modules have no STT_FILE symbols; klp-build tells the
# two apart by where they lie and must patch inode.c's. The patched one
# prints the size of each object it constructs: an inode's, never a
# fat_cache entry's, both while only inodes are made (mounting a FAT12
# volume, whose root directory has a fixed place) and once file data has
# gone through fat_cache (whose constructor would run the patched code,
# on an object far too small, had the wrong init_once been patched).
set -eu
# shellcheck source=testbed/vm-lib.sh
. /test/vm-lib.sh

p=livepatch_kd3_1
img=/test/fat12.img
mnt=/mnt/fat
slab=/sys/kernel/slab

# The object sizes the patched init_once printed, one a line.
patched_sizes() {
	dmesg | sed -n 's/.*fat: inode\.c init_once, livepatched: \([0-9]*\)-byte object$/\1/p'
}

slab_objects() {
	cut -d' ' -f1 < "$slab/$1/objects"
}

# Every object the patched code constructed is an inode's.
assert_only_inodes() {
	aoi_n=$(patched_sizes | wc -l)
	[ "$aoi_n" -gt 0 ] || vm_die "$1: the patched init_once constructed nothing"
	aoi_small=$(patched_sizes | awk -v min="$inode_size" '$1 < min' | head -n 1)
	[ -z "$aoi_small" ] ||
		vm_die "$1: the patched init_once constructed a $aoi_small-byte object: cache.c's init_once was patched"
	vm_log "ok: $1: $aoi_n objects constructed by the patched code, all inodes (>= $inode_size bytes)"
}

[ -f $img ] || vm_die "no $img (vm-files.sh)"
for m in loop nls_cp437 nls_ascii fat vfat; do
	insmod /test/$m.ko || vm_die "insmod $m.ko failed"
done
inode_size=$(cat $slab/fat_inode_cache/object_size)
klp_load /test/livepatch-kd3_1.ko
klp_wait_transition $p
assert_eq "fat object patched" 1 "$(cat /sys/kernel/livepatch/$p/fat/patched)"
[ -d "/sys/kernel/livepatch/$p/fat/init_once,2" ] ||
	vm_die "not the second init_once patched: $(ls /sys/kernel/livepatch/$p/fat/)"
vm_log "ok: fat's second init_once (sympos 2) is the one patched"
assert_eq "objects constructed by the patched code before the mount" 0 "$(patched_sizes | wc -l)"

dev=$(losetup -f)
losetup "$dev" $img
mkdir -p $mnt
mount -t vfat "$dev" $mnt
ls $mnt > /dev/null
assert_eq "fat_cache entries after the mount" 0 "$(slab_objects fat_cache)"
assert_only_inodes "mount"

# A file's data: its cluster chain goes through fat_cache.
dd if=/dev/urandom of=$mnt/data bs=1000 count=20 2> /dev/null
umount $mnt
mount -t vfat "$dev" $mnt
assert_eq "file read back" 20000 "$(wc -c < $mnt/data)"
[ "$(slab_objects fat_cache)" -gt 0 ] || vm_die "reading a file made no fat_cache entry"
vm_log "ok: $(slab_objects fat_cache) fat_cache entries, made by cache.c's own init_once"
assert_only_inodes "file data through fat_cache"
umount $mnt
losetup -d "$dev"

klp_disable $p
klp_unload $p
rmmod vfat fat
