#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Stacked patches without atomic replace (--no-replace for both): 1.patch
# changes cmdline_proc_show(), 2.patch version_proc_show(), each adding
# a line. Loading 2 leaves 1 enabled: both changes show at once.
# Disabling 2 takes away only its line; disabling 1 then restores the
# original; both unload.
set -eu
. /test/vm-lib.sh

cmdline=$(cat /proc/cmdline)
version=$(cat /proc/version)
assert_not_contains "$cmdline" "klp-k13"
assert_not_contains "$version" "klp-k13"

klp_load /test/livepatch-k13_1.ko
klp_wait_transition livepatch_k13_1
klp_load /test/livepatch-k13_2.ko
klp_wait_transition livepatch_k13_2
assert_eq "patches in $KLP_SYSFS" "livepatch_k13_1
livepatch_k13_2" "$(ls "$KLP_SYSFS")"
assert_eq "enabled of 1 under 2" 1 "$(cat "$KLP_SYSFS/livepatch_k13_1/enabled")"
assert_eq "enabled of 2" 1 "$(cat "$KLP_SYSFS/livepatch_k13_2/enabled")"
assert_eq "/proc/cmdline with 1 and 2" "$cmdline
klp-k13 patch 1" "$(cat /proc/cmdline)"
assert_eq "/proc/version with 1 and 2" "$version
klp-k13 patch 2" "$(cat /proc/version)"

klp_disable livepatch_k13_2
assert_eq "enabled of 1 after disabling 2" 1 "$(cat "$KLP_SYSFS/livepatch_k13_1/enabled")"
assert_eq "/proc/cmdline with 1 only" "$cmdline
klp-k13 patch 1" "$(cat /proc/cmdline)"
assert_eq "/proc/version with 1 only" "$version" "$(cat /proc/version)"

klp_disable livepatch_k13_1
assert_eq "/proc/cmdline after disabling both" "$cmdline" "$(cat /proc/cmdline)"
assert_eq "/proc/version after disabling both" "$version" "$(cat /proc/version)"
klp_unload livepatch_k13_2
klp_unload livepatch_k13_1
