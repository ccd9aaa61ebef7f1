/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A string table being built: NUL-terminated strings appended to one
 * buffer, each known by its offset, as ELF's .strtab and .shstrtab and
 * create-diff-object's .klp_build.strtab hold them. An interning table
 * stores each string once, so that every record naming it shares it.
 */
#ifndef KLP_STRTAB_H
#define KLP_STRTAB_H

#include <stdbool.h>
#include <stddef.h>

#include "hash.h"

struct strtab {
	char *buf;
	size_t len, cap;
	bool intern;
	struct hash index;	/* offsets by string, when interning */
};

/* An empty table; @intern: add each string once. */
void strtab_init(struct strtab *t, bool intern);

/*
 * The offset of @s, appended (or, interning, found). The empty string
 * of a table that begins with one is that one, as ELF's index 0.
 */
size_t strtab_add(struct strtab *t, const char *s);

/* The table's bytes, now the caller's to free; @t is freed. */
char *strtab_take(struct strtab *t, size_t *len);

void strtab_free(struct strtab *t);

#endif
