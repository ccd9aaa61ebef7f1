#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# In-VM test of vm-lib.sh itself, with the kernel's lib/livepatch modules:
# klp_full_cycle on a plain patch, and klp_wait_transition on a transition
# held up by a busy kworker, where it must time out and name the task.
# Needs: --file for test_klp_livepatch.ko, test_klp_callbacks_busy.ko and
# test_klp_callbacks_demo.ko from <tree>/lib/livepatch/.
set -eu
# shellcheck source=SCRIPTDIR/../vm-lib.sh
. /test/vm-lib.sh

klp_full_cycle /test/test_klp_livepatch.ko

# The busy module's work function loops while block_transition is set, and
# the demo patch replaces that very function, so the kworker cannot switch.
insmod /test/test_klp_callbacks_busy.ko block_transition=Y ||
	vm_die "insmod test_klp_callbacks_busy.ko failed"
klp_load /test/test_klp_callbacks_demo.ko
if out=$( (klp_wait_transition test_klp_callbacks_demo 1) 2>&1); then
	vm_die "klp_wait_transition returned 0 on a blocked transition"
fi
printf '%s\n' "$out" | sed 's/^/(expected) /'
assert_contains "$out" "still in transition after 1s"
assert_contains "$out" "busymod_work_func"

echo 0 >/sys/module/test_klp_callbacks_busy/parameters/block_transition
klp_wait_transition test_klp_callbacks_demo
klp_disable test_klp_callbacks_demo
klp_unload test_klp_callbacks_demo
rmmod test_klp_callbacks_busy || vm_die "rmmod test_klp_callbacks_busy failed"
