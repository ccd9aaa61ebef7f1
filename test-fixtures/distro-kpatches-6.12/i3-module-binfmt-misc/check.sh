#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A function of a module of Debian's 6.12 image (a .ko.xz), with --distro:
# fs/binfmt_misc.ko's bm_status_read() (the binfmt_misc filesystem's
# status file) says it is livepatched, reading the instance's
# "enabled" (per mount since 6.7). Both orders:
# the stock module loaded before the livepatch, then after it (patched
# as it loads).
set -eu
# shellcheck source=testbed/vm-lib.sh
. /test/vm-lib.sh

p=livepatch_ki3_1
mnt=/proc/sys/fs/binfmt_misc
status=$mnt/status

bm_load() {
	insmod /test/binfmt_misc.ko
	mount -t binfmt_misc binfmt_misc $mnt
}

bm_unload() {
	umount $mnt
	rmmod binfmt_misc
}

# Both branches of the patched function: "enabled" is the module's own.
assert_status() {
	as_what=$1
	as_suffix=$2
	assert_eq "$as_what" "enabled$as_suffix" "$(cat $status)"
	echo 0 > $status
	assert_eq "$as_what, turned off" "disabled$as_suffix" "$(cat $status)"
	echo 1 > $status
}

# The module first.
bm_load
assert_status "binfmt_misc status before the livepatch" ""
klp_load /test/livepatch-ki3_1.ko
klp_wait_transition $p
assert_eq "binfmt_misc object patched" 1 "$(cat /sys/kernel/livepatch/$p/binfmt_misc/patched)"
assert_status "patched binfmt_misc status" ", livepatched"
klp_disable $p
assert_status "binfmt_misc status after disable" ""
klp_unload $p
bm_unload

# The livepatch first: the module is patched as it comes.
klp_load /test/livepatch-ki3_1.ko
klp_wait_transition $p
assert_eq "binfmt_misc object patched before the module loads" 0 \
	"$(cat /sys/kernel/livepatch/$p/binfmt_misc/patched)"
bm_load
assert_eq "binfmt_misc object patched after the module loads" 1 \
	"$(cat /sys/kernel/livepatch/$p/binfmt_misc/patched)"
assert_status "binfmt_misc status, module loaded after the livepatch" ", livepatched"
klp_disable $p
assert_status "binfmt_misc status after the second disable" ""
klp_unload $p
bm_unload
