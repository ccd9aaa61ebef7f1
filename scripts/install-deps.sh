#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Installs the Debian 12 packages the build and the tests need, only those missing.
# clang-14 builds the fuzz harnesses; libclang-rt-14-dev has its libFuzzer runtime.
# patchutils (lsdiff, filterdiff) reads the patches for klp-build; zzuf mutates them in tests/patch-fuzz.sh.
# dosfstools makes the FAT12 image a --distro VM test mounts (test-fixtures/distro-kpatches/d3-*).
# universal-ctags finds the functions of a header for klp-build --distro's header patches.
# ccache and distcc (with iproute2's ip netns for two local distccd servers): tests/klp-build-cc.sh.
set -euo pipefail

packages=(
	build-essential pkg-config libelf-dev libdw-dev libxxhash-dev libjson-c-dev jq
	libunistring-dev libcapstone-dev
	binutils gcc make patch xz-utils bc bison flex cpio kmod libssl-dev dwarves
	linux-source-6.1 qemu-system-x86 busybox-static shellcheck procps diffutils
	clang-14 libclang-rt-14-dev valgrind strace mmdebstrap e2fsprogs qemu-utils
	patchutils zzuf dosfstools universal-ctags ccache distcc iproute2 bubblewrap uidmap
)
# mmdebstrap, bubblewrap (bwrap) and uidmap (newuidmap, for mmdebstrap's
# unshare mode as a user who is not root): the build roots of --distro
# for Debian 13 (trixie), whose packages come through apt lists private
# to klp-build, never through this machine's sources.

# klp-build --distro --release 6.12.*+deb12-amd64 fetches Debian 12's 6.12
# kernel packages from bookworm-backports (never trixie: its libraries
# would replace bookworm's). Added next to the host's own Debian mirror.
backports_sources=/etc/apt/sources.list.d/bookworm-backports.sources

have_backports() {
	grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/
}

debian_mirror() {
	local uri
	uri=$(grep -rhs -m1 -o 'https\?://[^ ]*/debian/\?$' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list |
		head -n 1 || true)
	printf '%s\n' "${uri:-http://deb.debian.org/debian}"
}

add_backports() {
	have_backports && return
	echo "install-deps: adding bookworm-backports to $backports_sources"
	printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
		"$(debian_mirror)" | $sudo tee "$backports_sources" > /dev/null
	$sudo apt-get update -qq
}

if [ "$(id -u)" -ne 0 ]; then
	sudo=sudo
else
	sudo=
fi
add_backports

missing=()
for pkg in "${packages[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$pkg")
	fi
done

if [ "${#missing[@]}" -eq 0 ]; then
	exit 0
fi

echo "install-deps: installing: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
