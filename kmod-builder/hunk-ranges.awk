# SPDX-License-Identifier: GPL-2.0
#
# From the unified diff of one file (filterdiff picks it out of the
# patch), prints the ranges of unchanged lines that follow each run of
# changes: "FIRST LAST DELTA" in new-file line numbers, with
# original line = new line - DELTA. The last range runs to the end.
# Lines between hunks are unchanged, so a range stays open across them.
#
#   filterdiff -p1 -i fs/proc/cmdline.c PATCH | awk -f hunk-ranges.awk
#
# A hunk is as long as its header says: a body line that looks like a
# header (an added line "++ x" shows as "+++ x") is still body.

function count(s, n) {
	n = split(s, a, ",")
	return n > 1 ? a[2] + 0 : 1
}

{ sub(/\r$/, "") }

left_old <= 0 && left_new <= 0 {
	# @@ -o[,l] +n[,l] @@
	if ($1 != "@@")
		next
	left_old = count($2)
	left_new = count($3)
	split($2, o, ",")
	split($3, nw, ",")
	old = -o[1]
	new = substr(nw[1], 2)
	next
}

# "\ No newline at end of file" belongs to the line before it.
/^\\/ { next }

{
	c = substr($0, 1, 1)
	# A context line whose space a mailer stripped.
	if (c == "")
		c = " "
	if (c != " " && c != "+" && c != "-") {
		# Not a hunk line: the hunk was cut short (patch refuses it).
		left_old = left_new = 0
		next
	}
	if (c == " ") {
		if (changed) {
			start = new
			delta = new - old
			open = 1
			changed = 0
		}
		old++
		new++
		left_old--
		left_new--
		next
	}
	if (open)
		print start, new - 1, delta
	open = 0
	changed = 1
	if (c == "-") {
		old++
		left_old--
	} else {
		new++
		left_new--
	}
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
