#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# In the VM: configs.ko is unloaded and loaded again while
# livepatch-kc-configs.ko, whose .klp.rela.configs.* relocations point
# into it, stays. /test/expect says which kernel this is:
#   stock  6.1 as released: the second load fails, because the x86_64
#          loader refuses to write the relocations over the values of the
#          first load ("Skipping invalid relocation target, existing
#          value is nonzero"), and configs.ko loads again only once the
#          livepatch is gone;
#   series kernel/series applied: the second load is patched again.
set -eu
. /test/vm-lib.sh

p=livepatch_kc_configs
marker=klp-convert
reloc_error='x86/modules: Skipping invalid relocation target, existing value is nonzero'
expect=$(cat /test/expect)

check_patched() {
	assert_eq "configs patched" 1 "$(cat "$KLP_SYSFS/$p/configs/patched")"
	assert_eq "line 1 of patched /proc/config.gz" "$marker" "$(head -n 1 /proc/config.gz)"
}

insmod /test/configs.ko
klp_load /test/livepatch-kc-configs.ko
klp_wait_transition $p
check_patched
vm_log "ok: configs.ko patched"
rmmod configs
assert_eq "configs patched after rmmod" 0 "$(cat "$KLP_SYSFS/$p/configs/patched")"

case $expect in
stock)
	if insmod /test/configs.ko; then
		vm_die "stock kernel: configs.ko loaded again with the livepatch (expected the 6.1 failure)"
	fi
	dmesg | grep -qF "$reloc_error" ||
		vm_die "stock kernel: reload failed, but not with '$reloc_error'"
	[ ! -e /proc/config.gz ] || vm_die "/proc/config.gz exists after the failed load"
	vm_log "ok: the stock kernel refuses the reload, as expected"
	klp_disable $p
	klp_unload $p
	insmod /test/configs.ko
	;;
series)
	insmod /test/configs.ko ||
		vm_die "series kernel: configs.ko does not load again with the livepatch"
	check_patched
	rmmod configs
	insmod /test/configs.ko
	check_patched
	if dmesg | grep -F "$reloc_error"; then
		vm_die "series kernel: the loader still found stale relocation targets"
	fi
	vm_log "ok: configs.ko reloaded twice, patched each time"
	klp_disable $p
	klp_unload $p
	;;
*)
	vm_die "/test/expect: want stock or series, got '$expect'"
	;;
esac
zcat /proc/config.gz | grep -q '^CONFIG_LIVEPATCH=y$' ||
	vm_die "/proc/config.gz is not the original after the livepatch is gone"
rmmod configs
