#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build-kernel.sh [--series | --612]
#
# Builds, once, the Debian 6.1 kernel tree that the in-VM tests boot and
# that klp-build later diffs against. The tree is configured and built in
# place (no O=) because klp-build reads the .*.o.cmd files kbuild leaves
# next to each object. Progress goes to stderr; the only stdout line is the
# absolute path of the built tree, so callers can do tree=$(build-kernel.sh).
#
# --series  build "linux-6.1-series": a copy of the built plain "linux-6.1"
#           with kernel/series applied and rebuilt incrementally, so only
#           what the patches touch is compiled again. Its in-tree livepatch
#           modules are converted with KLP_CONVERT.
# --612     build "linux-6.12" from Debian's linux-source-6.12 with
#           kernel.config and kernel-6.12.config (IBT, call padding): the
#           tree `klp-build -s` is proven on for 6.12 (make check-kernel-612).
# Env: KLP_CACHE_DIR (default <repo>/.cache); KLP_CONVERT (--series only,
# default <repo>/build/klp-convert).
# A rebuild (when an input changed) deletes the tree first; a process that
# uses the tree can hold `flock -s <cache>/<tree>.lock` meanwhile, and a
# rebuild waits for it.
set -euo pipefail
shopt -s inherit_errexit

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(git -C "$here" rev-parse --show-toplevel 2>/dev/null || dirname "$here")
cache=${KLP_CACHE_DIR:-$repo/.cache}
source_package=linux-source-6.1
tarball=/usr/src/$source_package.tar.xz
fragment=$here/kernel.config
# --612: kernel.config without its "#drop" options, then this file.
fragment_612=$here/kernel-6.12.config
series_dir=$repo/kernel
series_file=$series_dir/series
stamp_name=.klp-testbed-stamp
convert_stamp_name=.klp-testbed-klp-convert
applied_name=.klp-testbed-applied
klp_convert=${KLP_CONVERT:-$repo/build/klp-convert}
# Bump when the way the plain tree is configured or built changes. The
# script's own text is not hashed: edits that do not change the tree (the
# series variant, messages) must not cost a full rebuild.
recipe_version=1
variant=plain tree='' stamp=''
# Fixed so two builds of the same inputs give the same vmlinux strings.
build_env=(KBUILD_BUILD_TIMESTAMP='Sun Jan  1 00:00:00 UTC 2023'
	KBUILD_BUILD_USER=klp-build KBUILD_BUILD_HOST=klp-testbed
	KBUILD_BUILD_VERSION=1)
packages=(linux-source-6.1 qemu-system-x86 busybox-static bc bison flex
	libssl-dev libelf-dev cpio kmod gcc make patch xz-utils)

say() {
	printf 'build-kernel: [%4ss] %s\n' "$SECONDS" "$*" >&2
}

die() {
	say "error: $*"
	exit 1
}

usage() {
	printf 'usage: %s [--series | --612]\n' "${0##*/}" >&2
	exit 2
}

# One dpkg-query for all packages: this runs on every cached build too.
missing_packages() {
	local installed
	installed=$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' \
		"${packages[@]}" 2>/dev/null | awk '$2 == "installed" { print $1 }' || true)
	printf '%s\n' "${packages[@]}" |
		awk 'NR == FNR { ok[$0] = 1; next } !($0 in ok)' <(printf '%s\n' "$installed") -
}

install_missing_packages() {
	local missing
	mapfile -t missing < <(missing_packages)
	[ ${#missing[@]} -eq 0 ] && return 0
	say "installing missing packages: ${missing[*]}"
	apt-get update >&2 || die "apt-get update failed"
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
		"${missing[@]}" >&2 || die "apt-get install ${missing[*]} failed"
}

# Prints the patch file names listed in kernel/series, comments stripped.
series_patches() {
	[ -f "$series_file" ] || return 0
	sed -e 's/#.*//' -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' \
		-e '/^$/d' "$series_file"
}

# Everything that should force a rebuild of the plain tree when it changes.
compute_stamp() {
	{
		# The 6.1 tree's stamp is unchanged by the 6.12 variant.
		if [ "$source_package" = linux-source-6.1 ]; then
			printf 'variant plain\n'
		else
			printf 'variant plain %s\n' "$source_package"
		fi
		printf '%s %s\n' "$source_package" \
			"$(dpkg-query -W -f='${Version}' "$source_package")"
		printf 'recipe %s\n' "$recipe_version"
		sha256sum "$fragment" | cut -d' ' -f1
	} | sha256sum | cut -d' ' -f1
}

# The series tree is derived from the plain one: its stamp is the plain
# tree's stamp and the series with every patch it lists. The series only
# counts here, so editing it does not rebuild the plain tree.
compute_series_stamp() {
	local plain_stamp=$1 p
	{
		printf 'variant series\nplain %s\n' "$plain_stamp"
		if [ -f "$series_file" ]; then
			sha256sum "$series_file" | cut -d' ' -f1
			series_patches | while IFS= read -r p; do
				sha256sum "$series_dir/$p" | cut -d' ' -f1
			done
		fi
	} | sha256sum | cut -d' ' -f1
}

# klp-convert is a tool, not a source of the tree: a new one relinks the
# livepatch modules in place (kbuild makes them depend on it).
klp_convert_stamp() {
	printf '%s %s\n' "$klp_convert" "$(sha256sum <"$klp_convert" | cut -d' ' -f1)"
}

check_series() {
	local p
	while IFS= read -r p; do
		[ -f "$series_dir/$p" ] ||
			die "kernel/series lists $p, which does not exist"
	done < <(series_patches)
}

is_up_to_date() {
	local tree=$1 stamp=$2
	[ -f "$tree/arch/x86/boot/bzImage" ] &&
		[ "$(cat "$tree/$stamp_name" 2>/dev/null)" = "$stamp" ]
}

# The series tree also needs its livepatch modules converted by the
# current klp-convert.
is_converted() {
	[ "$(cat "$1/$convert_stamp_name" 2>/dev/null)" = "$(klp_convert_stamp)" ]
}

# lock_tree shared|exclusive: checks share the lock, a rebuild holds it
# alone (it deletes the tree). Released when we exit.
lock_tree() {
	local mode=$1
	if ! flock -n "--$mode" "$lock_fd"; then
		say "waiting for the $lock_file lock ($mode)"
		flock "--$mode" "$lock_fd"
	fi
}

unpack() {
	local tree=$1 tmp
	say "unpacking $tarball into $tree"
	rm -rf "$tree" "$tree.unpack"
	tmp=$tree.unpack
	mkdir -p "$tmp"
	tar -xf "$tarball" -C "$tmp" --strip-components=1 --no-same-owner ||
		die "cannot unpack $tarball"
	# -T: fail rather than nest if something recreated $tree meanwhile.
	mv -T "$tmp" "$tree" ||
		die "cannot move the new tree to $tree (is another process using it?)"
}

apply_series() {
	local tree=$1 p n=0
	while IFS= read -r p; do
		say "applying kernel/$p"
		patch -d "$tree" -p1 --forward --no-backup-if-mismatch -s \
			-i "$series_dir/$p" >&2 ||
			die "kernel/$p does not apply"
		n=$((n + 1))
	done < <(series_patches)
	[ "$n" -gt 0 ] || say "kernel/series is empty or absent: nothing to apply"
}

# Lines of the fragment that must be in .config as written (numbers too:
# FUNCTION_PADDING_BYTES=16).
wanted_options() {
	grep -E '^CONFIG_[A-Za-z0-9_]+=([ym]|[0-9]+)$' "$fragment"
}

# merge_612_fragment OUT: kernel.config without the options that
# kernel-6.12.config drops ("#drop CONFIG_X": renamed or removed since
# 6.1), then kernel-6.12.config.
merge_612_fragment() {
	local out=$1 drops
	drops=$(sed -n 's/^#drop \(CONFIG_[A-Za-z0-9_]*\)$/\1/p' "$fragment_612")
	{
		awk 'NR == FNR { drop[$0] = 1; next }
			{ name = $0; sub(/^# /, "", name); sub(/[= ].*/, "", name) }
			!(name in drop)' <(printf '%s\n' "$drops") "$here/kernel.config"
		cat "$fragment_612"
	} >"$out"
}

# Options the fragment turns off ("# CONFIG_X is not set").
unwanted_options() {
	sed -n 's/^# \(CONFIG_[A-Za-z0-9_]*\) is not set$/\1/p' "$fragment"
}

verify_config() {
	local tree=$1 opt name bad=()
	while IFS= read -r opt; do
		grep -qxF "$opt" "$tree/.config" || bad+=("$opt")
	done < <(wanted_options)
	grep -qx 'CONFIG_LIVEPATCH=y' "$tree/.config" ||
		bad+=("CONFIG_LIVEPATCH=y")
	while IFS= read -r opt; do
		! grep -qE "^$opt=[ym]$" "$tree/.config" || bad+=("# $opt is not set")
	done < <(unwanted_options)
	[ ${#bad[@]} -eq 0 ] && return 0
	for opt in "${bad[@]}"; do
		name=$(grep -oE 'CONFIG_[A-Za-z0-9_]+' <<<"$opt")
		say "kernel.config wants '$opt', .config has:" \
			"$(grep -E "^(# )?${name}[= ]" "$tree/.config" || echo nothing)"
	done
	die "kernel.config options did not survive; check their dependencies"
}

configure() {
	local tree=$1 log=$2
	say "configuring (tinyconfig + ${fragment#"$here"/})"
	{
		make -C "$tree" tinyconfig &&
			(cd "$tree" && scripts/kconfig/merge_config.sh -m .config "$fragment") &&
			make -C "$tree" olddefconfig
	} >>"$log" 2>&1 || build_failed "$log"
	verify_config "$tree"
}

build_failed() {
	local log=$1
	say "failed; last 30 lines of $log:"
	tail -n 30 "$log" >&2
	die "see $log"
}

# build TREE LOG [MAKE VARIABLES...]
build() {
	local tree=$1 log=$2 jobs
	shift 2
	jobs=$(nproc)
	say "building bzImage modules with -j$jobs (log: $log)"
	env "${build_env[@]}" make -C "$tree" -j"$jobs" "$@" bzImage modules \
		>>"$log" 2>&1 || build_failed "$log"
}

# copy_plain PLAIN TREE: a copy of the built plain tree at TREE. Kbuild's
# .cmd files name sources relatively, except objtool's (tools/ build),
# which name PLAIN: those are pointed at the copy.
copy_plain() {
	local plain=$1 tree=$2 tmp=$2.copy plain_fd from to
	say "copying $plain to $tree"
	rm -rf "$tree" "$tmp"
	exec {plain_fd}<"$plain.lock"
	flock -s "$plain_fd"
	cp -a "$plain" "$tmp" || die "cannot copy $plain to $tmp"
	exec {plain_fd}<&-
	rm -rf "${tmp:?}/$stamp_name" "${tmp:?}/$applied_name"
	from=$(realpath "$plain")/ to=$(realpath -m "$tree")/
	grep -rlZF --include='*.cmd' --include='*.d' -e "$from" "$tmp" |
		xargs -0 -r sed -i "s|$from|$to|g" ||
		die "cannot point the .cmd files of $tmp at $tree"
	mv -T "$tmp" "$tree" ||
		die "cannot move the copy to $tree (is another process using it?)"
}

build_plain() {
	local tree=$1 log=$2
	unpack "$tree"
	configure "$tree" "$log"
	build "$tree" "$log"
}

# record_applied TREE PLAIN_STAMP: what revert_applied needs later.
record_applied() {
	local tree=$1 p
	rm -rf "${tree:?}/$applied_name"
	mkdir -p "$tree/$applied_name"
	series_patches >"$tree/$applied_name/series"
	while IFS= read -r p; do
		cp "$series_dir/$p" "$tree/$applied_name/"
	done <"$tree/$applied_name/series"
	printf '%s\n' "$2" >"$tree/$applied_name/base"
}

# revert_applied TREE PLAIN_STAMP: takes the patches TREE had out again,
# last first, if TREE was derived from this plain build. Fails (and the
# tree is copied again) when anything does not revert cleanly.
revert_applied() {
	local tree=$1 dir=$1/$applied_name p
	[ "$(cat "$dir/base" 2>/dev/null)" = "$2" ] || return 1
	say "reverting the patches $tree had"
	while IFS= read -r p; do
		patch -d "$tree" -p1 -R --no-backup-if-mismatch -s -i "$dir/$p" >&2 ||
			return 1
	done < <(tac "$dir/series")
	rm -rf "$dir"
}

# build_series PLAIN TREE LOG: derived from the plain tree (the copy is
# kept when only the series or klp-convert changed since TREE was built).
build_series() {
	local plain=$1 tree=$2 log=$3 plain_stamp
	plain_stamp=$(cat "$plain/$stamp_name")
	if ! is_up_to_date "$tree" "$stamp"; then
		rm -f "$tree/$stamp_name"
		revert_applied "$tree" "$plain_stamp" ||
			copy_plain "$plain" "$tree"
		apply_series "$tree"
		record_applied "$tree" "$plain_stamp"
	fi
	rm -f "$tree/$convert_stamp_name"
	build "$tree" "$log" KLP_CONVERT="$klp_convert"
	klp_convert_stamp >"$tree/$convert_stamp_name"
}

up_to_date() {
	is_up_to_date "$tree" "$stamp" &&
		{ [ "$variant" = plain ] || is_converted "$tree"; }
}

main() {
	local name=linux-6.1 log start plain='' lock_file
	case ${1:-} in
	--series) variant=series name=linux-6.1-series ;;
	--612)
		name=linux-6.12 source_package=linux-source-6.12
		tarball=/usr/src/$source_package.tar.xz
		packages=("${packages[@]/#linux-source-6.1/$source_package}")
		;;
	'') ;;
	*) usage ;;
	esac
	[ $# -le 1 ] || usage

	install_missing_packages
	mkdir -p "$cache"
	cache=$(cd "$cache" && pwd)
	tree=$cache/$name
	log=$cache/$name.build.log
	lock_file=$cache/$name.lock

	if [ "$source_package" != linux-source-6.1 ]; then
		fragment=$cache/$name.config
		merge_612_fragment "$fragment.tmp"
		mv -f "$fragment.tmp" "$fragment"
	fi
	stamp=$(compute_stamp)
	if [ "$variant" = series ]; then
		check_series
		[ -x "$klp_convert" ] ||
			die "no klp-convert at $klp_convert: run make, or set KLP_CONVERT"
		klp_convert=$(realpath "$klp_convert")
		plain=$("${BASH_SOURCE[0]}") || die "cannot build the plain tree"
		stamp=$(compute_series_stamp "$(cat "$plain/$stamp_name")")
	fi
	exec {lock_fd}>"$lock_file"
	lock_tree shared
	up_to_date || lock_tree exclusive
	# Checked again: another process may have built it while we waited.
	if up_to_date; then
		say "$tree is up to date"
		printf '%s\n' "$tree"
		return 0
	fi

	start=$SECONDS
	: >"$log"
	if [ "$variant" = plain ]; then
		build_plain "$tree" "$log"
	else
		build_series "$plain" "$tree" "$log"
	fi
	printf '%s\n' "$stamp" >"$tree/$stamp_name"
	say "built $tree in $((SECONDS - start)) s"
	printf '%s\n' "$tree"
}

main "$@"
