#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# In the VM: livepatch-kc-configs.ko patches ikconfig_read_current() of
# configs.ko and reads configs.ko's kernel_config_data through
# .klp.sym.configs.*,0 relocations. Patched, /proc/config.gz is
# "klp-convert\n" followed by exactly the original gzip data. Twice:
# configs.ko loaded before the livepatch (relocated at enable), then
# loaded after it (relocated by the livepatch core when it comes).
set -eu
. /test/vm-lib.sh

p=livepatch_kc_configs
marker=klp-convert

# check_patched ORIG: /proc/config.gz is the marker line, then ORIG.
check_patched() {
	assert_eq "configs patched" 1 "$(cat "$KLP_SYSFS/$p/configs/patched")"
	assert_eq "line 1 of patched /proc/config.gz" "$marker" "$(head -n 1 /proc/config.gz)"
	tail -c +$((${#marker} + 2)) /proc/config.gz >/tmp/patched-data
	cmp /tmp/patched-data "$1" ||
		vm_die "patched /proc/config.gz after the marker is not the original data"
	vm_log "ok: patched /proc/config.gz = marker + original data"
}

check_unpatched() {
	cmp /proc/config.gz "$1" || vm_die "/proc/config.gz is not the original after disable"
	vm_log "ok: /proc/config.gz is the original"
}

# configs.ko first
insmod /test/configs.ko
cat /proc/config.gz >/tmp/orig.gz
zcat /tmp/orig.gz | grep -q '^CONFIG_LIVEPATCH=y$' ||
	vm_die "/proc/config.gz is not this kernel's gzipped config"
vm_log "original /proc/config.gz: $(wc -c </tmp/orig.gz) bytes"
klp_load /test/livepatch-kc-configs.ko
klp_wait_transition $p
check_patched /tmp/orig.gz
klp_disable $p
check_unpatched /tmp/orig.gz
klp_unload $p
rmmod configs
[ ! -e /proc/config.gz ] || vm_die "/proc/config.gz still there after rmmod configs"

# the livepatch first
klp_load /test/livepatch-kc-configs.ko
klp_wait_transition $p
assert_eq "configs patched before it is loaded" 0 "$(cat "$KLP_SYSFS/$p/configs/patched")"
insmod /test/configs.ko
check_patched /tmp/orig.gz
klp_disable $p
check_unpatched /tmp/orig.gz
klp_unload $p
rmmod configs
