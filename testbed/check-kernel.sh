#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-kernel.sh BUILD_DIR  (`make check-kernel`)
#
# Builds the cached 6.1 test kernels if needed (plain, and with
# kernel/series), then runs the in-VM tests and records each with
# tests/lib.sh. BUILD_DIR holds the project's C tools.
#
# Adding a test: write an in-VM script under testbed/tests/ (it sources
# /test/vm-lib.sh), then call
#   vm_test NAME SCRIPT [run-vm.sh options such as --file SRC[:DEST]]
# or, to boot several VMs at once, vm_test_start for each then one
# vm_job_collect (testbed/vm-jobs.sh).
set -euo pipefail
shopt -s inherit_errexit

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(git -C "$here" rev-parse --show-toplevel 2>/dev/null || dirname "$here")
# shellcheck source=SCRIPTDIR/../tests/lib.sh
. "$repo/tests/lib.sh"

tree=''
# shellcheck source=SCRIPTDIR/vm-jobs.sh
. "$here/vm-jobs.sh"

say() {
	printf 'check-kernel: %s\n' "$*" >&2
}

# vm_test_start NAME SCRIPT [run-vm.sh options...]: boots one VM on the
# built tree in the background (a --kernel among the options overrides).
vm_test_start() {
	vm_job_start "$1" "$tree" "${@:2}"
}

# vm_test NAME SCRIPT [run-vm.sh options...]: one VM, recorded at once.
vm_test() {
	vm_test_start "$@"
	vm_job_collect
}

# The kernel/series tree, derived from the plain one; its livepatch test
# modules are converted by the project's klp-convert.
build_series_kernel() {
	local build=$1
	if KLP_CONVERT=$build/klp-convert "$here/build-kernel.sh" --series >/dev/null; then
		t_pass testbed/build-kernel-series
	else
		t_fail testbed/build-kernel-series "build-kernel.sh --series failed (see above)"
		return 1
	fi
}

build_kernel() {
	if tree=$("$here/build-kernel.sh"); then
		t_pass testbed/build-kernel
	else
		t_fail testbed/build-kernel "build-kernel.sh failed (see above)"
		t_summary || true
		exit 1
	fi
}

run_tests() {
	local build=$1 lp=$tree/lib/livepatch
	vm_test_start testbed/livepatch-sample "$here/tests/livepatch-sample.sh" \
		--file "$tree/samples/livepatch/livepatch-sample.ko"
	vm_test_start testbed/vm-lib-selftest "$here/tests/vm-lib-selftest.sh" \
		--file "$lp/test_klp_livepatch.ko" \
		--file "$lp/test_klp_callbacks_busy.ko" \
		--file "$lp/test_klp_callbacks_demo.ko"
	vm_job_collect
	# klp-convert on hand-written livepatch modules built against the tree.
	"$repo/tests/klp-convert-unit.sh" "$build"
	"$repo/tests/klp-convert-vm.sh" "$build"
	# klp-build end to end: the tree is never changed; real patches, each in the VM.
	"$repo/tests/klp-build-tree.sh" "$build"
	# The manifest, reproducible output and --test, as a CI job uses them.
	"$repo/tests/klp-build-ci-output.sh" "$build"
	"$repo/tests/kpatch-suite.sh" --one-vm "$build"
	# ccache and distcc (two distccd servers in network namespaces).
	KLP_CC_TESTS="usage ccache distcc" "$repo/tests/klp-build-cc.sh" "$build" ||
		t_fail testbed/klp-build-cc "tests/klp-build-cc.sh failed (above)"
	# kernel/series: the module reload bug on both kernels, the selftests.
	if build_series_kernel "$build"; then
		"$repo/tests/klp-reload.sh" "$build"
		"$repo/tests/kernel-selftests.sh" "$build"
	fi
	run_stress "$build"
	"$repo/tests/entry-sizes-tree.sh" "$build"
	"$repo/tests/special-absent.sh"
	# The differ on real objects with one new function: a sample of the sweep.
	nice -n 10 "$repo/tests/perturb-sweep.sh" -j 2 "$build" --sample
}

# Many cycles, a chain of replacements, patching under load: three VMs
# with the ten modules tests/stress-modules.sh has klp-build make.
run_stress() {
	local ko i files=()
	ko=$(mktemp -d)
	if "$repo/tests/stress-modules.sh" "$1" "$ko"; then
		for i in $(seq 10); do
			files+=(--file "$ko/livepatch-stress_$i.ko")
		done
		# One CPU: no idle task of another CPU to wait for, so each
		# transition ends at once instead of at the kernel's 1 s retry.
		vm_test_start testbed/stress-cycles-50 "$here/tests/stress-cycles.sh" --cpus 1 \
			"${files[@]:0:2}"
		vm_test_start testbed/stress-replace-chain-10 "$here/tests/stress-replace.sh" \
			"${files[@]}"
		vm_test_start testbed/stress-under-load "$here/tests/stress-load.sh" "${files[@]:0:4}"
		vm_job_collect
	fi
	rm -rf "$ko"
}

main() {
	local start=$SECONDS
	[ $# -eq 1 ] || { echo "usage: ${0##*/} BUILD_DIR" >&2; exit 2; }
	build_kernel
	vm_job_dir=$(mktemp -d)
	trap 'rm -rf "$vm_job_dir"' EXIT
	run_tests "$(cd "$1" && pwd)"
	[ -z "$vm_job_kept" ] || say "console logs of the failed VMs kept in $vm_job_kept"
	say "done in $((SECONDS - start)) s"
	t_summary
}

main "$@"
