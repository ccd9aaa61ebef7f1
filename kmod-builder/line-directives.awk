# SPDX-License-Identifier: GPL-2.0
#
# Prints a patched source file with #line directives, so that __FILE__
# and __LINE__ everywhere but in the patch's own lines are those of the
# original file: a patch that only moves lines then changes no code
# (WARN, BUG, pr_* and might_sleep embed __LINE__).
#
#   awk -v path=fs/proc/cmdline.c -v ranges=FILE -f line-directives.awk PATCHED.c
#   awk -v outdir=DIR -f line-directives.awk FILE...
#
# The second form, run in the tree, writes DIR/FILE for each FILE (a
# path in the tree, its own path), with no ranges: each gets #line 1
# alone (the affected units that no patch touches, in one run).
#
# ranges: lines "FIRST LAST DELTA": new lines FIRST..LAST are unchanged
# context, original line = new line - DELTA (from hunk-ranges.awk). A
# directive goes before the first line of a range that may start a
# directive: not inside a macro continuation, and after a line that ends
# a statement, block or directive (never inside macro arguments).

function safe_after(line) {
	sub(/[ \t]+$/, "", line)
	if (line ~ /\\$/)
		return 0
	return line == "" || line ~ /[;{}]$/ || line ~ /^[ \t]*#/ || line ~ /\*\/$/
}

BEGIN {
	n = 0
	# (gawk refuses a redirection from an empty name: the outdir form has none.)
	while (ranges != "" && (getline r < ranges) > 0) {
		split(r, f, " ")
		first[n] = f[1]; last[n] = f[2]; delta[n] = f[3]; n++
	}
	cur = 0
	if (outdir == "")
		printf "#line 1 \"%s\"\n", path
	prev = ""
}

outdir != "" && FNR == 1 {
	if (out != "")
		close(out)
	path = FILENAME
	seen[path] = 1
	out = outdir "/" FILENAME
	printf "#line 1 \"%s\"\n", path > out
}

outdir != "" {
	print > out
	next
}

{
	while (cur < n && FNR > last[cur]) {
		printf "klp-build: %s: no place for a #line directive in lines %d-%d\n", path, first[cur], last[cur] > "/dev/stderr"
		cur++
	}
	if (cur < n && FNR >= first[cur] && safe_after(prev)) {
		printf "#line %d \"%s\"\n", FNR - delta[cur], path
		cur++
	}
	print
	prev = $0
}

# An empty FILE has no first line: its copy is the directive alone.
END {
	if (outdir == "")
		exit
	for (i = 1; i < ARGC; i++)
		if (!(ARGV[i] in seen))
			printf "#line 1 \"%s\"\n", ARGV[i] > (outdir "/" ARGV[i])
}
