#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# In the VM: runs the kernel's livepatch selftests (/test/livepatch, from
# tools/testing/selftests/livepatch) listed in /test/selftests as
# "SCRIPT pass|fail", with the host's bash, kmod and coreutils in /host
# (busybox lacks options the scripts use) and the test modules in
# /lib/modules. Prints each one's output ("kselftest-out: LINE"), then
# "kselftest: PASS|FAIL SCRIPT rc=N", and
# fails unless each ended as expected; a script that skips (4) fails.
set -eu
export PATH="/host/bin:$PATH"
export LD_LIBRARY_PATH=/host/lib
# functions.sh calls /bin/stat by its path.
ln -sf /host/bin/stat /bin/stat

unexpected=0
cd /test/livepatch
while read -r t expect; do
	rc=0
	# Its output, after it: on the console the kernel's messages would
	# cut its lines.
	bash "./$t" </dev/null >/tmp/kselftest.out 2>&1 || rc=$?
	sed 's/^/kselftest-out: /' /tmp/kselftest.out
	result=PASS
	[ "$rc" -eq 0 ] || result=FAIL
	echo "kselftest: $result $t rc=$rc"
	case $expect/$result in
	pass/PASS | fail/FAIL) ;;
	*) unexpected=1 ;;
	esac
done </test/selftests
[ "$unexpected" -eq 0 ]
