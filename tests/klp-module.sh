# SPDX-License-Identifier: GPL-2.0
# Building the hand-written livepatch modules of test-fixtures/klp-convert
# against the test kernel (sourced; the caller sets $top, $tree,
# $fixtures and $scratch).
# shellcheck shell=bash

# build_module NAME CASE [KCFLAGS]: fixture CASE built in $scratch/NAME,
# with modpost accepting the unresolved symbols klp-convert is for; the
# output is in $scratch/NAME/build.log.
build_module() {
	local dir=${scratch:?}/$1 case=$2
	mkdir -p "$dir"
	cp -R "${fixtures:?}/$case/." "$dir/"
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
