#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The klp-build suite: real patches against the 6.1 test kernel, each
# built with klp-build and proven in the VM.
#   tests/kpatch-suite.sh [--distro [--release REL] | --tree-612] [--one-vm] BUILD_DIR [CASE...]
# With --distro, against Debian's stock image instead (klp-build
# --distro, of release REL when given), booting that image's own vmlinuz.
# With --tree-612, against the 6.12 test kernel with IBT and call padding
# (testbed/build-kernel.sh --612) with -s, as a user's own tree.
# For a tree with CONFIG_X86_KERNEL_IBT, every module built must say that
# klp-build checked its ENDBR placement and call padding, and pass that
# check (kmod-builder/klp-build-ibt.sh --padding) run here again.
# With --one-vm, the cases' in-VM checks run one after another in a
# single boot (a boot of a stock image in TCG costs more than most
# checks): one result for that VM, whose console names each case.
#
# A CASE is a directory name of test-fixtures/kpatches/, or a path (with
# a slash) to a case elsewhere. A case is a directory NN-name/ with
#   1.patch [2.patch ...]  built in order into /test/livepatch-kNN_<i>.ko
#   I.args                 extra klp-build options for patch I (one line)
#   I.expect               what klp-build must do with patch I: "exit N"
#                          (default 0), "stdout: ERE", "!stdout: ERE",
#                          "stderr: ERE", "!stderr: ERE", "manifest: JQ"
#                          (a jq filter true of its livepatch-*.json)
#   check.sh               the in-VM script (sources /test/vm-lib.sh); a
#                          case whose patches are all refused has none
#   files                  tree-relative paths also copied to /test/;
#                          with --distro, relative to the image's
#                          lib/modules/RELEASE/kernel/ (its stock modules)
#   vm-files.sh            run on the host with a directory, whose files
#                          it writes (a disk image...) go to /test/ too
set -euo pipefail

distro=0 release=() label=kpatch one_vm=0 tree_variant=()
if [ "${1:-}" = --tree-612 ]; then
	tree_variant=(--612)
	label=kpatch@6.12-tree
	shift
elif [ "${1:-}" = --distro ]; then
	distro=1
	shift
	if [ "${1:-}" = --release ]; then
		release=(--release "$2")
		label=kpatch@$2
		shift 2
	fi
fi
if [ "${1:-}" = --one-vm ]; then
	one_vm=1
	shift
fi
build=$(cd "$1" && pwd)
shift
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"
# shellcheck source=testbed/vm-jobs.sh
. "$top/testbed/vm-jobs.sh"

cases_dir=$top/test-fixtures/kpatches
klp_build=$top/kmod-builder/klp-build
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
vm_job_dir=$scratch
vm_job_max=${KLP_VM_JOBS:-2}
# What klp-build builds against, and the kernel the VM boots.
build_for=() kernel='' tree=''
# With --one-vm: the cases whose checks the one VM runs, and its files.
one_vm_cases=() one_vm_args=()
# Whether the tree is an IBT one (its modules' ENDBR check is proven).
tree_ibt=0

case_id() {
	local base
	base=$(basename "$1")
	printf 'k%s' "${base%%-*}"
}

# check_expect FILE RC OUT ERR JSON: prints what does not hold, if anything.
check_expect() {
	local file=$1 rc=$2 out=$3 err=$4 json=$5 want=0 line kind re
	if [ -f "$file" ]; then
		want=$(sed -n 's/^exit //p' "$file" | head -1)
		want=${want:-0}
	fi
	[ "$rc" = "$want" ] || echo "klp-build exit $rc, want $want"
	[ -f "$file" ] || return 0
	while IFS= read -r line; do
		case $line in
		'stdout: '*|'!stdout: '*|'stderr: '*|'!stderr: '*) ;;
		'manifest: '*)
			jq -e "${line#manifest: }" "$json" > /dev/null 2>&1 ||
				echo "manifest: ${line#manifest: } is not true of $(cat "$json" 2>&1)"
			continue
			;;
		*) continue ;;
		esac
		kind=${line%%: *}
		re=${line#*: }
		local target=$out
		[[ $kind == *stderr ]] && target=$err
		if [[ $kind == !* ]]; then
			! grep -qE -- "$re" "$target" || echo "$kind: /$re/ matched"
		else
			grep -qE -- "$re" "$target" || echo "$kind: /$re/ did not match"
		fi
	done < "$file"
}

# build_case DIR: builds every patch; prints failures; 0 when all held.
build_case() {
	local dir=$1 id out p i args rc why failed=0
	id=$(case_id "$dir")
	out=$scratch/$id
	mkdir -p "$out"
	for p in "$dir"/*.patch; do
		i=$(basename "$p" .patch)
		args=()
		[ -f "$dir/$i.args" ] && read -ra args < "$dir/$i.args"
		rc=0
		"$klp_build" "${build_for[@]}" -o "$out" -n "${id}_$i" "${args[@]}" "$p" \
			> "$out/$i.stdout" 2> "$out/$i.stderr" || rc=$?
		why=$(check_expect "$dir/$i.expect" "$rc" "$out/$i.stdout" "$out/$i.stderr" \
			"$out/livepatch-${id}_$i.json")
		[ "$tree_ibt" = 0 ] || [ ! -f "$out/livepatch-${id}_$i.ko" ] ||
			why+=$(check_ibt "$out/livepatch-${id}_$i.ko" "$out/$i.stderr")
		if [ -n "$why" ]; then
			printf '%s: %s\n' "$i.patch" "$why"
			sed 's/^/    | /' "$out/$i.stderr" | tail -n 25
			failed=1
		fi
	done
	return "$failed"
}

# check_ibt KO STDERR: klp-build said it checked KO's ENDBR placement
# and call padding, and the check passes here too; prints what does not.
check_ibt() {
	local ko=$1 err=$2 out
	grep -qE "ENDBR placement and call padding of ${ko##*/} checked" "$err" ||
		printf 'klp-build did not say it checked the ENDBR placement of %s ' "${ko##*/}"
	out=$("$top/kmod-builder/klp-build-ibt.sh" --padding "$ko" 2>&1) ||
		printf 'klp-build-ibt.sh --padding: %s ' "$out"
}

vm_args() {
	local dir=$1 id ko f
	id=$(case_id "$dir")
	for ko in "$scratch/$id"/*.ko; do
		[ -e "$ko" ] && printf '%s\n' --file "$ko"
	done
	if [ -f "$dir/files" ]; then
		while IFS= read -r f; do
			[ -n "$f" ] && printf '%s\n' --file "$(vm_file "$tree/$f" "$id")"
		done < "$dir/files"
	fi
	if [ -f "$dir/vm-files.sh" ]; then
		mkdir -p "$scratch/$id.vm-files"
		bash "$dir/vm-files.sh" "$scratch/$id.vm-files" >&2
		for f in "$scratch/$id.vm-files"/*; do
			[ -e "$f" ] && printf '%s\n' --file "$f"
		done
	fi
}

# File $1 for the VM: Debian's 6.12 image has only $1.xz, which the
# VM's busybox insmod cannot read, so a copy decompressed here.
vm_file() {
	local f=$1 out
	if [ ! -e "$f" ] && [ -f "$f.xz" ]; then
		out=$scratch/$2.files/${f##*/}
		mkdir -p "${out%/*}"
		xz -dc -- "$f.xz" > "$out"
		f=$out
	fi
	printf '%s\n' "$f"
}

# klp-build --distro names the image it built for; its modules stand in
# for a built tree's.
distro_target() {
	local rel found
	mapfile -t found < <(sed -n 's/^klp-build: *target kernel: //p' "$scratch/$(case_id "$1")"/*.stderr)
	kernel=${found[0]:-}
	[ -n "$kernel" ] || return 0
	rel=${kernel##*/vmlinuz-}
	tree=${kernel%/boot/*}/lib/modules/$rel/kernel
	# Debian 13's image has its modules only under /usr.
	[ -d "$tree" ] || tree=${kernel%/boot/*}/usr/lib/modules/$rel/kernel
}

# Builds run $build_jobs at a time (KLP_SUITE_BUILD_JOBS, default 2): a
# klp-build is mostly serial (its shell, a compile or two, the module
# link), so one alone leaves a core idle. Each case is recorded, and its
# VM started, in the order the cases were given.
build_jobs=${KLP_SUITE_BUILD_JOBS:-2}
build_pids=() build_dirs=()

build_start() {
	build_case "$1" > "$scratch/$(case_id "$1").why" &
	build_pids+=("$!")
	build_dirs+=("$1")
	[ "${#build_pids[@]}" -lt "$build_jobs" ] || build_finish_oldest
}

build_finish_oldest() {
	local rc=0
	wait "${build_pids[0]}" || rc=$?
	case_built "${build_dirs[0]}" "$rc"
	build_pids=("${build_pids[@]:1}")
	build_dirs=("${build_dirs[@]:1}")
}

build_finish_all() {
	while [ "${#build_pids[@]}" -gt 0 ]; do
		build_finish_oldest
	done
}

case_built() {
	local dir=$1 rc=$2 name args
	name=$(basename "$dir")
	if [ "$rc" != 0 ]; then
		t_fail "$label/$name" "$(cat "$scratch/$(case_id "$dir").why")"
		return
	fi
	[ -n "$kernel" ] || distro_target "$dir"
	if [ ! -f "$dir/check.sh" ]; then
		t_pass "$label/$name"
		return
	fi
	mapfile -t args < <(vm_args "$dir")
	if [ "$one_vm" = 1 ]; then
		one_vm_cases+=("$(case_id "$dir") $name")
		one_vm_args+=("${args[@]}" --file "$dir/check.sh:$(case_id "$dir").check.sh")
		return
	fi
	vm_job_start "$label/$name" "$kernel" "$dir/check.sh" "${args[@]}"
}

# The one VM's script: each case's check in a shell of its own, all of
# them even after a failure, which the result then names.
# shellcheck disable=SC2016 # expanded by the VM's shell
one_vm_script() {
	local c
	printf '#!/bin/sh
failed=
'
	for c in "${one_vm_cases[@]}"; do
		printf 'echo "klp-one-vm: %s"
' "${c#* }"
		printf 'sh /test/%s.check.sh || { echo "klp-one-vm: %s FAILED"; failed="$failed %s"; }
' \
			"${c%% *}" "${c#* }" "${c#* }"
	done
	printf '[ -z "$failed" ] || { echo "klp-one-vm: failed:$failed"; exit 1; }
'
}

one_vm_start() {
	local names
	[ "${#one_vm_cases[@]}" -gt 0 ] || return 0
	one_vm_script > "$scratch/one-vm.sh"
	names=$(printf '%s\n' "${one_vm_cases[@]}" | cut -d' ' -f2 | paste -sd' ' -)
	vm_job_start "$label/one VM: $names" "$kernel" "$scratch/one-vm.sh" \
		--timeout $((180 * ${#one_vm_cases[@]})) "${one_vm_args[@]}"
}

main() {
	local dir cases=()
	if [ "$distro" = 1 ]; then
		build_for=(--distro "${release[@]}")
	else
		tree=$("$top/testbed/build-kernel.sh" "${tree_variant[@]}")
		build_for=(-s "$tree")
		kernel=$tree
		! grep -q '^CONFIG_X86_KERNEL_IBT=y' "$tree/.config" || tree_ibt=1
	fi
	export KLP_TOOLS_DIR=$build
	# Refused builds keep their scratch directory (the user's log): here, in ours.
	export TMPDIR=$scratch
	if [ "$#" -gt 0 ]; then
		for dir in "$@"; do
			[[ $dir == */* ]] || dir=$cases_dir/$dir
			cases+=("$dir")
		done
	else
		cases=("$cases_dir"/[0-9]*/)
	fi
	for dir in "${cases[@]}"; do
		build_start "${dir%/}"
	done
	build_finish_all
	one_vm_start
	vm_job_collect
}

main "$@"
