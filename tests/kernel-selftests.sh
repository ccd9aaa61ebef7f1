#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel's own livepatch selftests (tools/testing/selftests/livepatch),
# run unchanged in the VM:
#   tests/kernel-selftests.sh BUILD_DIR
# On the kernel/series kernel: kernel/0003's test-klp-relocs.sh (its
# modules converted by kbuild with BUILD_DIR/klp-convert), and the
# scripts for the paths kernel/0001 changes (module coming and going),
# to show the series breaks none of them: one result each,
# kselftest/SCRIPT. On the stock kernel, with the same modules,
# test-klp-relocs.sh must fail at the reload test and there only, with
# the loader's complaint (kselftest-stock/test-klp-relocs.sh): the
# selftest catches the bug 0001 fixes.
set -euo pipefail

build=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"

selftests=(test-klp-relocs.sh test-livepatch.sh test-callbacks.sh)
# Host programs the scripts run with options busybox lacks.
host_tools=(bash kmod sysctl mktemp dmesg comm grep sed diff awk id cat
	sleep rm stat)
kmod_names=(modprobe modinfo insmod rmmod lsmod)
# Failure messages test-callbacks provokes on purpose: the console check
# would count them as kernel trouble.
allowed_console=("livepatch: failed to enable patch 'test_klp_callbacks_demo'")
# The stock kernel's failure at the reload test.
stock_error='x86/modules: Skipping invalid relocation target, existing value is nonzero'
stock_console=("$stock_error"
	"livepatch: failed to initialize patch 'test_klp_convert' for module 'test_klp_convert_mod'")
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

# stage_modules TREE DIR: the test modules, installed for modprobe as
# modules_install would (only these: the VM needs no other).
stage_modules() {
	local tree=$1 dir=$2 kver mdir
	kver=$(cat "$tree/include/config/kernel.release")
	mdir=$dir/lib/modules/$kver
	mkdir -p "$mdir/kernel/lib/livepatch"
	cp "$tree"/lib/livepatch/*.ko "$mdir/kernel/lib/livepatch/"
	(cd "$mdir" && find kernel -name '*.ko' | sort) >"$mdir/modules.order"
	sed 's:^:kernel/:' "$tree/modules.builtin" >"$mdir/modules.builtin"
	cp "$tree/modules.builtin.modinfo" "$mdir/"
	depmod -b "$dir" "$kver"
}

# record CONSOLE: one result per selftest from the series VM.
record() {
	local out=$1 t line
	for t in "${selftests[@]}"; do
		line=$(tr -d '\r' <"$out" | grep -a "^kselftest: [A-Z]* $t " | tail -n 1 || true)
		case $line in
		"kselftest: PASS $t"*) t_pass "kselftest/$t" ;;
		'') t_fail "kselftest/$t" "did not run (see the VM output above)" ;;
		*) t_fail "kselftest/$t" "${line#kselftest: }" ;;
		esac
	done
}

# stock_verdict CONSOLE: what is wrong with the stock run, if anything.
stock_verdict() {
	local log=$1 t
	for t in "klp relocation to a non-exported vmlinux symbol" \
		"klp relocations to a module symbol and to sympos 2"; do
		grep -aq "^kselftest-out: TEST: $t \.\.\. ok" "$log" || { echo "'$t' did not pass"; return; }
	done
	grep -aq "^kselftest-out: TEST: klp relocations after the target module is reloaded \.\.\. ERROR: modprobe" "$log" ||
		{ echo "the reload test did not fail"; return; }
	grep -aqF "$stock_error" "$log" || echo "no '$stock_error' on the console"
}

# vm_start NAME KERNEL SELFTESTS_FILE [run-vm.sh options...]
vm_start() {
	local name=$1 kernel=$2 list=$3
	shift 3
	"$top/testbed/run-vm.sh" --kernel "$kernel" --timeout 600 --log "$scratch/$name.console" \
		--file "$scratch/host:/host" --file "$scratch/root/lib:/lib" \
		--file /lib64/ld-linux-x86-64.so.2:/lib64/ld-linux-x86-64.so.2 \
		--file "$series/tools/testing/selftests/livepatch:livepatch" \
		--file "$list:selftests" "$@" \
		"$top/testbed/tests/kselftest-livepatch.sh" >"$scratch/$name.out" 2>&1
}

main() {
	local plain why='' a allow=() stock_allow=() series_pid stock_pid
	plain=$("$top/testbed/build-kernel.sh")
	series=$(KLP_CONVERT=$build/klp-convert "$top/testbed/build-kernel.sh" --series)
	for a in "${allowed_console[@]}"; do
		allow+=(--allow-console "$a")
	done
	for a in "${stock_console[@]}"; do
		stock_allow+=(--allow-console "$a")
	done
	[ -f "$series/lib/livepatch/test_klp_convert.ko" ] ||
		why="no lib/livepatch/test_klp_convert.ko in $series"
	[ -n "$why" ] || why=$(stage_host_tools "$scratch/host")
	[ -n "$why" ] || why=$(stage_modules "$series" "$scratch/root" 2>&1)
	if [ -n "$why" ]; then
		for a in "${selftests[@]}" stock; do
			t_fail "kselftest/$a" "$why"
		done
		t_summary || exit 1
	fi
	printf '%s pass\n' "${selftests[@]}" >"$scratch/series.list"
	echo 'test-klp-relocs.sh fail' >"$scratch/stock.list"
	vm_start series "$series" "$scratch/series.list" "${allow[@]}" &
	series_pid=$!
	vm_start stock "$plain" "$scratch/stock.list" "${stock_allow[@]}" &
	stock_pid=$!
	wait "$series_pid" || sed 's/^/    /' "$scratch/series.out"
	record "$scratch/series.console"
	if wait "$stock_pid"; then
		why=$(stock_verdict "$scratch/stock.console")
	else
		why="in the VM: $(sed -n 's/^run-vm: \(FAILED\|error\): //p' "$scratch/stock.out" | head -n 1)"
	fi
	if [ -z "$why" ]; then
		grep -a "TEST: klp relocations after\|$stock_error" "$scratch/stock.console" |
			tr -d '\r' | sed 's/^/    /'
		t_pass kselftest-stock/test-klp-relocs.sh
	else
		sed 's/^/    /' "$scratch/stock.out"
		t_fail kselftest-stock/test-klp-relocs.sh "$why"
	fi
	t_summary
}

main "$@"
