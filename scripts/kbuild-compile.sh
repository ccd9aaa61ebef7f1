# SPDX-License-Identifier: GPL-2.0
# Sourced, not run: compiles one object of the 6.1 test tree the way
# klp-build does, with klp-build's own parser of kbuild's .cmd files and
# its compile_cmd (klp-build is sourced, as bench/ does): kbuild's
# recorded command plus klp-build's flags, then the same objtool run,
# from the tree's source or a copy of it. The caller sets $tree.
# shellcheck shell=bash disable=SC2154

# shellcheck source=kmod-builder/klp-build
. "$(dirname "${BASH_SOURCE[0]}")/../kmod-builder/klp-build"

# source_of OBJ: the source kbuild compiled OBJ from.
source_of() {
	srcdir=$tree
	[ -n "${obj_cmd[$1]+set}" ] || read_kbuild_cmds "$1"
	printf '%s\n' "${obj_src[$1]:-}"
}

# kbuild_compile OBJ SRC OUT: OBJ's command on source SRC, into OUT. A
# SRC other than the tree's is compiled as klp-build compiles a patched
# source: from an overlay where a link gives it the tree's name (its
# STT_FILE symbol), with -iquote its tree directory for #include "x.h";
# a copy should start with #line 1 "PATH" so __FILE__ stays the tree's.
kbuild_compile() {
	local obj=$1 src=$2 out=$3 unit kc_cmd
	srcdir=$tree
	overlay=''
	[ -n "${obj_cmd[$obj]+set}" ] || read_kbuild_cmds "$obj"
	unit=${obj_src[$obj]:-}
	[ -n "$unit" ] || { echo "kbuild_compile: $obj: no command in its .cmd file" >&2; return 1; }
	if [ "$src" = "$unit" ]; then
		compile_cmd "$obj" orig "$out" kc_cmd
	else
		overlay=$(mktemp -d "${TMPDIR:-/tmp}/kbuild-compile.XXXXXX")
		mkdir -p "$overlay/$(dirname "$unit")"
		ln -s "$(readlink -f "$src")" "$overlay/$unit"
		compile_cmd "$obj" patched "$out" kc_cmd
	fi
	# set -e does not hold in a function called from an && list.
	local rc=0
	(cd "$tree" && bash -c "$kc_cmd") || rc=1
	[ -z "$overlay" ] || rm -rf -- "$overlay"
	overlay=''
	[ "$rc" = 0 ] || rm -f -- "$out"
	rm -f -- "$out.d"
	return "$rc"
}
