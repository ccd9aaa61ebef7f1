// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "record.h"

void record_put(FILE *f, const char *s, int last)
{
	for (; *s; s++) {
		switch (*s) {
		case '\\': fputs("\\\\", f); break;
		case '\t': fputs("\\t", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		default: fputc(*s, f); break;
		}
	}
	fputc(last ? '\n' : '\t', f);
}

static int unescape(char *s)
{
	static const char from[] = "\\tnr", to[] = "\\\t\n\r";
	char *w = s;
	const char *k;

	for (; *s; s++) {
		if (*s != '\\') {
			*w++ = *s;
			continue;
		}
		k = s[1] ? strchr(from, s[1]) : NULL;
		if (!k)
			return -1;
		*w++ = to[k - from];
		s++;
	}
	*w = '\0';
	return 0;
}

int record_split(char *line, char **fields, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		char *tab = strchr(line, '\t');

		if ((i < n - 1) != (tab != NULL))
			return -1;
		if (tab)
			*tab = '\0';
		fields[i] = line;
		if (unescape(line))
			return -1;
		line = tab ? tab + 1 : NULL;
	}
	return 0;
}
