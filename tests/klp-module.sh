# SPDX-License-Identifier: GPL-2.0
# Building the hand-written livepatch modules of test-fixtures/klp-convert
# against the test kernel (sourced after tests/lib.sh; the caller sets
# $top, then calls klp_module_setup and klp_module_tree, or sets $tree,
# $fixtures and $scratch itself).
# shellcheck shell=bash

# klp_module_setup BUILD_DIR: $build (BUILD_DIR, absolute), $convert
# (its klp-convert), $fixtures, and $scratch, a mktemp -d removed at exit.
klp_module_setup() {
	build=$(cd "$1" && pwd)
	convert=$build/klp-convert
	fixtures=${top:?}/test-fixtures/klp-convert
	scratch=$(mktemp -d)
	trap 'rm -rf "$scratch"' EXIT
}

# klp_module_tree: $tree, the test kernel, which a rebuild by another
# session then waits for until we exit. Without klp-convert (no make
# yet) the suite records the failure and ends.
klp_module_tree() {
	tree=$("$top/testbed/build-kernel.sh")
	if [ -f "$tree.lock" ]; then
		exec {klp_module_lock}< "$tree.lock"
		flock -s "$klp_module_lock"
	fi
	if [ ! -x "${convert:?}" ]; then
		t_fail klp-convert/build "no $convert (run make first)"
		t_summary || exit 1
	fi
}

# build_module NAME CASE [KCFLAGS]: fixture CASE (with the header the
# fixtures share) built in $scratch/NAME, with modpost accepting the
# unresolved symbols klp-convert is for; the output is in
# $scratch/NAME/build.log.
build_module() {
	local dir=${scratch:?}/$1 case=$2
	mkdir -p "$dir"
	cp -R "${fixtures:?}/$case/." "$fixtures/kc-livepatch.h" "$dir/"
	cp "${top:?}/support-templates/klp-macros.h" "$top/support-templates/klp-records.h" "$dir/"
	make -C "${tree:?}" M="$dir" modules KBUILD_MODPOST_WARN=1 ${3:+"KCFLAGS=$3"} \
		> "$dir/build.log" 2>&1
}

# build_errors NAME: the first errors of a failed build_module NAME.
build_errors() {
	grep -m 3 -E 'error|Error' "$scratch/$1/build.log" | tr '\n' ' '
}

# klp_syms KO: the livepatch symbols (SHN_LIVEPATCH) of a module.
klp_syms() {
	readelf -sW "$1" | awk '$7 == "OS" && $8 == "[0xff20]" { print $9 }' | sort
}
