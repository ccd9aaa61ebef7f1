#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Only a string literal changes: devinfo_show()'s "Character devices:"
# header of /proc/devices. The code is the same; only the string its
# relocation points at differs, and that is enough to patch it.
set -eu
. /test/vm-lib.sh

p=livepatch_k05_1
before=$(cat /proc/devices)
assert_eq "first line of /proc/devices" "Character devices:" "$(echo "$before" | sed -n 1p)"
want=$(echo "$before" | sed '1s/^Character devices:$/Character devices (klp-build):/')
klp_load /test/livepatch-k05_1.ko
klp_wait_transition $p
assert_eq "patched /proc/devices" "$want" "$(cat /proc/devices)"
klp_disable $p
assert_eq "/proc/devices after disable" "$before" "$(cat /proc/devices)"
klp_unload $p
