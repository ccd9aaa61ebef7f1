# shellcheck shell=sh
# SPDX-License-Identifier: GPL-2.0
#
# Helpers for test scripts that run inside the test VM, sourced as
# `. /test/vm-lib.sh` (busybox ash: POSIX sh, so no `local`; each
# function's variables carry its own prefix to keep them apart).
# Every helper prints "vm-lib: <what failed>" and exits non-zero on
# failure, so a test script is a plain list of steps.

KLP_SYSFS=/sys/kernel/livepatch
# Bounds, in seconds, for waits the kernel normally finishes at once.
: "${KLP_TRANSITION_TIMEOUT:=15}"
: "${KLP_GONE_TIMEOUT:=10}"

vm_die() {
	echo "vm-lib: $*" >&2
	exit 1
}

vm_log() {
	echo "vm-lib: $*"
}

# Module name the kernel uses for FILE.ko ('-' becomes '_'); a livepatch's
# sysfs directory has the same name.
klp_patch_name() {
	kpn_base=${1##*/}
	echo "${kpn_base%.ko}" | tr - _
}

# Polls until CMD... succeeds, for at most SECONDS (tenths of a second).
vm_wait_for() {
	vwf_left=$(($1 * 10))
	shift
	while ! "$@"; do
		[ "$vwf_left" -gt 0 ] || return 1
		vwf_left=$((vwf_left - 1))
		sleep 0.1
	done
}

klp_load() {
	[ -f "$1" ] || vm_die "klp_load: no module file $1"
	kl_name=$(klp_patch_name "$1")
	insmod "$1" || vm_die "klp_load: insmod $1 failed"
	[ -d "$KLP_SYSFS/$kl_name" ] ||
		vm_die "klp_load: $1 loaded but $KLP_SYSFS/$kl_name does not exist"
	vm_log "loaded $kl_name"
}

klp_transition_done() {
	[ ! -d "$KLP_SYSFS/$1" ] ||
		[ "$(cat "$KLP_SYSFS/$1/transition" 2>/dev/null)" = 0 ]
}

# klp_dump_stuck_tasks NAME: tasks not yet switched to the target state
# (1 when enabling, 0 when disabling) block the transition; their stacks
# say which function they sit in.
klp_dump_stuck_tasks() {
	kds_target=$(cat "$KLP_SYSFS/$1/enabled" 2>/dev/null) || return 0
	for kds_state in /proc/[0-9]*/patch_state; do
		kds_dir=${kds_state%/patch_state}
		kds_val=$(cat "$kds_state" 2>/dev/null) || continue
		case $kds_val in -1 | "$kds_target") continue ;; esac
		echo "vm-lib:   pid ${kds_dir#/proc/} ($(cat "$kds_dir/comm" 2>/dev/null)) patch_state=$kds_val"
		sed 's/^/vm-lib:     /' "$kds_dir/stack" 2>/dev/null
	done
}

klp_wait_transition() {
	kwt_name=$1
	kwt_timeout=${2:-$KLP_TRANSITION_TIMEOUT}
	if vm_wait_for "$kwt_timeout" klp_transition_done "$kwt_name"; then
		return 0
	fi
	echo "vm-lib: $kwt_name: transition=$(cat "$KLP_SYSFS/$kwt_name/transition" 2>/dev/null)" \
		"enabled=$(cat "$KLP_SYSFS/$kwt_name/enabled" 2>/dev/null)"
	klp_dump_stuck_tasks "$kwt_name"
	vm_die "klp_wait_transition: $kwt_name still in transition after ${kwt_timeout}s"
}

klp_sysfs_gone() {
	[ ! -d "$KLP_SYSFS/$1" ]
}

klp_disable() {
	kd_name=$1
	[ -d "$KLP_SYSFS/$kd_name" ] || vm_die "klp_disable: no patch $kd_name"
	echo 0 >"$KLP_SYSFS/$kd_name/enabled" ||
		vm_die "klp_disable: writing 0 to $KLP_SYSFS/$kd_name/enabled failed"
	klp_wait_transition "$kd_name"
	vm_wait_for "$KLP_GONE_TIMEOUT" klp_sysfs_gone "$kd_name" ||
		vm_die "klp_disable: $KLP_SYSFS/$kd_name still there after ${KLP_GONE_TIMEOUT}s"
	vm_log "disabled $kd_name"
}

vm_module_loaded() {
	grep -q "^$1 " /proc/modules
}

vm_module_unused() {
	[ "$(cat "/sys/module/$1/refcnt" 2>/dev/null)" = 0 ]
}

# klp_unload MODULE (name or .ko path). A disabled patch drops its module
# reference from a workqueue after its sysfs directory is gone, hence the
# wait for refcnt 0 before rmmod.
klp_unload() {
	ku_name=$(klp_patch_name "$1")
	vm_module_loaded "$ku_name" || vm_die "klp_unload: $ku_name is not loaded"
	vm_wait_for "$KLP_GONE_TIMEOUT" vm_module_unused "$ku_name" ||
		vm_die "klp_unload: $ku_name refcnt is $(cat "/sys/module/$ku_name/refcnt") after ${KLP_GONE_TIMEOUT}s"
	rmmod "$ku_name" || vm_die "klp_unload: rmmod $ku_name failed"
	! vm_module_loaded "$ku_name" ||
		vm_die "klp_unload: $ku_name still in /proc/modules after rmmod"
	vm_log "unloaded $ku_name"
}

klp_full_cycle() {
	kfc_name=$(klp_patch_name "$1")
	klp_load "$1"
	klp_wait_transition "$kfc_name"
	klp_disable "$kfc_name"
	klp_unload "$kfc_name"
}

# assert_eq WHAT EXPECTED ACTUAL
assert_eq() {
	[ "$2" = "$3" ] || vm_die "$1: expected '$2', got '$3'"
	vm_log "ok: $1 = '$3'"
}

# Succeeds when FILE_OR_STRING (a file if one exists by that name, else
# the string itself) matches the grep basic regex PATTERN.
vm_matches() {
	if [ -f "$1" ]; then
		grep -q -e "$2" "$1"
	else
		printf '%s\n' "$1" | grep -q -e "$2"
	fi
}

# First line of $1, cut to 60 columns: enough to recognise it in the log.
vm_short() {
	vs_first=$(printf '%s\n' "$1" | head -n 1 | cut -c 1-60)
	[ "$vs_first" = "$1" ] && echo "$1" || echo "$vs_first..."
}

# assert_contains FILE_OR_STRING PATTERN
assert_contains() {
	vm_matches "$1" "$2" ||
		vm_die "assert_contains: '$1' does not match '$2'"
	vm_log "ok: '$(vm_short "$1")' matches '$2'"
}

# assert_not_contains FILE_OR_STRING PATTERN
assert_not_contains() {
	! vm_matches "$1" "$2" ||
		vm_die "assert_not_contains: '$1' matches '$2'"
	vm_log "ok: '$(vm_short "$1")' does not match '$2'"
}

# What print_tainted() (kernel/panic.c) returns for the current taint
# mask: taint_flags[] of 6.1, 19 flags, P's false character is G.
vm_taint_string() {
	awk -v m="$(cat /proc/sys/kernel/tainted)" 'BEGIN {
		if (m == 0) { print "Not tainted"; exit }
		t = "PFSRMBUDAWCIOELKXTN"; s = "Tainted: "
		for (i = 0; i < 19; i++) {
			if (m % 2) c = substr(t, i + 1, 1)
			else c = (i == 0) ? "G" : " "
			s = s c; m = int(m / 2)
		}
		print s
	}'
}

# assert_print_tainted WHAT PREFIX LINE: LINE is "PREFIX: [S]", S being
# print_tainted()'s string now, which has K (a livepatch is loaded): for
# patches that print it through a klp relocation to the non-exported
# function.
assert_print_tainted() {
	apt_want=$(vm_taint_string)
	assert_contains "$apt_want" "^Tainted: .*K"
	assert_eq "$1" "$2: [$apt_want]" "$3"
}
