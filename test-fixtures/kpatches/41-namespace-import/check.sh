#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A patch calling an export of a namespace: insert_resource_expand_to_fit
# is EXPORT_SYMBOL_NS_GPL(..., CXL), the test kernel's one namespaced
# export. Without an import_ns=CXL in its .modinfo, modpost fails the
# build and the loader refuses the module; with it, the patched
# cmdline_proc_show() calls the export (on two resources of its own
# stack) and says that it did.
set -eu
. /test/vm-lib.sh

p=livepatch_k41_1
before=$(cat /proc/cmdline)
assert_not_contains "$before" "klp-build"
klp_load /test/livepatch-k41_1.ko
klp_wait_transition $p
assert_eq "patched /proc/cmdline" "$before
klp-build: CXL export called" "$(cat /proc/cmdline)"
klp_disable $p
assert_eq "/proc/cmdline after disable" "$before" "$(cat /proc/cmdline)"
klp_unload $p
