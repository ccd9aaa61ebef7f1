#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make check-deploy: klpctl, klp.service, klp-deb's packages and
# klp_state, with modules klp-build --distro makes for Debian's stock
# 6.1 from test-fixtures/deploy/, first on the host (klpctl's checks
# against a private store, the packages' fields), then in a Debian 12
# root with systemd (tests/deploy-root.sh, cached) booted twice in qemu
# on that release's own vmlinuz and initrd: tests/deploy-vm/boot.sh.
#   tests/check-deploy.sh [BUILD_DIR]
set -euo pipefail
shopt -s inherit_errexit

top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
export KLP_CACHE_DIR=${KLP_CACHE_DIR:-$top/.cache}
fixtures=$top/test-fixtures/deploy
klpctl=$top/klpctl/klpctl
boot_timeout=${KLP_DEPLOY_BOOT_TIMEOUT:-900}
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"

scratch=$(mktemp -d "${TMPDIR:-/tmp}/klp-deploy.XXXXXX")
trap 'rm -rf -- "$scratch"' EXIT
mods=$scratch/payload/mods
debs=$scratch/payload/debs
mkdir -p "$mods/other" "$debs" "$scratch/store"

# build NAME [klp-build options...]: test-fixtures/deploy/NAME.patch for
# the stock release.
build() {
	local name=$1
	shift
	if ! KLP_TOOLS_DIR=$build \
		"$top/kmod-builder/klp-build" --distro -o "$mods" -n "$name" "$@" \
		"$fixtures/$name.patch" >"$scratch/$name.log" 2>&1; then
		sed 's/^/    /' "$scratch/$name.log"
		t_fail "klp-build $name" "klp-build --distro failed (above)"
		return 1
	fi
}

build_modules() {
	local n tree
	for n in deploy1 deploy2 state1 state2 state3; do
		build "$n" || return 1
	done
	build hold --no-replace || return 1
	# A module for another release: the same patch on the 6.1 test tree.
	tree=$("$top/testbed/build-kernel.sh" | tail -n 1)
	KLP_TOOLS_DIR=$build "$top/kmod-builder/klp-build" -s "$tree" -o "$mods/other" -n deploy1 \
		"$fixtures/deploy1.patch" >"$scratch/other.log" 2>&1 || {
		sed 's/^/    /' "$scratch/other.log"
		t_fail "klp-build other" "klp-build -s $tree failed (above)"
		return 1
	}
	cp "$tree/kernel/configs.ko" "$scratch/configs.ko"
	# The notes of another build of a kernel, as its /sys/kernel/notes holds them.
	objcopy -O binary --only-section=.notes "$tree/vmlinux" "$scratch/notes-other"
	t_pass "klp-build: 6 modules for $(release), 1 for $(modinfo -F vermagic "$mods/other/livepatch-deploy1.ko" | cut -d' ' -f1)"
}

release() {
	jq -r .kernel.release "$mods/livepatch-deploy1.json"
}

# expect NAME STATUS REGEX CMD...: CMD exits STATUS with REGEX in its output.
expect() {
	local name=$1 want=$2 re=$3 rc=0 out
	shift 3
	out=$("$@" 2>&1) || rc=$?
	if [ "$rc" = "$want" ] && grep -qE -- "$re" <<<"$out"; then
		t_pass "$name"
	else
		t_fail "$name" "exit $rc (want $want), output: $out"
	fi
}

host_klpctl() {
	local rel=$1 k=("$klpctl" --store "$scratch/store" --release "$1") bad=$scratch/bad
	expect "klpctl install" 0 "installed livepatch_deploy1 for $rel" \
		"${k[@]}" install "$mods/livepatch-deploy1.ko"
	t_check "klpctl install: module, manifest, order in the store" \
		test -f "$scratch/store/$rel/livepatch_deploy1.ko" -a \
		-f "$scratch/store/$rel/livepatch_deploy1.json" -a -f "$scratch/store/$rel/order"
	expect "klpctl install: other release refused (vermagic)" 3 \
		"built for kernel release '[^']*' \\(vermagic\\), not '$rel'" \
		"${k[@]}" install "$mods/other/livepatch-deploy1.ko"
	expect "klpctl install: not a livepatch refused" 3 "not a livepatch module" \
		"${k[@]}" install "$scratch/configs.ko"
	mkdir -p "$bad"
	cp "$mods/livepatch-deploy2.ko" "$bad/"
	expect "klpctl install: no manifest refused" 3 "no manifest" \
		"${k[@]}" install "$bad/livepatch-deploy2.ko"
	jq '.module.sha256 = "00"' "$mods/livepatch-deploy2.json" >"$bad/livepatch-deploy2.json"
	expect "klpctl install: manifest of another build refused" 3 "sha256 is not the one" \
		"${k[@]}" install "$bad/livepatch-deploy2.ko"
	jq --arg r "$rel-x" '.kernel.release = $r' "$mods/livepatch-deploy2.json" >"$bad/livepatch-deploy2.json"
	expect "klpctl install: manifest release refused" 3 "kernel.release is '$rel-x'" \
		"${k[@]}" install "$bad/livepatch-deploy2.ko"
	host_build_id "$rel"
	expect "klpctl list" 0 "livepatch_deploy1 +yes +yes +no" "${k[@]}" list
	host_boot_order "$rel"
	expect "klpctl info (manifest)" 0 "changed version_proc_show,0|source patches: deploy1.patch" \
		"${k[@]}" info livepatch_deploy1
	expect "klpctl info: unknown" 5 "neither installed" "${k[@]}" info livepatch_nothing
	expect "klpctl: usage" 2 "unknown command" "${k[@]}" frobnicate
	expect "klpctl load: other release" 2 "running kernel" "${k[@]}" load --all
	expect "klpctl uninstall" 0 "uninstalled livepatch_deploy1" "${k[@]}" uninstall livepatch_deploy1
	t_check "klpctl uninstall: store empty" test ! -e "$scratch/store/$rel/livepatch_deploy1.ko"
}

# The manifest's kernel build id against the image's notes (what its
# /sys/kernel/notes holds: the .notes of the -dbg package's vmlinux, kept
# by klp-build --distro) and against another build's (the test tree's).
host_build_id() {
	local rel=$1 k=("$klpctl" --store "$scratch/store-bid" --release "$1") img want other
	img=$KLP_CACHE_DIR/distro/$rel/vmlinux-notes-$rel
	want=$(readelf -n "$img" | sed -n 's/^ *Build ID: //p')
	t_check "manifest: kernel.build_id is the image's ($want)" \
		test "$(jq -r .kernel.build_id "$mods/livepatch-deploy2.json")" = "$want"
	objcopy -O binary --only-section=.notes "$img" "$scratch/notes"
	other=$(jq -r .kernel.build_id "$mods/other/livepatch-deploy1.json")
	expect "klpctl install: build id not compared for another release" 0 \
		"kernel build $want not compared: $rel is not the running kernel" \
		"${k[@]}" install "$mods/livepatch-deploy2.ko"
	expect "klpctl install --kernel-notes: same build" 0 "installed livepatch_deploy2 for $rel" \
		"${k[@]}" --kernel-notes "$scratch/notes" install "$mods/livepatch-deploy2.ko"
	expect "klpctl install --kernel-notes: other build refused, both ids named" 3 \
		"built for the kernel build $want, but $rel here is build $other \\($scratch/notes-other\\)" \
		"${k[@]}" --kernel-notes "$scratch/notes-other" install "$mods/livepatch-deploy2.ko"
	expect "klpctl --kernel-notes: missing file" 2 "kernel-notes wants a readable file" \
		"${k[@]}" --kernel-notes "$scratch/none" install "$mods/livepatch-deploy2.ko"
}

# at_boot REL NAME: the AT-BOOT column of klpctl list.
at_boot() {
	"$klpctl" --store "$scratch/store" --release "$1" list | awk -v n="$2" '$1 == n { print $3 }'
}

# What load --all (klp.service) loads: the newest replace patch and the
# non-replace ones installed after it.
host_boot_order() {
	local rel=$1 k=("$klpctl" --store "$scratch/store" --release "$1") got
	"${k[@]}" install "$mods/livepatch-hold.ko" >/dev/null
	"${k[@]}" install "$mods/livepatch-deploy2.ko" >/dev/null
	got="$(at_boot "$rel" livepatch_deploy1) $(at_boot "$rel" livepatch_hold) $(at_boot "$rel" livepatch_deploy2)"
	t_check "klpctl list: at boot only the newest replace patch ($got)" test "$got" = "no no yes"
	"${k[@]}" install "$mods/livepatch-hold.ko" >/dev/null
	got="$(at_boot "$rel" livepatch_deploy1) $(at_boot "$rel" livepatch_hold) $(at_boot "$rel" livepatch_deploy2)"
	t_check "klpctl list: and a no-replace patch installed after it ($got)" test "$got" = "no yes yes"
	"${k[@]}" uninstall livepatch_hold >/dev/null
	"${k[@]}" uninstall livepatch_deploy2 >/dev/null
}

host_debs() {
	local rel=$1 kv deb d
	kv=$(dpkg-query -W -f='${Version}' "linux-headers-$rel")
	expect "klp-deb --klpctl" 0 "klpctl_0.1_all.deb" "$top/kmod-builder/klp-deb" --klpctl -o "$debs"
	t_check "klpctl package: klpctl, unit, man page" sh -c \
		"dpkg-deb -c '$debs/klpctl_0.1_all.deb' | grep -c -e ' ./usr/sbin/klpctl\$' -e 'klp.service\$' -e 'klpctl.8.gz\$' | grep -qx 3"
	for d in deploy1 deploy2; do
		expect "klp-deb $d" 0 "livepatch-$d-${rel}_1_amd64.deb" \
			"$top/kmod-builder/klp-deb" -o "$debs" "$mods/livepatch-$d.ko"
	done
	deb=$debs/livepatch-deploy1-${rel}_1_amd64.deb
	expect "klp-deb: depends on the exact image" 0 "^linux-image-$rel \\(= $kv\\) .*klpctl" \
		dpkg-deb -f "$deb" Depends
	expect "klp-deb: postinst uses klpctl" 0 "klpctl --release $rel install .*klpctl load livepatch_deploy1" \
		sh -c "dpkg-deb --ctrl-tarfile '$deb' | tar -xO ./postinst | tr '\n' ' '"
	expect "klp-deb: not a livepatch refused" 3 "not a livepatch" \
		"$top/kmod-builder/klp-deb" -o "$debs" "$scratch/configs.ko"
}

# boot N ROOTDIR: one boot of the overlay with stage N; the console's
# KLP-DEPLOY lines become results.
boot() {
	local n=$1 root=$2 rc=0 line log
	log=$scratch/console.$n.log
	echo "$n" >"$scratch/payload/stage"
	cp "$top/tests/deploy-vm/boot.sh" "$scratch/payload/"
	rm -f "$scratch/payload.img"
	truncate -s 64M "$scratch/payload.img"
	mkfs.ext4 -q -d "$scratch/payload" "$scratch/payload.img"
	echo "check-deploy: boot $n (console: $log)"
	timeout -k 5 "$boot_timeout" qemu-system-x86_64 -accel tcg -cpu max -smp 2 -m 1024 \
		-nodefaults -no-user-config -display none -no-reboot -serial "file:$log" \
		-kernel "$root/vmlinuz" -initrd "$root/initrd.img" \
		-append "root=/dev/vda rw console=ttyS0 panic=-1 oops=panic no_timer_check" \
		-drive "file=$scratch/disk.qcow2,if=virtio,format=qcow2" \
		-drive "file=$scratch/payload.img,if=virtio,format=raw" \
		</dev/null >"$scratch/qemu.$n.out" 2>&1 || rc=$?
	tr -d '\r' <"$log" >"$log.txt"
	while IFS= read -r line; do
		case $line in
		*"KLP-DEPLOY: ok "*) t_pass "vm boot $n: ${line#*KLP-DEPLOY: ok }" ;;
		*"KLP-DEPLOY: FAIL "*) line=${line#*KLP-DEPLOY: FAIL }; t_fail "vm boot $n: ${line%%:*}" "${line#*: }" ;;
		esac
	done <"$log.txt"
	vm_verdict "$n" "$rc" "$log.txt"
}

vm_verdict() {
	local n=$1 rc=$2 log=$3 bad
	bad=$(grep -m1 -E 'BUG:|Oops|WARNING:|Call Trace|Kernel panic' "$log" || true)
	if ! grep -q 'KLP-VM-RESULT: PASS' "$log" || [ -n "$bad" ]; then
		tail -n 40 "$log" | sed 's/^/    | /'
		mkdir -p "$KLP_CACHE_DIR/vm-logs"
		cp "$log" "$KLP_CACHE_DIR/vm-logs/deploy-boot$n.log"
		t_fail "vm boot $n" "qemu exit $rc, ${bad:-no KLP-VM-RESULT: PASS}; log: $KLP_CACHE_DIR/vm-logs/deploy-boot$n.log"
		return 1
	fi
	t_pass "vm boot $n: clean console, result PASS"
}

vm_tests() {
	local rel=$1 root
	root=$("$top/tests/deploy-root.sh" "$rel") || { t_fail "deploy root" "tests/deploy-root.sh failed (above)"; return; }
	# Both boots share one copy-on-write overlay of the cached root.
	qemu-img create -q -f qcow2 -b "$root/root.img" -F raw "$scratch/disk.qcow2"
	boot 1 "$root" && boot 2 "$root"
}

main() {
	local rel start=$SECONDS
	if build_modules; then
		rel=$(release)
		host_klpctl "$rel"
		host_debs "$rel"
		vm_tests "$rel"
	fi
	echo "check-deploy: $((SECONDS - start)) s"
	t_summary
}

main
