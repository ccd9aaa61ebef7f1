#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make check`: the userspace tests, no kernel build needed.
#   tests/run-check.sh BUILD_DIR
set -euo pipefail

build=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"

cd "$top"
"$top/tests/elf-model.sh" "$build"
"$top/tests/bad-input.sh" "$build"
"$top/tests/diff-fixtures.sh" "$build"
"$top/tests/diff-functions.sh" "$build"
"$top/tests/peer-kpatch.sh" "$build"
"$top/tests/regression.sh" "$build"
"$top/tests/fuzz-regression.sh" "$build"
"$top/tests/entry-sizes.sh" "$build"
"$top/tests/special-sections.sh" "$build"
"$top/tests/ibt-padding.sh" "$build"
"$top/tests/debug-srcline.sh" "$build"
"$top/tests/klp-build-cli.sh" "$build"
"$top/tests/patch-fuzz.sh" "$build" "${PATCH_FUZZ_SECONDS:-15}"
"$top/tests/klp-manifest.sh" "$build"
"$top/tests/klp-verify.sh" "$build"
"$top/tests/klp-units.sh" "$build"
"$top/tests/run-vm-console.sh"
"$top/tests/shellcheck.sh"
t_summary
