#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# klp-build's compiles through ccache and distcc, on the cached 6.1 tree:
# - --ccache with an empty cache, then again (KLP_BUILD_CCACHE=1): every
#   compile of the rebuild hits (ccache's own statistics), the objects
#   (original and patched, after objtool) and the module are
#   byte-identical to those of a build without ccache, and no miss ran
#   the preprocessor (depend mode); a second patch
#   to the same file hits on the original and misses on the patched one;
# - --cc-wrapper distcc with two real distccd servers, each in a network
#   namespace of its own (tests/distcc-hosts.sh): a header patch reaching
#   22 units, each server compiled some, the module is byte-identical to
#   the local build's; -j follows distcc -j; the progress lines;
# - ccache in front of distcc (CCACHE_PREFIX): misses go to the servers;
# - --distro --ccache (objects with debug info: the patched units' directory
#   mapped, ccache's directory hash): the rebuild hits, the module and the
#   original objects are byte-identical to a build without ccache, the
#   patched objects to the cold build's (and, but for their debug info,
#   which names the scratch directory without ccache, to the plain ones);
# - Debian 13's 6.12 through the trixie build root (the part "root"):
#   six patches (four units of vmlinux, two modules) built locally, then
#   through two distccd servers run from the build root (klp-build
#   --distccd), each in a network namespace of its own: both served, all
#   compiles went out, the module is byte-identical and so is the objects'
#   code (their debug info is not: see same_code); the same with the
#   root's ccache in front (its misses go out); then through the root's
#   ccache alone, cold and warm: the rebuild hits, the module and the
#   objects are byte-identical; icecc, which the root lacks, is a usage
#   error, and so is --distccd without --distro.
#   tests/klp-build-cc.sh BUILD_DIR
# KLP_CC_TESTS: which parts ("usage ccache distcc", what make check-kernel
# runs; make check-distro runs "distro"; make check-distro-cc-root runs
# "root", which makes the Debian 13 build root and source when missing).
set -euo pipefail

build=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"
# shellcheck source=tests/distcc-hosts.sh
. "$top/tests/distcc-hosts.sh"
# shellcheck source=kmod-builder/klp-build-root.sh
. "$top/kmod-builder/klp-build-root.sh"

klp_build=$top/kmod-builder/klp-build
kp=$top/test-fixtures/kpatches
scratch=$(mktemp -d)
hosts=$scratch/hosts
cleanup() {
	local d
	for d in "$scratch"/hosts*/; do
		[ ! -d "$d" ] || distcc_hosts_stop "$d" 2> /dev/null || true
	done
	rm -rf "$scratch"
}
trap cleanup EXIT
# distccd's user reads its files under here.
chmod 755 "$scratch"
export KLP_TOOLS_DIR=$build TMPDIR=$scratch/tmp
mkdir -p "$TMPDIR"
# The test's own cache, empty at first; none of the user's settings.
unset KLP_BUILD_CCACHE KLP_BUILD_CC_WRAPPER CCACHE_PREFIX CCACHE_BASEDIR CCACHE_NOHASHDIR \
	CCACHE_DISABLE CCACHE_RECACHE CCACHE_READONLY CCACHE_CONFIGPATH CCACHE_DEPEND CCACHE_NODEPEND
export CCACHE_DIR=$scratch/ccache

# klp NAME PATCH [options...]: builds into $scratch/NAME with -k; the
# scratch directory it kept is $scratch/NAME.kept. 1 if klp-build failed.
klp() {
	local name=$1 patch=$2 rc=0
	shift 2
	"$klp_build" -k "${target[@]}" -o "$scratch/$name" -n cc "$@" "$patch" \
		> "$scratch/$name.out" 2> "$scratch/$name.err" || rc=$?
	sed -n 's/^klp-build: scratch directory kept: //p' "$scratch/$name.err" > "$scratch/$name.kept"
	if [ "$rc" != 0 ]; then
		t_fail "klp-build-cc/$name" "klp-build exited $rc: $(tail -n 5 "$scratch/$name.err")"
		return 1
	fi
}

kept() {
	cat "$scratch/$1.kept"
}

# same_build NAME A B: the modules, and every object of both variants.
same_build() {
	local a b obj diffs=''
	a=$(kept "$2") b=$(kept "$3")
	cmp -s "$scratch/$2/livepatch-cc.ko" "$scratch/$3/livepatch-cc.ko" ||
		diffs+=" livepatch-cc.ko"
	while IFS= read -r obj; do
		cmp -s "$a/$obj" "$b/$obj" || diffs+=" $obj"
	done < <(cd "$a" && find orig patched -name '*.o' | sort)
	if [ -z "$diffs" ] && [ -n "$(cd "$a" && find orig -name '*.o')" ]; then
		t_pass "klp-build-cc/$1"
	else
		t_fail "klp-build-cc/$1" "differ from the build without ccache:${diffs:- no objects}"
	fi
}

# same_code NAME A B: for builds with debug info through distcc: the
# modules, and the objects of both variants but for their debug info.
# distcc preprocesses here and compiles the preprocessed file there,
# where gcc's column numbers in .debug_info and .debug_line come out
# otherwise than from the source; the patched units name the run's
# scratch directory (--distro) besides.
same_code() {
	local a b obj v diffs=''
	a=$(kept "$2") b=$(kept "$3")
	t_check "klp-build-cc/$1-module" cmp "$scratch/$2/livepatch-cc.ko" "$scratch/$3/livepatch-cc.ko"
	while IFS= read -r obj; do
		for v in orig patched; do
			objcopy --strip-debug "$a/$v/$obj" "$scratch/a-nodebug.o"
			objcopy --strip-debug "$b/$v/$obj" "$scratch/b-nodebug.o"
			cmp -s "$scratch/a-nodebug.o" "$scratch/b-nodebug.o" || diffs+=" $v/${obj#./}"
		done
	done < <(cd "$a/orig" && find . -name '*.o' | sort)
	if [ -z "$diffs" ] && [ -n "$(cd "$a" && find orig -name '*.o')" ]; then
		t_pass "klp-build-cc/$1-code"
	else
		t_fail "klp-build-cc/$1-code" "differ from $2 (but for debug info):${diffs:- no objects}"
	fi
}

# cc_zero: counts start again (stat_is), from ccache's statistics log
# of the current cache, which names each compile's input.
cc_zero() {
	export CCACHE_STATSLOG=$CCACHE_DIR/stats.log
	mkdir -p -- "$CCACHE_DIR"
	: > "$CCACHE_STATSLOG"
}

# stat_is NAME FIELD WANT: one of ccache's counters since cc_zero, for
# the units' compiles only: the module's make compiles through ccache
# too (livepatch-main.c, the .mod.c, 6.12's scripts/module-common.c,
# and kbuild's option probes of /dev/null), as many times in every run.
stat_is() {
	local have
	have=$(awk -v f="$2" '
		/^# / { path = substr($0, 3); unit = path !~ /^(|\/dev\/null|.*\/livepatch-[^\/]*\.c|(.*\/)?scripts\/.*)$/; next }
		unit && $1 == f { n++ }
		END { print n + 0 }' "$CCACHE_STATSLOG")
	if [ "$have" = "$3" ]; then
		t_pass "klp-build-cc/$1"
	else
		t_fail "klp-build-cc/$1" "ccache $2: $have, expected $3"
	fi
}

ccache_tests() {
	local p1=$kp/01-proc-string/1.patch p2=$scratch/second.patch obj
	# Another change to the same function: its original unit is cached.
	sed 's/klp-build was here/klp-build was here again/' "$p1" > "$p2"
	klp plain "$p1" || return 0
	cc_zero
	klp ccache-cold "$p1" --ccache || return 0
	stat_is ccache-cold-misses direct_cache_miss 2
	# Depend mode: no miss ran the preprocessor (without it, both would).
	stat_is ccache-cold-depend-mode preprocessed_cache_miss 0
	same_build ccache-cold-identical plain ccache-cold
	cc_zero
	KLP_BUILD_CCACHE=1 klp ccache-warm "$p1" || return 0
	stat_is ccache-warm-hits direct_cache_hit 2
	stat_is ccache-warm-no-miss cache_miss 0
	probes_cached ccache-warm-module-probes-hit
	same_build ccache-warm-identical plain ccache-warm
	# kbuild's objtool step runs after the compiler, on a hit too.
	obj=$(kept ccache-warm)/patched/fs/proc/cmdline.o
	t_check klp-build-cc/ccache-objtool-ran grep -q '\.orc_unwind_ip' <(readelf -SW "$obj")
	klp plain-second "$p2" || return 0
	cc_zero
	klp ccache-second "$p2" --ccache || return 0
	stat_is ccache-second-hits direct_cache_hit 1
	stat_is ccache-second-misses cache_miss 1
	same_build ccache-second-identical plain-second ccache-second
	ccache_error_tests "$p1"
}

# A compile error through ccache names the tree's file, as without it.
ccache_error_tests() {
	local bad=$scratch/bad.patch rc=0 p=${1:-$kp/01-proc-string/1.patch}
	sed 's/seq_puts(m, "klp-build was here\\n");/seq_puts(m, "klp-build was here\\n") oops;/' "$p" > "$bad"
	"$klp_build" --ccache "${target[@]}" -o "$scratch/bad" -n cc "$bad" > /dev/null 2> "$scratch/bad.err" || rc=$?
	if [ "$rc" = 1 ] && grep -q '^fs/proc/cmdline.c:9:[0-9]*: error: ' "$scratch/bad.err" &&
		! grep -q 'klp-scratch' "$scratch/bad.err"; then
		t_pass klp-build-cc/ccache-compile-error-names-tree-file
	else
		t_fail klp-build-cc/ccache-compile-error-names-tree-file "exit $rc: $(tail -n 8 "$scratch/bad.err")"
	fi
}

usage_tests() {
	local rc=0
	"$klp_build" -s "$tree" -o "$scratch/u" --cc-wrapper no-such-distcc "$kp/01-proc-string/1.patch" \
		> /dev/null 2> "$scratch/u.err" || rc=$?
	if [ "$rc" = 2 ] && grep -q 'no-such-distcc not found; install it' "$scratch/u.err"; then
		t_pass klp-build-cc/usage-missing-wrapper
	else
		t_fail klp-build-cc/usage-missing-wrapper "exit $rc: $(cat "$scratch/u.err")"
	fi
	rc=0
	KLP_BUILD_CCACHE=yes "$klp_build" -s "$tree" -o "$scratch/u" "$kp/01-proc-string/1.patch" \
		> /dev/null 2> "$scratch/u.err" || rc=$?
	if [ "$rc" = 2 ] && grep -q 'KLP_BUILD_CCACHE=yes: expected 0 or 1' "$scratch/u.err"; then
		t_pass klp-build-cc/usage-bad-ccache-value
	else
		t_fail klp-build-cc/usage-bad-ccache-value "exit $rc: $(cat "$scratch/u.err")"
	fi
}

# served_since NAME BEFORE...: each server completed more compiles
# than BEFORE (its earlier total); served becomes the new totals.
served_since() {
	local name=$1 before=("${@:2}") now i bad=''
	read -ra now < <(distcc_hosts_served "$hosts")
	for i in "${!before[@]}"; do
		[ "${now[$i]:-0}" -gt "${before[$i]}" ] || bad+=" server $((i + 1)): ${before[$i]} -> ${now[$i]:-0}"
	done
	if [ -z "$bad" ] && [ "${#now[@]}" = 2 ]; then
		t_pass "klp-build-cc/$name"
	else
		t_fail "klp-build-cc/$name" "a server compiled nothing:$bad (${now[*]})"
	fi
	served=("${now[@]}")
}

# identical_pairs_skipped LOG: of the header patch's 22 units, the 20 whose
# two objects are the same bytes are no change without the differ, which
# runs on the 2 others (proc_parse_param's and ramfs_parse_param's).
identical_pairs_skipped() {
	local same ran
	same=$(grep -c ': no change (the original and patched objects are identical)$' "$1")
	ran=$(grep -c '^+ create-diff-object ' "$1")
	if [ "$same" = 20 ] && [ "$ran" = 2 ]; then
		t_pass klp-build-cc/identical-pairs-not-diffed
	else
		t_fail klp-build-cc/identical-pairs-not-diffed "$same identical pairs, $ran differ runs; expected 20 and 2"
	fi
}

# objtool_only_on_changed KEPT: kbuild's objtool pass (its ORC tables)
# ran on the 2 pairs that differ, both sides, and on none of the 20
# identical ones, whose objects stay as the compiler left them.
objtool_only_on_changed() {
	local obj with=()
	while IFS= read -r obj; do
		readelf -SW "$1/$obj" | grep -q '\.orc_unwind_ip' && with+=("$obj")
	done < <(cd "$1" && find orig patched -name '*.o' | sort)
	if [ "${with[*]}" = "orig/fs/proc/root.o orig/fs/ramfs/inode.o patched/fs/proc/root.o patched/fs/ramfs/inode.o" ]; then
		t_pass klp-build-cc/objtool-only-on-changed-pairs
	else
		t_fail klp-build-cc/objtool-only-on-changed-pairs "objects with ORC: ${with[*]:-none}; expected the 2 changed pairs"
	fi
}

# probes_cached NAME: the module's make compiled through ccache, and in
# a warm run each of kbuild's option probes (of /dev/null) was a hit.
probes_cached() {
	local hits misses
	read -r hits misses < <(awk '/^# / { p = substr($0, 3) == "/dev/null"; next }
		p { n[$1]++ } END { print n["direct_cache_hit"] + 0, n["cache_miss"] + 0 }' "$CCACHE_STATSLOG")
	if [ "$hits" -ge 10 ] && [ "$misses" = 0 ]; then
		t_pass "klp-build-cc/$1"
	else
		t_fail "klp-build-cc/$1" "kbuild's probes through ccache: $hits hits, $misses misses; expected 10 or more hits, no miss"
	fi
}

distcc_tests() {
	local p14=$kp/14-inline-header/1.patch total
	served=(0 0)
	if distcc_hosts_start "$hosts" 2 2; then
		t_pass klp-build-cc/distcc-two-namespaces
	else
		t_fail klp-build-cc/distcc-two-namespaces "could not start the servers (above)"
		return 0
	fi
	if ! KLP_BUILD_PROGRESS_INTERVAL=0 klp distcc "$p14" --cc-wrapper distcc; then
		distcc_hosts_errors "$hosts"
		return 0
	fi
	served_since distcc-both-served 0 0
	total=$((served[0] + served[1]))
	if [ "$total" = 44 ]; then
		t_pass klp-build-cc/distcc-all-compiles-remote
	else
		t_fail klp-build-cc/distcc-all-compiles-remote "the servers compiled $total of 22 units x 2"
	fi
	t_check klp-build-cc/distcc-jobs-from-hosts grep -q 'compiling through distcc (-j 4)' "$scratch/distcc.err"
	t_check klp-build-cc/progress-lines grep -q '^klp-build:  *compiled 44/44 (original and patched of 22 units), [0-9.]*/s, ETA 0 s$' \
		"$scratch/distcc.err"
	klp local "$p14" || return 0
	same_build distcc-identical local distcc
	identical_pairs_skipped "$(kept local)/klp-build.log"
	objtool_only_on_changed "$(kept local)"
	# Both: ccache's misses go out (an empty cache, so both compiles miss).
	export CCACHE_DIR=$scratch/ccache-distcc
	[ -s "$scratch/plain.kept" ] || klp plain "$kp/01-proc-string/1.patch" || return 0
	klp ccache-distcc "$kp/01-proc-string/1.patch" --ccache --cc-wrapper distcc || return 0
	total=$((served[0] + served[1]))
	read -ra served < <(distcc_hosts_served "$hosts")
	if [ $((served[0] + served[1] - total)) = 2 ]; then
		t_pass klp-build-cc/ccache-prefix-distcc
	else
		t_fail klp-build-cc/ccache-prefix-distcc "the servers compiled $((served[0] + served[1] - total)) of 2"
	fi
	same_build ccache-distcc-identical plain ccache-distcc
}

distro_tests() {
	local p=$top/test-fixtures/distro-kpatches/d1-module-binfmt-misc/1.patch obj a b
	target=(--distro)
	export CCACHE_DIR=$scratch/ccache-distro
	klp distro-plain "$p" || return 0
	cc_zero
	klp distro-cold "$p" --ccache || return 0
	stat_is distro-cold-misses cache_miss 2
	cc_zero
	klp distro-warm "$p" --ccache || return 0
	stat_is distro-warm-hits direct_cache_hit 2
	stat_is distro-warm-no-miss cache_miss 0
	a=$(kept distro-plain) b=$(kept distro-warm)
	obj=$(cd "$a/orig" && find . -name '*.o' | head -n 1)
	t_check klp-build-cc/distro-module-identical cmp "$scratch/distro-plain/livepatch-cc.ko" \
		"$scratch/distro-warm/livepatch-cc.ko"
	t_check klp-build-cc/distro-orig-identical cmp "$a/orig/$obj" "$b/orig/$obj"
	t_check klp-build-cc/distro-patched-cold-warm cmp "$(kept distro-cold)/patched/$obj" "$b/patched/$obj"
	objcopy --strip-debug "$a/patched/$obj" "$scratch/plain-nodebug.o"
	objcopy --strip-debug "$b/patched/$obj" "$scratch/warm-nodebug.o"
	t_check klp-build-cc/distro-patched-code-identical cmp "$scratch/plain-nodebug.o" "$scratch/warm-nodebug.o"
}

# Debian 13's kernel, compiled in the trixie build root.
root_tests() {
	local rel=6.12.117+deb13-amd64 fx=$top/test-fixtures ps units
	ps=("$kp"/{01-proc-string,02-new-function,06-nonexported-symbol,18-alternatives}/1.patch
		"$fx"/distro-kpatches-6.12/i3-module-binfmt-misc/1.patch
		"$fx"/distro-kpatches-6.12-deb13/e1-module-note-first/1.patch)
	target=(--distro --release "$rel")
	klp root-local "${ps[0]}" "${ps[@]:1}" || return 0
	units=$(cd "$(kept root-local)/orig" && find . -name '*.o' | wc -l)
	if [ "$units" -ge 6 ]; then
		t_pass klp-build-cc/root-units
	else
		t_fail klp-build-cc/root-units "$units units rebuilt, expected 6"
	fi
	root_distcc_tests "$rel" "$units" "${ps[@]}"
	root_ccache_tests "$units" "${ps[@]}"
	root_usage_tests "${ps[0]}"
}

# root_distcc_tests RELEASE UNITS PATCH...: two servers, klp-build
# --distccd each, in namespaces of their own.
root_distcc_tests() {
	local rel=$1 units=$2 total
	shift 2
	hosts=$scratch/hosts-root
	served=(0 0)
	if distcc_hosts_start "$hosts" 2 2 "$rel"; then
		t_pass klp-build-cc/root-distccd-two-namespaces
	else
		t_fail klp-build-cc/root-distccd-two-namespaces "could not start the servers (above)"
		return 0
	fi
	t_check klp-build-cc/root-distccd-in-build-root grep -q \
		'serving compiles with x86_64-linux-gnu-gcc-14 from the build root .*/roots/trixie-' "$hosts/server-1/distccd.log"
	if ! klp root-distcc "$1" --cc-wrapper distcc -j 4 "${@:2}"; then
		distcc_hosts_errors "$hosts"
		return 0
	fi
	served_since root-distcc-both-served 0 0
	total=$((served[0] + served[1]))
	if [ "$total" = $((2 * units)) ]; then
		t_pass klp-build-cc/root-distcc-all-compiles-remote
	else
		t_fail klp-build-cc/root-distcc-all-compiles-remote "the servers compiled $total of $units units x 2"
	fi
	t_check klp-build-cc/root-distcc-jobs grep -q 'compiling through distcc (-j 4)' "$scratch/root-distcc.err"
	same_code root-distcc-identical root-local root-distcc
	# Both, in the root: an empty cache's misses go to the servers.
	CCACHE_DIR=$scratch/ccache-root-distcc klp root-ccache-distcc "$1" --ccache --cc-wrapper distcc -j 4 "${@:2}" || {
		distcc_hosts_stop "$hosts"
		return 0
	}
	total=$((served[0] + served[1]))
	read -ra served < <(distcc_hosts_served "$hosts")
	if [ $((served[0] + served[1] - total)) = $((2 * units)) ]; then
		t_pass klp-build-cc/root-ccache-prefix-distcc
	else
		t_fail klp-build-cc/root-ccache-prefix-distcc "the servers compiled $((served[0] + served[1] - total)) of $((2 * units))"
	fi
	same_code root-ccache-distcc-identical root-local root-ccache-distcc
	distcc_hosts_stop "$hosts"
}

# root_ccache_tests UNITS PATCH...: the root's ccache, cold then warm.
root_ccache_tests() {
	local units=$1 a b obj
	shift
	export CCACHE_DIR=$scratch/ccache-root
	mkdir -p "$CCACHE_DIR"
	cc_zero
	klp root-ccache-cold "$1" --ccache "${@:2}" || return 0
	stat_is root-ccache-cold-misses cache_miss $((2 * units))
	cc_zero
	klp root-ccache-warm "$1" --ccache "${@:2}" || return 0
	stat_is root-ccache-warm-hits direct_cache_hit $((2 * units))
	stat_is root-ccache-warm-no-miss cache_miss 0
	t_check klp-build-cc/root-ccache-module-identical cmp "$scratch/root-local/livepatch-cc.ko" \
		"$scratch/root-ccache-warm/livepatch-cc.ko"
	a=$(kept root-local) b=$(kept root-ccache-warm)
	while IFS= read -r obj; do
		t_check "klp-build-cc/root-ccache-orig-identical:${obj#./}" cmp "$a/orig/$obj" "$b/orig/$obj"
		t_check "klp-build-cc/root-ccache-patched-cold-warm:${obj#./}" cmp "$(kept root-ccache-cold)/patched/$obj" "$b/patched/$obj"
	done < <(cd "$a/orig" && find . -name '*.o' | sort)
}

# root_usage_tests PATCH: what the root lacks, and --distccd without --distro.
root_usage_tests() {
	local rc=0
	"$klp_build" "${target[@]}" -o "$scratch/u" --cc-wrapper icecc "$1" > /dev/null 2> "$scratch/u.err" || rc=$?
	if [ "$rc" = 2 ] && grep -q 'icecc not found in the trixie build root .*, which has ccache and distcc only' "$scratch/u.err"; then
		t_pass klp-build-cc/root-usage-no-icecc
	else
		t_fail klp-build-cc/root-usage-no-icecc "exit $rc: $(cat "$scratch/u.err")"
	fi
	rc=0
	"$klp_build" --distccd -- --no-detach > /dev/null 2> "$scratch/u.err" || rc=$?
	if [ "$rc" = 2 ] && grep -q -- '--distccd needs --distro' "$scratch/u.err"; then
		t_pass klp-build-cc/root-usage-distccd-needs-distro
	else
		t_fail klp-build-cc/root-usage-distccd-needs-distro "exit $rc: $(cat "$scratch/u.err")"
	fi
}

parts=${KLP_CC_TESTS:-usage ccache distcc}
# The test kernel, for the parts that build for it.
if [[ " $parts " =~ \ (usage|ccache|distcc)\  ]]; then
	tree=$("$top/testbed/build-kernel.sh")
	target=(-s "$tree")
fi
for part in $parts; do
	"${part}_tests"
done
t_summary
