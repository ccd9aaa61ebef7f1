#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# klp-convert (standalone mode) proven in the VM: hand-written livepatch
# modules that use what the kernel does not export, built against the
# 6.1 test tree with KBUILD_MODPOST_WARN=1, converted, checked with
# readelf, then loaded, patched, disabled and unloaded in the VM.
#   tests/klp-convert-vm.sh BUILD_DIR
#
# A case is a directory test-fixtures/klp-convert/CASE/ with the module
# source, its Kbuild and check.sh (the in-VM script); one result each,
# klp-convert/CASE:
#   nonexported-vmlinux  a non-exported vmlinux function and variable
#   sympos               print_cpu, twice in vmlinux: KLP_SYMPOS(.., 2)
#   module-symbol        patches configs.ko, uses its kernel_config_data;
#                        configs.ko loaded before, then after the patch
# Modules are built in a mktemp -d copy; the tree and the repo are not
# written.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"
# shellcheck source=tests/klp-module.sh
. "$top/tests/klp-module.sh"
# shellcheck source=testbed/vm-jobs.sh
. "$top/testbed/vm-jobs.sh"

klp_module_setup "$1"
vm_job_dir=$scratch

# undefined KO: the names of its undefined symbols, sorted.
undefined() {
	readelf -sW "$1" | awk '$7 == "UND" && $8 != "" { print $8 }' | sort -u
}

# check_converted KO EXPECTED_KLP_SYMBOL...: KO's livepatch symbols
# are exactly these, each one has a .klp.rela section relocating against
# it, and every undefined symbol left is in Module.symvers (so that the
# module loader can resolve it). Prints what does not hold.
check_converted() {
	local ko=$1 want have name obj
	shift
	want=$(printf '%s\n' "$@" | sort)
	have=$(klp_syms "$ko")
	[ "$have" = "$want" ] ||
		echo "livepatch symbols: want [$(echo "$want" | tr '\n' ' ')], have [$(echo "$have" | tr '\n' ' ')]"
	for name in "$@"; do
		obj=${name#.klp.sym.}
		obj=${obj%%.*}
		readelf -rW "$ko" | awk -v s="$name" -v p="'.klp.rela.$obj." '
			/^Relocation section/ { cur = index($3, p) == 1; next }
			cur && $5 == s { found = 1 }
			END { exit !found }' ||
			echo "no .klp.rela.$obj.* relocation against $name"
	done
	while read -r name; do
		[ -n "$name" ] || continue
		grep -qP "^0x[0-9a-f]+\t\Q$name\E\t" "$tree/Module.symvers" ||
			echo "undefined symbol $name is neither exported nor converted"
	done < <(undefined "$ko")
}

# run_convert CASE KO OUT [klp-convert options...]: prints the failure.
run_convert() {
	local case=$1 ko=$2 out=$3 rc=0
	shift 3
	"$convert" --symbols "$tree/vmlinux" --symvers "$tree/Module.symvers" "$@" \
		"$ko" "$out" > "$scratch/$case.convert.out" 2> "$scratch/$case.convert.err" || rc=$?
	if [ "$rc" -ne 0 ]; then
		echo "klp-convert exit $rc: $(cat "$scratch/$case.convert.err")"
	elif [ ! -f "$out" ]; then
		echo "klp-convert exit 0 but wrote no $out"
	fi
}

# vm_start CASE [run-vm.sh options...]: boots the case's check.sh.
vm_start() {
	vm_job_start "klp-convert/$1" "$tree" "$fixtures/$1/check.sh" "${@:2}"
}

# prepare CASE KO_NAME EXPECTED_KLP_SYMBOLS -- [klp-convert options...]:
# build, convert to $scratch/CASE/out/KO_NAME, check; 0 when all held,
# else the case is recorded as failed.
prepare() {
	local case=$1 name=$2 dir=$scratch/$1 why='' expected=()
	shift 2
	while [ "$1" != -- ]; do
		expected+=("$1")
		shift
	done
	shift
	mkdir -p "$dir/out"
	build_module "$case" "$case" || why="module build failed: $(build_errors "$case")"
	[ -n "$why" ] || why=$(run_convert "$case" "$dir/$name" "$dir/out/$name" "$@")
	[ -n "$why" ] || why=$(check_converted "$dir/out/$name" "${expected[@]}")
	if [ -n "$why" ]; then
		t_fail "klp-convert/$case" "$why"
		return 1
	fi
}

main() {
	local d
	klp_module_tree

	d=$scratch/nonexported-vmlinux
	if prepare nonexported-vmlinux livepatch-kc-nonexported.ko \
		.klp.sym.vmlinux.saved_command_line,0 .klp.sym.vmlinux.print_tainted,0 --; then
		# the unconverted module too: the VM proves it cannot load
		vm_start nonexported-vmlinux --file "$d/out/livepatch-kc-nonexported.ko" \
			--file "$d/livepatch-kc-nonexported.ko:raw/livepatch-kc-nonexported.ko"
	fi
	d=$scratch/sympos
	if prepare sympos livepatch-kc-sympos.ko .klp.sym.vmlinux.print_cpu,2 --; then
		vm_start sympos --file "$d/out/livepatch-kc-sympos.ko"
	fi
	d=$scratch/module-symbol
	if prepare module-symbol livepatch-kc-configs.ko \
		.klp.sym.configs.kernel_config_data,0 .klp.sym.configs.kernel_config_data_end,0 \
		-- --module "configs=$tree/kernel/configs.ko"; then
		vm_start module-symbol --file "$d/out/livepatch-kc-configs.ko" \
			--file "$tree/kernel/configs.ko"
	fi
	vm_job_collect
	t_summary
}

main "$@"
