#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Records every output of the C tools while the userspace suites run, so
# that a refactoring can show the tools' behaviour is unchanged: run it
# on the build before and after, then `diff -r` the two record dirs.
#   tests/record-outputs.sh BUILD_DIR RECORD_DIR [SUITE...]
# SUITE: a tests/*.sh that takes BUILD_DIR (default: the differ, peer,
# regression, special-section, padding, srcline, manifest and bad-input
# suites). Each call of create-diff-object, klp-convert or klp-manifest
# leaves RECORD_DIR/TOOL/KEY/{args,rc,stdout,stderr,out.N}: KEY comes
# from the arguments with the checkout and the suites' mktemp
# directories masked, out.N
# is each argument file the call wrote. Suite verdicts are not judged
# here (make check does that).
set -euo pipefail

[ $# -ge 2 ] || { echo "usage: $0 BUILD_DIR RECORD_DIR [SUITE...]" >&2; exit 2; }
build=$(cd "$1" && pwd)
mkdir -p "$2"
record=$(cd "$2" && pwd)
shift 2
top=$(cd "$(dirname "$0")/.." && pwd)
suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(diff-fixtures peer-kpatch regression \
	special-sections ibt-padding debug-srcline klp-manifest bad-input)

wrap_dir=$(mktemp -d "${TMPDIR:-/tmp}/klp-record.XXXXXX")
trap 'rm -rf "$wrap_dir"' EXIT

# The masked form of the arguments (and of what the tools print): the
# per-run temporary directories differ between two runs.
mask() {
	sed -E "s#$top#TOP#g; s#(/tmp|${TMPDIR:-/tmp})/[^/ ]+#TMP#g"
}

write_wrapper() {
	local tool=$1
	cat > "$wrap_dir/$tool" <<EOF
#!/usr/bin/env bash
set -u
real=$(printf '%q' "$build/$tool")
dir=$(printf '%q' "$record/$tool")
top=$(printf '%q' "$top")
mask() { sed -E "s#\$top#TOP#g; s#(/tmp|\${TMPDIR:-/tmp})/[^/ ]+#TMP#g"; }
start=\$(mktemp)
rc=0
"\$real" "\$@" > "\$start.out" 2> "\$start.err" || rc=\$?
key=\$(printf '%s\n' "\$@" | mask | sha1sum | cut -c1-16)
d=\$dir/\$key; n=1
while ! mkdir -p "\$dir" || ! mkdir "\$d" 2> /dev/null; do n=\$((n + 1)); d=\$dir/\$key.\$n; done
printf '%s\n' "\$@" | mask > "\$d/args"
echo "\$rc" > "\$d/rc"
mask < "\$start.out" > "\$d/stdout"
mask < "\$start.err" > "\$d/stderr"
i=0
for a in "\$@"; do
	i=\$((i + 1))
	[ -f "\$a" ] && [ "\$a" -nt "\$start" ] && cp "\$a" "\$d/out.\$i"
done
cat "\$start.out"; cat "\$start.err" >&2
rm -f "\$start" "\$start.out" "\$start.err"
exit "\$rc"
EOF
	chmod +x "$wrap_dir/$tool"
}

for f in "$build"/*; do
	ln -s "$f" "$wrap_dir/${f##*/}"
done
for tool in create-diff-object klp-convert klp-manifest; do
	rm -f "$wrap_dir/$tool"
	write_wrapper "$tool"
done

cd "$top"
for s in "${suites[@]}"; do
	"$top/tests/$s.sh" "$wrap_dir" > "$record/suite-$s.log" 2>&1 || true
	mask < "$record/suite-$s.log" | grep -E '^[0-9]+ passed' || true
done
echo "recorded $(find "$record" -mindepth 2 -maxdepth 2 -type d | wc -l) calls in $record"
