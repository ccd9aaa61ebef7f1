#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make demo`: from nothing to a livepatch changing a running kernel.
# Installs what is missing, builds the tools and the cached 6.1 test
# kernel, builds a livepatch from examples/cmdline-greeting.patch, boots
# the kernel in qemu and shows /proc/cmdline before and after.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
out=${KLP_DEMO_OUT:-$top/.cache/demo}

step() {
	printf '\n== %s\n' "$*"
}

main() {
	local tree console
	step "installing missing packages"
	"$top/scripts/install-deps.sh"
	step "building the tools"
	make -s -C "$top" all
	step "building (or reusing) the Linux 6.1 test kernel"
	tree=$("$top/testbed/build-kernel.sh")
	step "klp-build -s $tree examples/cmdline-greeting.patch"
	mkdir -p "$out"
	"$top/kmod-builder/klp-build" -s "$tree" -o "$out" "$top/examples/cmdline-greeting.patch"
	step "booting the kernel in qemu and loading the livepatch"
	console=$out/console.log
	"$top/testbed/run-vm.sh" --kernel "$tree" --log "$console" \
		--file "$out/livepatch-cmdline-greeting.ko" "$top/examples/demo-vm.sh"
	sed -n 's/^demo: //p' "$console"
}

main "$@"
