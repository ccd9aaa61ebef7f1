# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2034,SC2154 # klp-build's variables, read and set here
#
# klp-build --distro: a livepatch for Debian's stock linux-image-6.1.0-N-amd64
# (or bookworm-backports' 6.12.N+deb12-amd64) without building that
# kernel. Sourced by klp-build. What differs between kernel series is in
# one file per series, series/*, read by distro_select_series.
#
# What Debian ships stands in for a built tree: linux-source-6.x (the
# source, Debian's patches applied), the headers package (the exact
# .config, Module.symvers and a kbuild tree to build modules against),
# the image package (the stock modules, vmlinuz) and the System.map of
# its -dbg package (the image's own is a stub). The
# source is prepared once per release (config, modules_prepare, objtool)
# in a cache; each run compiles only the files the patch touches.

# Set by distro_prepare (with distro_release, which --release may set).
distro_image='' distro_cc='' distro_dir='' distro_series=''

# The series file whose release pattern matches --release (6.1 when none
# is given: the installed linux-source-6.1 picks the release), sourced.
distro_select_series() {
	local f
	for f in "$awk_dir"/series/*; do
		# shellcheck source=kmod-builder/series/6.1
		. "$f"
		distro_series=${f##*/}
		if [ -z "$distro_release" ]; then
			[ "$distro_series" = 6.1 ] && return
		elif [[ $distro_release =~ $series_release_re ]]; then
			return
		fi
	done
	die "$EXIT_USAGE" "--release $distro_release: not a release of a supported series (expected 6.1.0-N-amd64 or 6.12.N+deb12-amd64; see man klp-build, SUPPORTED KERNELS)"
}

distro_cache_root() {
	printf '%s/distro' "${KLP_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/klp-build}"
}

# The linux-source-6.1 version, installing it when missing.
distro_source_version() {
	if ! dpkg-query -W -f='${Status}' "$series_source_pkg" 2> /dev/null | grep -q 'ok installed'; then
		distro_apt_install "$series_source_pkg"
	fi
	dpkg-query -W -f='${Version}' "$series_source_pkg"
}

# The package version of release $1 (a series whose source is
# downloaded): its installed headers', else apt's newest image.
distro_release_version() {
	local rel=$1 ver
	ver=$(dpkg-query -W -f='${Version}' "linux-headers-$rel" 2> /dev/null || true)
	[ -n "$ver" ] || ver=$(apt-cache madison "linux-image-$rel-unsigned" 2> /dev/null |
		awk 'NR == 1 { print $3 }')
	[ -n "$ver" ] ||
		die "$EXIT_USAGE" "linux-image-$rel-unsigned is not known to apt; add $series_suite to the apt sources (scripts/install-deps.sh does) and run apt-get update"
	printf '%s\n' "$ver"
}

distro_apt_install() {
	[ "$(id -u)" = 0 ] ||
		die "$EXIT_USAGE" "$* is not installed; run: sudo apt-get install $*"
	msg "       installing $* (apt-get)"
	DEBIAN_FRONTEND=noninteractive run apt-get install -y --no-install-recommends "$@" ||
		die "$EXIT_BUILD" "apt-get install $* failed (see the log); run apt-get update and retry"
}

# The N of linux-image-6.1.0-N-amd64 built from source version $1: an
# installed headers package of that version, or else apt's newest.
distro_find_release() {
	local ver=$1 pkg rel
	while read -r pkg rel; do
		[ "$rel" = "$ver" ] && { printf '%s\n' "${pkg#linux-headers-}"; return; }
	done < <(dpkg-query -W -f='${Package} ${Version}\n' 'linux-headers-6.1.0-*-amd64' 2> /dev/null |
		sort -t- -k4,4nr)
	while read -r pkg _; do
		rel=${pkg#linux-image-}
		rel=${rel%-unsigned}
		# Newest ABI first: only it can be of the newest source version.
		if apt-cache madison "$pkg" | awk -v v="$ver" '$3 == v { f = 1 } END { exit !f }'; then
			printf '%s\n' "$rel"
			return
		fi
	done < <(apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-amd64-unsigned$' |
		sort -t- -k4,4nr)
	die "$EXIT_USAGE" "no linux-image-6.1.0-N-amd64 of version $ver (the linux-source-6.1 version) is known to apt; run apt-get update, or install the linux-source-6.1 of the kernel you run"
}

# The headers package of the release, of the source's version.
distro_headers() {
	local rel=$1 ver=$2 have
	have=$(dpkg-query -W -f='${Version}' "linux-headers-$rel" 2> /dev/null || true)
	[ -n "$have" ] || { distro_apt_install "linux-headers-$rel=$ver"; have=$ver; }
	[ "$have" = "$ver" ] ||
		die "$EXIT_USAGE" "linux-headers-$rel is $have but $series_source_pkg is $ver; install the same version of both"
	[ -f "/usr/src/linux-headers-$rel/Module.symvers" ] ||
		die "$EXIT_USAGE" "/usr/src/linux-headers-$rel/Module.symvers is missing; reinstall linux-headers-$rel"
}

# vmlinuz, config and modules: from / when that kernel is installed,
# else from the -unsigned image package unpacked in the cache.
distro_image_dir() {
	local rel=$1 ver=$2 dir=$3
	if [ -f "/boot/vmlinuz-$rel" ] && [ -f "/lib/modules/$rel/modules.order" ]; then
		printf '/\n'
		return
	fi
	if [ ! -f "$dir/image/.version" ] || [ "$(cat "$dir/image/.version")" != "$ver" ]; then
		rm -rf "$dir/image"
		distro_download "linux-image-$rel-unsigned" "$ver" "$dir/deb"
		run dpkg-deb -x "$dir"/deb/*.deb "$dir/image" ||
			die "$EXIT_BUILD" "dpkg-deb -x of linux-image-$rel-unsigned failed (see the log)"
		rm -rf "$dir/deb"
		printf '%s\n' "$ver" > "$dir/image/.version"
	fi
	printf '%s\n' "$dir/image"
}

distro_download() {
	local pkg=$1 ver=$2 into=$3
	msg "       fetching $pkg $ver (apt-get download)"
	rm -rf "$into"
	mkdir -p "$into"
	(cd "$into" && run apt-get download "$pkg=$ver") ||
		die "$EXIT_BUILD" "apt-get download $pkg=$ver failed (see the log); run apt-get update and retry"
}

# The image's /boot/System.map is a stub naming the -dbg package, which
# has the real one first in its archive and vmlinux next: only these are
# unpacked, and of vmlinux only its notes are kept (distro_kernel_notes).
distro_system_map() {
	local rel=$1 ver=$2 dir=$3 member=./usr/lib/debug/boot/System.map-$1
	local vmlinux=./usr/lib/debug/boot/vmlinux-$1
	if [ -f "/usr/lib/debug/boot/System.map-$rel" ] && [ -f "/usr/lib/debug/boot/vmlinux-$rel" ] &&
		[ "$(dpkg-query -W -f='${Version}' "linux-image-$rel-dbg" 2> /dev/null)" = "$ver" ]; then
		printf '%s\n' "/usr/lib/debug/boot/System.map-$rel"
		return
	fi
	if [ ! -f "$dir/System.map.version" ] || [ "$(cat "$dir/System.map.version")" != "$ver" ] ||
		[ ! -f "$dir/vmlinux-notes-$rel" ]; then
		distro_download "linux-image-$rel-dbg" "$ver" "$dir/deb"
		rm -rf "$dir/dbg"
		mkdir -p "$dir/dbg"
		# tar stops at the members; dpkg-deb then fails on the closed pipe.
		dpkg-deb --fsys-tarfile "$dir"/deb/*.deb 2> /dev/null |
			tar -x -C "$dir/dbg" --occurrence=1 "$member" "$vmlinux" 2> /dev/null || true
		[ -s "$dir/dbg/$member" ] ||
			die "$EXIT_BUILD" "linux-image-$rel-dbg has no $member"
		distro_keep_notes "$dir/dbg/$vmlinux" "$dir/vmlinux-notes-$rel"
		mv "$dir/dbg/$member" "$dir/System.map-$rel"
		rm -rf "$dir/deb" "$dir/dbg"
		printf '%s\n' "$ver" > "$dir/System.map.version"
	fi
	printf '%s\n' "$dir/System.map-$rel"
}

# distro_keep_notes VMLINUX OUT: the notes of the -dbg package's vmlinux
# (what the running image exports in /sys/kernel/notes, with its GNU build
# id) as a small ELF file klp-manifest --kernel-image reads, instead of
# some 600 MiB of vmlinux in the cache.
distro_keep_notes() {
	local vmlinux=$1 out=$2
	[ -s "$vmlinux" ] ||
		die "$EXIT_BUILD" "the -dbg package has no ${vmlinux##*/dbg/}; report this with the log"
	run objcopy --strip-all --only-section=.notes "$vmlinux" "$out.tmp" ||
		die "$EXIT_BUILD" "objcopy could not copy the notes of $vmlinux (see the log); check the space in $(dirname "$out")"
	mv -f "$out.tmp" "$out"
}

# The image the manifest's build id is read from: the installed -dbg
# package's vmlinux, or the notes distro_system_map kept.
distro_kernel_notes() {
	local rel=$1 dir=$2
	case $vmlinux_syms in
	/usr/lib/debug/*) printf '%s\n' "/usr/lib/debug/boot/vmlinux-$rel" ;;
	*) printf '%s\n' "$dir/vmlinux-notes-$rel" ;;
	esac
}

# The compiler the image was built with must be the one here: objects
# from another compiler would not match the image's code.
distro_check_compiler() {
	local hdr=$1 want have banner
	want=$(sed -n 's/^CONFIG_CC_VERSION_TEXT="\(.*\)"$/\1/p' "$hdr/.config")
	distro_cc=${want%% *}
	command -v "$distro_cc" > /dev/null ||
		die "$EXIT_USAGE" "the image was built by \"$want\"; $distro_cc is not installed here (apt-get install ${distro_cc})"
	have=$("$distro_cc" --version | head -n 1)
	[ "$have" = "$want" ] ||
		die "$EXIT_USAGE" "the image was built by \"$want\" but $distro_cc here is \"$have\"; install that gcc version (or build on a machine of the same Debian release)"
	# The /proc/version banner names the compiler through compile.h.
	banner=$(sed -n 's/^#define LINUX_COMPILER "\(.*\)"$/\1/p' "$hdr/include/generated/compile.h" 2> /dev/null || true)
	[ -z "$banner" ] || [[ $banner == "$want,"* ]] ||
		die "$EXIT_USAGE" "$hdr/include/generated/compile.h names compiler \"$banner\", not \"$want\"; the headers package does not match its config"
	if [ "$(uname -r)" = "$distro_release" ] && ! grep -qF "$want" /proc/version; then
		die "$EXIT_USAGE" "/proc/version does not name \"$want\": the running kernel is not the packaged $distro_release"
	fi
}

distro_make() {
	run nice make -C "$srcdir" KERNELRELEASE="$distro_release" CC="$distro_cc" \
		"${series_make_vars[@]}" "$@"
}

# Unpacks the source tarball into directory $3: the installed one, or
# the one in the release's own linux-source package (streamed, never
# installed: another version may be apt's candidate).
distro_unpack_source() {
	local dir=$1 ver=$2 into=$3 member=./usr/src/$series_source_pkg.tar.xz
	if [ "$series_source" = installed ]; then
		run tar -xf "/usr/src/$series_source_pkg.tar.xz" -C "$into" ||
			die "$EXIT_BUILD" "unpacking /usr/src/$series_source_pkg.tar.xz failed"
		return
	fi
	distro_download "$series_source_pkg" "$ver" "$dir/deb"
	# tar -O stops at its member; dpkg-deb then fails on the closed pipe.
	{ dpkg-deb --fsys-tarfile "$dir"/deb/*.deb 2> /dev/null || true; } |
		tar -xO "$member" | tar -xJ -C "$into" ||
		die "$EXIT_BUILD" "unpacking $member of $series_source_pkg $ver failed"
	rm -rf "$dir/deb"
}

# The source with the image's config, prepared for single-object builds:
# generated headers, objtool, modpost. Identical autoconf.h to the
# headers package's is the proof that the config came out the same.
distro_prepare_source() {
	local dir=$1 ver=$2 hdr=$3 stamp want tmp
	srcdir=$dir/src/$series_source_pkg
	stamp=$dir/src/.prepared
	want="$ver $distro_release $(md5sum < "$hdr/.config" | cut -d' ' -f1)"
	[ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && return
	msg "       preparing the source for $distro_release once (untar, config, modules_prepare; a few minutes), log: $logfile"
	rm -rf "$dir/src"
	tmp=$dir/src.tmp
	rm -rf "$tmp"
	mkdir -p "$tmp"
	distro_unpack_source "$dir" "$ver" "$tmp"
	mv "$tmp" "$dir/src"
	cp "$hdr/.config" "$srcdir/.config"
	distro_make olddefconfig || die "$EXIT_BUILD" "make olddefconfig failed (see the log)"
	distro_make -j"$jobs" modules_prepare || die "$EXIT_BUILD" "make modules_prepare failed (see the log)"
	cmp -s "$srcdir/include/generated/autoconf.h" "$hdr/include/generated/autoconf.h" ||
		die "$EXIT_BUILD" "the prepared config differs from linux-headers-$distro_release's (diff $srcdir/include/generated/autoconf.h $hdr/include/generated/autoconf.h); a missing tool changed it (pahole: apt-get install dwarves)"
	printf '%s\n' "$want" > "$stamp"
}

# Everything --distro needs, fetched and prepared; sets srcdir and the
# files klp-build reads in place of a built tree's.
distro_prepare() {
	local ver dir hdr
	[ -z "$srcdir" ] || die "$EXIT_USAGE" "--distro takes the source from Debian's linux-source package: give no -s"
	command -v dpkg-query > /dev/null || die "$EXIT_USAGE" "--distro needs a Debian system (dpkg, apt)"
	distro_select_series
	if [ "$series_source" = installed ]; then
		ver=$(distro_source_version)
		distro_release=${distro_release:-$(distro_find_release "$ver")}
	else
		ver=$(distro_release_version "$distro_release")
	fi
	[[ $distro_release =~ $series_release_re ]] ||
		die "$EXIT_USAGE" "--release $distro_release: expected $series_release_form"
	msg "       --distro: Debian $distro_release from $series_source_pkg $ver (series $distro_series)"
	distro_headers "$distro_release" "$ver"
	hdr=/usr/src/linux-headers-$distro_release
	distro_check_compiler "$hdr"
	dir=$(distro_cache_root)/$distro_release
	mkdir -p "$dir" || die "$EXIT_USAGE" "cannot create the cache $dir (set KLP_CACHE_DIR)"
	distro_dir=$dir
	# One klp-build at a time prepares and compiles in the shared source.
	exec {distro_lock}> "$dir/.lock"
	flock "$distro_lock"
	distro_image=$(distro_image_dir "$distro_release" "$ver" "$dir")
	distro_prepare_source "$dir" "$ver" "$hdr"
	vmlinux_syms=$(distro_system_map "$distro_release" "$ver" "$dir")
	kernel_notes=$(distro_kernel_notes "$distro_release" "$dir")
	symvers=$hdr/Module.symvers
	kbuild_tree=$hdr
	msg "       target kernel: $(target_kernel_image)"
}

# Compiles each touched C file with kbuild, which records its command
# (.cmd) for the fast path. The prepared source is never patched (the
# patched files go to the overlay), so an object built by an earlier run
# is still right.
distro_build_objects() {
	local f obj
	while IFS= read -r f; do
		case $f in
		*.h) die "$EXIT_REFUSED" "$f: with --distro only the C files the patch touches are compiled, so a header change would miss the other files that include it: patch the functions in the .c files instead" ;;
		*.c) ;;
		*) continue ;;
		esac
		obj=${f%.c}.o
		[ -f "$srcdir/$(dirname "$obj")/.$(basename "$obj").cmd" ] && continue
		if ! distro_make "$obj"; then
			die "$EXIT_BUILD" "compiling $obj in the prepared source failed (see the log)"
		fi
	done < <(changed_files)
	# The entry-size probe borrows init/main.o's recorded command.
	if [ ! -f "$srcdir/init/.main.o.cmd" ] && ! distro_make init/main.o; then
		die "$EXIT_BUILD" "compiling init/main.o in the prepared source failed (see the log)"
	fi
}

# The stock .ko of module $1 (KBUILD_MODNAME) that object $2 is part of.
distro_module_of_object() {
	local modname=$1 obj=$2 ko best mods packed
	mods=${distro_image%/}/lib/modules/$distro_release
	# Composite modules: the .ko's directory holds the object.
	best=$(awk -v m="$modname" -v o="$obj" '{
		ko = $0; sub(/^kernel\//, "", ko)
		base = ko; sub(/.*\//, "", base); sub(/\.ko$/, "", base); gsub(/-/, "_", base)
		if (base != m) next
		dir = ko; sub(/\/[^\/]*$/, "", dir)
		if (best == "" || index(o, dir "/") == 1) best = ko
	} END { print best }' "$mods/modules.order")
	[ -n "$best" ] ||
		die "$EXIT_REFUSED" "$obj is part of module $modname, which linux-image-$distro_release does not ship ($mods/modules.order has no $modname.ko): there is nothing to patch"
	ko=$mods/kernel/$best
	packed=("$ko".*)
	if [ ! -f "$ko" ] && [ -f "${packed[0]}" ]; then
		distro_unpacked_module "${packed[0]}" "$best"
		return
	fi
	[ -f "$ko" ] ||
		die "$EXIT_USAGE" "$ko is missing but modules.order lists it: reinstall linux-image-$distro_release"
	printf '%s\n' "$ko"
}

# A compressed stock module ($1, modules.order's path $2), decompressed
# once into the release's cache: the image's own files are left alone.
distro_unpacked_module() {
	local packed_ko=$1 into=$distro_dir/modules/$2
	if [ ! -f "$into" ] || [ "$packed_ko" -nt "$into" ]; then
		mkdir -p "$(dirname "$into")"
		case $packed_ko in
		*.xz) xz -dc -- "$packed_ko" > "$into.tmp" ;;
		*.zst) zstd -dcq -- "$packed_ko" > "$into.tmp" ;;
		*) die "$EXIT_USAGE" "$packed_ko: unknown compression; klp-build reads .ko, .ko.xz and .ko.zst" ;;
		esac || die "$EXIT_BUILD" "decompressing $packed_ko failed"
		mv -f "$into.tmp" "$into"
	fi
	printf '%s\n' "$into"
}

# The .klp.sym.OBJ.NAME,POS symbols of module $1, as "OBJ NAME POS".
distro_klp_symbols() {
	readelf -sW "$1" | awk '$8 ~ /^\.klp\.sym\./ {
		s = substr($8, 10); obj = s; sub(/\..*/, "", obj)
		s = substr(s, length(obj) + 2); pos = s; sub(/.*,/, "", pos); sub(/,[0-9]+$/, "", s)
		print obj, s, pos }'
}

# How many vmlinux symbols System.map has of name $1.
distro_map_count() {
	awk -v s="$1" '$3 == s { n++ } END { print n + 0 }' "$vmlinux_syms"
}

# "NAME SIZE TYPE" of each symbol ELF file $1 defines, in symbol-table
# order: a module's kallsyms order, which a sympos counts in.
distro_elf_defined() {
	readelf -sW "$1" | awk '$1 ~ /^[0-9]+:$/ && NF >= 8 && $7 != "UND" &&
		$4 != "SECTION" && $4 != "FILE" { print $8, $3, $4 }'
}

# The size of symbol $2 at sympos $3 in the defined-symbols list $1;
# nothing when that position names no symbol (or 0 and several have it).
distro_size_at() {
	awk -v s="$2" -v p="$3" '$1 == s { n++; if (n == p || p == 0) z = $2 }
		END { if (n > 0 && p <= n && (p > 0 || n == 1)) print z }' "$1"
}

# Checks the klp symbols of vmlinux against System.map (names and
# positions only: it has no sizes).
distro_verify_map_symbol() {
	local sym=$1 pos=$2 n
	n=$(distro_map_count "$sym")
	if [ "$n" -eq 0 ] || [ "$pos" -gt "$n" ] || { [ "$pos" -eq 0 ] && [ "$n" -gt 1 ]; }; then
		die "$EXIT_BUILD" "$sym,$pos: $n symbol(s) of this name in $vmlinux_syms; the module would not load: report this with the log"
	fi
}

# A module's klp symbols against its stock .ko, which has sizes: the
# symbol at the position must also have the size the original object
# compiled here gives it (when that object defines it once).
distro_verify_ko_symbol() {
	local mod=$1 sym=$2 pos=$3 ko=${distro_mod_ko[$1]:-} want have
	[ -n "$ko" ] ||
		die "$EXIT_BUILD" ".klp.sym.$mod.$sym,$pos: $mod is not a module this patch changes; report this with the log"
	have=$(distro_size_at "$scratch/verify/$mod.syms" "$sym" "$pos")
	[ -n "$have" ] ||
		die "$EXIT_BUILD" "$sym,$pos: no symbol at that position in $ko; the module would not load: report this with the log"
	want=$(distro_size_at "$scratch/verify/$mod.orig" "$sym" 0)
	[ -z "$want" ] || [ "$want" = "$have" ] ||
		die "$EXIT_BUILD" "$sym of $mod is $want bytes as compiled here but $have in $ko: the prepared source does not build what Debian shipped; report this with the log"
}

# Each changed function of a module object is in its stock .ko with the
# size compiled here: the original the differ compared is what runs.
distro_verify_ko_functions() {
	local obj=$1 mod=${obj_module[$1]} f want sizes
	while read -r f; do
		want=$(distro_size_at "$scratch/verify/$mod.orig" "$f" 0)
		sizes=$(awk -v s="$f" '$1 == s && $3 == "FUNC" { printf " %s", $2 }' "$scratch/verify/$mod.syms")
		[ -n "$sizes" ] ||
			die "$EXIT_BUILD" "patched function $f is not in ${obj_ko[$obj]}: the stock $mod does not have it (inlined or configured out); patch its callers instead"
		[[ -n $want && " $sizes " == *" $want "* ]] ||
			die "$EXIT_BUILD" "$f of $obj is ${want:-no} bytes as compiled here but${sizes} in ${obj_ko[$obj]}: the prepared source does not build what Debian shipped (another $series_source_pkg or gcc?); report this with the log"
	done < <(distro_changed_functions "$obj")
}

# The functions the differ found changed in object $1 (none when it had
# no diff, as an object without a change has not).
distro_changed_functions() {
	# The name alone: "(through F)" and "(alias A)" say why, after it.
	sed -n 's/^changed function: \([^ ]*\).*/\1/p' "$scratch/diff/${1//\//_}.stdout" 2> /dev/null || true
}

# Each changed function of a vmlinux object is in System.map.
distro_verify_map_functions() {
	local sym
	while read -r sym; do
		[ "$(distro_map_count "$sym")" -gt 0 ] ||
			die "$EXIT_BUILD" "patched function $sym is not in $vmlinux_syms: this image does not have it (inlined or configured out); patch its callers instead"
	done < <(distro_changed_functions "$1")
}

# The symbol lists of each patched module: its stock .ko's, and its
# original objects' as compiled here.
distro_list_module_symbols() {
	local obj mod
	mkdir -p "$scratch/verify"
	rm -f "$scratch/verify/"*
	for obj in "${objects[@]}"; do
		mod=${obj_module[$obj]}
		[ "$mod" != vmlinux ] || continue
		distro_mod_ko[$mod]=${obj_ko[$obj]}
		[ -f "$scratch/verify/$mod.syms" ] ||
			distro_elf_defined "${obj_ko[$obj]}" > "$scratch/verify/$mod.syms"
		distro_elf_defined "$scratch/orig/$obj" >> "$scratch/verify/$mod.orig"
	done
}

# Checked again on the finished module, not trusted from the differ: each
# patched function and each klp symbol is in System.map (vmlinux) or the
# stock .ko (a module), with a position that names one symbol.
declare -gA distro_mod_ko=()
distro_verify_module() {
	local ko=$1 obj sym pos
	distro_list_module_symbols
	while read -r obj sym pos; do
		if [ "$obj" = vmlinux ]; then
			distro_verify_map_symbol "$sym" "$pos"
		else
			distro_verify_ko_symbol "$obj" "$sym" "$pos"
		fi
	done < <(distro_klp_symbols "$ko")
	for obj in "${objects[@]}"; do
		if [ "${obj_module[$obj]}" = vmlinux ]; then
			distro_verify_map_functions "$obj"
		else
			distro_verify_ko_functions "$obj"
		fi
	done
}
