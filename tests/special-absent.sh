#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The special sections 6.1 x86_64 with the testbed config does not have
# (test-fixtures/special/README.md): no object of the built tree has
# .call_sites, .printk_index or .data..once; the same search finds
# .smp_locks and .data.once, so it does look.
#   tests/special-absent.sh
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"

tree=$("$top/testbed/build-kernel.sh" 2> /dev/null)
counts=$(find "$tree" -name '*.o' ! -path "$tree/tools/*" ! -path "$tree/scripts/*" \
	! -name vmlinux.o -print0 | xargs -0 readelf -SW 2> /dev/null |
	grep -oE '\] [^ ]+ ' | sort | uniq -c)

count_of() {
	awk -v want="$1" '$3 == want { print $1 }' <<< "$counts" | grep . || echo 0
}

for sec in .call_sites .printk_index .data..once; do
	n=$(count_of "$sec")
	if [ "$n" = 0 ]; then
		t_pass "special-absent/$sec"
	else
		t_fail "special-absent/$sec" "$n objects have it: it needs a fixture in test-fixtures/special"
	fi
done
for sec in .smp_locks .data.once; do
	n=$(count_of "$sec")
	if [ "$n" -gt 0 ]; then
		t_pass "special-absent/control$sec"
	else
		t_fail "special-absent/control$sec" "the search finds no $sec: it does not look"
	fi
done
t_summary
