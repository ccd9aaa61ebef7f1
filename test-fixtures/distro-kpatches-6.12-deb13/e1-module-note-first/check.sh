#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A module of Debian 13's image whose first section is .note.gnu.property,
# not .text (ld puts it first in a module linked from several objects):
# fs/ecryptfs/ecryptfs.ko's version_show() (/sys/fs/ecryptfs/version)
# says it is livepatched. The stock module is loaded first, then the
# livepatch; after disable, the module's own text again.
set -eu
# shellcheck source=testbed/vm-lib.sh
. /test/vm-lib.sh

p=livepatch_ke1_1
version=/sys/fs/ecryptfs/version

insmod /test/ecryptfs.ko
before=$(cat $version)
assert_not_contains "$before" livepatched
klp_load /test/livepatch-ke1_1.ko
klp_wait_transition $p
assert_eq "ecryptfs object patched" 1 "$(cat /sys/kernel/livepatch/$p/ecryptfs/patched)"
assert_eq "patched ecryptfs version" "$before livepatched" "$(cat $version)"
klp_disable $p
assert_eq "ecryptfs version after disable" "$before" "$(cat $version)"
klp_unload $p
rmmod ecryptfs
