#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Dynamic debug descriptors of a patched function: parse_args() (with
# parse_one() inlined) carries copies of its pr_debug call sites in the
# module's __dyndbg. Dynamic debug must list them under the module, each
# with the function its __func__ names, and the changed text.
set -eu
. /test/vm-lib.sh

p=livepatch_k43_1
ctl=/proc/dynamic_debug/control
[ -r $ctl ] || vm_die "no $ctl: the test kernel lacks dynamic debug or debugfs"
klp_load /test/livepatch-k43_1.ko
klp_wait_transition $p
sites=$(grep "\[$p\]" $ctl || true)
echo "$sites"
assert_contains "$sites" "kernel/params.c:158 \[$p\]parse_one =_ \"klp-build: unknown argument '%s'"
assert_contains "$sites" "kernel/params.c:179 \[$p\]parse_args =_ \"doing %s, parsing ARGS"
assert_eq "call sites of $p" 4 "$(echo "$sites" | grep -c "kernel/params.c:[0-9]* \[$p\]parse_")"
klp_disable $p
klp_unload $p
assert_eq "call sites after unload" "" "$(grep "\[$p\]" $ctl || true)"
