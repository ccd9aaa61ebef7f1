#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-vm.sh --kernel PATH [--file SRC[:DEST]]... [--timeout SECONDS]
#           [--log FILE] [--mem MB] [--cpus N] [--allow-console ERE]... SCRIPT
#
# Boots PATH (a kernel tree, whose arch/x86/boot/bzImage is used, or a
# bzImage/vmlinuz file) in qemu (TCG) with a busybox initramfs that runs
# SCRIPT as /test/run.sh, with testbed/vm-lib.sh as /test/vm-lib.sh and
# each --file at /test/<basename>, or at DEST (relative DEST: under /test).
# Exits 0 only if the script passed and the console shows no kernel
# trouble, 1 if not, 2 on bad usage. --allow-console exempts console lines
# matching ERE from that check (a test that expects a kernel failure
# message says which). Everything lives in a private
# mktemp dir (kept on failure when it holds the log), so runs can overlap.
# Env: KLP_BUSYBOX (default /bin/busybox, which must be static).
set -euo pipefail
shopt -s inherit_errexit

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
busybox=${KLP_BUSYBOX:-/bin/busybox}
marker=KLP-VM-RESULT
# Console text that fails a run even when the script passed.
bad_patterns=('BUG:' 'Oops' 'WARNING:' 'Call Trace' 'livepatch: failed'
	'Kernel panic')

# Two sockets, not two cores: SeaBIOS lists only the first CPU of each
# package in its MP table, and without ACPI the kernel sees no other.
smp=2,sockets=2,cores=1,threads=1
kernel='' timeout=180 log='' mem=512 script='' priv='' keep_priv=0
files=()
allowed=()

say() {
	printf 'run-vm: %s\n' "$*" >&2
}

die() {
	say "error: $*"
	exit 2
}

usage() {
	sed -n '4,5p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

parse_args() {
	while [ $# -gt 0 ]; do
		case $1 in
		--kernel) kernel=${2:?}; shift 2 ;;
		--file) files+=("${2:?}"); shift 2 ;;
		--timeout) timeout=${2:?}; shift 2 ;;
		--log) log=${2:?}; shift 2 ;;
		--mem) mem=${2:?}; shift 2 ;;
		--allow-console) allowed+=(-e "${2:?}"); shift 2 ;;
		--cpus)
			[[ ${2:-} =~ ^[1-8]$ ]] || die "--cpus wants 1 to 8, got ${2:-nothing}"
			smp="$2,sockets=$2,cores=1,threads=1"
			shift 2
			;;
		-h | --help) usage ;;
		-*) say "unknown option $1"; usage ;;
		*) [ -z "$script" ] || usage; script=$1; shift ;;
		esac
	done
	if [ -z "$kernel" ] || [ -z "$script" ]; then
		usage
	fi
	[ -f "$script" ] || die "no test script $script"
	[[ $timeout =~ ^[0-9]+$ ]] || die "--timeout wants seconds, got $timeout"
	[[ $mem =~ ^[0-9]+$ ]] || die "--mem wants MB, got $mem"
}

resolve_kernel() {
	if [ -d "$kernel" ]; then
		kernel=$kernel/arch/x86/boot/bzImage
	fi
	[ -f "$kernel" ] || die "no kernel image at $kernel"
}

# The VM's /init. Kernel messages and the script's output share ttyS0;
# the marker is printed on a line of its own for run-vm.sh to find.
write_init() {
	cat >"$1" <<-'EOF'
	#!/bin/busybox sh
	/bin/busybox mount -t proc proc /proc
	# Applet links made here, not on the host: one call, no fork per link.
	/bin/busybox --install -s
	export PATH=/bin:/sbin:/usr/bin:/usr/sbin
	mount -t sysfs sysfs /sys
	mount -t devtmpfs devtmpfs /dev 2>/dev/null
	# Without /dev/console in the archive the kernel gave us no stdio.
	exec </dev/console >/dev/console 2>&1
	mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
	mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
	echo "klp-vm: running /test/run.sh on $(uname -r)"
	cd /test
	sh /test/run.sh
	rc=$?
	if [ "$rc" -eq 0 ]; then
		printf '\nKLP-VM-RESULT: PASS\n'
	else
		printf '\nKLP-VM-RESULT: FAIL %s\n' "$rc"
	fi
	sync
	reboot -f
	EOF
	chmod 755 "$1"
}

install_busybox() {
	local root=$1
	[ -x "$busybox" ] || die "no $busybox (apt-get install busybox-static)"
	mkdir -p "$root/bin" "$root/sbin" "$root/usr/bin" "$root/usr/sbin"
	cp "$busybox" "$root/bin/busybox"
}

copy_test_files() {
	local root=$1 spec src dest
	mkdir -p "$root/test"
	cp "$script" "$root/test/run.sh"
	cp "$here/vm-lib.sh" "$root/test/vm-lib.sh"
	for spec in "${files[@]}"; do
		src=${spec%%:*} dest=
		[ "$src" = "$spec" ] || dest=${spec#*:}
		[ -e "$src" ] || die "no file $src"
		case $dest in
		'') dest=/test/${src##*/} ;;
		/*) ;;
		*) dest=/test/$dest ;;
		esac
		mkdir -p "$root$(dirname "$dest")"
		cp -RL "$src" "$root$dest"
	done
}

make_initramfs() {
	local root=$priv/root out=$priv/initramfs.cpio.gz
	mkdir -p "$root"/{proc,sys,dev,tmp,sys/kernel/tracing,sys/kernel/debug}
	# Lets the kernel open the console before /init runs; only root can.
	mknod "$root/dev/console" c 5 1 2>/dev/null || true
	install_busybox "$root"
	write_init "$root/init"
	copy_test_files "$root"
	(cd "$root" && find . -print0 | LC_ALL=C sort -z |
		cpio --null -o -H newc --quiet -R 0:0) | gzip -1 >"$out"
	rm -rf "$root"
	printf '%s\n' "$out"
}

boot() {
	local initrd=$1 rc=0
	say "booting ${kernel} (timeout ${timeout}s, console: $log)"
	# no_timer_check: on a loaded host, TCG can miss the IO-APIC timer
	# test's window and the kernel panics ("IO-APIC + timer doesn't
	# work!") before /init; seen twice in kpatch-suite under load 6-10.
	timeout --foreground -k 5 "$timeout" \
		qemu-system-x86_64 -accel tcg -cpu max -smp "$smp" -m "$mem" \
		-nodefaults -no-user-config -display none -no-reboot \
		-serial "file:$log" \
		-kernel "$kernel" -initrd "$initrd" \
		-append "console=ttyS0 panic=-1 oops=panic no_timer_check" \
		</dev/null >"$priv/qemu.out" 2>&1 || rc=$?
	printf '%s\n' "$rc"
}

# Prints the reason the run failed, or nothing.
verdict() {
	local qemu_rc=$1 result pat checked
	if [ "$qemu_rc" -eq 124 ] || [ "$qemu_rc" -eq 137 ]; then
		echo "timeout: no result within ${timeout}s"
		return
	fi
	result=$(tr -d '\r' <"$log" | grep -ao "$marker: [A-Z]*[ 0-9]*" | tail -n 1 || true)
	if [ -z "$result" ]; then
		echo "no $marker line on the console (qemu exit $qemu_rc)"
		return
	fi
	checked=$log
	if [ ${#allowed[@]} -gt 0 ]; then
		checked=$priv/console.checked
		grep -avE "${allowed[@]}" "$log" >"$checked" || true
	fi
	for pat in "${bad_patterns[@]}"; do
		if grep -aqF -- "$pat" "$checked"; then
			echo "console contains '$pat': $(grep -aF -m1 -- "$pat" "$checked" | tr -d '\r')"
			return
		fi
	done
	[ "$result" = "$marker: PASS" ] || echo "test script failed: $result"
}

# text_poke_race FILE: true if FILE's console shows the race between a
# CPU and the kernel's own text poking (text_poke_bp): an int3 oops whose
# trapping byte is no longer an int3 but the first byte of the call or
# jump the poke had by then finished writing ("e8 <", "e9 <" in the Code:
# line, which marks the byte after the trap). Seen once in CI on Debian
# 13's stock 6.12 (PREEMPT_DYNAMIC), at a cond_resched() static call site
# of rcu_gp_fqs_loop, which every livepatch transition rewrites in all of
# vmlinux (sched_dynamic_klp_enable/disable): the kernel's code racing
# under TCG, not the patch's. A trap at a byte still cc, or at any other
# byte, is a real stray breakpoint and is not this.
text_poke_race() {
	tr -d '\r' <"$1" | grep -a -A60 -m1 'Oops: int3: ' |
		grep -a -m1 'Code: ' | grep -aqE ' (e8|e9) <[0-9a-f]{2}>'
}

report_failure() {
	local why=$1
	say "FAILED: $why"
	say "last 40 console lines:"
	tail -n 40 "$log" | tr -d '\r' | sed 's/^/  | /' >&2
	if [ -s "$priv/qemu.out" ]; then
		say "qemu said:"
		sed 's/^/  | /' "$priv/qemu.out" >&2
	fi
	say "console log: $log"
}

cleanup() {
	# Keep the private dir when it holds the only copy of a failed log.
	if [ -n "$priv" ] && [ "$keep_priv" = 0 ]; then
		rm -rf "$priv"
	fi
}

main() {
	local initrd qemu_rc why
	parse_args "$@"
	resolve_kernel
	command -v qemu-system-x86_64 >/dev/null ||
		die "no qemu-system-x86_64 (apt-get install qemu-system-x86)"
	priv=$(mktemp -d "${TMPDIR:-/tmp}/klp-vm.XXXXXX")
	trap cleanup EXIT
	[ -n "$log" ] || log=$priv/console.log
	mkdir -p "$(dirname "$log")"
	: >"$log"
	initrd=$(make_initramfs)
	qemu_rc=$(boot "$initrd")
	why=$(verdict "$qemu_rc")
	if [ -n "$why" ] && text_poke_race "$log"; then
		# One more boot, once: a second failure of any kind fails.
		report_failure "$why"
		say "the oops above is the kernel's text_poke_bp racing under TCG" \
			"(see text_poke_race in run-vm.sh), not the test's: booting once more"
		: >"$log"
		qemu_rc=$(boot "$initrd")
		why=$(verdict "$qemu_rc")
	fi
	if [ -n "$why" ]; then
		[ "$log" != "$priv/console.log" ] || keep_priv=1
		rm -f "$initrd"
		report_failure "$why"
		exit 1
	fi
	say "PASS ($log)"
}

# Sourced (by tests/run-vm-console.sh), only the functions.
[ "${BASH_SOURCE[0]}" != "$0" ] || main "$@"
