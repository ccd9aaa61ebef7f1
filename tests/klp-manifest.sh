#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# klp-manifest without a kernel, on a stand-in module: the manifest says
# what the module holds, a refused or no-change build gets one without a
# module that says why, and bad input ends in a clear message, the right
# exit code and no output file (not even a temporary one).
#   tests/klp-manifest.sh BUILD_DIR
set -euo pipefail

build=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"
# shellcheck source=tests/fixture-cc.sh
. "$top/tests/fixture-cc.sh"

mf=$build/klp-manifest
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
d=$scratch

# expect NAME EXIT PATTERN ARGS...: exit code, message, and nothing written.
expect() {
	local name=$1 want=$2 pattern=$3 rc=0
	shift 3
	mkdir -p "$d/out"
	"$mf" "$@" > "$d/stdout" 2> "$d/stderr" || rc=$?
	if [ "$rc" -ne "$want" ]; then
		t_fail "klp-manifest/$name" "exit $rc, want $want: $(cat "$d/stderr")"
	elif grep -q 'Sanitizer\|runtime error' "$d/stderr"; then
		t_fail "klp-manifest/$name" "sanitizer report: $(cat "$d/stderr")"
	elif ! grep -qE -- "$pattern" "$d/stderr"; then
		t_fail "klp-manifest/$name" "stderr does not match /$pattern/: $(cat "$d/stderr")"
	elif [ -n "$(ls -A "$d/out")" ]; then
		t_fail "klp-manifest/$name" "left $(ls "$d/out") behind"
	else
		t_pass "klp-manifest/$name"
	fi
}

# jq_check NAME FILTER: FILTER on the manifest gives true.
jq_check() {
	if jq -e --arg sha "$ko_sha" --argjson sizes "$sizes" "$2" "$d/good.json" > /dev/null; then
		t_pass "klp-manifest/$1"
	else
		t_fail "klp-manifest/$1" "jq '$2' is not true for: $(cat "$d/good.json")"
	fi
}

fixture_cc "$top/test-fixtures/manifest/module.c" "$d/fx.ko"
printf 'int f(void) { return 1; }\n' > "$d/plain.c"
fixture_cc "$d/plain.c" "$d/plain.o"
printf 'not an object\n' > "$d/text.ko"
printf -- '--- a/x.c\n+++ b/x.c\n' > "$d/fix.patch"

if "$mf" --tool-version 9.9 --kernel-release 6.1.0 --patch "$d/fix.patch" \
	--new vmlinux:helper_fn --warning 'a "quoted" warning' --no-replace \
	--build-seconds 7 "$d/fx.ko" "$d/good.json" 2> "$d/stderr"; then
	t_pass klp-manifest/written
else
	t_fail klp-manifest/written "$(cat "$d/stderr")"
fi
ko_sha=$(sha256sum < "$d/fx.ko" | cut -d' ' -f1)
sizes=$(readelf -sW "$d/fx.ko" | awk '$4 == "FUNC" { printf "%s\"%s\": %d", sep, $8, $3; sep = ", " }
	BEGIN { printf "{" } END { print "}" }')
# shellcheck disable=SC2016 # $names are jq variables
{
jq_check header '.schema_version == 1 and .tool.version == "9.9" and .kernel.release == "6.1.0" and .build_seconds == 7'
jq_check module '.module == {file: "fx.ko", name: "livepatch_fx", vermagic: "6.1.0 SMP mod_unload ", replace: false, size: .module.size, sha256: $sha}'
jq_check patch '.patches == [{file: "fix.patch", sha256: "'"$(sha256sum < "$d/fix.patch" | cut -d' ' -f1)"'"}]'
jq_check changed '.objects[0].changed_functions == [{name: "patched_fn", size: $sizes.patched_fn, sympos: 2}]'
jq_check new '.objects[0].new_functions == [{name: "helper_fn", size: $sizes.helper_fn}]'
jq_check klp-symbols '.objects[0].klp_symbols == [{name: "foo_var", sympos: 2, symbol: ".klp.sym.vmlinux.foo_var,2"}]'
jq_check warnings '.warnings == ["a \"quoted\" warning"] and (.objects | length) == 1'
jq_check status '.status == "built" and .refusals == []'
}

# What the differ said of a changed function: patched for an untraceable
# one it calls, and the other names of its code; a note of another
# object's function of the same name is not its.
if "$mf" --through vmlinux:patched_fn:__do_sys_x --alias vmlinux:patched_fn:alias_a \
	--alias vmlinux:patched_fn:alias_b --through ext4:patched_fn:other \
	"$d/fx.ko" "$d/notes.json" 2> "$d/stderr"; then
	# shellcheck disable=SC2016 # $sizes is a jq variable
	if jq -e --argjson sizes "$sizes" '.objects[0].changed_functions == [{name: "patched_fn", size: $sizes.patched_fn, sympos: 2, through: "__do_sys_x", aliases: ["alias_a", "alias_b"]}]' \
		"$d/notes.json" > /dev/null; then
		t_pass klp-manifest/through-aliases
	else
		t_fail klp-manifest/through-aliases "$(cat "$d/notes.json")"
	fi
else
	t_fail klp-manifest/through-aliases "$(cat "$d/stderr")"
fi

# Without a module: objects grouped vmlinux first, refusals (records of
# create-diff-object --refusals) with empty fields as null, escapes undone.
if "$mf" --status refused --tool-version 9.9 --patch "$d/fix.patch" \
	--object ext4:fs/ext4/inode.o --object vmlinux:fs/pipe.o --object vmlinux:kernel/panic.o \
	--refusal $'vmlinux\tfs/pipe.o\tpipe_max_size\tchanged "initializer"\\tx\tkeep: it' \
	--refusal $'\tkernel/new.c\t\tadds a new file\t' --warning w "$d/refused.json" 2> "$d/stderr"; then
	t_pass klp-manifest/refused-written
else
	t_fail klp-manifest/refused-written "$(cat "$d/stderr")"
fi
# jq_on NAME FILE FILTER
jq_on() {
	if jq -e "$3" "$2" > /dev/null; then
		t_pass "klp-manifest/$1"
	else
		t_fail "klp-manifest/$1" "jq '$3' is not true for: $(cat "$2")"
	fi
}
jq_on refused-header "$d/refused.json" '.schema_version == 1 and .status == "refused" and .module == null and .tool.version == "9.9" and .warnings == ["w"] and .patches[0].file == "fix.patch"'
jq_on refused-objects "$d/refused.json" '[.objects[] | [.name, .files, .changed_functions, .new_functions, .klp_symbols]] == [["vmlinux", ["fs/pipe.o", "kernel/panic.o"], [], [], []], ["ext4", ["fs/ext4/inode.o"], [], [], []]]'
jq_on refusals "$d/refused.json" '.refusals == [{object: "vmlinux", file: "fs/pipe.o", symbol: "pipe_max_size", message: "changed \"initializer\"\tx; keep: it", reason: "changed \"initializer\"\tx", advice: "keep: it"}, {object: null, file: "kernel/new.c", symbol: null, message: "adds a new file", reason: "adds a new file", advice: null}]'
if "$mf" --status no-change "$d/nochange.json" 2> "$d/stderr"; then
	jq_on no-change "$d/nochange.json" '.status == "no-change" and .module == null and .objects == [] and .refusals == [] and .patches == []'
else
	t_fail klp-manifest/no-change "$(cat "$d/stderr")"
fi
# A failed build: no module, the phase, the message and the failing
# step's output in order, the message whole past its first colon.
if "$mf" --status failed --patch "$d/fix.patch" --object vmlinux:fs/pipe.o \
	--failure 'build patched:compiling fs/pipe.o failed: see below' \
	--output-line 'fs/pipe.c:9:1: error: expected ";"' --output-line '    9 | x' "$d/failed.json" 2> "$d/stderr"; then
	jq_on failed "$d/failed.json" '.status == "failed" and .module == null and .refusals == [] and .failure == {phase: "build patched", message: "compiling fs/pipe.o failed: see below", output: ["fs/pipe.c:9:1: error: expected \";\"", "    9 | x"]} and .objects[0].files == ["fs/pipe.o"]'
else
	t_fail klp-manifest/failed "$(cat "$d/stderr")"
fi
jq_on failure-null "$d/refused.json" '.failure == null'
jq_on failure-null-built "$d/good.json" 'has("failure") and .failure == null'
if [ -n "$(find "$d" -maxdepth 1 -name 'good.json.*' -o -name '.klp-*')" ]; then
	t_fail klp-manifest/no-temp-file "a temporary file was left next to the manifest"
else
	t_pass klp-manifest/no-temp-file
fi

msg='^klp-manifest: [^ ]+: .+; .+'
expect missing-module 1 "$msg" "$d/none.ko" "$d/out/m.json"
expect text-module 1 "$msg" "$d/text.ko" "$d/out/m.json"
expect not-klp-build 1 'no well-formed .klp_build.funcs' "$d/plain.o" "$d/out/m.json"
expect new-not-in-module 1 'new function nope is not in the module' --new vmlinux:nope "$d/fx.ko" "$d/out/m.json"
expect missing-patch 1 "$msg" --patch "$d/none.patch" "$d/fx.ko" "$d/out/m.json"
expect unwritable 1 'cannot create a file beside it' "$d/fx.ko" "$d/out/no/such/dir/m.json"
expect bad-new 2 'expected OBJ:FUNC' --new helper_fn "$d/fx.ko" "$d/out/m.json"
expect bad-through 2 'through vmlinux:f: expected OBJ:FUNC:VIA' --through vmlinux:f "$d/fx.ko" "$d/out/m.json"
expect bad-alias 2 'alias a:b:c:d: expected OBJ:FUNC:NAME' --alias a:b:c:d "$d/fx.ko" "$d/out/m.json"
expect through-without-module 2 'no-change has none' --status no-change --through vmlinux:f:g "$d/out/m.json"
expect bad-seconds 2 'expected a number of seconds' --build-seconds soon "$d/fx.ko" "$d/out/m.json"
expect no-args 2 'expected MODULE.ko OUTPUT.json'
expect bad-status 2 'expected built, refused, no-change or failed' --status maybe "$d/out/m.json"
expect status-with-module 2 'expected OUTPUT.json only' --status refused "$d/fx.ko" "$d/out/m.json"
expect refusal-with-module 2 'use them with --status refused' --refusal $'a\tb\tc\td\te' "$d/fx.ko" "$d/out/m.json"
expect new-without-module 2 'no-change has none' --status no-change --new vmlinux:f "$d/out/m.json"
expect bad-refusal 2 'refusal: expected a record of 5 tab-separated fields' --status refused --refusal a:b:c:d "$d/out/m.json"
expect bad-refusal-escape 2 'refusal: expected a record' --status refused --refusal $'a\tb\tc\td\\q\te' "$d/out/m.json"
expect empty-refusal 2 'REASON .* is empty' --status refused --refusal $'a\tb\tc\t\te' "$d/out/m.json"
expect bad-object 2 'object vmlinux: expected OBJ:FILE' --status refused --object vmlinux "$d/out/m.json"
expect refused-missing-patch 1 "$msg" --status refused --patch "$d/none.patch" "$d/out/m.json"
expect failed-without-failure 2 'no --failure PHASE:TEXT' --status failed "$d/out/m.json"
expect failure-not-failed 2 'use them with --status failed' --status refused --failure 'diff:x' "$d/out/m.json"
expect output-line-built 2 'use them with --status failed' --output-line x "$d/fx.ko" "$d/out/m.json"
expect bad-failure 2 'expected PHASE:TEXT' --status failed --failure 'diff:' "$d/out/m.json"
expect failed-with-module 2 'expected OUTPUT.json only' --status failed --failure 'diff:x' "$d/fx.ko" "$d/out/m.json"
expect refused-unwritable 1 'cannot create a file beside it' --status no-change "$d/out/no/such/dir/m.json"

# The differ's --refusals records go into the manifest as they are.
fx=$top/test-fixtures/diff/22-refuse-global-init
fixture_cc "$fx/orig.c" "$d/r-orig.o"
fixture_cc "$fx/patched.c" "$d/r-patched.o"
rc=0
"$build/create-diff-object" --refusals "$d/r.records" "$d/r-orig.o" "$d/r-patched.o" "$d/r-out.o" 2> /dev/null || rc=$?
mapfile -t records < "$d/r.records"
args=()
for r in "${records[@]}"; do args+=(--refusal "$r"); done
if [ "$rc" = 5 ] && [ "${#records[@]}" = 1 ] &&
	"$mf" --status refused "${args[@]}" "$d/from-differ.json" 2> "$d/stderr"; then
	jq_on refusal-from-differ "$d/from-differ.json" '.refusals == [{object: "vmlinux", file: "'"$d/r-patched.o"'", symbol: "threshold", message: (.refusals[0].reason + "; " + .refusals[0].advice), reason: "changed initializer of existing data (section .data.threshold)", advice: .refusals[0].advice}] and (.refusals[0].advice | test("shadow variable"))'
else
	t_fail klp-manifest/refusal-from-differ "exit $rc, records: ${records[*]-none}: $(cat "$d/stderr")"
fi

# Names that are not UTF-8 (a Latin-1 patch name) still give valid JSON.
latin1=$d/$'caf\xe9.patch'
cp "$d/fix.patch" "$latin1"
if "$mf" --status no-change --patch "$latin1" --warning $'bad \xff byte' "$d/latin1.json" 2> "$d/stderr" &&
	iconv -f UTF-8 -t UTF-8 "$d/latin1.json" > /dev/null 2>&1; then
	jq_on utf8-escaped "$d/latin1.json" '.patches[0].file == "caf\\xe9.patch" and .warnings == ["bad \\xff byte"]'
else
	t_fail klp-manifest/utf8-escaped "not written, or not valid UTF-8: $(cat "$d/stderr")"
fi

# The target kernel's GNU build id (what klpctl compares with the running
# kernel's /sys/kernel/notes): from a linked image's note, as readelf -n
# reads it, of any length; or given in hex; null when unknown.
printf 'void _start(void) { for (;;) ; }\n' > "$d/img.c"
for id in sha1 md5 none; do
	gcc -nostdlib -static -O2 -Wl,--build-id="$id" -o "$d/img-$id" "$d/img.c"
done
for id in sha1 md5; do
	want=$(readelf -n "$d/img-$id" | sed -n 's/^ *Build ID: //p')
	if [ -n "$want" ] && "$mf" --status no-change --kernel-image "$d/img-$id" "$d/bid.json" 2> "$d/stderr"; then
		jq_on "build-id-image-$id" "$d/bid.json" '.kernel.build_id == "'"$want"'"'
	else
		t_fail "klp-manifest/build-id-image-$id" "readelf: '$want'; $(cat "$d/stderr")"
	fi
done
if "$mf" --kernel-build-id 0123ABcdef "$d/fx.ko" "$d/bid.json" 2> "$d/stderr"; then
	jq_on build-id-hex "$d/bid.json" '.kernel == {release: null, build_id: "0123abcdef"}'
else
	t_fail klp-manifest/build-id-hex "$(cat "$d/stderr")"
fi
jq_on build-id-null "$d/good.json" '.kernel | has("build_id") and .build_id == null'
expect build-id-odd 2 'kernel-build-id abc: expected an even number' --kernel-build-id abc "$d/fx.ko" "$d/out/m.json"
expect build-id-not-hex 2 'kernel-build-id 12zz: expected' --kernel-build-id 12zz "$d/fx.ko" "$d/out/m.json"
expect build-id-empty 2 'kernel-build-id : expected' --kernel-build-id '' "$d/fx.ko" "$d/out/m.json"
expect build-id-too-long 2 'expected an even number' --kernel-build-id "$(printf '%0130d' 0)" "$d/fx.ko" "$d/out/m.json"
expect build-id-twice 2 'give one of them once' --kernel-build-id ab --kernel-image "$d/img-sha1" "$d/fx.ko" "$d/out/m.json"
expect image-no-build-id 1 "img-none: --kernel-image: no GNU build id note; " --kernel-image "$d/img-none" "$d/fx.ko" "$d/out/m.json"
expect image-not-linked 1 'plain.o: --kernel-image: not a linked kernel image' --kernel-image "$d/plain.o" "$d/fx.ko" "$d/out/m.json"
expect image-missing 1 "$msg" --kernel-image "$d/none" --status no-change "$d/out/m.json"
expect image-text 1 "$msg" --kernel-image "$d/text.ko" --status no-change "$d/out/m.json"

# The manifest never replaces the module, a patch, or what is not a regular file.
cp "$d/fx.ko" "$d/out/self.ko"
ln -s self.ko "$d/out/link.json"
for case in "self.ko:$d/out/self.ko" "link:$d/out/link.json" "patch:$d/fix.patch"; do
	rc=0
	"$mf" --patch "$d/fix.patch" "$d/out/self.ko" "${case#*:}" 2> "$d/stderr" || rc=$?
	if [ "$rc" = 1 ] && grep -q 'out_check: the output is the input' "$d/stderr" &&
		cmp -s "$d/fx.ko" "$d/out/self.ko" && grep -q '^+++ b/x.c' "$d/fix.patch"; then
		t_pass "klp-manifest/output-is-input-${case%%:*}"
	else
		t_fail "klp-manifest/output-is-input-${case%%:*}" "exit $rc, or an input changed: $(cat "$d/stderr")"
	fi
done
rm -f "$d/out/self.ko" "$d/out/link.json"
mkfifo "$d/fifo.json"
expect fifo-output 1 'exists and is not a regular file' --status no-change "$d/fifo.json"
[ -p "$d/fifo.json" ] || t_fail klp-manifest/fifo-kept "the fifo was replaced"
