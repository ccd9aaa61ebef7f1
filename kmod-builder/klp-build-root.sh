# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
#
# Debian roots made with mmdebstrap, and build roots: a minimal root of
# another Debian release (its gcc, binutils and what kbuild needs), made
# once and cached, in which klp-build runs every compile and the module
# build for a kernel that release's compiler built. A module for
# Debian 13's kernel must come from Debian 13's gcc-14: another
# compiler emits other code for the same source.
#
# Sourced by klp-build-distro.sh (build roots) and by tests/deploy-root.sh
# (the suites' sources and the made-once cache entry). Needs only bash;
# the callers' die or their own error paths report failures.
#
# A build root works without root privileges: mmdebstrap's unshare mode
# makes it as a tar stream that the user unpacks (so every file is the
# user's own), and bwrap runs commands in it in a user namespace.

droot_mirror=http://deb.debian.org/debian
droot_security=http://deb.debian.org/debian-security
droot_keyring=/usr/share/keyrings/debian-archive-keyring.gpg

# What a build root holds beyond minbase: the release's default gcc (the
# series names the exact one), the tools kbuild runs for modules_prepare
# and a module build, pahole (CONFIG_PAHOLE_VERSION is part of the
# config), python3 for the scripts some kernels run, and ccache and
# distcc (client and distccd) for --ccache, --cc-wrapper distcc and
# --distccd: the root's own, in front of the root's own gcc.
droot_packages=gcc,libc6-dev,make,bc,bison,flex,libelf-dev,libssl-dev,xz-utils,zstd,dwarves,kmod,cpio,python3,ccache,distcc
# Bump when the recipe (packages, options) changes: cached roots are remade.
droot_recipe=2

# droot_sources SUITE: one-line apt sources of SUITE (main, its updates
# and its security archive), signed by Debian's archive keyring.
droot_sources() {
	local suite=$1 opt="[signed-by=$droot_keyring]"
	printf 'deb %s %s %s main\n' \
		"$opt" "$droot_mirror" "$suite" \
		"$opt" "$droot_mirror" "$suite-updates" \
		"$opt" "$droot_security" "$suite-security"
}

# droot_mmdebstrap MODE SUITE TARGET [OPTION...]: a minbase root of SUITE
# without documentation (TARGET - : a tar stream on stdout).
droot_mmdebstrap() {
	local mode=$1 suite=$2 target=$3 sources
	shift 3
	mapfile -t sources < <(droot_sources "$suite")
	mmdebstrap --variant=minbase --mode="$mode" \
		--dpkgopt='path-exclude=/usr/share/doc/*' \
		--dpkgopt='path-exclude=/usr/share/man/*' \
		--dpkgopt='path-exclude=/usr/share/locale/*' \
		--dpkgopt='path-exclude=/usr/share/info/*' \
		"$@" "$suite" "$target" "${sources[@]}"
}

# droot_once DIR MAKE [ARG...]: runs "MAKE DIR.tmp ARG..." to make DIR
# unless DIR exists, one process at a time (DIR.lock), and publishes
# DIR whole: an interrupted run leaves only DIR.tmp, remade next time.
droot_once() {
	local dir=$1 make=$2 lock
	shift 2
	mkdir -p "$(dirname "$dir")" || return
	exec {lock}> "$dir.lock" || return
	flock "$lock"
	if [ ! -d "$dir" ]; then
		rm -rf -- "$dir.tmp"
		if ! "$make" "$dir.tmp" "$@"; then
			rm -rf -- "$dir.tmp"
			exec {lock}>&-
			return 1
		fi
		mv -T -- "$dir.tmp" "$dir"
	fi
	exec {lock}>&-
}

# droot_unpack_root DIR SUITE: mmdebstrap's tar stream unpacked by this
# user (no device nodes: bwrap gives /dev), with what it was made from.
droot_unpack_root() {
	local dir=$1 suite=$2 mode=unshare tmp=/tmp
	# In unshare mode the root being made belongs to the user namespace's
	# subordinate ids, which cannot enter a directory private to this
	# user (klp-build's scratch directory, a home of mode 0700): mmdebstrap
	# makes it in the system's /tmp.
	[ "$(id -u)" != 0 ] || { mode=root tmp=${TMPDIR:-/tmp}; }
	mkdir -p "$dir"
	TMPDIR=$tmp droot_mmdebstrap "$mode" "$suite" - --include="$droot_packages" |
		tar -x -C "$dir" --exclude='./dev/*' || return
	[ -x "$dir/usr/bin/gcc" ] || return
	printf '%s %s\n' "$suite" "$droot_recipe" > "$dir/.klp-build-root"
}

# droot_path CACHE SUITE: where the build root of SUITE is (or would be).
droot_path() {
	printf '%s/roots/%s-%s\n' "$1" "$2" "$droot_recipe"
}

# droot_make CACHE SUITE: the build root of SUITE, made once (a few
# minutes, 400 MB); prints its directory. Roots of an older recipe are
# removed.
droot_make() {
	local cache=$1 suite=$2 dir old
	dir=$(droot_path "$cache" "$suite")
	[ -f "$dir/.klp-build-root" ] && { printf '%s\n' "$dir"; return; }
	for old in "$cache/roots/$suite"-*; do
		case $old in
		"$dir" | "$dir".*) ;;
		*) [ ! -d "$old" ] || rm -rf -- "$old" ;;
		esac
	done
	droot_once "$dir" droot_unpack_root "$suite" || return
	printf '%s\n' "$dir"
}

# droot_run ROOT BIND... -- COMMAND...: COMMAND in build root ROOT, in
# the current directory, with each BIND directory of this machine at
# its own path (read-write), in the current directory if it is in one
# of them (else in /). No PID namespace: klp-build's kbuild waits for
# klp-build's own PID. No network namespace: distcc and distccd use this
# machine's. /tmp is private, and open to all (distccd, started as root,
# runs as the root's distccd user). The root is read-only inside, so the
# mount points are made in it first.
droot_run() {
	local root=$1 args=() cwd=/
	shift
	while [ "$#" -gt 0 ] && [ "$1" != -- ]; do
		case $1 in
		/tmp/*) ;;
		*) [ -d "$root$1" ] || mkdir -p -- "$root$1" || return ;;
		esac
		args+=(--bind "$1" "$1")
		case $PWD/ in
		"${1%/}"/*) cwd=$PWD ;;
		esac
		shift
	done
	shift
	bwrap --ro-bind "$root" / --dev /dev --proc /proc --perms 1777 --tmpfs /tmp \
		"${args[@]}" --chdir "$cwd" --die-with-parent \
		--setenv PATH /usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin -- "$@"
}
