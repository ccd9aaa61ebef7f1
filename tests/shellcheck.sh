#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Every shell script of the project passes shellcheck.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"

cd "$top"
mapfile -t scripts < <(git ls-files --cached --others --exclude-standard -- '*.sh' '.ci/run' 'kmod-builder/klp-build' 'kmod-builder/klp-deb' 'klpctl/klpctl' | sort -u)
# SC1091: in-VM scripts source /test/vm-lib.sh, a path only the VM has.
if out=$(shellcheck -x -e SC1091 "${scripts[@]}" 2>&1); then
	t_pass "shellcheck (${#scripts[@]} scripts)"
else
	t_fail shellcheck "$out"
fi
