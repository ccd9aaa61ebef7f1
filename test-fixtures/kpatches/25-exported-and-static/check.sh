#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A changed function calling exported functions and a static one of its
# own file: show_tty_driver() (/proc/tty/drivers) prints the pseudo-driver
# lines with seq_printf()/seq_puts() (exported) and every real driver
# through show_tty_range() (static in fs/proc/proc_tty.c: a klp
# relocation to vmlinux's local symbol). The patch marks the console line;
# the lines show_tty_range() prints must stay as they were.
set -eu
. /test/vm-lib.sh

p=livepatch_k25_1
f=/proc/tty/drivers
before=$(cat $f)
console=$(grep '^/dev/console ' $f)
ranges=$(grep -vE '^/dev/(tty|console|ptmx|vc/0) ' $f)
[ -n "$ranges" ] || vm_die "$f has no line from show_tty_range()"
assert_contains "$console" 'system:console$'
klp_load /test/livepatch-k25_1.ko
klp_wait_transition $p
assert_eq "patched console line" "$console (klp-build)" "$(grep '^/dev/console ' $f)"
assert_eq "show_tty_range() lines while patched" "$ranges" \
	"$(grep -vE '^/dev/(tty|console|ptmx|vc/0) ' $f)"
klp_disable $p
assert_eq "$f after disable" "$before" "$(cat $f)"
klp_unload $p
