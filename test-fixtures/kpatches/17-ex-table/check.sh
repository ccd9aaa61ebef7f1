#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# An exception table: filldir64() (getdents64, what ls reads directories
# with) writes each entry to user space with unsafe_put_user() and
# unsafe_copy_dirent_name(), each access with an __ex_table fixup. The
# patch leaves names starting with "klp-k17-hidden" out of listings.
# readelf on a manual klp-build's livepatch-k17_1.ko shows __ex_table
# with 9 entries, all for filldir64 (one fixup target), plus the
# .altinstructions of its stac/clac. The files stay reachable by name.
set -eu
. /test/vm-lib.sh

dir=/test/k17
mkdir -p "$dir"
echo secret >"$dir/klp-k17-hidden-file"
echo plain >"$dir/klp-k17-shown"
all="klp-k17-hidden-file
klp-k17-shown"
assert_eq "ls before" "$all" "$(ls "$dir")"

klp_load /test/livepatch-k17_1.ko
klp_wait_transition livepatch_k17_1
assert_eq "ls patched" "klp-k17-shown" "$(ls "$dir")"
assert_eq "the hidden file by name" "secret" "$(cat "$dir/klp-k17-hidden-file")"
assert_contains "$(ls /test)" "^livepatch-k17_1.ko$"

klp_disable livepatch_k17_1
assert_eq "ls after disable" "$all" "$(ls "$dir")"
klp_unload livepatch_k17_1
