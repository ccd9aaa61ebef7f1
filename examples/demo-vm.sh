#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# In the VM for `make demo`: /proc/cmdline before, with and after the livepatch.
set -eu
# shellcheck source=testbed/vm-lib.sh
. /test/vm-lib.sh

show() {
	echo "demo: ---- $1"
	sed 's/^/demo:   /' /proc/cmdline
}

show "/proc/cmdline before"
klp_load /test/livepatch-cmdline-greeting.ko
klp_wait_transition livepatch_cmdline_greeting
show "/proc/cmdline with the livepatch enabled"
assert_contains "$(cat /proc/cmdline)" "Hello from a livepatch"
klp_disable livepatch_cmdline_greeting
show "/proc/cmdline after disabling it"
klp_unload livepatch_cmdline_greeting
echo "demo: ---- the module is unloaded; the kernel never rebooted"
