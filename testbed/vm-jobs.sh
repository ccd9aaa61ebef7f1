# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# VMs booted in the background by the host-side suites, one result each
# (sourced after tests/lib.sh).
#
#   vm_job_start NAME KERNEL SCRIPT [run-vm.sh options...]
#       boots SCRIPT on KERNEL with testbed/run-vm.sh in the background;
#       its output and console log go to $vm_job_dir, named after NAME.
#       Once $vm_job_max VMs run (0: no limit), it waits for them
#       (vm_job_collect) before it returns.
#   vm_job_collect
#       waits for every VM started so far and records each, in start
#       order: t_pass NAME, or run-vm.sh's output and t_fail NAME with
#       its reason and the console log, copied to
#       $KLP_CACHE_DIR/vm-logs/run.XXXXXX/ (the caller's $vm_job_dir is
#       scratch; the log of a failure is the one worth reading later).
#
# run-vm.sh itself decides pass or fail: the script's result and a
# console free of BUG:, Oops, WARNING:, Call Trace ... except the lines
# an --allow-console option names.

vm_job_repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
vm_job_dir=${vm_job_dir:-}
vm_job_max=${vm_job_max:-0}
vm_job_kept=''
vm_job_names=()
vm_job_pids=()

# Output files are named after the test; test names may contain '/'.
# A long name (a --one-vm run lists its cases) is cut, with a hash of
# the whole: a file name has at most 255 bytes.
vm_job_base() {
	local base=${1//\//_}
	if [ "${#base}" -gt 120 ]; then
		base=${base:0:100}.$(printf '%s' "$1" | sha256sum | cut -c1-12)
	fi
	printf '%s/%s' "${vm_job_dir:?vm-jobs.sh: set vm_job_dir}" "$base"
}

vm_job_start() {
	local name=$1 kernel=$2 script=$3 base
	shift 3
	base=$(vm_job_base "$name")
	printf '%s: starting VM for %s\n' "${0##*/}" "$name" >&2
	"$vm_job_repo/testbed/run-vm.sh" --kernel "$kernel" --log "$base.console.log" "$@" \
		"$script" >"$base.out" 2>&1 &
	vm_job_names+=("$name")
	vm_job_pids+=("$!")
	[ "$vm_job_max" -eq 0 ] || [ "${#vm_job_pids[@]}" -lt "$vm_job_max" ] || vm_job_collect
}

# vm_job_keep_log NAME: copies NAME's console log to $vm_job_kept (made
# at the first failure), where it outlives the caller's scratch.
vm_job_keep_log() {
	local cache=${KLP_CACHE_DIR:-$vm_job_repo/.cache}
	if [ -z "$vm_job_kept" ]; then
		mkdir -p "$cache/vm-logs"
		vm_job_kept=$(mktemp -d "$cache/vm-logs/run.XXXXXX")
	fi
	cp "$(vm_job_base "$1").console.log" "$vm_job_kept/" 2>/dev/null || true
}

vm_job_collect() {
	local i name base
	for i in "${!vm_job_pids[@]}"; do
		name=${vm_job_names[$i]}
		base=$(vm_job_base "$name")
		if wait "${vm_job_pids[$i]}"; then
			t_pass "$name"
		else
			vm_job_keep_log "$name"
			t_vm_fail "$name" "$base.out" "console: $vm_job_kept/${base##*/}.console.log"
		fi
	done
	vm_job_names=()
	vm_job_pids=()
}
