#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A function of a module that is loaded after the livepatch:
# kernel/configs.ko is inserted while the patch is enabled and is
# patched as it loads. The patched ikconfig_read_current() serves the
# size of the config data in decimal, computed from two configs.ko
# symbols (klp relocations resolved at that module's load); once the
# patch is disabled, /proc/config.gz has exactly that many bytes.
set -eu
. /test/vm-lib.sh

# The bytes read, not the inode size proc_set_size() gave the file.
count_bytes() {
	dd if=/proc/config.gz bs=4096 2>/dev/null | wc -c
}

p=livepatch_k09_1
[ ! -e /proc/config.gz ] || vm_die "/proc/config.gz exists before configs.ko is loaded"
klp_load /test/livepatch-k09_1.ko
klp_wait_transition $p
assert_eq "configs object patched before the module loads" 0 \
	"$(cat /sys/kernel/livepatch/$p/configs/patched)"
insmod /test/configs.ko
assert_eq "configs object patched after the module loads" 1 \
	"$(cat /sys/kernel/livepatch/$p/configs/patched)"
size=$(cat /proc/config.gz)
assert_contains "$size" '^[1-9][0-9]*$'
klp_disable $p
assert_eq "bytes of /proc/config.gz after disable" "$size" "$(count_bytes)"
assert_eq "CONFIG_LIVEPATCH after disable" "CONFIG_LIVEPATCH=y" \
	"$(zcat /proc/config.gz | grep '^CONFIG_LIVEPATCH=')"
klp_unload $p
rmmod configs
