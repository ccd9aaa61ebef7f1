#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# In the VM: runs the kernel's livepatch selftests (/test/livepatch, from
# tools/testing/selftests/livepatch) named in /test/selftests, with the
# host's bash, kmod and coreutils in /host (busybox lacks options the
# scripts use) and the test modules in /lib/modules. Prints
# "kselftest: RESULT SCRIPT rc=N" for each; a script that skips (4) fails.
set -eu
export PATH="/host/bin:$PATH"
export LD_LIBRARY_PATH=/host/lib
# functions.sh calls /bin/stat by its path.
ln -sf /host/bin/stat /bin/stat

failed=0
cd /test/livepatch
while read -r t; do
	rc=0
	bash "./$t" </dev/null || rc=$?
	if [ "$rc" -eq 0 ]; then
		echo "kselftest: PASS $t rc=0"
	else
		echo "kselftest: FAIL $t rc=$rc"
		failed=1
	fi
done </test/selftests
[ "$failed" -eq 0 ]
