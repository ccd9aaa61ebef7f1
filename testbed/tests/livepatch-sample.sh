#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# In-VM smoke test: the kernel's own samples/livepatch/livepatch-sample.ko
# replaces cmdline_proc_show(), so /proc/cmdline shows its text exactly
# while the patch is enabled, and the original text once it is disabled.
# Needs: --file <tree>/samples/livepatch/livepatch-sample.ko
set -eu
# shellcheck source=SCRIPTDIR/../vm-lib.sh
. /test/vm-lib.sh

patched="this has been live patched"
orig=$(cat /proc/cmdline)
assert_not_contains "$orig" "$patched"

klp_load /test/livepatch-sample.ko
klp_wait_transition livepatch_sample
assert_eq "/proc/cmdline while patched" "$patched" "$(cat /proc/cmdline)"

klp_disable livepatch_sample
assert_eq "/proc/cmdline after disable" "$orig" "$(cat /proc/cmdline)"

klp_unload livepatch_sample
