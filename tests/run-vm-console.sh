#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# testbed/run-vm.sh's second boot: which consoles it takes for the
# kernel's own text poking racing under TCG (test-fixtures/vm-consoles/),
# and, with a stand-in for qemu that prints a saved console per boot,
# that it boots once more only for that oops, and only once.
#   tests/run-vm-console.sh
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"

consoles=$top/test-fixtures/vm-consoles
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

classify() {
	local want=$1 file=$2 got=no
	# shellcheck source=testbed/run-vm.sh
	(. "$top/testbed/run-vm.sh" && text_poke_race "$file") && got=yes
	if [ "$got" = "$want" ]; then
		t_pass "run-vm-console/race-$want: $(basename "$file")"
	else
		t_fail "run-vm-console/race-$want: $(basename "$file")" "text_poke_race said $got"
	fi
}

printf '[    1.0] KLP-VM-RESULT: PASS\n' > "$scratch/pass.log"
classify yes "$consoles/text-poke-race.log"
classify no "$consoles/stray-int3.log"
classify no "$consoles/invalid-opcode.log"
classify no "$scratch/pass.log"

# fake_qemu CONSOLE...: a qemu-system-x86_64 on PATH that, at its Nth
# start, writes the Nth CONSOLE to its -serial file and counts boots.
fake_qemu() {
	local bin=$scratch/bin i=1 c
	rm -rf "$bin"
	mkdir -p "$bin"
	for c in "$@"; do
		cp "$c" "$bin/console.$i"
		i=$((i + 1))
	done
	: > "$bin/boots"
	cat > "$bin/qemu-system-x86_64" <<-'EOF'
	#!/bin/bash
	bin=$(dirname "$0")
	echo boot >> "$bin/boots"
	n=$(wc -l < "$bin/boots")
	while [ $# -gt 0 ]; do
		[ "$1" != -serial ] || out=${2#file:}
		shift
	done
	cat "$bin/console.$n" > "$out"
	EOF
	chmod +x "$bin/qemu-system-x86_64"
}

# boots WANT_RC WANT_BOOTS NAME CONSOLE...: run-vm.sh with fake_qemu.
boots() {
	local want_rc=$1 want_boots=$2 name=$3 rc=0 n
	shift 3
	fake_qemu "$@"
	: > "$scratch/kernel"
	PATH=$scratch/bin:$PATH "$top/testbed/run-vm.sh" --kernel "$scratch/kernel" \
		--timeout 20 "$top/testbed/tests/vm-lib-selftest.sh" > "$scratch/out" 2>&1 || rc=$?
	n=$(wc -l < "$scratch/bin/boots")
	if [ "$rc" = "$want_rc" ] && [ "$n" = "$want_boots" ]; then
		t_pass "run-vm-console/$name"
	else
		t_fail "run-vm-console/$name" "exit $rc after $n boot(s), want $want_rc after $want_boots:" \
			"$(tail -n 5 "$scratch/out")"
	fi
}

race=$consoles/text-poke-race.log
boots 0 2 "race, then a pass: passes on the second boot" "$race" "$scratch/pass.log"
boots 1 2 "race twice: fails, no third boot" "$race" "$race" "$scratch/pass.log"
boots 1 1 "stray int3: fails at once" "$consoles/stray-int3.log" "$scratch/pass.log"
boots 0 1 "a pass: one boot" "$scratch/pass.log"
if grep -q "text_poke_bp racing" "$scratch/out"; then
	t_fail "run-vm-console/quiet on a pass" "a passing boot spoke of the race"
else
	t_pass "run-vm-console/quiet on a pass"
fi

t_summary
