# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2034,SC2154 # klp-build's variables, read and set here
#
# klp-build --test: the target kernel booted in qemu (testbed/run-vm.sh),
# the module loaded, its transition, the user's check script, disable
# and unload. Sourced by klp-build.

# The kernel image the module is for, to boot it (a VM test).
target_kernel_image() {
	if [ "$distro" = 1 ]; then
		printf '%s/boot/vmlinuz-%s\n' "${distro_image%/}" "$distro_release"
	else
		printf '%s/arch/x86/boot/bzImage\n' "$srcdir"
	fi
}

check_test_inputs() {
	[ "$test_vm" = 1 ] || return 0
	if [ -n "$test_script" ] && { [ ! -f "$test_script" ] || [ ! -r "$test_script" ]; }; then
		die "$EXIT_USAGE" "--test=$test_script: not a readable script"
	fi
	if [ ! -x "$vm_dir/run-vm.sh" ] || [ ! -f "$vm_dir/vm-lib.sh" ]; then
		die "$EXIT_TEST" "run-vm.sh and vm-lib.sh not found in $vm_dir; reinstall klp-build"
	fi
	command -v qemu-system-x86_64 > /dev/null ||
		die "$EXIT_TEST" "--test needs qemu-system-x86_64: apt-get install qemu-system-x86"
}

# The VM's steps, on vm-lib.sh (busybox sh): the user's script runs with
# the patch enabled, and the patch must still disable and unload after it.
write_vm_script() {
	local sysfs_name=livepatch_${name//-/_}
	cat <<VM
set -eu
. /test/vm-lib.sh
export KLP_MODULE=/test/livepatch-$name.ko KLP_PATCH=$sysfs_name
klp_load "\$KLP_MODULE"
klp_wait_transition "\$KLP_PATCH"
if [ -f /test/check.sh ]; then
	vm_log "running the check script"
	sh /test/check.sh || vm_die "the check script failed (exit \$?)"
	vm_log "the check script passed"
fi
klp_disable "\$KLP_PATCH"
klp_unload "\$KLP_PATCH"
VM
}

test_in_vm() {
	local image vm=$scratch/vm log=$outdir/livepatch-$name.console.log files
	start_phase test "booting the target kernel in qemu"
	image=$(target_kernel_image)
	[ -f "$image" ] || die "$EXIT_TEST" "no kernel image $image to boot; build it (make bzImage)"
	mkdir -p "$vm"
	write_vm_script > "$vm/run.sh"
	# Copies with fixed names: run-vm.sh's --file SRC:DEST splits at ':'.
	cp -- "$outdir/livepatch-$name.ko" "$vm/"
	files=(--file "$vm/livepatch-$name.ko")
	if [ -n "$test_script" ]; then
		cp -- "$test_script" "$vm/check.sh"
		files+=(--file "$vm/check.sh")
	fi
	log "+ run-vm.sh --kernel $image --log $log ${files[*]} $vm/run.sh"
	if ! "$vm_dir/run-vm.sh" --kernel "$image" --log "$log" --timeout "${KLP_TEST_TIMEOUT:-180}" \
		"${files[@]}" "$vm/run.sh" > "$vm/run-vm.out" 2>&1; then
		cat "$vm/run-vm.out" >> "$logfile"
		grep -v '^run-vm: booting' "$vm/run-vm.out" >&2 || true
		die "$EXIT_TEST" "the module failed its test in the VM; console log: $log"
	fi
	cat "$vm/run-vm.out" >> "$logfile"
	msg "       VM test passed; console log: $log"
}
