#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# klp-build's command line, without a kernel: usage errors and bad input
# give their documented exit codes and a message, also for file names
# and directories with spaces, quotes, $(), = and leading dashes; a
# tree that does not build gets a failed manifest. Hostile patches
# (names that leave the tree, an added line that looks like a header)
# write nothing outside the scratch directory; CRLF, other prefixes,
# deletions and renames are read as patch(1) reads them.
#   tests/klp-build-cli.sh BUILD_DIR
set -euo pipefail

build=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"

export KLP_TOOLS_DIR=$build
klp_build=$top/kmod-builder/klp-build
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export TMPDIR=$scratch/tmp
mkdir -p "$TMPDIR"

# A tree klp-build accepts up to the point of applying the patch.
fake_tree() {
	mkdir -p "$1/fs"
	printf 'CONFIG_LIVEPATCH=y\n' > "$1/.config"
	printf 'int x;\n' > "$1/fs/a.c"
}

# expect NAME EXIT PATTERN ARGS...
expect() {
	local name=$1 want=$2 pattern=$3 rc=0
	shift 3
	(cd "$scratch" && "$klp_build" "$@") > "$scratch/out" 2> "$scratch/err" || rc=$?
	if [ "$rc" -ne "$want" ]; then
		t_fail "klp-build-cli/$name" "exit $rc, want $want: $(head -3 "$scratch/err")"
	elif ! grep -qE -- "$pattern" "$scratch/err" "$scratch/out"; then
		t_fail "klp-build-cli/$name" "no /$pattern/ in: $(head -3 "$scratch/err")"
	else
		t_pass "klp-build-cli/$name"
	fi
}

t=$scratch/tree
fake_tree "$t"
mkdir -p "$scratch/no-config"
cp -r "$t" "$scratch/no-livepatch"
: > "$scratch/no-livepatch/.config"
printf 'just text\n' > "$scratch/notes.txt"
printf -- '--- a/fs/a.c\n+++ b/fs/a.c\n@@ -1 +1 @@\n-int y;\n+int z;\n' > "$scratch/stale.patch"
hostile="$scratch/it's \$(touch pwned) \"x\".patch"
cp "$scratch/stale.patch" "$hostile"
cp "$scratch/stale.patch" "$scratch/-dash.patch"

expect help 0 'usage: klp-build' --help
expect version 0 'klp-build [0-9]' --version
expect help-exit-codes 0 '5 unsafe change refused, 6 VM test failed' --help
expect no-args 2 '-s SRCDIR or --distro is required'
expect release-without-distro 2 '--release needs --distro' -s "$t" --release 6.1.0-1-amd64 "$scratch/stale.patch"
expect sign-key-alone 2 '--sign-key and --sign-cert go together' -s "$t" --sign-key k.pem "$scratch/stale.patch"
expect distro-and-srcdir 2 '--distro takes the source from Debian.s linux-source package: give no -s' --distro -s "$t" "$scratch/stale.patch"
expect distro-bad-release 2 '--release 6.1.0-x: not a release of a supported series \(expected 6.1.0-N-amd64 \(or -cloud-amd64, -rt-amd64\); 6.12.N\+deb12-amd64 .*; 6.12.N\+deb13-amd64 ' --distro --release 6.1.0-x "$scratch/stale.patch"
expect list-releases-without-distro 2 '--list-releases needs --distro' -s "$t" --list-releases
expect no-patch 2 'no PATCH given' -s "$t"
expect unknown-option 2 'unknown option' -s "$t" --frob "$scratch/stale.patch"
expect bad-jobs 2 'expected a positive number' -s "$t" -j 0 "$scratch/stale.patch"
expect bad-name 2 '-n a.b: use 1 to 45' -s "$t" -n a.b "$scratch/stale.patch"
expect missing-tree 2 'no such directory' -s "$scratch/nope" "$scratch/stale.patch"
expect no-config 2 'has no .config' -s "$scratch/no-config" "$scratch/stale.patch"
expect no-livepatch 2 'lacks CONFIG_LIVEPATCH=y' -s "$scratch/no-livepatch" "$scratch/stale.patch"
expect missing-patch 2 'not a readable patch file' -s "$t" "$scratch/none.patch"
expect missing-test-script 2 'not a readable script' -s "$t" --test="$scratch/none.sh" "$scratch/stale.patch"
expect not-a-diff 4 'not a unified diff' -s "$t" "$scratch/notes.txt"
expect does-not-apply 4 'does not apply to' -s "$t" "$scratch/stale.patch"
printf -- '--- /dev/null\n+++ b/fs/new.c\n@@ -0,0 +1 @@\n+int n;\n' > "$scratch/new-file.patch"
expect new-file 5 'adds a new file' -s "$t" "$scratch/new-file.patch"
printf -- '--- a/Makefile\n+++ b/Makefile\n@@ -0,0 +1 @@\n+obj-y += x.o\n' > "$scratch/makefile.patch"
: > "$t/Makefile"
expect build-file 5 'only C sources and headers' -s "$t" "$scratch/makefile.patch"
expect hostile-name 4 'does not apply to' -s "$t" "$hostile"
expect leading-dash 4 'does not apply to' -s "$t" -- "$scratch/-dash.patch"
expect relative-leading-dash 4 'does not apply to' -s "$t" -- ./-dash.patch
expect bare-leading-dash 4 'does not apply to' -s "$t" -- -dash.patch
expect hostile-output-dir 4 'does not apply to' -s "$t" -o "-o dir \$(touch pwned) it's \"q\"" \
	-- "$hostile"
# awk takes an operand NAME=VALUE for an assignment, not a file.
printf -- '--- a/fs/a.c\n+++ b/fs/a.c\n@@ -1 +1 @@\n-int x;\n+int y;\n' > "$scratch/v=1 \$(touch pwned).patch"
cp -r "$t" "$scratch/built"
: > "$scratch/built/vmlinux"
: > "$scratch/built/Module.symvers"
expect equals-in-name 3 'fs/a.c is not built with this .config' -s "$scratch/built" "v=1 \$(touch pwned).patch"
# A patch that does not apply: exit 4, and a failed manifest that
# carries patch's complaint, so that CI can tell the user which hunk.
stale_out=$scratch/stale-out
expect stale-manifest-exit 4 'does not apply to' -s "$t" -o "$stale_out" -n s "$scratch/stale.patch"
if ! out=$(jq -e '.status == "failed" and .module == null and .failure.phase == "prepare" and (.failure.message | test("stale.patch does not apply")) and any(.failure.output[]; test("FAILED"))' "$stale_out/livepatch-s.json" 2>&1); then
	t_fail klp-build-cli/stale-manifest "jq gave $out on: $(cat "$stale_out/livepatch-s.json" 2>&1)"
elif [ -e "$stale_out/livepatch-s.ko" ]; then
	t_fail klp-build-cli/stale-manifest "a module in $stale_out"
else
	t_pass klp-build-cli/stale-manifest
fi
# A tree that does not build (its Makefile is empty): exit 1, and a
# manifest that says so in place of the module an earlier build left.
failed=$scratch/failed-out
mkdir -p "$failed"
printf 'stale\n' > "$failed/livepatch-f.ko"
expect unbuildable-tree 1 'building the kernel tree failed' -s "$t" -o "$failed" -n f "v=1 \$(touch pwned).patch"
if [ -e "$failed/livepatch-f.ko" ]; then
	t_fail klp-build-cli/failed-manifest "the stale module is still in $failed"
elif ! out=$(jq -e '.status == "failed" and .module == null and .failure.phase == "prepare" and .failure.message == "building the kernel tree failed" and any(.failure.output[]; test("No targets"))' "$failed/livepatch-f.json" 2>&1); then
	t_fail klp-build-cli/failed-manifest "jq gave $out on: $(cat "$failed/livepatch-f.json" 2>&1)"
else
	t_pass klp-build-cli/failed-manifest
fi
mkdir -p "$scratch/tree it's"
fake_tree "$scratch/tree it's"
expect tree-path-with-quote 2 'kbuild cannot build a tree whose path has spaces' \
	-s "$scratch/tree it's" "$scratch/stale.patch"
# Installed, klp-build finds run-vm.sh for --test under PREFIX/share/klp-build:
# with it the run gets as far as applying the patch, without it exit 6.
if make -s -C "$top" install DESTDIR="$scratch/inst" PREFIX=/usr BUILD="$build" > "$scratch/install.log" 2>&1; then
	klp_build=$scratch/inst/usr/bin/klp-build
	expect installed-test-finds-vm 4 'does not apply to' -s "$t" --test "$scratch/stale.patch"
	rm "$scratch/inst/usr/share/klp-build/testbed/run-vm.sh"
	expect installed-test-no-vm 6 'run-vm.sh and vm-lib.sh not found' -s "$t" --test "$scratch/stale.patch"
	klp_build=$top/kmod-builder/klp-build
else
	t_fail klp-build-cli/install "make install failed: $(tail -n 5 "$scratch/install.log")"
fi
if [ -e "$scratch/pwned" ] || [ -e "$t/pwned" ]; then
	t_fail klp-build-cli/nothing-executed "a \$() in a file name was executed"
else
	t_pass klp-build-cli/nothing-executed
fi
if [ -z "$(ls -A "$TMPDIR")" ]; then
	t_fail klp-build-cli/failure-keeps-log "a failed run kept no scratch directory with its log"
else
	t_pass klp-build-cli/failure-keeps-log
fi
. "$top/tests/klp-build-cli-patches.sh"
