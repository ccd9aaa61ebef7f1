#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2154 # scratch, t, klp_build: tests/klp-build-cli.sh's
# Sourced by tests/klp-build-cli.sh (its expect, $scratch, $t and the
# "built" tree): the patch parser, the output checks, what is kept.

# expect_tmp NAME EXIT PATTERN ARGS...: expect, in a TMPDIR of its own,
# which $tmp_left then lists.
expect_tmp() {
	local tmp=$scratch/tmp-$1
	mkdir -p "$tmp"
	TMPDIR=$tmp expect "$@"
	tmp_left=$(ls -A "$tmp")
}

# A tree whose fs/a.c kbuild compiled (its .cmd), with nothing to link
# a module: klp-build gets through both compiles, then stops (exit 1).
cmd_tree() {
	fake_tree "$1"
	: > "$1/vmlinux"
	: > "$1/Module.symvers"
	printf '/*\n */\nint x;\nint f(void)\n{\n\treturn x;\n}\n' > "$1/fs/a.c"
	printf '%s\n' 'source_fs/a.o := fs/a.c' \
		'cmd_fs/a.o := gcc -Wp,-MMD,fs/.a.o.d -O2 -c -o fs/a.o fs/a.c' > "$1/fs/.a.o.cmd"
}

b=$scratch/built
ct=$scratch/c1/cmdtree
cmd_tree "$ct"
mkdir -p "$scratch/victim"
printf 'int victim;\n' > "$scratch/victim/f.c"

# An added line "++ ../../victim/f.c" (in a comment) reads "+++ ..." in
# the patch: it is no file name, and nothing lands in $TMPDIR/victim
# (the overlay's copy of it, two levels above the overlay).
printf -- '--- a/fs/a.c\n+++ b/fs/a.c\n@@ -1,3 +1,4 @@\n /*\n+++ ../../victim/f.c\n  */\n int x;\n' > "$scratch/plusplus.patch"
expect_tmp plusplus-line 1 'object\(s\) to rebuild: fs/a.o$' -s "$ct" "$scratch/plusplus.patch"
if [ -n "$(find "$scratch/tmp-plusplus-line" -path '*victim*')" ] || ! grep -qx 'int victim;' "$scratch/victim/f.c"; then
	t_fail klp-build-cli/plusplus-line-writes-nothing-outside "a victim file was written: $(find "$scratch" -path '*victim*')"
elif grep -q victim "$scratch/err"; then
	t_fail klp-build-cli/plusplus-line-writes-nothing-outside "the added line was taken for a file: $(grep victim "$scratch/err")"
else
	t_pass klp-build-cli/plusplus-line-writes-nothing-outside
fi
printf -- '--- a/../../victim/f.c\n+++ b/../../victim/f.c\n@@ -1 +1 @@\n-int victim;\n+int pwned;\n' > "$scratch/dotdot.patch"
expect dotdot-name 4 'file name \.\./\.\./victim/f\.c climbs with \.\.' -s "$ct" "$scratch/dotdot.patch"
printf -- '--- %s\n+++ %s\n@@ -1 +1 @@\n-int victim;\n+int pwned;\n' "$scratch/victim/f.c" "$scratch/victim/f.c" > "$scratch/absolute.patch"
expect absolute-name 4 'is absolute' -s "$ct" "$scratch/absolute.patch"
cp -r "$b" "$scratch/linked"
ln -s "$scratch/victim" "$scratch/linked/fs/link"
printf -- '--- a/fs/link/f.c\n+++ b/fs/link/f.c\n@@ -1 +1 @@\n-int victim;\n+int pwned;\n' > "$scratch/symlink.patch"
expect symlink-name 4 'leads out of .* through a symbolic link' -s "$scratch/linked" "$scratch/symlink.patch"
printf -- '--- "a/fs/x y.c"\n+++ "b/fs/x y.c"\n@@ -1 +1 @@\n-int x;\n+int y;\n' > "$scratch/quoted.patch"
cp "$b/fs/a.c" "$b/fs/x y.c"
expect quoted-name 4 "file name 'fs/x y.c' has spaces, quotes" -s "$b" "$scratch/quoted.patch"
rm "$b/fs/x y.c"
if grep -qx 'int victim;' "$scratch/victim/f.c"; then
	t_pass klp-build-cli/hostile-names-victim-untouched
else
	t_fail klp-build-cli/hostile-names-victim-untouched "$(cat "$scratch/victim/f.c")"
fi

# Read as patch(1) reads them: fs/a.c, not fs/a.c\r nor new/fs/a.c (which
# would be "a new file"), so klp-build gets to the objects.
printf -- 'diff --git a/fs/a.c b/fs/a.c\r\nindex 1..2 100644\r\n--- a/fs/a.c\r\n+++ b/fs/a.c\r\n@@ -1 +1 @@\r\n-int x;\r\n+int y;\r\n' > "$scratch/crlf.patch"
expect crlf-git 3 'fs/a.c is not built with this .config' -s "$b" "$scratch/crlf.patch"
printf -- '--- old/fs/a.c\n+++ new/fs/a.c\n@@ -1 +1 @@\n-int x;\n+int y;\n' > "$scratch/prefixes.patch"
expect other-prefixes 3 'fs/a.c is not built with this .config' -s "$b" "$scratch/prefixes.patch"
printf -- '--- fs/a.c\n+++ fs/a.c\n@@ -1 +1 @@\n-int x;\n+int y;\n' > "$scratch/p0.patch"
expect strip-0 3 'fs/a.c is not built with this .config' -s "$b" -p 0 "$scratch/p0.patch"
expect bad-strip 2 '-p x: expected a number' -s "$b" -p x "$scratch/p0.patch"
printf -- '--- a/fs/a.c\n+++ b/fs/a.c\n@@ -1 +1 @@\n-int x;\n+int y;\n' > "$scratch/plain.patch"

# A deleted or renamed file is refused (5), the reason in the manifest.
printf -- '--- a/fs/a.c\n+++ /dev/null\n@@ -1 +0,0 @@\n-int x;\n' > "$scratch/delete.patch"
expect_tmp deleted-file 5 'fs/a.c: the patch deletes this file' -s "$b" -o "$scratch/del-out" -n d "$scratch/delete.patch"
if jq -e '.status == "refused" and any(.refusals[]; .file == "fs/a.c" and (.message | test("deletes")))' "$scratch/del-out/livepatch-d.json" > /dev/null; then
	t_pass klp-build-cli/deleted-file-manifest
else
	t_fail klp-build-cli/deleted-file-manifest "$(cat "$scratch/del-out/livepatch-d.json")"
fi
# A refusal keeps no scratch directory (nor does no change, below).
if [ -z "$tmp_left" ]; then
	t_pass klp-build-cli/refused-keeps-no-scratch
else
	t_fail klp-build-cli/refused-keeps-no-scratch "left $tmp_left"
fi
printf -- 'diff --git a/fs/a.c b/fs/b.c\nsimilarity index 100%%\nrename from fs/a.c\nrename to fs/b.c\n' > "$scratch/rename.patch"
expect renamed-file 5 'fs/b.c: the patch renames or copies a file' -s "$b" "$scratch/rename.patch"
printf -- 'diff --git a/fs/a.c b/fs/a.c\nold mode 100644\nnew mode 100755\n' > "$scratch/mode.patch"
expect mode-change 5 'fs/a.c: the patch changes this file without a hunk' -s "$b" "$scratch/mode.patch"

# Scratch directories: none after no change; with -k, kept and named;
# after a real failure, kept and named.
expect_tmp no-change-keeps-no-scratch 3 'change nothing this kernel builds' -s "$b" "$scratch/plain.patch"
if [ -z "$tmp_left" ]; then
	t_pass klp-build-cli/no-change-keeps-no-scratch-dir
else
	t_fail klp-build-cli/no-change-keeps-no-scratch-dir "left $tmp_left"
fi
expect_tmp keep-says-where 3 "scratch directory kept: $scratch/tmp-keep-says-where/klp-build\.[A-Za-z0-9]+$" \
	-k -s "$b" "$scratch/plain.patch"
expect_tmp failure-says-where 4 "scratch directory kept: $scratch/tmp-failure-says-where/klp-build\.[A-Za-z0-9]+$" \
	-s "$t" "$scratch/stale.patch"
if [ -n "$tmp_left" ] && [ -s "$scratch/tmp-failure-says-where/$tmp_left/klp-build.log" ]; then
	t_pass klp-build-cli/failure-keeps-named-log
else
	t_fail klp-build-cli/failure-keeps-named-log "no log kept in $scratch/tmp-failure-says-where"
fi

# A compile error in a patched line quotes that line, not the tree's
# line of the number #line gives it.
printf -- '--- a/fs/a.c\n+++ b/fs/a.c\n@@ -4,4 +4,4 @@\n int f(void)\n {\n-\treturn x;\n+\treturn x + klp_undeclared_name;\n }\n' > "$scratch/error.patch"
expect compile-error-quotes-patched-line 1 $'^ +6 \\| +return x \\+ klp_undeclared_name;' \
	-s "$ct" -o "$scratch/err-out" -n e "$scratch/error.patch"
if jq -e 'any(.failure.output[]; test("return x \\+ klp_undeclared_name;"))' "$scratch/err-out/livepatch-e.json" > /dev/null; then
	t_pass klp-build-cli/compile-error-manifest-quotes-patched-line
else
	t_fail klp-build-cli/compile-error-manifest-quotes-patched-line "$(jq -c .failure "$scratch/err-out/livepatch-e.json")"
fi

# A compile that fails while the pool waits for a free slot (-j 1: the
# patched fs/a.o, reaped as fs/b.o's compile is queued) still ends the
# build phase, as one reaped at its end does.
ct2=$scratch/c2/cmdtree
cmd_tree "$ct2"
printf 'int y;\n' > "$ct2/fs/b.c"
printf '%s\n' 'source_fs/b.o := fs/b.c' \
	'cmd_fs/b.o := gcc -Wp,-MMD,fs/.b.o.d -O2 -c -o fs/b.o fs/b.c' > "$ct2/fs/.b.o.cmd"
printf -- '--- a/fs/a.c\n+++ b/fs/a.c\n@@ -4,4 +4,4 @@\n int f(void)\n {\n-\treturn x;\n+\treturn x + klp_undeclared_name;\n }\n--- a/fs/b.c\n+++ b/fs/b.c\n@@ -1 +1 @@\n-int y;\n+int z;\n' > "$scratch/early-error.patch"
expect_tmp early-compile-error 1 'error: build patched: compiling the objects failed' -s "$ct2" -j 1 "$scratch/early-error.patch"

# The outputs are checked before the build: a directory that takes no
# file (/proc/self, even for root), a directory where the module goes.
expect unwritable-output 2 '-o /proc/self: cannot create files there' -s "$b" -o /proc/self "$scratch/plain.patch"
mkdir -p "$scratch/dir-out/livepatch-o.ko"
expect output-is-directory 2 'livepatch-o.ko exists and is not a regular file' -s "$b" -o "$scratch/dir-out" -n o "$scratch/plain.patch"

# SIGTERM during the first build of an unbuilt tree stops make at once,
# and the message says that the tree now holds part of a build.
slow=$scratch/slow
fake_tree "$slow"
printf 'all:\n\t@echo CC fs/part.o; touch fs/part.o; sleep 29.5; touch vmlinux Module.symvers\n' > "$slow/Makefile"
printf -- '--- a/fs/a.c\n+++ b/fs/a.c\n@@ -1 +1 @@\n-int x;\n+int y;\n' > "$scratch/slow.patch"
mkdir -p "$scratch/tmp-slow"
TMPDIR=$scratch/tmp-slow "$klp_build" -s "$slow" "$scratch/slow.patch" > /dev/null 2> "$scratch/slow.err" &
slow_pid=$!
for _ in $(seq 300); do
	[ -e "$slow/fs/part.o" ] && break
	sleep 0.05
done
start=$SECONDS
kill -TERM "$slow_pid"
rc=0
wait "$slow_pid" || rc=$?
took=$((SECONDS - start))
if [ "$rc" -ne 143 ] || [ "$took" -gt 5 ]; then
	t_fail klp-build-cli/sigterm-first-build "exit $rc after $took s, want 143 at once: $(tail -2 "$scratch/slow.err")"
elif pgrep -f 'sleep 29.5' > /dev/null; then
	t_fail klp-build-cli/sigterm-first-build "make's sleep still runs"
elif ! grep -q 'its build was stopped midway' "$scratch/slow.err" || grep -q 'the kernel tree is untouched' "$scratch/slow.err"; then
	t_fail klp-build-cli/sigterm-first-build "untrue message: $(tail -1 "$scratch/slow.err")"
else
	t_pass klp-build-cli/sigterm-first-build
fi

# A signal while klp-build forks a $(...) for each of 400 file names
# (bash 5.2 could lose a SIGINT that came during such a fork, or end with
# the wrong status): INT to the caller's group as a terminal sends it,
# TERM and HUP to klp-build alone, each at spread moments of phase 1.
# Each run ends 128 + the signal, says where, and leaves no scratch
# directory and no process behind.
forks=$scratch/forks
mkdir -p "$forks/tree/fs" "$scratch/tmp-forks"
printf 'CONFIG_LIVEPATCH=y\n' > "$forks/tree/.config"
printf 'all:\n\t@sleep 20\n' > "$forks/tree/Makefile"
for i in $(seq 400); do
	printf 'int x%d;\n' "$i" > "$forks/tree/fs/f$i.c"
	printf -- '--- a/fs/f%d.c\n+++ b/fs/f%d.c\n@@ -1 +1 @@\n-int x%d;\n+int y%d;\n' "$i" "$i" "$i" "$i"
done > "$forks/p.patch"
forks_why=''
for try in INT:0.05 INT:0.2 INT:0.35 TERM:0.1 TERM:0.3 HUP:0.15; do
	sig=${try%:*}
	rm -f "$forks/err"
	t_interrupt "$sig" "$forks/err" '\[1/5\]' "${try#*:}" env TMPDIR="$scratch/tmp-forks" \
		"$klp_build" -s "$forks/tree" -o "$forks/out" "$forks/p.patch"
	rc=$t_interrupt_rc
	if [ "$rc" -ne $((128 + $(kill -l "$sig"))) ]; then
		forks_why+="$try: exit $rc: $(tail -1 "$forks/err"); "
	elif ! grep -q '^klp-build: interrupted during prepare; the kernel tree is untouched$' "$forks/err"; then
		forks_why+="$try: $(tail -1 "$forks/err"); "
	elif [ -n "$(ls -A "$scratch/tmp-forks")" ] || pgrep -f "$scratch/tmp-forks/" > /dev/null; then
		forks_why+="$try: left $(ls -A "$scratch/tmp-forks") behind; "
	fi
	rm -rf "${scratch:?}/tmp-forks/"*
done
if [ -z "$forks_why" ]; then
	t_pass klp-build-cli/signal-while-forking
else
	t_fail klp-build-cli/signal-while-forking "$forks_why"
fi
# The Ctrl-C tests test klp-build, not how the suite was started: a suite
# started as `nohup ... &` inherits SIGINT ignored, which a bash started
# under it cannot trap; t_interrupt gives its command the default back.
ign_rc=$(
	trap '' INT
	t_interrupt INT "$scratch/ign.err" ready 0 \
		bash -c 'trap "exit 7" INT; echo ready >&2; sleep 10 & wait'
	echo "$t_interrupt_rc"
)
t_check klp-build-cli/interrupt-under-ignored-sigint [ "$ign_rc" = 7 ]
