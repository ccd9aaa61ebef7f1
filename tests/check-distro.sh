#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make check-distro: klp-build --distro against Debian's stock
# linux-image-6.1.0-N-amd64 (the one of the installed linux-source-6.1's
# version), its -cloud-amd64 flavour, the -rt-amd64 flavour of an older
# 6.1 release, bookworm-backports' 6.12.95+deb12-amd64 and Debian 13's
# 6.12.117+deb13-amd64 (through a trixie build root), each module proven
# in qemu on that exact vmlinuz; --list-releases, and the build roots
# for a user who is not root, with a whole build and boot of theirs.
# ccache and distcc in the trixie build root
# are `make check-distro-cc-root` (about 4 minutes more, outside the
# CI's time budget).
#   tests/check-distro.sh [BUILD_DIR]
#   tests/check-distro.sh --prefetch [BUILD_DIR]   (see prefetch below)
# klp-build fetches what is missing (headers, image, System.map) with
# apt and prepares the source once in $KLP_CACHE_DIR/distro.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
export KLP_CACHE_DIR=${KLP_CACHE_DIR:-$top/.cache}

# Cases whose code Debian's config builds into vmlinux, one per kind of
# thing the image's symbols must get right: a klp relocation, a new
# function, a non-exported symbol, a sympos of a duplicated local,
# callbacks, a jump label, alternatives.
cases=(01-proc-string 02-new-function 06-nonexported-symbol 07-sympos
	10-callbacks 15-jump-label 18-alternatives 41-namespace-import
	42-cross-object-new)
# And a module of the image (a klp_object named after it, its symbols
# from its stock .ko), which the test kernel does not build; and a
# header patch refused. h1's header patches (units chosen from the -dbg
# package's DWARF, one of them reaching 214 units) run in
# `make check-distro-headers`, not here: some 480 compiles (about 20
# minutes on 2 cores).
for d in "$top"/test-fixtures/distro-kpatches/*/; do
	[[ $d == */h1-header-patches/ ]] || cases+=("$d")
done

# bookworm-backports' 6.12 (IBT): the suite's cases that apply to its
# source, and the IBT ones (an indirect-only new function, a static call
# site, a module shipped as .ko.xz). klp-build checks ENDBR placement of
# every module it builds for it; the refused and no-change cases boot
# no VM.
release612=6.12.95+deb12-amd64
cases612=(01-proc-string 02-new-function 03-new-global 05-string-literal
	06-nonexported-symbol 10-callbacks 15-jump-label 16-bug-table
	18-alternatives 19-switch-table 21-refuse-data-init 23-refuse-notrace
	26-no-change)
cases612+=("$top"/test-fixtures/distro-kpatches-6.12/*/)

# Debian 13's 6.12 (gcc-14, so compiled in a trixie build root): the
# 6.12 cases of each kind, the IBT ones, modules shipped under
# /usr/lib/modules, one whose first section is .note.gnu.property
# (distro-kpatches-6.12-deb13/); their checks in one boot.
release13=6.12.117+deb13-amd64
# (i2-static-call's manifest check names 6.12.95+deb12's build id.)
cases13=(01-proc-string 02-new-function 06-nonexported-symbol 10-callbacks
	18-alternatives 21-refuse-data-init)
cases13+=("$top"/test-fixtures/distro-kpatches-6.12/{i1-indirect-new-function,i3-module-binfmt-misc}/)
cases13+=("$top"/test-fixtures/distro-kpatches-6.12-deb13/*/)

# The flavours of Debian 12's 6.1 (another config, another vmlinuz
# each). The rt one is of an older release, 6.1.0-50 (6.1.176-1), so its
# linux-source-6.1 is another version than the installed one, fetched,
# and 01-proc-string is proven on two 6.1 releases (with the 6.1 suite
# above) without preparing a third tree. Its PREEMPT_RT patches come
# from Debian's source package; where the network serves the security
# archive's source packages (this one answers 404), the current
# 6.1.0-57-rt-amd64 builds the same way.
flavours61=(6.1.0-57-cloud-amd64 6.1.0-50-rt-amd64)
cases_flavour=(01-proc-string 02-new-function 06-nonexported-symbol)

# --prefetch BUILD_DIR: only fetch and prepare every release above, with
# a comment-only patch (klp-build exits 3, no change): tests/run-ci.sh
# runs it niced while the test kernel builds, so the downloads (some
# 5 GB from an empty cache) overlap that build instead of following it.
prefetch() {
	local rel out=$1/prefetch rc
	mkdir -p "$out"
	for rel in '' "$release612" "$release13" "${flavours61[@]}"; do
		rc=0
		TMPDIR=$out KLP_TOOLS_DIR=$2 "$top/kmod-builder/klp-build" --distro ${rel:+--release "$rel"} \
			-o "$out" -n prefetch "$top/test-fixtures/kpatches/26-no-change/1.patch" \
			> "$out/${rel:-default}.log" 2>&1 || rc=$?
		printf 'check-distro --prefetch: %s: klp-build exit %s (3: prepared)\n' "${rel:-default}" "$rc"
	done
	"$top/tests/distro-user-build.sh" --prefetch "$2"
}

if [ "${1:-}" = --prefetch ]; then
	scratch=$(mktemp -d)
	trap 'rm -rf "$scratch"' EXIT
	prefetch "$scratch" "$(cd "${2:-$top/build}" && pwd)"
	exit 0
fi

# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"
"$top/tests/kpatch-suite.sh" --distro --one-vm "${1:-$top/build}" "${cases[@]}" ||
	t_fail check-distro "the suite itself failed (above)"
"$top/tests/kpatch-suite.sh" --distro --release "$release612" --one-vm "${1:-$top/build}" "${cases612[@]}" ||
	t_fail check-distro "the 6.12 suite itself failed (above)"
"$top/tests/kpatch-suite.sh" --distro --release "$release13" --one-vm "${1:-$top/build}" "${cases13[@]}" ||
	t_fail check-distro "the Debian 13 suite itself failed (above)"
for rel in "${flavours61[@]}"; do
	"$top/tests/kpatch-suite.sh" --distro --release "$rel" --one-vm "${1:-$top/build}" "${cases_flavour[@]}" ||
		t_fail check-distro "the $rel suite itself failed (above)"
done
# After the suite: it compiled the module case's object in the shared source.
"$top/tests/distro-verify.sh" "${1:-$top/build}" ||
	t_fail check-distro "tests/distro-verify.sh itself failed (above)"
# After the suite: it made the release's units index (the h1 case).
"$top/tests/distro-header-units.sh" "${1:-$top/build}" ||
	t_fail check-distro "tests/distro-header-units.sh itself failed (above)"
# --ccache on objects with debug info: tests/klp-build-cc.sh's distro part.
KLP_CC_TESTS=distro "$top/tests/klp-build-cc.sh" "${1:-$top/build}" ||
	t_fail check-distro "tests/klp-build-cc.sh (distro) failed (above)"
# After the suites: which releases they cached.
"$top/tests/distro-releases.sh" "${1:-$top/build}" ||
	t_fail check-distro "tests/distro-releases.sh itself failed (above)"
# After build-root-user.sh (in distro-releases.sh): that user's whole build.
"$top/tests/distro-user-build.sh" "${1:-$top/build}" ||
	t_fail check-distro "tests/distro-user-build.sh itself failed (above)"
t_summary
