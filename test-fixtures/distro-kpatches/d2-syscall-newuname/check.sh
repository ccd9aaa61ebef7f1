#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A system call of Debian's image, built with --distro: SYSCALL_DEFINE1
# (newuname)'s body is static inline, so notrace, and is patched through
# the __x64_sys_ and __ia32_sys_ stubs that call it. `uname -m` says so.
set -eu
# shellcheck source=testbed/vm-lib.sh
. /test/vm-lib.sh

p=livepatch_kd2_1
assert_eq "uname -m before the livepatch" x86_64 "$(uname -m)"
klp_load /test/livepatch-kd2_1.ko
klp_wait_transition $p
assert_eq "uname -m patched" klp17 "$(uname -m)"
klp_disable $p
assert_eq "uname -m after disable" x86_64 "$(uname -m)"
klp_unload $p
