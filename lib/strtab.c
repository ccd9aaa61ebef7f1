// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>

#include "strtab.h"
#include "util.h"

struct strtab_entry {
	struct hash_node node;
	size_t off;
};

void strtab_init(struct strtab *t, bool intern)
{
	memset(t, 0, sizeof(*t));
	t->intern = intern;
	if (intern)
		hash_init(&t->index, 64);
}

static struct strtab_entry *strtab_find(struct strtab *t, const char *s, uint64_t key)
{
	struct hash_node *n;
	struct strtab_entry *e;

	hash_for_each_key(&t->index, n, key) {
		e = container_of(n, struct strtab_entry, node);
		if (!strcmp(t->buf + e->off, s))
			return e;
	}
	return NULL;
}

size_t strtab_add(struct strtab *t, const char *s)
{
	size_t n = strlen(s) + 1, off = t->len;
	uint64_t key = 0;
	struct strtab_entry *e;

	if (!*s && t->len && !*t->buf)
		return 0;
	if (t->intern) {
		key = hash_str(s);
		e = strtab_find(t, s, key);
		if (e)
			return e->off;
	}
	grow_array((void **)&t->buf, &t->cap, t->len + n, 1);
	memcpy(t->buf + t->len, s, n);
	t->len += n;
	if (t->intern) {
		e = xcalloc(1, sizeof(*e));
		e->off = off;
		hash_add(&t->index, &e->node, key);
	}
	return off;
}

static void strtab_free_index(struct strtab *t)
{
	struct hash_node *n, *next;
	size_t i;

	for (i = 0; t->index.buckets && i <= t->index.mask; i++) {
		for (n = t->index.buckets[i]; n; n = next) {
			next = n->next;
			free(container_of(n, struct strtab_entry, node));
		}
	}
	hash_free(&t->index);
}

char *strtab_take(struct strtab *t, size_t *len)
{
	char *buf = t->buf;

	*len = t->len;
	t->buf = NULL;
	strtab_free(t);
	return buf;
}

void strtab_free(struct strtab *t)
{
	free(t->buf);
	if (t->intern)
		strtab_free_index(t);
	memset(t, 0, sizeof(*t));
}
