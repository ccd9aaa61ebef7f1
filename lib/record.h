/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Records one line each, fields separated by tabs: what the tools hand
 * to klp-build and klp-manifest in place of prose to be parsed (the
 * refusals of create-diff-object --refusals). A field escapes a
 * backslash as \\, a tab as \t, a newline as \n and a carriage return
 * as \r, so that any symbol or file name fits; other bytes stay as they
 * are.
 */
#ifndef KLP_RECORD_H
#define KLP_RECORD_H

#include <stdio.h>

/* Appends @s escaped to @f, followed by a tab, or a newline when @last. */
void record_put(FILE *f, const char *s, int last);

/*
 * Splits @line (no trailing newline) into exactly @n fields, unescaped
 * in place: 0, or -1 when it has another number of fields or a bad escape.
 */
int record_split(char *line, char **fields, int n);

#endif
