#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/deploy-root.sh RELEASE: makes (once) the Debian 12 root that
# tests/check-deploy.sh boots: mmdebstrap minbase with systemd, kmod, jq
# and Debian's linux-image-RELEASE (its vmlinuz and initrd boot it, and
# it satisfies the Depends of klp-deb's packages), on an ext4 image.
# Prints the directory holding root.img, vmlinuz and initrd.img.
#
# The root has one unit of its own, klp-vmtest.service: it mounts the
# second disk (/dev/vdb) on /test and runs /test/boot.sh with its output
# on the serial console; the tests are all on that disk, so changing
# them does not rebuild the root. Cached in $KLP_CACHE_DIR/deploy/, keyed
# by the release, the image package's version and this script's recipe.
set -euo pipefail
shopt -s inherit_errexit

release=${1:?usage: tests/deploy-root.sh RELEASE}
top=$(cd "$(dirname "$0")/.." && pwd)
cache=${KLP_CACHE_DIR:-$top/.cache}/deploy
# Bump when the recipe below changes.
recipe=1
# The suite's sources and mmdebstrap's options, shared with klp-build's
# build roots.
# shellcheck source=kmod-builder/klp-build-root.sh
. "$top/kmod-builder/klp-build-root.sh"

say() {
	printf 'deploy-root: %s\n' "$*" >&2
}

die() {
	say "error: $*"
	exit 1
}

unit() {
	cat <<-'EOF'
	[Unit]
	Description=klp-build deploy test (tests/check-deploy.sh)
	After=klp.service basic.target
	[Service]
	Type=oneshot
	TimeoutStartSec=infinity
	StandardOutput=tty
	StandardError=tty
	TTYPath=/dev/ttyS0
	ExecStart=/bin/sh -c 'mkdir -p /test && mount /dev/vdb /test && exec /bin/sh /test/boot.sh'
	[Install]
	WantedBy=multi-user.target
	EOF
}

# Modules the VM never needs: most of the image's 400 MB.
dpkg_opts() {
	local d
	for d in drivers/gpu drivers/net drivers/media drivers/infiniband drivers/staging \
		drivers/scsi drivers/usb drivers/hid drivers/iio drivers/input drivers/bluetooth \
		drivers/isdn drivers/hwmon drivers/mtd drivers/misc drivers/platform drivers/md \
		sound net fs/btrfs fs/xfs fs/ocfs2 fs/nls fs/smb fs/nfs fs/ceph fs/f2fs; do
		printf -- '--dpkgopt=path-exclude=/lib/modules/*/kernel/%s/*\n' "$d"
	done
}

build() {
	local dir=$1 tmp=$1.tmp root
	rm -rf -- "$tmp"
	mkdir -p "$tmp"
	root=$tmp/root
	say "mmdebstrap bookworm (minbase, systemd, linux-image-$release) into $tmp"
	mapfile -t opts < <(dpkg_opts)
	unit >"$tmp/klp-vmtest.service"
	# shellcheck disable=SC2016 # the hooks expand $1 (the root) in mmdebstrap
	droot_mmdebstrap root bookworm "$root" "${opts[@]}" \
		--include="systemd,systemd-sysv,udev,kmod,jq,initramfs-tools,linux-image-$release" \
		--essential-hook='mkdir -p "$1/etc/initramfs-tools/conf.d" && printf "MODULES=list\nCOMPRESS=gzip\n" >"$1/etc/initramfs-tools/conf.d/klp-vm"' \
		--essential-hook='printf "virtio_pci\nvirtio_blk\next4\n" >>"$1/etc/initramfs-tools/modules"' \
		--customize-hook="cp $tmp/klp-vmtest.service \"\$1/etc/systemd/system/\"" \
		--customize-hook='chroot "$1" systemctl enable klp-vmtest.service' \
		--customize-hook='ln -sf /dev/null "$1/etc/systemd/system/serial-getty@ttyS0.service"' \
		--customize-hook='ln -sf /dev/null "$1/etc/systemd/system/getty@tty1.service"' \
		--customize-hook='printf "/dev/vda / ext4 rw,errors=remount-ro 0 1\n" >"$1/etc/fstab"' \
		--customize-hook='echo klp-vm >"$1/etc/hostname"' >&2 ||
		die "mmdebstrap failed (above); check the network and that linux-image-$release is still in the archive"
	cp "$root/boot/vmlinuz-$release" "$tmp/vmlinuz"
	cp "$root/boot/initrd.img-$release" "$tmp/initrd.img"
	rm -rf -- "$root/var/cache/apt/archives/"*.deb "$root/var/lib/apt/lists/"*_Packages
	say "mkfs.ext4 -d: root.img"
	truncate -s 1536M "$tmp/root.img"
	mkfs.ext4 -q -F -L klp-root -d "$root" "$tmp/root.img" >&2 ||
		die "mkfs.ext4 -d failed (above)"
	rm -rf -- "$root"
	rm -rf -- "$dir"
	mv -- "$tmp" "$dir"
}

main() {
	local ver key dir
	command -v mmdebstrap >/dev/null || die "no mmdebstrap (apt-get install mmdebstrap, or scripts/install-deps.sh)"
	ver=$(apt-cache madison "linux-image-$release" | awk 'NR == 1 { print $3 }')
	[ -n "$ver" ] || die "apt knows no linux-image-$release; run apt-get update"
	key=$(printf '%s %s %s\n' "$release" "$ver" "$recipe" | sha256sum | cut -c1-12)
	dir=$cache/$release-$key
	mkdir -p "$cache"
	exec 9>"$cache/lock"
	flock 9
	if [ ! -f "$dir/root.img" ]; then
		rm -rf -- "$cache/$release-"*
		build "$dir"
	fi
	printf '%s\n' "$dir"
}

main "$@"
