#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make check-kernel-612: klp-build -s on a user-built 6.12 tree with IBT
# and call padding (testbed/build-kernel.sh --612, cached in
# $KLP_CACHE_DIR/linux-6.12), each module proven in qemu on that tree's
# own bzImage: loaded, transition complete, behaviour changed, disabled,
# unloaded; every module's ENDBR placement and call padding checked
# statically (tests/kpatch-suite.sh --tree-612). The checks of all cases
# run in one boot (--one-vm).
#   tests/check-kernel-612.sh [BUILD_DIR]
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
export KLP_CACHE_DIR=${KLP_CACHE_DIR:-$top/.cache}
build=$(cd "${1:-$top/build}" && pwd)

# The suite's cases whose patches apply to 6.12 and hold there (not 07,
# 11, 41: their patches do not apply; not 17: filldir64 uses a runtime
# constant, refused in t4; not 43: its check names 6.1's line numbers),
# and the 6.12 ones: a new function reached only through a pointer, a
# module of the tree (binfmt_misc.ko), a static call site, a refused
# runtime constant.
cases=(01-proc-string 02-new-function 03-new-global 04-static-local-survives
	05-string-literal 06-nonexported-symbol 08-module-loaded-before
	09-module-loaded-after 10-callbacks 12-atomic-replace
	13-stacked-no-replace 14-inline-header 15-jump-label 16-bug-table
	18-alternatives 19-switch-table 20-line-shift 21-refuse-data-init
	22-refuse-init-function 23-refuse-notrace 24-two-objects
	25-exported-and-static 26-no-change 27-syscalls 40-pcrel-neighbour
	42-cross-object-new)
cases+=("$top"/test-fixtures/distro-kpatches-6.12/{i1-indirect-new-function,i3-module-binfmt-misc}/)
cases+=("$top"/test-fixtures/tree-kpatches-6.12/*/)

# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"
# shellcheck source=testbed/vm-jobs.sh
. "$top/testbed/vm-jobs.sh"
vm_job_dir=$(mktemp -d)
trap 'rm -rf "$vm_job_dir"' EXIT
vm_job_max=1

if ! tree=$("$top/testbed/build-kernel.sh" --612); then
	t_fail testbed/build-kernel-612 "build-kernel.sh --612 failed (see above)"
	t_summary || true
	exit 1
fi
t_pass testbed/build-kernel-612

# The tree boots, with /sys/kernel/livepatch, and its own sample
# livepatch module works.
cat > "$vm_job_dir/boot.sh" <<'VM'
#!/bin/sh
set -eu
. /test/vm-lib.sh
[ -d /sys/kernel/livepatch ] || { echo "vm-lib: no /sys/kernel/livepatch"; exit 1; }
exec sh /test/livepatch-sample.sh
VM
vm_job_start testbed/livepatch-sample@6.12-tree "$tree" "$vm_job_dir/boot.sh" \
	--file "$top/testbed/tests/livepatch-sample.sh" \
	--file "$tree/samples/livepatch/livepatch-sample.ko"
vm_job_collect

"$top/tests/kpatch-suite.sh" --tree-612 --one-vm "$build" "${cases[@]}" ||
	t_fail check-kernel-612 "the suite itself failed (above)"
t_summary
