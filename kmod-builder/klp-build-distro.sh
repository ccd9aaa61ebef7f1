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

# shellcheck source=kmod-builder/klp-build-distro-headers.sh
. "$awk_dir/klp-build-distro-headers.sh"

# Set by distro_prepare (with distro_release, which --release may set).
distro_image='' distro_cc='' distro_dir='' distro_series='' distro_version=''
# The build root the compiles run in (none: this machine), the
# directories of this machine bound into it beyond the release's cache,
# the scratch directory and the templates (klp-build-cc.sh: ccache's and
# distcc's), and apt's options for the series' package lists.
distro_root='' distro_binds=() distro_apt_opts=()

# shellcheck source=kmod-builder/klp-build-root.sh
. "$awk_dir/klp-build-root.sh"

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
	die "$EXIT_USAGE" "--release $distro_release: not a release of a supported series (expected $(distro_release_forms); see man klp-build, SUPPORTED KERNELS)"
}

# The --release forms of every series, for a message (sources each).
distro_release_forms() {
	local f forms=''
	for f in "$awk_dir"/series/*; do
		# shellcheck source=kmod-builder/series/6.1
		. "$f"
		forms+="${forms:+; }$series_release_form"
	done
	printf '%s' "$forms"
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

# The installed version of package $1, or nothing.
distro_installed_version() {
	dpkg-query -W -f='${db:Status-Abbrev} ${Version}\n' "$1" 2> /dev/null |
		awk '$1 == "ii" { print $2 }'
}

# apt's versions of package $1, newest first, one a line.
distro_apt_versions() {
	distro_apt_cache madison "$1" 2> /dev/null | awk -F'|' '{ gsub(/ /, "", $2); if (!seen[$2]++) print $2 }'
}

# The package version of release $1: its installed headers' (on this
# machine's compiler), else the newest of apt's image versions whose
# source, headers and -dbg packages apt has too.
distro_release_version() {
	local rel=$1 ver pkg avail madison missing=''
	if [ -z "$series_build_root" ]; then
		ver=$(distro_installed_version "linux-headers-$rel")
		[ -z "$ver" ] || { printf '%s\n' "$ver"; return; }
	fi
	# One apt-cache for all four: "PACKAGE VERSION" lines.
	madison=$(distro_apt_cache madison "linux-image-$rel-unsigned" "$series_source_pkg" \
		"linux-headers-$rel" "linux-image-$rel-dbg" 2> /dev/null |
		awk -F'|' '{ gsub(/ /, "", $1); gsub(/ /, "", $2); print $1, $2 }')
	mapfile -t avail < <(awk -v p="linux-image-$rel-unsigned" '$1 == p && !seen[$2]++ { print $2 }' <<< "$madison")
	[ "${#avail[@]}" -gt 0 ] || distro_unknown_release "$rel"
	for ver in "${avail[@]}"; do
		missing=''
		for pkg in "$series_source_pkg" "linux-headers-$rel" "linux-image-$rel-dbg"; do
			grep -qxF -- "$pkg $ver" <<< "$madison" || missing+=" $pkg"
		done
		[ -n "$missing" ] || { printf '%s\n' "$ver"; return; }
	done
	distro_version_mismatch "$rel" "${avail[*]}"
}

# Release $1's image is in apt, at versions $2, but not all of the
# packages it needs are at any of them: name what apt has of each.
distro_version_mismatch() {
	local rel=$1 pkg vers have=''
	for pkg in "$series_source_pkg" "linux-headers-$rel" "linux-image-$rel-dbg"; do
		vers=$(distro_apt_versions "$pkg" | paste -sd, - | sed 's/,/, /g')
		have+="; $pkg at ${vers:-no version}"
	done
	die "$EXIT_USAGE" "linux-image-$rel-unsigned is in apt only at $2, and no one of these versions has all the packages --distro needs (apt has ${have#; }): apt-get update cannot bring back an older version; build for a release apt has whole (klp-build --distro --list-releases)"
}

# Release $1 is of a supported series but apt has no image of it.
distro_unknown_release() {
	local have
	have=$(distro_series_releases | awk -v f="$(distro_flavour "$1")" '$2 == f { printf "%s%s (%s)", n++ ? ", " : "", $1, $3 }')
	die "$EXIT_USAGE" "linux-image-$1-unsigned is not known to apt (${series_suite}'s lists${have:+; apt has ${have}}): run apt-get update${have:+, or build for one of those}"
}

# The flavour of release $1: amd64, cloud-amd64 or rt-amd64.
distro_flavour() {
	case $1 in
	*-cloud-amd64) printf 'cloud-amd64\n' ;;
	*-rt-amd64) printf 'rt-amd64\n' ;;
	*) printf 'amd64\n' ;;
	esac
}

# apt's options for the series' package lists: none for this machine's
# sources; for a private list (a suite that must never enter this
# machine's sources, where the next upgrade would take it), a sources
# file and list directory in the cache, brought up to date once a day.
distro_apt_setup() {
	distro_apt_opts=()
	[ "$series_apt" = private ] || return 0
	distro_private_lists "$series_suite" deb
	distro_apt_opts=("${distro_private_opts[@]}")
}

# distro_private_lists NAME deb|deb-src: apt's options for the lists of
# suite NAME's packages (or sources) in the cache, updated when a day
# old, in distro_private_opts.
distro_private_lists() {
	local suite=$1 kind=$2 dir
	dir=$(distro_cache_root)/apt/$suite${kind#deb}
	# Its own package cache too (some machines' apt.conf turns it off,
	# and each apt-cache would then spend seconds reading the lists).
	distro_private_opts=(-o "Dir::Etc::sourcelist=$dir/sources.list" -o Dir::Etc::sourceparts=-
		-o "Dir::State::Lists=$dir/lists" -o "Dir::Cache=$dir/cache"
		-o Dir::Cache::pkgcache=pkgcache.bin -o Dir::Cache::srcpkgcache=srcpkgcache.bin)
	# Downloads go to directories of this user: no apt sandbox user.
	[ "$(id -u)" != 0 ] || distro_private_opts+=(-o APT::Sandbox::User=root)
	mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial" ||
		die "$EXIT_USAGE" "cannot create $dir (set KLP_CACHE_DIR)"
	# Two klp-builds of one release at once: one writes the sources at a time.
	exec {distro_apt_lock}> "$dir/.lock"
	flock "$distro_apt_lock"
	droot_sources "$suite" | sed "s/^deb /$kind /" > "$dir/sources.list.new" &&
		mv -f "$dir/sources.list.new" "$dir/sources.list"
	if [ ! -f "$dir/lists/.updated" ] || [ -n "$(find "$dir/lists/.updated" -mmin +1440)" ]; then
		msg "       apt-get update of $suite's $kind lists (private to klp-build: $dir)"
		run apt-get "${distro_private_opts[@]}" update ||
			die "$EXIT_BUILD" "apt-get update of $suite's $kind lists failed (see the log); check the network"
		touch "$dir/lists/.updated"
	fi
	exec {distro_apt_lock}>&-
}

distro_apt_cache() {
	apt-cache "${distro_apt_opts[@]}" "$@"
}

distro_apt_install() {
	[ "$(id -u)" = 0 ] ||
		die "$EXIT_USAGE" "$* is not installed; run: sudo apt-get install $*"
	msg "       installing $* (apt-get)"
	# Another apt (a second klp-build, unattended-upgrades) waits its turn.
	DEBIAN_FRONTEND=noninteractive run apt-get -o DPkg::Lock::Timeout=600 install -y \
		--no-install-recommends "$@" ||
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

# The headers of release $1 at version $2: the installed package when it
# is of that version and this machine compiles, else the packages
# unpacked in the release's cache $3 (several releases need several
# versions of one linux-kbuild package, which one machine cannot have
# installed at once).
distro_headers() {
	local rel=$1 ver=$2 dir=$3 hdr=/usr/src/linux-headers-$1
	if distro_headers_installable "$rel" "$ver"; then
		distro_apt_install "linux-headers-$rel=$ver"
	fi
	if [ -n "$series_build_root" ] || [ "$(distro_installed_version "linux-headers-$rel")" != "$ver" ]; then
		distro_unpack_headers "$rel" "$ver" "$dir"
		hdr=$dir/headers/usr/src/linux-headers-$rel
	fi
	[ -f "$hdr/Module.symvers" ] ||
		die "$EXIT_USAGE" "$hdr/Module.symvers is missing; reinstall linux-headers-$rel (or remove $dir)"
	printf '%s\n' "$hdr"
}

# As root, the headers of a release of this machine's compiler and apt
# sources are installed (as klp-deb, which reads their version, expects)
# when apt's newest is version $2: an older one would take its
# linux-kbuild package back too.
distro_headers_installable() {
	[ "$(id -u)" = 0 ] && [ -z "$series_build_root" ] && [ "$series_apt" = host ] &&
		[ -z "$(distro_installed_version "linux-headers-$1")" ] &&
		[ "$(distro_apt_versions "linux-headers-$1" | head -n 1)" = "$2" ]
}

# linux-headers-$1 and the packages of the same source its tree links
# to (its -common tree, linux-kbuild's scripts and tools), unpacked into
# $3/headers. Its Makefile names the -common tree by absolute path: the
# unpacked one's, here.
distro_unpack_headers() {
	local rel=$1 ver=$2 dir=$3 pkg tmp=$3/headers.tmp
	[ ! -f "$dir/headers/.version" ] || [ "$(cat "$dir/headers/.version")" != "$ver" ] || return 0
	rm -rf "$dir/headers" "$tmp"
	mkdir -p "$tmp"
	for pkg in "linux-headers-$rel" $(distro_headers_deps "$rel" "$ver"); do
		distro_download "$pkg" "$(distro_dep_version "$pkg" "$ver")" "$dir/deb"
		run dpkg-deb -x "$dir"/deb/*.deb "$tmp" ||
			die "$EXIT_BUILD" "dpkg-deb -x of $pkg failed (see the log)"
	done
	rm -rf "$dir/deb"
	sed -i "s|^include /usr/src/|include $dir/headers/usr/src/|" "$tmp/usr/src/linux-headers-$rel/Makefile"
	printf '%s\n' "$ver" > "$tmp/.version"
	mv -T "$tmp" "$dir/headers"
}

# The version of dependency $1 to fetch for headers of version $2: the
# same, else apt's newest (linux-kbuild-6.1 is one package for every
# 6.1 release, which apt keeps at its newest version only; the headers
# depend on ">=" it).
distro_dep_version() {
	local vers
	vers=$(distro_apt_versions "$1")
	if grep -qxF -- "$2" <<< "$vers"; then
		printf '%s\n' "$2"
	else
		head -n 1 <<< "$vers"
	fi
}

# The -common and linux-kbuild packages linux-headers-$1 $2 depends on.
distro_headers_deps() {
	distro_apt_cache show "linux-headers-$1=$2" 2> /dev/null |
		sed -n 's/^Depends: //p' | head -n 1 | tr ',|' '\n' |
		sed -n 's/^ *\(linux-\(headers-[^ ]*-common[^ ]*\|kbuild-[^ ]*\)\).*/\1/p'
}

# vmlinuz, config and modules: from / when that kernel is installed,
# else from the -unsigned image package unpacked in the cache.
distro_image_dir() {
	local rel=$1 ver=$2 dir=$3
	if [ -f "/boot/vmlinuz-$rel" ] && [ -f "/$series_modules_dir/$rel/modules.order" ]; then
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
	(cd "$into" && run apt-get "${distro_apt_opts[@]}" download "$pkg=$ver") ||
		die "$EXIT_BUILD" "apt-get download $pkg=$ver failed (see the log); run apt-get update and retry"
}

# The image's /boot/System.map is a stub naming the -dbg package, which
# has the real one first in its archive and vmlinux next: only these are
# unpacked, and of vmlinux only its notes (distro_kernel_notes) and,
# without its debug info, its symbols and contents (some 100 MiB instead
# of 600: the differ's --symbols, whose file symbols tell apart the
# hundreds of locals of one name, __func__.0, that System.map cannot).
distro_system_map() {
	local rel=$1 ver=$2 dir=$3 member=./usr/lib/debug/boot/System.map-$1
	local vmlinux=./usr/lib/debug/boot/vmlinux-$1
	if [ -f "/usr/lib/debug/boot/System.map-$rel" ] && [ -f "/usr/lib/debug/boot/vmlinux-$rel" ] &&
		[ "$(dpkg-query -W -f='${Version}' "linux-image-$rel-dbg" 2> /dev/null)" = "$ver" ]; then
		printf '%s\n' "/usr/lib/debug/boot/System.map-$rel"
		return
	fi
	if [ ! -f "$dir/System.map.version" ] || [ "$(cat "$dir/System.map.version")" != "$ver" ] ||
		[ ! -f "$dir/vmlinux-notes-$rel" ] || [ ! -f "$dir/vmlinux-syms-$rel" ]; then
		distro_download "linux-image-$rel-dbg" "$ver" "$dir/deb"
		rm -rf "$dir/dbg"
		mkdir -p "$dir/dbg"
		# tar stops at the members; dpkg-deb then fails on the closed pipe.
		dpkg-deb --fsys-tarfile "$dir"/deb/*.deb 2> /dev/null |
			tar -x -C "$dir/dbg" --occurrence=1 "$member" "$vmlinux" 2> /dev/null || true
		[ -s "$dir/dbg/$member" ] ||
			die "$EXIT_BUILD" "linux-image-$rel-dbg has no $member"
		distro_keep_notes "$dir/dbg/$vmlinux" "$dir/vmlinux-notes-$rel"
		run objcopy --strip-debug "$dir/dbg/$vmlinux" "$dir/vmlinux-syms-$rel.tmp" ||
			die "$EXIT_BUILD" "objcopy could not strip $vmlinux (see the log); check the space in $dir"
		mv -f "$dir/vmlinux-syms-$rel.tmp" "$dir/vmlinux-syms-$rel"
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

# The vmlinux whose symbols the differ reads: the installed -dbg
# package's, or the one distro_system_map kept.
distro_vmlinux_symbols() {
	local rel=$1 dir=$2
	case $system_map in
	/usr/lib/debug/*) printf '%s\n' "/usr/lib/debug/boot/vmlinux-$rel" ;;
	*) printf '%s\n' "$dir/vmlinux-syms-$rel" ;;
	esac
}

# The image the manifest's build id is read from: the installed -dbg
# package's vmlinux, or the notes distro_system_map kept.
distro_kernel_notes() {
	local rel=$1 dir=$2
	case $system_map in
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
	[ -n "$distro_root" ] || distro_check_host_compiler "$want"
	have=$(in_build_root "$distro_cc" --version 2> /dev/null | head -n 1) || true
	[ -n "$have" ] ||
		die "$EXIT_USAGE" "the image was built by \"$want\"; the $series_build_root build root $distro_root has no $distro_cc: remove it, and klp-build makes it again"
	[ "$have" = "$want" ] ||
		die "$EXIT_USAGE" "the image was built by \"$want\" but $distro_cc ${distro_root:+in the build root }is \"$have\"; $(distro_compiler_advice)"
	# The /proc/version banner names the compiler through compile.h.
	banner=$(sed -n 's/^#define LINUX_COMPILER "\(.*\)"$/\1/p' "$hdr/include/generated/compile.h" 2> /dev/null || true)
	[ -z "$banner" ] || [[ $banner == "$want,"* ]] ||
		die "$EXIT_USAGE" "$hdr/include/generated/compile.h names compiler \"$banner\", not \"$want\"; the headers package does not match its config"
	if [ "$(uname -r)" = "$distro_release" ] && ! grep -qF "$want" /proc/version; then
		die "$EXIT_USAGE" "/proc/version does not name \"$want\": the running kernel is not the packaged $distro_release"
	fi
}

distro_check_host_compiler() {
	command -v "$distro_cc" > /dev/null ||
		die "$EXIT_USAGE" "the image was built by \"$1\"; $distro_cc is not installed here (apt-get install ${distro_cc})"
}

distro_compiler_advice() {
	if [ -n "$distro_root" ]; then
		printf 'remove the build root %s to make it again with %s'"'"'s current gcc (if %s has moved on, no build of this image'"'"'s release can match it)' "$distro_root" "$series_build_root" "$series_build_root"
	else
		printf 'install that gcc version (or build on a machine of the same Debian release)'
	fi
}

distro_make() {
	run in_build_root nice make -C "$srcdir" KERNELRELEASE="$distro_release" CC="$distro_cc" \
		"${series_make_vars[@]}" "$@"
}

# Runs a command where the target kernel's compiler is: in the series'
# build root (with the release's cache, the scratch directory, the
# module templates, the signing key's directory and distro_binds at
# their own paths), or here.
in_build_root() {
	local binds f
	if [ -z "$distro_root" ]; then
		"$@"
		return
	fi
	binds=("$distro_dir" "$scratch" "$templates" "${distro_binds[@]}")
	for f in "$sign_key" "$sign_cert"; do
		[ -z "$f" ] || binds+=("$(dirname "$(readlink -f -- "$f")")")
	done
	droot_run "$distro_root" "${binds[@]}" -- "$@"
}

# The build root of the series, made once (mmdebstrap, a few minutes).
distro_setup_root() {
	local cache
	distro_root=''
	[ -n "$series_build_root" ] || return 0
	{ command -v mmdebstrap && command -v bwrap; } > /dev/null ||
		die "$EXIT_USAGE" "a $series_build_root build root needs mmdebstrap and bwrap: apt-get install mmdebstrap bubblewrap uidmap"
	cache=$(distro_cache_root)
	if [ ! -f "$(droot_path "$cache" "$series_build_root")/.klp-build-root" ]; then
		msg "       making the $series_build_root build root once (mmdebstrap; a few minutes), log: $logfile"
	fi
	distro_root=$(droot_make "$cache" "$series_build_root" 2>> "$logfile") ||
		die "$EXIT_BUILD" "making the $series_build_root build root failed (see the log); check the network$( [ "$(id -u)" = 0 ] || printf ', and that /etc/subuid and /etc/subgid give %s a range (mmdebstrap --mode=unshare needs one)' "$(id -un)")"
}

# Unpacks the source tarball into directory $3: the installed one, or
# the one in the release's own linux-source package (streamed, never
# installed: another version may be apt's candidate).
distro_unpack_source() {
	local dir=$1 ver=$2 into=$3 member=./usr/src/$series_source_pkg.tar.xz
	if [ "$series_source" = installed ] && [ "$(distro_installed_version "$series_source_pkg")" = "$ver" ]; then
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

# For an -rt-amd64 release of a series whose source lacks PREEMPT_RT
# (series_rt_patches): the patch set Debian applies for that flavour
# alone, debian/patches-rt of the linux source package of version $2,
# applied to source tree $3. Only the package's debian.tar.xz is
# fetched, through private deb-src lists, its hash checked by apt.
distro_apply_rt_patches() {
	local dir=$1 ver=$2 src=$3 uri file size hash p n=0
	[[ $distro_release == *-rt-amd64 ]] && [ "${series_rt_patches:-}" = debian-source ] || return 0
	distro_private_lists "$series_suite" deb-src
	read -r uri file size hash < <(apt-get "${distro_private_opts[@]}" source --print-uris "linux=$ver" 2>> "$logfile" |
		grep "^'[^ ]*_$ver\.debian\.tar\.xz' ") || true
	[ -n "${hash:-}" ] ||
		die "$EXIT_USAGE" "apt has no source package linux $ver in $series_suite's deb-src lists: its PREEMPT_RT patches (debian/patches-rt), which linux-source-6.1 lacks, cannot be fetched"
	msg "       fetching $file ($size bytes; the PREEMPT_RT patches of $distro_release)"
	mkdir -p "$dir/deb"
	run /usr/lib/apt/apt-helper "${distro_private_opts[@]}" download-file "${uri//\'/}" "$dir/deb/$file" "$hash" ||
		die "$EXIT_BUILD" "downloading ${uri//\'/} failed (see the log); check the network"
	run tar -xJf "$dir/deb/$file" -C "$dir/deb" debian/patches-rt ||
		die "$EXIT_BUILD" "$file has no debian/patches-rt"
	while read -r p; do
		case $p in
		'' | \#*) continue ;;
		esac
		run patch -p1 -s -f -d "$src" -i "$dir/deb/debian/patches-rt/$p" ||
			die "$EXIT_BUILD" "PREEMPT_RT patch $p of linux $ver does not apply to $series_source_pkg $ver (see the log)"
		n=$((n + 1))
	done < "$dir/deb/debian/patches-rt/series"
	log "applied $n PREEMPT_RT patches"
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
	distro_apply_rt_patches "$dir" "$ver" "$tmp/$series_source_pkg"
	mv "$tmp" "$dir/src"
	cp "$hdr/.config" "$srcdir/.config"
	distro_make olddefconfig || die "$EXIT_BUILD" "make olddefconfig failed (see the log)"
	distro_make -j"$jobs" modules_prepare || die "$EXIT_BUILD" "make modules_prepare failed (see the log)"
	cmp -s "$srcdir/include/generated/autoconf.h" "$hdr/include/generated/autoconf.h" ||
		die "$EXIT_BUILD" "the prepared config differs from linux-headers-$distro_release's (diff $srcdir/include/generated/autoconf.h $hdr/include/generated/autoconf.h); a missing tool changed it (pahole: apt-get install dwarves)"
	printf '%s\n' "$want" > "$stamp"
}

# The series, the release (--release, else the installed source's) and
# its package version (distro_version), and the release's cache
# (distro_dir), locked: one klp-build at a time prepares and compiles in
# the shared source.
distro_find_series() {
	command -v dpkg-query > /dev/null || die "$EXIT_USAGE" "--distro needs a Debian system (dpkg, apt)"
	distro_select_series
	distro_apt_setup
	if [ "$series_source" = installed ] && [ -z "$distro_release" ]; then
		distro_version=$(distro_source_version)
		distro_release=$(distro_find_release "$distro_version")
	else
		distro_version=$(distro_release_version "$distro_release")
	fi
	[[ $distro_release =~ $series_release_re ]] ||
		die "$EXIT_USAGE" "--release $distro_release: expected $series_release_form"
	distro_dir=$(distro_cache_root)/$distro_release
	mkdir -p "$distro_dir" || die "$EXIT_USAGE" "cannot create the cache $distro_dir (set KLP_CACHE_DIR)"
	exec {distro_lock}> "$distro_dir/.lock"
	flock "$distro_lock"
}

# Everything --distro needs, fetched and prepared; sets srcdir and the
# files klp-build reads in place of a built tree's.
distro_prepare() {
	local ver dir hdr
	[ -z "$srcdir" ] || die "$EXIT_USAGE" "--distro takes the source from Debian's linux-source package: give no -s"
	distro_find_series
	ver=$distro_version dir=$distro_dir
	msg "       --distro: Debian $distro_release from $series_source_pkg $ver (series $distro_series)"
	distro_setup_root
	hdr=$(distro_headers "$distro_release" "$ver" "$dir")
	distro_check_compiler "$hdr"
	distro_image=$(distro_image_dir "$distro_release" "$ver" "$dir")
	distro_prepare_source "$dir" "$ver" "$hdr"
	system_map=$(distro_system_map "$distro_release" "$ver" "$dir")
	vmlinux_syms=$(distro_vmlinux_symbols "$distro_release" "$dir")
	kernel_notes=$(distro_kernel_notes "$distro_release" "$dir")
	symvers=$hdr/Module.symvers
	kbuild_tree=$hdr
	msg "       target kernel: $(target_kernel_image)"
}

# --distccd ARGS...: distccd (ARGS are its options) run where the
# release's compiler is, for the clients that build it with
# --cc-wrapper distcc: in the series' build root, made by the same
# recipe as the clients' (so its gcc is the same binary version), with
# this machine's network. distcc compares no compilers: the check of a
# build (the headers' CONFIG_CC_VERSION_TEXT against that gcc's
# --version) is made here too, before serving. The release's cache is
# left unlocked while it serves: builds go on beside it.
distro_distccd() {
	local hdr
	distro_find_series
	msg "       --distccd: Debian $distro_release's compiler (series $distro_series)"
	distro_setup_root
	hdr=$(distro_headers "$distro_release" "$distro_version" "$distro_dir")
	distro_check_compiler "$hdr"
	distro_check_distccd
	exec {distro_lock}>&-
	msg "       serving compiles with $distro_cc${distro_root:+ from the build root $distro_root}: distccd $*"
	phase=distccd
	state_save
	in_build_root env TMPDIR=/tmp distccd "$@" ||
		die "$EXIT_BUILD" "distccd exited with status $?; see its messages above (distccd --help lists its options)"
}

# distccd runs only the compilers its whitelist (/usr/lib/distcc)
# names: the image's must be there, where distccd runs.
distro_check_distccd() {
	in_build_root sh -c 'command -v distccd' > /dev/null 2>&1 ||
		die "$EXIT_USAGE" "--distccd: distccd is not in $(distro_where); $(distro_remake_advice 'apt-get install distcc')"
	in_build_root test -e "/usr/lib/distcc/$distro_cc" ||
		die "$EXIT_USAGE" "--distccd: /usr/lib/distcc/$distro_cc is missing in $(distro_where), so distccd would refuse the image's compiler; $(distro_remake_advice 'update-distcc-symlinks')"
}

# Where the release's compiles run, for a message.
distro_where() {
	if [ -n "$distro_root" ]; then
		printf 'the %s build root %s' "$series_build_root" "$distro_root"
	else
		printf 'this machine'
	fi
}

# distro_remake_advice HOST_FIX: what makes distro_where right.
distro_remake_advice() {
	if [ -n "$distro_root" ]; then
		printf 'remove the build root, and klp-build makes it again with distcc'
	else
		printf 'run %s (as root)' "$1"
	fi
}

# Compiles each touched C file with kbuild, which records its command
# (.cmd) for the fast path. The prepared source is never patched (the
# patched files go to the overlay), so an object built by an earlier run
# is still right.
distro_build_objects() {
	local f obj
	while IFS= read -r f; do
		case $f in
		*.h)
			distro_select_header "$f"
			continue
			;;
		*.c) ;;
		*) continue ;;
		esac
		obj=${f%.c}.o
		[ -f "$(cmd_file "$obj")" ] && continue
		if ! distro_make "$obj"; then
			die "$EXIT_BUILD" "compiling $obj in the prepared source failed (see the log)"
		fi
	done < <(changed_files)
	distro_build_header_objects
	# The entry-size probe borrows init/main.o's recorded command.
	if [ ! -f "$srcdir/init/.main.o.cmd" ] && ! distro_make init/main.o; then
		die "$EXIT_BUILD" "compiling init/main.o in the prepared source failed (see the log)"
	fi
}

# The stock .ko of module $1 (KBUILD_MODNAME) that object $2 is part of.
distro_module_of_object() {
	local modname=$1 obj=$2 ko best mods packed
	mods=${distro_image%/}/$series_modules_dir/$distro_release
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

# The functions the differ found changed in object $1 (none when it had
# no diff, as an object without a change has not).
distro_changed_functions() {
	local i
	for i in "${!fn_kind[@]}"; do
		[ "${fn_obj[i]}" != "$1" ] || [ "${fn_kind[i]}" != changed ] ||
			printf '%s\n' "${fn_name[i]}"
	done
}

# klp-verify's options: System.map, and for each object its module's
# stock .ko and its original as compiled here, and its changed functions.
distro_verify_args() {
	local obj mod f
	local -A stock=()
	printf '%s\n' --map "$system_map" --source-package "$series_source_pkg"
	for obj in "${objects[@]}"; do
		mod=${obj_module[$obj]}
		if [ "$mod" != vmlinux ]; then
			[ -n "${stock[$mod]:-}" ] || printf '%s\n' --module "$mod=${obj_ko[$obj]}"
			stock[$mod]=1
			printf '%s\n' --orig "$mod=$scratch/orig/$obj"
		fi
		while read -r f; do
			printf '%s\n' --changed "$mod:$obj:$f"
		done < <(distro_changed_functions "$obj")
	done
	# Other modules whose exports patched code calls (.klp.sym.MOD.NAME,0).
	for obj in "${objects[@]}"; do
		[ -f "$(diff_out "$obj").stdout" ] || continue
		while read -r mod; do
			[ "$mod" = vmlinux ] || [ -n "${stock[$mod]:-}" ] || [ -z "$mod" ] && continue
			printf '%s\n' --module "$mod=$(distro_module_of_object "$mod" '')"
			stock[$mod]=1
		done < <(sed -n 's/^klp symbol: \.klp\.sym\.\([^.]*\)\..*/\1/p' "$(diff_out "$obj").stdout")
	done
}

# Checked again on the finished module, not trusted from the differ: each
# patched function and each klp symbol is in System.map (vmlinux) or the
# stock .ko (a module), with a position that names one symbol and the
# size compiled here (klp-verify; its message is the error's).
distro_verify_module() {
	local ko=$1 args=() out rc=0
	mapfile -t args < <(distro_verify_args)
	log "+ $tools_dir/klp-verify ${args[*]} $ko"
	out=$("$tools_dir/klp-verify" "${args[@]}" "$ko" 2>&1) || rc=$?
	[ -z "$out" ] || log "$out"
	[ "$rc" = 0 ] || die "$EXIT_BUILD" "${out#klp-verify: }"
}

# ---- klp-build --distro --list-releases ----

# Every release of every series apt has now, one a line (see
# klp-build(1), --list-releases): RELEASE FLAVOUR VERSION COMPILER
# CACHED SERIES ROOT, separated by tabs. VERSION is the package
# version --release would build from, "-" when no version has all the
# packages.
distro_list_releases() {
	local f
	for f in "$awk_dir"/series/*; do
		# shellcheck source=kmod-builder/series/6.1
		. "$f"
		distro_series=${f##*/}
		distro_apt_setup
		distro_series_releases
	done
}

# The current series' releases: the columns of distro_list_releases.
distro_series_releases() {
	local rels=() rel pkgs=() cache
	mapfile -t rels < <(distro_apt_cache search --names-only '^linux-image-.*-unsigned$' 2> /dev/null |
		sed -n 's/^linux-image-\([^ ]*\)-unsigned - .*/\1/p' | grep -E -- "$series_release_re" | sort -V)
	[ "${#rels[@]}" -gt 0 ] || return 0
	for rel in "${rels[@]}"; do
		pkgs+=("linux-image-$rel-unsigned" "linux-headers-$rel" "linux-image-$rel-dbg")
	done
	cache=$(distro_cache_root)
	{
		distro_apt_cache madison "$series_source_pkg" "${pkgs[@]}" 2> /dev/null |
			awk -F' [|] ' '{ gsub(/ /, "", $1); print "V", $1, $2 }'
		distro_apt_cache show "${pkgs[@]}" 2> /dev/null | awk '
			/^Package: linux-headers-/ { p = $2 }
			/^Depends: / && p != "" {
				cc = "-"
				if (match($0, /gcc-[0-9]+/)) cc = substr($0, RSTART, RLENGTH)
				print "C", p, cc; p = ""
			}'
		for rel in "${rels[@]}"; do
			printf 'R %s %s\n' "$rel" "$(cut -d' ' -f1 "$cache/$rel/src/.prepared" 2> /dev/null)"
		done
	} | awk -v src="$series_source_pkg" -v series="$distro_series" \
		-v root="${series_build_root:+$series_build_root-root}" -f <(distro_releases_awk)
}

# Joins apt's versions (V PACKAGE VERSION, newest first), the headers'
# compilers (C PACKAGE gcc-N) and the cache (R RELEASE PREPARED-VERSION)
# into the lines of distro_list_releases.
distro_releases_awk() {
	cat <<'AWK'
$1 == "V" { has[$2 " " $3] = 1; if (!(($2 " " $3) in seen)) { seen[$2 " " $3] = 1; vers[$2] = vers[$2] " " $3 } }
$1 == "C" { if (!($2 in cc)) cc[$2] = $3 }
$1 == "R" {
	rel = $2; img = "linux-image-" rel "-unsigned"; ver = "-"
	n = split(vers[img], v, " ")
	for (i = 1; i <= n; i++)
		if (has[src " " v[i]] && has["linux-headers-" rel " " v[i]] && has["linux-image-" rel "-dbg " v[i]]) { ver = v[i]; break }
	flavour = rel ~ /-cloud-amd64$/ ? "cloud-amd64" : rel ~ /-rt-amd64$/ ? "rt-amd64" : "amd64"
	c = ("linux-headers-" rel) in cc ? cc["linux-headers-" rel] : "-"
	cached = ($3 != "" && $3 == ver) ? "yes" : "no"
	printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", rel, flavour, ver, c, cached, series, root == "" ? "host" : root
}
AWK
}
