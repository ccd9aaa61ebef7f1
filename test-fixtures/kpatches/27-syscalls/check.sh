#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# System calls, seen from userspace. newuname, sysinfo and statfs are
# SYSCALL_DEFINEx bodies (__do_sys_*, static inline so notrace in 6.1),
# patched through the traceable __x64_sys_* stubs that call them;
# getppid is a SYSCALL_DEFINE0, whose __x64_sys_ name is an alias of its
# __do_sys_ one: one function, or the transition never completes.
set -eu
# shellcheck source=testbed/vm-lib.sh
. /test/vm-lib.sh

# cycle N WHAT BEFORE AFTER CMD...: CMD prints BEFORE, AFTER with patch N, BEFORE again.
cycle() {
	c_n=$1
	c_mod=livepatch_k27_$1
	c_what=$2
	c_before=$3
	c_after=$4
	shift 4
	assert_eq "$c_what before" "$c_before" "$("$@")"
	klp_load "/test/livepatch-k27_$c_n.ko"
	klp_wait_transition "$c_mod"
	assert_eq "$c_what patched" "$c_after" "$("$@")"
	klp_disable "$c_mod"
	assert_eq "$c_what after disable" "$c_before" "$("$@")"
	klp_unload "$c_mod"
}

up_days() {
	uptime | sed -n 's/.* up \([0-9]*\) day.*/\1/p'
}

# A shell's $PPID is its getppid(); /proc/PID/stat's fourth field is
# the parent as the kernel knows it, read without that call.
ppid_offset() {
	# shellcheck disable=SC2016 # the child shell expands them
	sh -c 'set -- $(cat /proc/$$/stat); echo $((PPID - $4))'
}

cycle 1 "uname -m" x86_64 klp17 uname -m
cycle 2 "days of uptime" "" 100 up_days
cycle 3 "getppid() - the parent /proc names" 0 40000 ppid_offset
cycle 4 "statfs f_namelen of /" 255 242 stat -f -c %l /
