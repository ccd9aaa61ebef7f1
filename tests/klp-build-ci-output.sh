#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# What a CI job gets from klp-build: the manifest next to the module
# (checked with jq against the module and the patches), byte-identical
# output from two builds of the same patches, and `--test` in qemu,
# passing with a check script that holds and failing with exit 6 and a
# console log with one that does not. A refused patch (exit 5) and one
# that changes no function (exit 3) still get a manifest saying why,
# and lose the module an earlier build left in the output directory; so
# does one that fails to compile (exit 1).
#   tests/klp-build-ci-output.sh BUILD_DIR
set -euo pipefail

build=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"

klp_build=$top/kmod-builder/klp-build
kp=$top/test-fixtures/kpatches
# A vmlinux variable through a klp symbol, a new function, sympos 3.
patches=("$kp/01-proc-string/1.patch" "$kp/02-new-function/1.patch" "$kp/07-sympos/1.patch")
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export KLP_TOOLS_DIR=$build TMPDIR=$scratch/tmp
mkdir -p "$TMPDIR"

# build NAME OUTDIR [klp-build options...]: fails the test NAME if klp-build does.
build_into() {
	local name=$1 out=$2 rc=0
	shift 2
	"$klp_build" -s "$tree" -o "$out" -n ci "$@" "${patches[@]}" > "$out.stdout" 2> "$out.stderr" || rc=$?
	[ "$rc" -eq 0 ] || t_fail "klp-build-ci/$name" "klp-build exited $rc: $(tail -n 5 "$out.stderr")"
	return "$rc"
}

# jq_check NAME FILTER: FILTER, run on the manifest with the facts below, must give true.
jq_check() {
	local out
	if out=$(jq -e --arg ko_sha "$ko_sha" --arg release "$release" --arg vermagic "$vermagic" \
		--argjson sizes "$sizes" --argjson patch_shas "$patch_shas" "$2" "$manifest" 2>&1); then
		t_pass "klp-build-ci/manifest-$1"
	else
		t_fail "klp-build-ci/manifest-$1" "jq '$2' gave: $out"
	fi
}

# Symbol sizes in the module, as a JSON object name -> size.
symbol_sizes() {
	readelf -sW "$1" | awk '$4 == "FUNC" { printf "%s\"%s\": %d", sep, $8, $3; sep = ", " }
		BEGIN { printf "{" } END { print "}" }'
}

# $names in the filters are jq variables.
# shellcheck disable=SC2016
check_manifest() {
	local ko=$scratch/a/livepatch-ci.ko p
	manifest=$scratch/a/livepatch-ci.json
	ko_sha=$(sha256sum < "$ko" | cut -d' ' -f1)
	release=$(cat "$tree/include/config/kernel.release")
	vermagic=$(modinfo -F vermagic "$ko")
	sizes=$(symbol_sizes "$ko")
	patch_shas=$(for p in "${patches[@]}"; do sha256sum < "$p" | cut -d' ' -f1; done | jq -R . | jq -sc .)
	jq_check schema '.schema_version == 1 and .tool.name == "klp-build" and (.tool.version | type) == "string"'
	jq_check kernel '.kernel.release == $release and .module.vermagic == $vermagic'
	jq_check module '.module.file == "livepatch-ci.ko" and .module.name == "livepatch_ci" and .module.replace == true and .module.sha256 == $ko_sha'
	jq_check patches '[.patches[].sha256] == $patch_shas and [.patches[].file] == ["1.patch", "1.patch", "1.patch"]'
	jq_check objects '[.objects[].name] == ["vmlinux"]'
	jq_check changed '[.objects[0].changed_functions[] | "\(.name),\(.sympos)"] | sort == ["cmdline_proc_show,0", "s_show,3", "version_proc_show,0"]'
	jq_check new '[.objects[0].new_functions[].name] == ["version_klp_note"]'
	jq_check sizes '[.objects[0] | (.changed_functions, .new_functions)[] | .size == $sizes[.name] and .size > 0] | all'
	jq_check klp-symbols '.objects[0].klp_symbols | any(.name == "saved_command_line" and .sympos == 0 and .symbol == ".klp.sym.vmlinux.saved_command_line,0")'
	jq_check status '.status == "built" and .refusals == []'
	jq_check rest '(.warnings | type) == "array" and (.build_seconds | type) == "number"'
}

# The second build also boots the module with a check script that holds.
check_reproducible_and_test() {
	local a=$scratch/a b=$scratch/b
	cat > "$scratch/good-check.sh" <<-'EOF'
	. /test/vm-lib.sh
	assert_contains /proc/cmdline "klp-build was here"
	assert_contains /proc/version "klp new function: release"
	assert_contains /proc/vmallocinfo " klp-build"
	EOF
	build_into test-pass "$b" --test="$scratch/good-check.sh" || return 0
	t_pass klp-build-ci/test-pass
	if cmp "$a/livepatch-ci.ko" "$b/livepatch-ci.ko"; then
		t_pass klp-build-ci/reproducible-ko
	else
		t_fail klp-build-ci/reproducible-ko "two builds of the same patches differ"
	fi
	if cmp <(grep -v '"build_seconds"' "$a/livepatch-ci.json") <(grep -v '"build_seconds"' "$b/livepatch-ci.json"); then
		t_pass klp-build-ci/reproducible-manifest
	else
		t_fail klp-build-ci/reproducible-manifest "$(diff "$a/livepatch-ci.json" "$b/livepatch-ci.json" | head -5)"
	fi
}

# A check script that asserts the unpatched behaviour: exit 6, log kept.
check_test_failure() {
	local c=$scratch/c rc=0
	printf '. /test/vm-lib.sh\nassert_not_contains /proc/cmdline "klp-build was here"\n' > "$scratch/bad-check.sh"
	"$klp_build" -s "$tree" -o "$c" -n ci --test="$scratch/bad-check.sh" "$kp/01-proc-string/1.patch" \
		> "$c.stdout" 2> "$c.stderr" || rc=$?
	if [ "$rc" -ne 6 ]; then
		t_fail klp-build-ci/test-fail "exit $rc, want 6: $(tail -n 3 "$c.stderr")"
	elif ! grep -q "console log: $c/livepatch-ci.console.log" "$c.stderr"; then
		t_fail klp-build-ci/test-fail "klp-build did not say where the console log is"
	elif ! grep -q 'assert_not_contains.*matches' "$c/livepatch-ci.console.log"; then
		t_fail klp-build-ci/test-fail "the console log lacks the failed assertion"
	elif grep -q . "$c.stdout" && grep -q '\.ko$' "$c.stdout"; then
		t_fail klp-build-ci/test-fail "stdout names the module of a failed test"
	else
		t_pass klp-build-ci/test-fail
	fi
}

# jq_on NAME MANIFEST FILTER: FILTER on MANIFEST gives true.
jq_on() {
	local out
	if out=$(jq -e "$3" "$2" 2>&1); then
		t_pass "klp-build-ci/$1"
	else
		t_fail "klp-build-ci/$1" "jq '$3' gave: $out on $(cat "$2" 2>&1)"
	fi
}

# no_module NAME OUTDIR WANT PATCH...: klp-build exits WANT, writes a
# manifest, and removes the stale module planted in OUTDIR.
no_module() {
	local name=$1 out=$2 want=$3 rc=0
	shift 3
	mkdir -p "$out"
	printf 'stale\n' > "$out/livepatch-ci.ko"
	printf '{"status": "built"}\n' > "$out/livepatch-ci.json"
	"$klp_build" -s "$tree" -o "$out" -n ci "$@" > "$out.stdout" 2> "$out.stderr" || rc=$?
	if [ "$rc" -ne "$want" ]; then
		t_fail "klp-build-ci/$name-exit" "exit $rc, want $want: $(tail -n 3 "$out.stderr")"
	elif [ -e "$out/livepatch-ci.ko" ] || grep -q '\.ko$' "$out.stdout"; then
		t_fail "klp-build-ci/$name-exit" "the stale module is still in $out, or named on stdout"
	elif grep -q "$TMPDIR" "$out/livepatch-ci.json"; then
		t_fail "klp-build-ci/$name-exit" "the manifest names the scratch directory"
	else
		t_pass "klp-build-ci/$name-exit"
	fi
}

# Two objects refused: every refusal is listed, with tree paths.
# shellcheck disable=SC2016 # $names are jq variables
check_refused() {
	local r=$scratch/refused m=$scratch/refused/livepatch-ci.json
	no_module refused "$r" 5 "$kp/21-refuse-data-init/1.patch" "$kp/21-refuse-data-init/2.patch"
	jq_on refused-header "$m" '.schema_version == 1 and .status == "refused" and .module == null and .kernel.release == "'"$(cat "$tree/include/config/kernel.release")"'"'
	jq_on refused-patches "$m" '[.patches[] | .file, .sha256] == ["1.patch", "'"$(sha256sum < "$kp/21-refuse-data-init/1.patch" | cut -d' ' -f1)"'", "2.patch", "'"$(sha256sum < "$kp/21-refuse-data-init/2.patch" | cut -d' ' -f1)"'"]'
	jq_on refused-objects "$m" '.objects == [{name: "vmlinux", changed_functions: [], new_functions: [], klp_symbols: [], files: ["fs/pipe.o", "kernel/panic.o"]}]'
	jq_on refused-list "$m" '[.refusals[] | [.object, .file, .symbol]] == [["vmlinux", "fs/pipe.o", "pipe_max_size"], ["vmlinux", "kernel/panic.o", "panic_timeout"]] and all(.refusals[]; (.message | startswith("changed initializer of existing data (section .data.")) and (.reason | startswith("changed initializer of existing data (section .data.")) and (.advice | test("shadow variable")) and .message == .reason + "; " + .advice)'
}

# A refusal from the file list alone: no object, no symbol.
check_refused_new_file() {
	local r=$scratch/newfile
	printf -- '--- /dev/null\n+++ b/kernel/klp-ci-new.c\n@@ -0,0 +1 @@\n+int klp_ci_new;\n' > "$scratch/new-file.patch"
	no_module refused-new-file "$r" 5 "$scratch/new-file.patch"
	jq_on refused-new-file "$r/livepatch-ci.json" '.status == "refused" and .objects == [] and [.refusals[] | [.object, .file, .symbol]] == [[null, "kernel/klp-ci-new.c", null]] and (.refusals[0].message | test("adds a new file")) and (.refusals[0].reason | test("adds a new file")) and (.refusals[0].advice | test("existing file"))'
}

check_no_change() {
	local n=$scratch/nochange
	no_module no-change "$n" 3 "$kp/26-no-change/1.patch"
	jq_on no-change "$n/livepatch-ci.json" '.status == "no-change" and .module == null and .refusals == [] and .objects == [{name: "vmlinux", changed_functions: [], new_functions: [], klp_symbols: [], files: ["fs/proc/generic.o"]}] and [.patches[].file] == ["1.patch"]'
}

# A patch that does not compile: exit 1, and a manifest that says which
# phase failed, why, and the compiler's error, with no module.
# shellcheck disable=SC2016 # $names are jq variables
check_failed() {
	local f=$scratch/failed p=$scratch/broken.patch
	sed 's/seq_puts(m, "klp-build was here\\n");/seq_puts(m, "x") syntax error;/' \
		"$kp/01-proc-string/1.patch" > "$p"
	no_module failed "$f" 1 "$p"
	jq_on failed "$f/livepatch-ci.json" '.schema_version == 1 and .status == "failed" and .module == null and .refusals == [] and .failure.phase == "build patched" and (.failure.message | test("compiling the objects failed")) and .objects == [{name: "vmlinux", changed_functions: [], new_functions: [], klp_symbols: [], files: ["fs/proc/cmdline.o"]}]'
	jq_on failed-output "$f/livepatch-ci.json" 'any(.failure.output[]; test("^fs/proc/cmdline.c:[0-9]+:[0-9]+: error: ")) and .failure.output[0] == "compiling fs/proc/cmdline.o (patched; lines as the patch left them) failed:"'
	jq_on failed-patches "$f/livepatch-ci.json" '.patches == [{file: "broken.patch", sha256: "'"$(sha256sum < "$p" | cut -d' ' -f1)"'"}] and .kernel.release == "'"$(cat "$tree/include/config/kernel.release")"'" and (.build_seconds | type) == "number"'
	if [ -n "$(find "$f" -name '*.json.*' -o -name '.klp-*')" ]; then
		t_fail klp-build-ci/failed-no-temp "a temporary file was left in $f"
	else
		t_pass klp-build-ci/failed-no-temp
	fi
}

tree=$("$top/testbed/build-kernel.sh")
if build_into build "$scratch/a"; then
	t_pass klp-build-ci/build
	check_manifest
	check_reproducible_and_test
fi
check_test_failure
check_refused
check_refused_new_file
check_no_change
check_failed
