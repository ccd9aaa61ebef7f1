#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel's own livepatch selftests (tools/testing/selftests/livepatch)
# on the kernel/series kernel, in one VM: kernel/0003's test-klp-relocs.sh
# (livepatch relocations, with modules kbuild converted with
# BUILD_DIR/klp-convert) and the existing scripts, to show the series
# breaks none of them.
#   tests/kernel-selftests.sh BUILD_DIR
# One result per script: kselftest/SCRIPT.
set -euo pipefail

build=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"

selftests=(test-klp-relocs.sh test-livepatch.sh test-callbacks.sh
	test-shadow-vars.sh test-state.sh test-ftrace.sh test-sysfs.sh)
# Host programs the scripts run with options busybox lacks.
host_tools=(bash kmod sysctl mktemp dmesg comm grep sed diff awk id cat
	sleep rm stat)
kmod_names=(modprobe modinfo insmod rmmod lsmod)
# Failure messages some scripts provoke on purpose (test-callbacks,
# test-state): the console check would count them as kernel trouble.
allowed_console=("livepatch: failed to enable patch '"
	"livepatch: failed to initialize patch '"
	"test_klp_callbacks_demo: pre_patch_callback: .* -> setting pre_patch_ret")
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# stage_host_tools DIR: each tool and the libraries it links, under DIR.
stage_host_tools() {
	local dir=$1 t path lib
	mkdir -p "$dir/bin" "$dir/lib"
	for t in "${host_tools[@]}"; do
		path=$(command -v "$t") || { echo "no $t on the host"; return 1; }
		cp -L "$path" "$dir/bin/$t"
		while read -r lib; do
			cp -Ln "$lib" "$dir/lib/"
		done < <(ldd "$path" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }')
	done
	for t in "${kmod_names[@]}"; do
		ln -s kmod "$dir/bin/$t"
	done
}

# stage_modules TREE DIR: the test modules, installed for modprobe.
stage_modules() {
	local tree=$1 dir=$2 kver
	kver=$(cat "$tree/include/config/kernel.release")
	mkdir -p "$dir/lib/modules/$kver/kernel/lib/livepatch"
	cp "$tree"/lib/livepatch/*.ko "$dir/lib/modules/$kver/kernel/lib/livepatch/"
	depmod -b "$dir" "$kver"
}

# record OUT: one result per selftest from the VM's output.
record() {
	local out=$1 t line
	for t in "${selftests[@]}"; do
		line=$(grep -a "^kselftest: [A-Z]* $t " "$out" | tail -n 1 || true)
		case $line in
		"kselftest: PASS $t"*) t_pass "kselftest/$t" ;;
		'') t_fail "kselftest/$t" "did not run (see the VM output above)" ;;
		*) t_fail "kselftest/$t" "${line#kselftest: }" ;;
		esac
	done
}

main() {
	local series why='' a allow=()
	series=$(KLP_CONVERT=$build/klp-convert "$top/testbed/build-kernel.sh" --series)
	for a in "${allowed_console[@]}"; do
		allow+=(--allow-console "$a")
	done
	[ -f "$series/lib/livepatch/test_klp_convert.ko" ] ||
		why="no lib/livepatch/test_klp_convert.ko in $series"
	[ -n "$why" ] || why=$(stage_host_tools "$scratch/host")
	[ -n "$why" ] || why=$(stage_modules "$series" "$scratch/root" 2>&1)
	if [ -n "$why" ]; then
		for a in "${selftests[@]}"; do
			t_fail "kselftest/$a" "$why"
		done
		t_summary || exit 1
	fi
	printf '%s\n' "${selftests[@]}" >"$scratch/selftests"
	if ! "$top/testbed/run-vm.sh" --kernel "$series" --timeout 600 \
		--file "$scratch/host:/host" --file "$scratch/root/lib:/lib" \
		--file /lib64/ld-linux-x86-64.so.2:/lib64/ld-linux-x86-64.so.2 \
		--file "$series/tools/testing/selftests/livepatch:livepatch" \
		--file "$scratch/selftests:selftests" "${allow[@]}" \
		"$top/testbed/tests/kselftest-livepatch.sh" >"$scratch/vm.out" 2>&1; then
		sed 's/^/    /' "$scratch/vm.out"
	fi
	record "$scratch/vm.out"
	t_summary
}

main "$@"
