# SPDX-License-Identifier: GPL-2.0
# Sourced, not run: compiles one object of the 6.1 test tree the way
# klp-build does (kbuild's recorded command plus -ffunction-sections
# -fdata-sections, then the same objtool run), from the tree's source or a
# copy of it.  The caller sets $tree.
# shellcheck shell=bash disable=SC2154

# kbuild_cmd OBJ: the command kbuild compiled OBJ with.
kbuild_cmd() {
	local obj=$1 f
	f="$tree/$(dirname "$obj")/.$(basename "$obj").cmd"
	awk -v key="cmd_$obj := " 'index($0, key) == 1 { print substr($0, length(key) + 1); exit }' "$f"
}

source_of() {
	sed -n "s|^source_$1 := ||p" "$tree/$(dirname "$1")/.$(basename "$1").cmd"
}

# kbuild_compile OBJ SRC OUT: kbuild's command for OBJ on source SRC into
# OUT.  -iquote keeps the object's own directory first for #include "x.h"
# of a source copied elsewhere; a copy should start with #line 1 "PATH"
# so __FILE__ stays the tree's.
kbuild_compile() {
	local obj=$1 src=$2 out=$3 cmd cc objtool orig_src dep
	cmd=$(kbuild_cmd "$obj")
	cc=${cmd%% ; *}
	objtool=
	[[ $cmd == *" ; "* ]] && objtool=${cmd#* ; }
	orig_src=$(source_of "$obj")
	dep="$(dirname "$obj")/.$(basename "$obj").d"
	cc=${cc/"-Wp,-MMD,$dep"/"-Wp,-MMD,$out.d"}
	cc="${cc%% *} -iquote $(dirname "$orig_src") ${cc#* }"
	cc=${cc/" -c -o $obj "/" -c -o $out "}
	# Last, so that they win over a directory's -fno-function-sections (init/).
	cc=${cc/%" $orig_src"*/" -ffunction-sections -fdata-sections $src"}
	# set -e does not hold in a function called from an && list.
	(
		cd "$tree" || exit
		eval "$cc" || exit
		if [ -n "$objtool" ]; then
			objtool=${objtool/%" $obj"*/" $out"}
			eval "$objtool" || exit
		fi
	) || { rm -f "$out" "$out.d"; return 1; }
	rm -f "$out.d"
}
