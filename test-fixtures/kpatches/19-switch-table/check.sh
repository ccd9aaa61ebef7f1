#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A switch gcc compiles to a lookup table: do_rmdir() picks its error for
# "..", "." and "/" from CSWTCH (.rodata), {-EBUSY, -EINVAL, -ENOTEMPTY}.
# The patch turns "." into -EPERM, so only the table changes: the patched
# function must use a table of its own. The other entries stay as they were.
set -eu
. /test/vm-lib.sh

p=livepatch_k19_1
mkdir -p /tmp/k19/d
# rmdir_err PATH: the message of a failing rmdir(PATH), without the path.
rmdir_err() {
	! out=$(rmdir "$1" 2>&1) || vm_die "rmdir $1 succeeded"
	echo "${out##*: }"
}
assert_eq "rmdir . before" "Invalid argument" "$(rmdir_err /tmp/k19/d/.)"
dotdot=$(rmdir_err /tmp/k19/d/..)
root=$(rmdir_err /)
klp_load /test/livepatch-k19_1.ko
klp_wait_transition $p
assert_eq "rmdir . patched" "Operation not permitted" "$(rmdir_err /tmp/k19/d/.)"
assert_eq "rmdir .. patched" "$dotdot" "$(rmdir_err /tmp/k19/d/..)"
assert_eq "rmdir / patched" "$root" "$(rmdir_err /)"
rmdir /tmp/k19/d
mkdir /tmp/k19/d
klp_disable $p
assert_eq "rmdir . after disable" "Invalid argument" "$(rmdir_err /tmp/k19/d/.)"
klp_unload $p
rmdir /tmp/k19/d
