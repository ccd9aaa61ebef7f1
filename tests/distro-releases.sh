#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# klp-build --distro --list-releases (its columns, the releases and
# flavours check-distro built, cached), the errors for a release apt
# does not have and for one whose packages apt has only at versions
# that do not go together, and the build root for a user who is not
# root (mmdebstrap's unshare mode, bwrap in a user namespace).
#   tests/distro-releases.sh BUILD_DIR
# Part of make check-distro, after the suites that prepare the releases
# it expects cached (tests/check-distro.sh prints the summary).
set -euo pipefail

build=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"

export KLP_TOOLS_DIR=$build
export KLP_CACHE_DIR=${KLP_CACHE_DIR:-$top/.cache}
klp_build=$top/kmod-builder/klp-build
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
# Built and proven by tests/check-distro.sh before this runs.
cached=(6.1.0-57-amd64 6.1.0-57-cloud-amd64 6.1.0-50-rt-amd64
	6.12.95+deb12-amd64 6.12.117+deb13-amd64)

# Each line: 7 tab-separated columns, the flavour the release's own.
check_columns() {
	awk -F'\t' 'NF != 7 { print "line " NR " has " NF " columns: " $0; bad = 1 }
		$2 != "amd64" && $2 != "cloud-amd64" && $2 != "rt-amd64" { print "line " NR ": flavour " $2; bad = 1 }
		substr($1, length($1) - length($2) + 1) != $2 { print "line " NR ": " $1 " is not of flavour " $2; bad = 1 }
		$5 != "yes" && $5 != "no" { print "line " NR ": cached is " $5; bad = 1 }
		END { if (NR < 20) { print "only " NR " releases"; bad = 1 } exit bad }' "$1"
}

# check_line FILE RELEASE FLAVOUR COMPILER CACHED SERIES ROOT
check_line() {
	local f=$1 rel=$2 line
	shift 2
	line=$(awk -F'\t' -v r="$rel" '$1 == r' "$f")
	[ -n "$line" ] || { echo "no line for $rel"; return 1; }
	local col
	IFS=$'\t' read -ra col <<< "$line"
	[ "${col[1]} ${col[3]} ${col[4]} ${col[5]} ${col[6]}" = "$*" ] ||
		{ echo "$rel: got ${col[*]}, want flavour compiler cached series root: $*"; return 1; }
	[[ ${col[2]} =~ ^[0-9][0-9.]*-[0-9a-z~+.]+$ ]] || { echo "$rel: version ${col[2]}"; return 1; }
}

list_releases() {
	local out=$scratch/list rc=0 why rel
	"$klp_build" --distro --list-releases > "$out" 2> "$scratch/list.err" || rc=$?
	[ "$rc" = 0 ] || { t_fail list-releases "exit $rc: $(cat "$scratch/list.err")"; return; }
	why=$(check_columns "$out") || { t_fail list-releases/columns "$why"; return; }
	t_pass list-releases/columns
	why=''
	for rel in "${cached[@]}"; do
		case $rel in
		6.1.0-*-cloud-amd64) why+=$(check_line "$out" "$rel" cloud-amd64 gcc-12 yes 6.1 host) || true ;;
		6.1.0-*-rt-amd64) why+=$(check_line "$out" "$rel" rt-amd64 gcc-12 yes 6.1 host) || true ;;
		6.1.0-*) why+=$(check_line "$out" "$rel" amd64 gcc-12 yes 6.1 host) || true ;;
		*+deb12-amd64) why+=$(check_line "$out" "$rel" amd64 gcc-12 yes 6.12 host) || true ;;
		*+deb13-amd64) why+=$(check_line "$out" "$rel" amd64 gcc-14 yes 6.12-deb13 trixie-root) || true ;;
		esac
	done
	# A release no suite built is listed, not cached.
	why+=$(check_line "$out" 6.12.117+deb13-rt-amd64 rt-amd64 gcc-14 no 6.12-deb13 trixie-root) || true
	if [ -n "$why" ]; then t_fail list-releases/cached "$why"; else t_pass list-releases/cached; fi
}

# A release of a supported series that apt does not have: usage error
# naming the releases of that flavour apt has, with their versions.
unknown_release() {
	local rc=0 err=$scratch/unknown.err
	"$klp_build" --distro --release 6.1.0-52-cloud-amd64 -o "$scratch/out" \
		"$top/test-fixtures/kpatches/01-proc-string/1.patch" > /dev/null 2> "$err" || rc=$?
	if [ "$rc" = 2 ] && grep -q 'linux-image-6.1.0-52-cloud-amd64-unsigned is not known to apt' "$err" &&
		grep -q '6.1.0-56-cloud-amd64 (6.1.192-2)' "$err" && ! grep -q '6.1.0-56-amd64 ' "$err"; then
		t_pass distro-release/unknown
	else
		t_fail distro-release/unknown "exit $rc: $(cat "$err")"
	fi
}

# Release 6.1.0-56 as if apt had its image only at 6.1.192-3 (the
# installed source's version): the error names what apt has of each
# package, from apt itself.
version_mismatch() {
	local rc=0 out
	out=$(
		# shellcheck disable=SC2034 # read by klp-build-distro.sh
		awk_dir=$top/kmod-builder EXIT_USAGE=2
		# shellcheck disable=SC2317 # called by the sourced functions
		die() { printf '%s\n' "$2"; exit "$1"; }
		# shellcheck source=kmod-builder/klp-build-distro.sh
		. "$top/kmod-builder/klp-build-distro.sh"
		# shellcheck source=kmod-builder/series/6.1
		. "$top/kmod-builder/series/6.1"
		distro_version_mismatch 6.1.0-56-amd64 6.1.192-3
	) || rc=$?
	if [ "$rc" = 2 ] && [[ $out == *"linux-headers-6.1.0-56-amd64 at 6.1.192-2;"* ]] &&
		[[ $out == *"linux-source-6.1 at 6.1.192-3, 6.1.192-2, "*"6.1.170-3;"* ]] &&
		[[ $out == *"apt-get update cannot bring back"* ]]; then
		t_pass distro-release/version-mismatch
	else
		t_fail distro-release/version-mismatch "exit $rc: $out"
	fi
}

# Many of Debian 13's modules (those ld links from several objects)
# start with .note.gnu.property, not .text: the stock module case
# e1-module-note-first patched (decompressed in the cache) is one, so
# that case keeps proving klp-build reads such modules.
first_section_deb13() {
	local ko=$KLP_CACHE_DIR/distro/6.12.117+deb13-amd64/modules/fs/ecryptfs/ecryptfs.ko first
	first=$(readelf -SW "$ko" 2> /dev/null | sed -n 's/^ *\[ *1\] \([^ ]*\) .*/\1/p')
	if [ "$first" = .note.gnu.property ]; then
		t_pass "deb13: the patched stock module's first section is .note.gnu.property"
	else
		t_fail deb13/first-section "$ko: section 1 is ${first:-missing}, not .note.gnu.property"
	fi
}

main() {
	first_section_deb13
	list_releases
	unknown_release
	version_mismatch
	"$top/tests/build-root-user.sh" || t_fail build-root-user "tests/build-root-user.sh itself failed (above)"
}

main
