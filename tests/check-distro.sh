#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make check-distro: klp-build --distro against Debian's stock
# linux-image-6.1.0-N-amd64 (the one of the installed linux-source-6.1's
# version), each module proven in qemu on that exact vmlinuz.
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

# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"
"$top/tests/kpatch-suite.sh" --distro "${1:-$top/build}" "${cases[@]}" ||
	t_fail check-distro "the suite itself failed (above)"
# After the suite: it compiled the module case's object in the shared source.
"$top/tests/distro-verify.sh" "${1:-$top/build}" ||
	t_fail check-distro "tests/distro-verify.sh itself failed (above)"
t_summary
