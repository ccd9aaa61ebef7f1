#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Header patches on Debian's stock image, in one boot. klp-build --distro
# chose the units each one reaches from the -dbg package's DWARF.
#
# 1: fs_parse() of include/linux/fs_parser.h logs each mount option it
# parses; 24 units of 15 objects inline it. proc (built in) and fuse (a
# module: fs/fuse/fuse.ko, loaded before the livepatch) log theirs.
# fuse refuses a mount without fd=, after parsing its options.
#
# 2: i_size_read() of include/linux/fs.h logs the reads of an inode of
# one odd size (0x6b6c7033 bytes): a header function some 214 units use,
# in vmlinux and in modules (xfs, ext4, nfs, ...). The trace events'
# handlers among them (notrace: f2fs, iomap, nfs and xfs events) are left
# out by the patch (KLP_IGNORE_FUNCTION), as the differ's refusal of them
# advises. stat of a sparse file of that size on the VM's root logs it
# (generic_fillattr(), fs/stat.c).
set -eu
# shellcheck source=testbed/vm-lib.sh
. /test/vm-lib.sh

h1_log() {
	dmesg | grep 'klp-h1: ' | sed 's/^\[[ 0-9.]*\] //' || true
}

h1_mounts() {
	mount -t proc -o hidepid=invisible proc /test/h1-proc
	umount /test/h1-proc
	if mount -t fuse -o rootmode=40000 fuse /test/h1-fuse 2> /dev/null; then
		vm_die "fuse mounted without fd="
	fi
}

# The mount options logged since the last dmesg -c.
h1_mount_log() {
	h1_log | grep -v i_size_read || true
}

h1_stat() {
	stat -c %s /test/h1-size
}

mkdir -p /test/h1-proc /test/h1-fuse
insmod /test/fuse.ko
truncate -s 1802268723 /test/h1-size
dmesg -c > /dev/null

# 1: fs_parser.h
h1_mounts
assert_eq "log of unpatched mounts" "" "$(h1_mount_log)"
klp_load /test/livepatch-kh1_1.ko
klp_wait_transition livepatch_kh1_1
assert_eq "fuse object patched" 1 "$(cat /sys/kernel/livepatch/livepatch_kh1_1/fuse/patched)"
h1_mounts
assert_eq "log of patched mounts" "klp-h1: proc: option source
klp-h1: proc: option hidepid
klp-h1: fuse: option source
klp-h1: fuse: option rootmode" "$(h1_mount_log)"
klp_disable livepatch_kh1_1
dmesg -c > /dev/null
h1_mounts
assert_eq "log of mounts after disable" "" "$(h1_mount_log)"
klp_unload livepatch_kh1_1

# 2: fs.h
assert_eq "size before the livepatch" 1802268723 "$(h1_stat)"
assert_eq "log of i_size_read before the livepatch" "" "$(h1_log)"
klp_load /test/livepatch-kh1_2.ko
klp_wait_transition livepatch_kh1_2
assert_eq "size with the livepatch" 1802268723 "$(h1_stat)"
assert_contains "$(h1_log)" "^klp-h1: i_size_read of a 0x6b6c7033-byte inode [0-9]"
klp_disable livepatch_kh1_2
dmesg -c > /dev/null
assert_eq "size after disable" 1802268723 "$(h1_stat)"
assert_eq "log of i_size_read after disable" "" "$(h1_log)"
klp_unload livepatch_kh1_2
rm -f /test/h1-size
rmmod fuse
