#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# A build root for a user who is not root: mmdebstrap's unshare mode
# makes it (a tar stream the user unpacks, every file the user's), bwrap
# runs trixie's gcc-14 in it in a user namespace, on a directory of the
# user's bound at its own path; and klp-build --distro --list-releases
# reads trixie's packages through its private apt lists, as that user.
# Run as root, it makes the user klpbuild-test (with /etc/subuid and
# /etc/subgid ranges, which useradd gives); run by another user, it is
# that user. The root is cached in $KLP_CACHE_DIR/build-root-USER/distro/,
# where that user's klp-build (tests/distro-user-build.sh) finds it.
#   tests/build-root-user.sh   (from tests/distro-releases.sh)
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"
export KLP_CACHE_DIR=${KLP_CACHE_DIR:-$top/.cache}
test_user=klpbuild-test

make_user() {
	[ "$(id -u)" = 0 ] || { test_user=$(id -un); return; }
	id "$test_user" > /dev/null 2>&1 ||
		useradd --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$test_user"
	{ grep -q "^$test_user:" /etc/subuid && grep -q "^$test_user:" /etc/subgid; } ||
		usermod --add-subuids 200000-265535 --add-subgids 200000-265535 "$test_user"
}

# The user's cache, and a work directory of theirs outside /tmp (which
# bwrap's root makes private).
user_dirs() {
	cache=$KLP_CACHE_DIR/build-root-$test_user
	work=$cache/work
	mkdir -p "$work"
	[ "$(id -u)" != 0 ] || chown "$test_user:" "$cache" "$work"
	as_user rm -rf "$work/a" "$work/a.c"
}

# The script the user runs: the root made (once) and used, by the same
# functions klp-build uses.
user_script() {
	cat <<-'EOF2'
	set -euo pipefail
	# shellcheck disable=SC2034 # read by klp-build-root.sh
	awk_dir=$1
	. "$awk_dir/klp-build-root.sh"
	root=$(droot_make "$2/distro" trixie 2> "$2/mmdebstrap.log") || { cat "$2/mmdebstrap.log"; exit 1; }
	cd "$3"
	printf 'int main(void) { return 42; }\n' > a.c
	droot_run "$root" "$3" -- sh -c 'x86_64-linux-gnu-gcc-14 --version | head -n 1; gcc -o a a.c; ./a; echo "exit $?"; id -u'
	stat -c '%U' "$root/usr/bin/gcc-14"
	EOF2
}

main() {
	local out rc=0 want
	make_user
	user_dirs
	out=$(as_user bash -c "$(user_script)" build-root "$top/kmod-builder" "$cache" "$work" 2>&1) || rc=$?
	want="x86_64-linux-gnu-gcc-14 (Debian 14.2.0-19) 14.2.0
exit 42
$(id -u "$test_user")
$test_user"
	if [ "$rc" = 0 ] && [ "$out" = "$want" ]; then
		t_pass "build-root/$test_user: trixie's gcc-14 in a root of the user's own"
	else
		t_fail "build-root/$test_user" "exit $rc, want:
$want
got:
$out"
	fi
	rc=0
	out=$(as_user env KLP_CACHE_DIR="$cache" KLP_TOOLS_DIR="${KLP_TOOLS_DIR:-$top/build}" \
		"$top/kmod-builder/klp-build" --distro --list-releases 2>&1) || rc=$?
	if [ "$rc" = 0 ] && grep -qP '^6\.12\.117\+deb13-amd64\tamd64\t6\.12\.117-1\tgcc-14\t(yes|no)\t' <<< "$out"; then
		t_pass "build-root/$test_user: --list-releases through private apt lists"
	else
		t_fail "build-root/$test_user: --list-releases" "exit $rc: $(tail -n 5 <<< "$out")"
	fi
}

main
