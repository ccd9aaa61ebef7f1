#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# A patched module unloaded and loaded again while its livepatch stays,
# on both test kernels (kernel/0001 is the fix):
#   tests/klp-reload.sh BUILD_DIR
# The livepatch is test-fixtures/klp-convert/module-symbol (it patches
# configs.ko through .klp.rela.configs.* relocations), built against the
# plain tree and converted with BUILD_DIR/klp-convert. Results:
#   kernel/reload-stock   the plain 6.1 kernel refuses the reload with
#                         "Skipping invalid relocation target" (the bug)
#   kernel/reload-series  the kernel/series kernel patches it again
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"
# shellcheck source=tests/klp-module.sh
. "$top/tests/klp-module.sh"

klp_module_setup "$1"
ko=$scratch/module-symbol/livepatch-kc-configs.ko
# The stock kernel's expected failure, which run-vm.sh would count as
# kernel trouble.
stock_console=(--allow-console 'x86/modules: Skipping invalid relocation target'
	--allow-console "livepatch: failed to initialize patch 'livepatch_kc_configs' for module 'configs'")

# build_livepatch: prints what went wrong, if anything.
build_livepatch() {
	if ! build_module module-symbol module-symbol; then
		echo "module build failed: $(build_errors module-symbol)"
	elif ! "$convert" --symbols "$tree/vmlinux" --symvers "$tree/Module.symvers" \
		--module "configs=$tree/kernel/configs.ko" "$ko" "$ko" >/dev/null 2>"$scratch/convert.err"; then
		echo "klp-convert failed: $(cat "$scratch/convert.err")"
	fi
}

# vm_start KIND KERNEL_TREE [run-vm.sh options...]
vm_start() {
	local kind=$1 kernel=$2
	shift 2
	printf '%s\n' "$kind" >"$scratch/expect.$kind"
	"$top/testbed/run-vm.sh" --kernel "$kernel" --log "$scratch/console.$kind.log" --file "$ko" \
		--file "$kernel/kernel/configs.ko" --file "$scratch/expect.$kind:expect" \
		"$@" "$top/testbed/tests/klp-reload.sh" >"$scratch/vm.$kind.out" 2>&1 &
	pids+=("$!")
	kinds+=("$kind")
}

main() {
	local series why i pids=() kinds=()
	tree=$("$top/testbed/build-kernel.sh")
	series=$(KLP_CONVERT=$convert "$top/testbed/build-kernel.sh" --series)
	why=$(build_livepatch)
	if [ -n "$why" ]; then
		t_fail kernel/reload-stock "$why"
		t_fail kernel/reload-series "$why"
		t_summary || exit 1
	fi
	vm_start stock "$tree" "${stock_console[@]}"
	vm_start series "$series"
	for i in "${!pids[@]}"; do
		if wait "${pids[$i]}"; then
			# what the kernel said when configs.ko came back
			grep -aE 'x86/modules|livepatch: (failed|patch|applying)' \
				"$scratch/console.${kinds[$i]}.log" | tr -d '\r' | sed 's/^/    /' || true
			t_pass "kernel/reload-${kinds[$i]}"
		else
			t_vm_fail "kernel/reload-${kinds[$i]}" "$scratch/vm.${kinds[$i]}.out"
		fi
	done
	t_summary
}

main "$@"
