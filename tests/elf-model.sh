#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The shared ELF model: unit tests, and round trips of real objects that
# must read back equal and link to the same code.
set -euo pipefail

build=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"
# shellcheck source=tests/fixture-cc.sh
. "$top/tests/fixture-cc.sh"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# The disassembly and relocations of an object once linked with ld -r.
linked_code() {
	ld -r -o "$2" "$1" && objdump -d -r "$2" | tail -n +4
}

roundtrip() {
	local name=$1 obj=$2 out
	if ! out=$("$build/tests/elf-model-test" check "$obj" 2>&1); then
		t_fail "elf/unit-$name" "$out"
		return
	fi
	t_pass "elf/unit-$name"
	if ! "$build/tests/elf-model-test" roundtrip "$obj" "$scratch/$name.rt.o"; then
		t_fail "elf/roundtrip-link-$name" "roundtrip write failed"
		return
	fi
	if diff <(linked_code "$obj" "$scratch/$name.a.o") \
		<(linked_code "$scratch/$name.rt.o" "$scratch/$name.b.o") > "$scratch/diff"; then
		t_pass "elf/roundtrip-link-$name"
	else
		t_fail "elf/roundtrip-link-$name" "linked code differs: $(head -20 "$scratch/diff")"
	fi
}

n=0
for src in "$top"/test-fixtures/diff/*/patched.c; do
	case=$(basename "$(dirname "$src")")
	if fixture_cc "$src" "$scratch/$case.o" 2> "$scratch/cc.log"; then
		roundtrip "$case" "$scratch/$case.o"
		n=$((n + 1))
	fi
	[ "$n" -lt 6 ] || break
done
[ "$n" -gt 0 ] || t_fail "elf/roundtrip" "no fixture compiled: $(cat "$scratch/cc.log")"
