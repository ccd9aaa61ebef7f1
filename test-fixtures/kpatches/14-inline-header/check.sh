#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A static inline in a header: fs_parse() of include/linux/fs_parser.h
# now logs each mount option it parses. Some 20 objects of this build
# include the header and are rebuilt; the two that inline fs_parse()
# change: proc_parse_param() (fs/proc/root.c) and ramfs_parse_param()
# (fs/ramfs/inode.c). readelf -s on a manual klp-build's
# livepatch-k14_1.ko shows both functions, each with its __mcount_loc
# entry and its own .klp.rela.vmlinux section. Mounting proc and ramfs
# with an option logs each option (and "source") through both, only
# while the patch is enabled.
set -eu
. /test/vm-lib.sh

k14_log() {
	dmesg | grep 'klp-k14: ' | sed 's/^\[[ 0-9.]*\] //' || true
}

# k14_mounts: mounts proc and ramfs with an option each, and unmounts them.
k14_mounts() {
	mount -t proc -o hidepid=invisible proc /test/k14-proc
	mount -t ramfs -o mode=0700 ramfs /test/k14-ram
	umount /test/k14-ram
	umount /test/k14-proc
}

mkdir -p /test/k14-proc /test/k14-ram
k14_mounts
assert_eq "log of unpatched mounts" "" "$(k14_log)"

klp_load /test/livepatch-k14_1.ko
klp_wait_transition livepatch_k14_1
k14_mounts
# vfs_parse_fs_param() offers "source" (the device name) to the
# filesystem's parser first.
log="klp-k14: proc: option source
klp-k14: proc: option hidepid
klp-k14: ramfs: option source
klp-k14: ramfs: option mode"
assert_eq "log of patched mounts" "$log" "$(k14_log)"

klp_disable livepatch_k14_1
k14_mounts
assert_eq "log after disable" "$log" "$(k14_log)"
klp_unload livepatch_k14_1
