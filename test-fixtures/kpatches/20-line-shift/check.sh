#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Line shift: the patch adds comment lines at the top of fs/proc/generic.c,
# moving every WARN() user below them down, and changes one function,
# proc_readdir_de(), to leave "version" out of a /proc listing. Only that
# function is in the module; the entry itself is still there.
set -eu
. /test/vm-lib.sh

p=livepatch_k20_1
# listed NAME: 1 when a readdir of /proc (the glob) shows NAME, else 0.
listed() {
	n=0
	for f in /proc/*; do
		[ "$f" != "/proc/$1" ] || n=1
	done
	echo "$n"
}
assert_eq "version listed in /proc" 1 "$(listed version)"
v=$(cat /proc/version)
klp_load /test/livepatch-k20_1.ko
klp_wait_transition $p
assert_eq "version listed in /proc (patched)" 0 "$(listed version)"
assert_eq "/proc/version (patched)" "$v" "$(cat /proc/version)"
assert_eq "cmdline listed in /proc (patched)" 1 "$(listed cmdline)"
klp_disable $p
assert_eq "version listed in /proc after disable" 1 "$(listed version)"
klp_unload $p
