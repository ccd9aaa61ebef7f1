# SPDX-License-Identifier: GPL-2.0
#
# From a unified diff, for the file whose new name is `file`, prints the
# ranges of unchanged lines that follow each run of changes:
# "FIRST LAST DELTA" in new-file line numbers, with
# original line = new line - DELTA. The last range runs to the end.
# Lines between hunks are unchanged, so a range stays open across them.
#
#   awk -v file=fs/proc/cmdline.c -f hunk-ranges.awk PATCH

/^\+\+\+ / {
	name = $2
	sub(/^b\//, "", name)
	infile = (name == file)
	next
}
/^(--- |diff )/ { next }

infile && /^@@ / {
	# @@ -o[,l] +n[,l] @@
	split($2, o, ",")
	split($3, nw, ",")
	old = -o[1]
	new = substr(nw[1], 2)
	next
}

infile && /^[ +-]/ {
	c = substr($0, 1, 1)
	if (c == " ") {
		if (changed) {
			start = new
			delta = new - old
			open = 1
			changed = 0
		}
		old++
		new++
		next
	}
	if (open)
		print start, new - 1, delta
	open = 0
	changed = 1
	if (c == "-")
		old++
	else
		new++
}

END {
	if (changed) {
		start = new
		delta = new - old
		open = 1
	}
	if (open)
		print start, 2147483647, delta
}
