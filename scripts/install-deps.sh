#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Installs the Debian 12 packages the build and the tests need, only those missing.
# clang-14 builds the fuzz harnesses; libclang-rt-14-dev has its libFuzzer runtime.
# patchutils (lsdiff, filterdiff) reads the patches for klp-build; zzuf mutates them in tests/patch-fuzz.sh.
set -euo pipefail

packages=(
	build-essential pkg-config libelf-dev libdw-dev libxxhash-dev libjson-c-dev jq
	binutils gcc make patch xz-utils bc bison flex cpio kmod libssl-dev dwarves
	linux-source-6.1 qemu-system-x86 busybox-static shellcheck procps diffutils
	clang-14 libclang-rt-14-dev valgrind patchutils zzuf
)

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
if [ "$(id -u)" -ne 0 ]; then
	sudo=sudo
else
	sudo=
fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
