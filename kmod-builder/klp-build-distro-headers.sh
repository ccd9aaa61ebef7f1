# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2034,SC2154 # klp-build's variables, read and set here
#
# klp-build --distro: header patches. Debian's image was not built here,
# so no kbuild dependency file says which units include a header; its
# -dbg package's DWARF says which units use each function a header
# defines. A patch to the body of header functions (static inlines)
# rebuilds exactly the units whose DWARF has one of those functions
# (inlined or as an out-of-line copy): a unit that does not use a
# function is not changed by a change to its body. A change anywhere
# else in a header (a macro, a type, a declaration) reaches units DWARF
# cannot name, and is refused. KLP_HEADER_UNITS=named rebuilds instead
# every unit whose line table names the header (a superset, to check
# the choice: tests/distro-header-units.sh). Sourced by
# klp-build-distro.sh.

distro_units_idx=''
# The format of klp-units' index (UNITS_MAGIC): an index of another one
# is made again.
distro_units_format=2

# The selection of header $1: "OBJECT SOURCE WHY..." lines.
distro_header_list() {
	printf '%s/header-units/%s' "$scratch" "${1//\//_}"
}

# The objects klp-build rebuilds for header $1 (objects_of_header).
distro_header_objects() {
	local list
	list=$(distro_header_list "$1")
	[ -f "$list" ] || return 0
	awk '{ sub(/\.c$/, ".o", $2); print $2 }' "$list"
}

# The package version of the release (the headers', which distro_headers
# checked is the source's).
distro_package_version() {
	dpkg-query -W -f='${Version}' "linux-headers-$distro_release"
}

# distro_units_index: the units index of the release (klp-units) into
# distro_units_idx (in this shell: a failure must end the run), made
# once from the -dbg package: the installed one when it is of the
# release's version, else downloaded and unpacked in the cache for the
# time it takes (some 5.5 GB) and removed again.
distro_units_index() {
	local idx=$distro_dir/units.idx ver dbg vmlinux mods
	ver=$(distro_package_version)
	distro_units_idx=$idx
	if [ -f "$idx" ] && [ "$(cat "$idx.version" 2> /dev/null)" = "$ver $distro_units_format" ]; then
		return
	fi
	[ -x "$tools_dir/klp-units" ] || die "$EXIT_BUILD" "klp-units not found in $tools_dir; run make (or make install)"
	dbg=/
	if [ "$(dpkg-query -W -f='${Version}' "linux-image-$distro_release-dbg" 2> /dev/null)" != "$ver" ]; then
		dbg=$distro_dir/dbg-units
		distro_unpack_dbg "$ver" "$dbg"
	fi
	vmlinux=${dbg%/}/usr/lib/debug/boot/vmlinux-$distro_release
	mods=${dbg%/}/usr/lib/debug/lib/modules/$distro_release
	msg "       indexing the units of $distro_release's debug files once (klp-units; a minute or two)"
	if ! run nice "$tools_dir/klp-units" --vmlinux "$vmlinux" --modules "$mods" "$idx"; then
		[ "$dbg" = / ] || rm -rf "$dbg"
		die "$EXIT_BUILD" "klp-units could not index $vmlinux and $mods (see the log)"
	fi
	printf '%s %s\n' "$ver" "$distro_units_format" > "$idx.version"
	[ "$dbg" = / ] || rm -rf "$dbg"
}

# distro_unpack_dbg VERSION DIR: vmlinux and the modules of the -dbg
# package, unpacked into DIR.
distro_unpack_dbg() {
	local ver=$1 into=$2 deb=$distro_dir/dbg-deb
	distro_download "linux-image-$distro_release-dbg" "$ver" "$deb"
	rm -rf "$into"
	mkdir -p "$into"
	msg "       unpacking linux-image-$distro_release-dbg's vmlinux and modules (temporarily, in $into)"
	{ dpkg-deb --fsys-tarfile "$deb"/*.deb || echo "dpkg-deb failed" >&2; } |
		run tar -x -C "$into" "./usr/lib/debug/boot/vmlinux-$distro_release" \
			"./usr/lib/debug/lib/modules/$distro_release" ||
		die "$EXIT_BUILD" "unpacking linux-image-$distro_release-dbg failed (see the log); check the space in $into"
	rm -rf "$deb"
}

# distro_patched_headers: the patches applied to a copy of the files they
# touch, in $scratch/header-new (the overlay is made later).
distro_patched_headers() {
	local dir=$scratch/header-new f p
	[ ! -d "$dir" ] || return 0
	mkdir -p "$dir"
	while IFS= read -r f; do
		[ ! -f "$srcdir/$f" ] || { mkdir -p "$dir/$(dirname "$f")"; cp -- "$srcdir/$f" "$dir/$f"; }
	done < <(changed_files)
	for p in "${patches[@]}"; do
		run patch -p"$strip" -s -f -d "$dir" --no-backup-if-mismatch -i "$p" ||
			die "$EXIT_PATCH" "$p does not apply on top of the patches before it"
	done
}

# "LINE END NAME" of each function file $1 defines (universal-ctags).
distro_header_tags() {
	ctags -x --_xformat='%n %e %N' --language-force=C --kinds-C=f -o - "$1" | sort -n
}

# distro_header_functions H OUT: the functions of header H the patches
# change, one a line into OUT; a change outside them is refused (see the
# top of this file).
distro_header_functions() {
	local f=$1 new=$scratch/header-new/$1 out
	command -v ctags > /dev/null ||
		die "$EXIT_BUILD" "ctags not found: header patches with --distro need it (apt-get install universal-ctags)"
	distro_patched_headers
	if ! distro_header_tags "$srcdir/$f" > "$scratch/header-old.tags" ||
		! distro_header_tags "$new" > "$scratch/header-new.tags"; then
		die "$EXIT_BUILD" "ctags could not list the functions of $f (see the log)"
	fi
	out=$(awk -f "$awk_dir/header-functions.awk" "$scratch/header-old.tags" \
		"$scratch/header-new.tags" "$srcdir/$f" "$new")
	if [[ $out == "outside "* ]]; then
		refuse_file "$f" "the patch changes line ${out#outside } of this header outside the body of a function it defines (a macro, a type, a declaration, a new function or a return type line): with --distro only changes to header functions are followed into the units that use them; change only function bodies, or patch the .c files"
	fi
	printf '%s' "$out" > "$2"
}

# distro_select_header H: the units of the release the change of header
# H reaches, into distro_header_list; -v (and the log) says why each.
distro_select_header() {
	local f=$1 list work funcs=() args=() fn line kept=0
	list=$(distro_header_list "$f")
	work=$scratch/header-work/${f//\//_}
	mkdir -p "$(dirname "$list")" "$(dirname "$work")"
	: > "$list"
	distro_header_functions "$f" "$work.funcs"
	mapfile -t funcs < "$work.funcs"
	[ "${#funcs[@]}" -gt 0 ] || { log "$f: no function of it changed"; return 0; }
	distro_units_index
	case ${KLP_HEADER_UNITS:-functions} in
	functions)
		for fn in "${funcs[@]}"; do
			args+=(--function "$fn")
		done
		;;
	named) ;;
	*) die "$EXIT_USAGE" "KLP_HEADER_UNITS=$KLP_HEADER_UNITS: expected functions (the default) or named" ;;
	esac
	"$tools_dir/klp-units" --query "$distro_units_idx" --header "$f" "${args[@]}" > "$work.all" ||
		die "$EXIT_BUILD" "klp-units could not read $distro_units_idx (above); remove it and run again"
	while IFS= read -r line; do
		read -r _ fn _ <<< "$line"
		if [ -f "$srcdir/$fn" ]; then
			printf '%s\n' "$line" >> "$list"
			log "unit chosen: $line"
			kept=$((kept + 1))
		else
			warn "$fn (in the -dbg package's DWARF) is not in $series_source_pkg; left out"
		fi
	done < "$work.all"
	if [ "${#args[@]}" -gt 0 ]; then
		msg "       $f: changed function(s) ${funcs[*]}: $kept unit(s) use them (-v lists why each)"
	else
		msg "       $f: changed function(s) ${funcs[*]}: $kept unit(s) name the header (KLP_HEADER_UNITS=named; -v lists them)"
	fi
}

# Compiles, with kbuild in one run, the units of header patches that no
# earlier run compiled: kbuild records each one's command for the
# fast path, as distro_build_objects does for a patched .c file.
distro_build_header_objects() {
	local f obj todo=()
	for f in "$scratch"/header-units/*; do
		[ -f "$f" ] || continue
		while read -r _ obj _; do
			obj=${obj%.c}.o
			[ -f "$srcdir/$(dirname "$obj")/.$(basename "$obj").cmd" ] || todo+=("$obj")
		done < "$f"
	done
	[ "${#todo[@]}" -gt 0 ] || return 0
	msg "       compiling ${#todo[@]} unit(s) in the prepared source once (kbuild records their commands)"
	mapfile -t todo < <(printf '%s\n' "${todo[@]}" | LC_ALL=C sort -u)
	distro_make -j"$jobs" "${todo[@]}" ||
		die "$EXIT_BUILD" "compiling the header's units in the prepared source failed (see the log)"
}
