#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# A whole klp-build --distro for Debian 13's kernel by a user who is not
# root, proven in qemu: the trixie build root made in mmdebstrap's
# unshare mode, trixie's packages read through private apt lists, the
# headers unpacked into the user's cache (never installed on the host),
# every compile in the root under bwrap, and --test booting Debian 13's
# own vmlinuz as that user. The user is tests/build-root-user.sh's
# (klpbuild-test when run as root); the cache is theirs, so a first run
# downloads and prepares the release (some 1.5 GB, about 10 minutes).
# Part of make check-distro (which prints the summary), and alone
# `make check-distro-user`.
#   tests/distro-user-build.sh [BUILD_DIR]
#   tests/distro-user-build.sh --prefetch [BUILD_DIR]: only the user's
#     root, downloads and preparation, with a comment-only patch (exit 3),
#     from check-distro.sh's prefetch.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
prefetch=0
[ "${1:-}" != --prefetch ] || { prefetch=1; shift; }
build=$(cd "${1:-$top/build}" && pwd)
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"
export KLP_CACHE_DIR=${KLP_CACHE_DIR:-$top/.cache}
test_user=klpbuild-test
release=6.12.117+deb13-amd64
patch=$top/test-fixtures/kpatches/01-proc-string/1.patch

# The user and their cache, as tests/build-root-user.sh makes them.
prepare_user() {
	if [ "$(id -u)" != 0 ]; then
		test_user=$(id -un)
	elif ! id "$test_user" > /dev/null 2>&1; then
		# Its results are its own run's (check-distro's), not this one's.
		KLP_RESULTS=/dev/null "$top/tests/build-root-user.sh" > /dev/null
	fi
	cache=$KLP_CACHE_DIR/build-root-$test_user
	out=$cache/work/user-build
	check=$cache/work/user-build-check.sh
	mkdir -p "$cache/work"
	[ "$(id -u)" != 0 ] || chown "$test_user:" "$cache" "$cache/work"
	as_user rm -rf "$out"
	# --test's script runs with the patch enabled; klp-build disables
	# and unloads it after.
	# shellcheck disable=SC2016 # expanded in the VM
	printf '%s\n' '#!/bin/sh' 'set -eu' '. /test/vm-lib.sh' \
		'assert_eq "patched /proc/cmdline" "klp-build was here" "$(head -n 1 /proc/cmdline)"' > "$check"
	[ "$(id -u)" != 0 ] || chown "$test_user:" "$check"
}

# What the host had of the release before: the user's build must not
# install or change it.
host_state() {
	dpkg-query -W -f='${Package} ${Version}\n' "linux-*$release*" 2> /dev/null | sort
	ls -d /usr/src/*"$release"* 2> /dev/null || true
}

# user_klp_build ARG...: klp-build --distro for the release, as the user,
# with the user's cache; its output in $log.
user_klp_build() {
	as_user env KLP_CACHE_DIR="$cache" KLP_TOOLS_DIR="$build" TMPDIR="$cache/work" \
		"$top/kmod-builder/klp-build" --distro --release "$release" "$@" > "$log" 2>&1
}

prefetch() {
	local rc=0
	prepare_user
	# Beside the user's cache, not in it: every file in there is theirs.
	log=$KLP_CACHE_DIR/distro-user-prefetch.log
	user_klp_build -n prefetch -o "$out" "$top/test-fixtures/kpatches/26-no-change/1.patch" || rc=$?
	printf 'distro-user-build --prefetch: %s as %s: klp-build exit %s (3: prepared)\n' \
		"$release" "$test_user" "$rc"
}

main() {
	local rc=0 before
	prepare_user
	before=$(host_state)
	log=$(mktemp)
	trap 'rm -f "$log"' EXIT
	user_klp_build -n k01_1 --test="$check" -o "$out" "$patch" || rc=$?
	if [ "$rc" = 0 ] && [ -f "$out/livepatch-k01_1.ko" ] && grep -q 'VM test passed' "$log"; then
		t_pass "distro-user/$test_user: $release built in the user's trixie root and proven in qemu"
	else
		t_fail "distro-user/$test_user: $release" "klp-build exit $rc: $(tail -n 15 "$log")"
	fi
	if [ "$(host_state)" = "$before" ]; then
		t_pass "distro-user/$test_user: nothing of $release installed on the host"
	else
		t_fail "distro-user/$test_user: host changed" "before: $before; after: $(host_state)"
	fi
	if [ -z "$(find "$cache" -xdev ! -user "$test_user" -print -quit)" ]; then
		t_pass "distro-user/$test_user: every file of the user's cache is theirs"
	else
		t_fail "distro-user/$test_user: cache" "not the user's: $(find "$cache" -xdev ! -user "$test_user" | head -n 3)"
	fi
	[ "$klp_results_owned" = 0 ] || t_summary
}

if [ "$prefetch" = 1 ]; then
	prefetch
else
	main
fi
