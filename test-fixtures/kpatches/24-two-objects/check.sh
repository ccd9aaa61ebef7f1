#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# One patch, three objects: version_proc_show() (fs/proc/version.o) and
# loadavg_proc_show() (fs/proc/loadavg.o) in vmlinux each print one more
# line; ikconfig_read_current() in kernel/configs.ko, loaded first, serves
# half of the gzip. Every change shows while enabled and goes on disable.
set -eu
. /test/vm-lib.sh

p=livepatch_k24_1
insmod /test/configs.ko
size=$(wc -c < /proc/config.gz)
[ "$size" -gt 100 ] || vm_die "/proc/config.gz has only $size bytes"
version=$(cat /proc/version)
assert_not_contains /proc/loadavg 'klp-build'
klp_load /test/livepatch-k24_1.ko
klp_wait_transition $p
assert_eq "vmlinux object patched" 1 "$(cat /sys/kernel/livepatch/$p/vmlinux/patched)"
assert_eq "configs object patched" 1 "$(cat /sys/kernel/livepatch/$p/configs/patched)"
assert_eq "patched /proc/version" "$version
klp-build: version_proc_show" "$(cat /proc/version)"
assert_eq "second line of patched /proc/loadavg" "klp-build: loadavg_proc_show" \
	"$(sed -n 2p /proc/loadavg)"
assert_eq "bytes of patched /proc/config.gz" $((size / 2)) "$(wc -c < /proc/config.gz)"
assert_eq "patched /proc/config.gz magic" "1f8b" \
	"$(head -c 2 /proc/config.gz | od -A n -t x1 | tr -d ' \n')"
klp_disable $p
assert_eq "/proc/version after disable" "$version" "$(cat /proc/version)"
assert_not_contains /proc/loadavg 'klp-build'
assert_eq "bytes of /proc/config.gz after disable" "$size" "$(wc -c < /proc/config.gz)"
klp_unload $p
rmmod configs
