#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# IBT: a new function whose address is taken, called only through a
# pointer (an indirect call, through the retpoline thunk). klp-build
# checked statically that it starts with endbr64 (TCG has no CET).
set -eu
# shellcheck source=testbed/vm-lib.sh
. /test/vm-lib.sh

p=livepatch_ki1_1
before=$(cat /proc/version)
assert_not_contains "$before" "klp indirect call"
klp_load /test/livepatch-ki1_1.ko
klp_wait_transition $p
assert_eq "patched /proc/version" "$before
klp indirect call" "$(cat /proc/version)"
klp_disable $p
assert_eq "/proc/version after disable" "$before" "$(cat /proc/version)"
klp_unload $p
