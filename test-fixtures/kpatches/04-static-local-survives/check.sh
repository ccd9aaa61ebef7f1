#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A function-local static of the original kernel survives patching:
# drop_caches_sysctl_handler() keeps "static int stfu", set by writing 4
# to /proc/sys/vm/drop_caches, after which the "drop_caches: N" message
# is no longer printed. The patched handler first prints stfu. It must
# use the running kernel's stfu (already 4, so: "stfu=4" and no
# "drop_caches: 4" message), not a fresh copy of its own (which would
# print "stfu=0" and say the message again).
set -eu
. /test/vm-lib.sh

p=livepatch_k04_1
said() {
	dmesg | grep -c "$1" || true
}

assert_eq "'drop_caches: 4' messages at boot" 0 "$(said 'drop_caches: 4$')"
echo 4 >/proc/sys/vm/drop_caches
assert_eq "'drop_caches: 4' messages after the first write" 1 "$(said 'drop_caches: 4$')"
echo 4 >/proc/sys/vm/drop_caches
assert_eq "'drop_caches: 4' messages after the second write (stfu set)" 1 "$(said 'drop_caches: 4$')"

klp_load /test/livepatch-k04_1.ko
klp_wait_transition $p
echo 4 >/proc/sys/vm/drop_caches
assert_eq "patched handler's stfu=4 messages" 1 "$(said 'drop_caches: klp-build stfu=4$')"
assert_eq "patched handler's stfu=0 messages" 0 "$(said 'drop_caches: klp-build stfu=0$')"
assert_eq "'drop_caches: 4' messages from the patched handler" 1 "$(said 'drop_caches: 4$')"
echo 4 >/proc/sys/vm/drop_caches
assert_eq "patched handler's stfu=4 messages, second write" 2 "$(said 'drop_caches: klp-build stfu=4$')"

klp_disable $p
echo 4 >/proc/sys/vm/drop_caches
assert_eq "klp-build messages after disable" 2 "$(said 'klp-build stfu=')"
assert_eq "'drop_caches: 4' messages after disable" 1 "$(said 'drop_caches: 4$')"
klp_unload $p
