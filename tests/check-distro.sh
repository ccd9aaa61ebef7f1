#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make check-distro: klp-build --distro against Debian's stock
# linux-image-6.1.0-N-amd64 (the one of the installed linux-source-6.1's
# version) and bookworm-backports' 6.12.95+deb12-amd64, each module
# proven in qemu on that exact vmlinuz.
#   tests/check-distro.sh [BUILD_DIR]
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
# from its stock .ko), which the test kernel does not build.
cases+=("$top"/test-fixtures/distro-kpatches/*/)

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

# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"
"$top/tests/kpatch-suite.sh" --distro "${1:-$top/build}" "${cases[@]}" ||
	t_fail check-distro "the suite itself failed (above)"
"$top/tests/kpatch-suite.sh" --distro --release "$release612" "${1:-$top/build}" "${cases612[@]}" ||
	t_fail check-distro "the 6.12 suite itself failed (above)"
# After the suite: it compiled the module case's object in the shared source.
"$top/tests/distro-verify.sh" "${1:-$top/build}" ||
	t_fail check-distro "tests/distro-verify.sh itself failed (above)"
t_summary
