#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A PC-relative reference whose neighbour is in another section: the
# patched devkmsg_open() writes devkmsg_log with `movl $5, x(%rip)`,
# whose field ends 8 bytes before its instruction does. In the object
# that is .data..read_mostly-8, and 4 bytes on starts the patch's new
# klp_devkmsg_locks, which the module carries in a section of its own:
# guessing a 4-byte tail wrote into the module, never the kernel's
# setting. The patch locks printk_devkmsg on the first open of /dev/kmsg
# that finds it "on": an unpatched reader (the sysctl's handler) must see
# the lock, so the write reached the kernel's devkmsg_log, and an open
# while it is "ratelimit" must not lock it, so the read did too.
set -eu
. /test/vm-lib.sh

p=livepatch_k40_1
ctl=/proc/sys/kernel/printk_devkmsg
echo ratelimit > $ctl
klp_load /test/livepatch-k40_1.ko
klp_wait_transition $p
echo "klp-build k40: ratelimit" > /dev/kmsg
echo on > $ctl || vm_die "printk_devkmsg was locked while ratelimit: the patch read another variable"
echo "klp-build k40: on" > /dev/kmsg
if (echo off > $ctl) 2>/dev/null; then
	vm_die "printk_devkmsg is not locked: the patch wrote another variable than devkmsg_log"
fi
assert_eq "printk_devkmsg" on "$(cat $ctl)"
klp_disable $p
klp_unload $p
