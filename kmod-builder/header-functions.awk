# SPDX-License-Identifier: GPL-2.0
#
# Which functions of a header a patch changes, and whether it changes
# anything else. The operands: universal-ctags' "LINE END NAME" lines of
# the header's functions before and after the patch, then the header
# before and after it:
#
#   awk -f header-functions.awk OLD.tags NEW.tags OLD.h NEW.h
#
# Prints the name of each function whose lines (its name's line to its
# closing brace) differ, in file order; or, when the two headers differ
# outside those lines too (a macro, a type, a declaration, a function
# added, removed or renamed, a return type on the line before the name),
# only "outside LINE", LINE the first such line of the old header.

FILENAME == ARGV[1] { add_func("old", $1, $2, $3); next }
FILENAME == ARGV[2] { add_func("new", $1, $2, $3); next }
FILENAME == ARGV[3] { text["old", FNR] = $0; len["old"] = FNR; next }
FILENAME == ARGV[4] { text["new", FNR] = $0; len["new"] = FNR; next }

function add_func(v, first, last, name) {
	nf[v]++
	fstart[v, nf[v]] = first + 0
	fend[v, nf[v]] = last + 0
	fname[v, nf[v]] = name
}

# The header with each function's lines as one "\001NAME" line: lines
# sk[v, 1..nsk[v]], each with the old line it starts at.
function skeleton(v,    i, k, line) {
	k = 1
	nsk[v] = 0
	for (line = 1; line <= len[v]; line++) {
		while (k <= nf[v] && fend[v, k] < line)
			k++
		if (k <= nf[v] && fstart[v, k] == line) {
			sk[v, ++nsk[v]] = "\001" fname[v, k]
			skline[v, nsk[v]] = line
			line = fend[v, k]
			k++
			continue
		}
		sk[v, ++nsk[v]] = text[v, line]
		skline[v, nsk[v]] = line
	}
}

# ctags' ranges must be ordered and disjoint, or they cannot be trusted.
function sane(v,    k) {
	for (k = 1; k <= nf[v]; k++) {
		if (fend[v, k] < fstart[v, k] || fend[v, k] > len[v])
			return 0
		if (k > 1 && fstart[v, k] <= fend[v, k - 1])
			return 0
	}
	return 1
}

function body(v, k,    line, s) {
	s = ""
	for (line = fstart[v, k]; line <= fend[v, k]; line++)
		s = s text[v, line] "\n"
	return s
}

END {
	if (!sane("old") || !sane("new")) {
		print "outside 1"
		exit
	}
	skeleton("old")
	skeleton("new")
	for (i = 1; i <= nsk["old"] || i <= nsk["new"]; i++) {
		if (i > nsk["old"] || i > nsk["new"] || sk["old", i] != sk["new", i]) {
			print "outside " (i <= nsk["old"] ? skline["old", i] : len["old"])
			exit
		}
	}
	for (k = 1; k <= nf["old"]; k++)
		if (body("old", k) != body("new", k))
			print fname["old", k]
}
