#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A function of a module that is loaded before the livepatch:
# kernel/configs.ko's ikconfig_read_current() (/proc/config.gz) is
# patched at enable to serve only the 2 gzip magic bytes of
# kernel_config_data, a symbol of configs.ko (klp relocation into the
# module). Disable brings the whole gzip back.
set -eu
. /test/vm-lib.sh

# The bytes read, not the inode size proc_set_size() gave the file.
count_bytes() {
	dd if=/proc/config.gz bs=4096 2>/dev/null | wc -c
}

p=livepatch_k08_1
insmod /test/configs.ko
size=$(count_bytes)
[ "$size" -gt 100 ] || vm_die "/proc/config.gz has only $size bytes"
assert_eq "CONFIG_LIVEPATCH in /proc/config.gz" "CONFIG_LIVEPATCH=y" \
	"$(zcat /proc/config.gz | grep '^CONFIG_LIVEPATCH=')"
klp_load /test/livepatch-k08_1.ko
klp_wait_transition $p
assert_eq "configs object patched" 1 "$(cat /sys/kernel/livepatch/$p/configs/patched)"
assert_eq "bytes of patched /proc/config.gz" 2 "$(count_bytes)"
assert_eq "patched /proc/config.gz" "1f8b" \
	"$(od -A n -t x1 /proc/config.gz | tr -d ' \n')"
klp_disable $p
assert_eq "bytes of /proc/config.gz after disable" "$size" "$(count_bytes)"
assert_eq "CONFIG_LIVEPATCH after disable" "CONFIG_LIVEPATCH=y" \
	"$(zcat /proc/config.gz | grep '^CONFIG_LIVEPATCH=')"
klp_unload $p
rmmod configs
