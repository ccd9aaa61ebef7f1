// SPDX-License-Identifier: GPL-2.0
/*
 * The units index in memory, and its text form: written whole through
 * out-file (never half), read back by the query.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "klp-units.h"
#include "out-file.h"
#include "util.h"

void index_init(struct units_index *ix)
{
	memset(ix, 0, sizeof(*ix));
	hash_init(&ix->keys, 1 << 16);
}

void index_free(struct units_index *ix)
{
	size_t i;

	for (i = 0; i < ix->nr_units; i++) {
		free(ix->units[i].object);
		free(ix->units[i].source);
	}
	for (i = 0; i < ix->nr_all; i++) {
		free(ix->all[i]->file);
		free(ix->all[i]->func);
		free(ix->all[i]->ids);
		free(ix->all[i]);
	}
	free(ix->units);
	free(ix->all);
	hash_free(&ix->keys);
}

uint32_t index_add_unit(struct units_index *ix, const char *object, const char *source)
{
	grow_array((void **)&ix->units, &ix->cap_units, ix->nr_units + 1, sizeof(*ix->units));
	ix->units[ix->nr_units].object = xstrdup(object);
	ix->units[ix->nr_units].source = xstrdup(source);
	return (uint32_t)ix->nr_units++;
}

static uint64_t key_hash(const char *file, const char *func)
{
	return hash_str(file) * 31 + hash_str(func);
}

struct unit_key *index_find(struct units_index *ix, const char *file, const char *func)
{
	uint64_t h = key_hash(file, func);
	struct hash_node *n;

	hash_for_each_key(&ix->keys, n, h) {
		struct unit_key *k = container_of(n, struct unit_key, node);

		if (!strcmp(k->file, file) && !strcmp(k->func, func))
			return k;
	}
	return NULL;
}

static struct unit_key *index_get(struct units_index *ix, const char *file, const char *func)
{
	struct unit_key *k = index_find(ix, file, func);

	if (k)
		return k;
	k = xcalloc(1, sizeof(*k));
	k->file = xstrdup(file);
	k->func = xstrdup(func);
	hash_add(&ix->keys, &k->node, key_hash(file, func));
	grow_array((void **)&ix->all, &ix->cap_all, ix->nr_all + 1, sizeof(*ix->all));
	ix->all[ix->nr_all++] = k;
	return k;
}

/* Units are scanned one after the other: a repeat is always the last id. */
void index_add_use(struct units_index *ix, const char *file, const char *func, uint32_t id)
{
	struct unit_key *k = index_get(ix, file, func);

	if (k->nr_ids && k->ids[k->nr_ids - 1] == id)
		return;
	grow_array((void **)&k->ids, &k->cap_ids, k->nr_ids + 1, sizeof(*k->ids));
	k->ids[k->nr_ids++] = id;
}

/* Appends to a buffer that is written out whole at the end. */
struct text {
	char *buf;
	size_t len, cap;
};

static void text_add(struct text *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void text_add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	grow_array((void **)&t->buf, &t->cap, t->len + 256, 1);
	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
	va_end(ap);
	if ((size_t)n >= t->cap - t->len) {
		grow_array((void **)&t->buf, &t->cap, t->len + (size_t)n + 1, 1);
		va_start(ap, fmt);
		vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
		va_end(ap);
	}
	t->len += (size_t)n;
}

static void text_index(struct text *t, const struct units_index *ix)
{
	size_t i, j;

	text_add(t, "%s\n", UNITS_MAGIC);
	for (i = 0; i < ix->nr_units; i++)
		text_add(t, "unit %zu %s %s\n", i, ix->units[i].object, ix->units[i].source);
	for (i = 0; i < ix->nr_all; i++) {
		const struct unit_key *k = ix->all[i];

		text_add(t, "key %s %s", k->file, k->func);
		for (j = 0; j < k->nr_ids; j++)
			text_add(t, " %u", k->ids[j]);
		text_add(t, "\n");
	}
}

int index_write(struct units_index *ix, const char *path)
{
	struct text t = { 0 };
	int ret;

	text_index(&t, ix);
	ret = out_write_buf(path, t.buf, t.len);
	free(t.buf);
	return ret;
}

static int bad_line(const char *path, size_t nr, const char *what)
{
	err_msg(path, "line %zu: %s; rebuild the index (remove it: klp-build makes it again)",
		nr, what);
	return -1;
}

static int read_unit(struct units_index *ix, char *rest, const char *path, size_t nr)
{
	char *id = strtok(rest, " "), *object = strtok(NULL, " "), *source = strtok(NULL, " \n");

	if (!id || !object || !source || strtoul(id, NULL, 10) != ix->nr_units)
		return bad_line(path, nr, "a unit line out of order or incomplete");
	index_add_unit(ix, object, source);
	return 0;
}

static int read_key(struct units_index *ix, char *rest, const char *path, size_t nr)
{
	char *file = strtok(rest, " "), *func = strtok(NULL, " \n"), *tok, *end;
	struct unit_key *k;

	if (!file || !func)
		return bad_line(path, nr, "a key line without file and function");
	k = index_get(ix, file, func);
	while ((tok = strtok(NULL, " \n"))) {
		unsigned long id;

		errno = 0;
		id = strtoul(tok, &end, 10);
		if (errno || *end || id >= ix->nr_units)
			return bad_line(path, nr, "a unit id that names no unit");
		grow_array((void **)&k->ids, &k->cap_ids, k->nr_ids + 1, sizeof(*k->ids));
		k->ids[k->nr_ids++] = (uint32_t)id;
	}
	return 0;
}

static int read_lines(struct units_index *ix, FILE *f, const char *path)
{
	char *line = NULL;
	size_t cap = 0, nr = 1;
	int ret = 0;

	if (getline(&line, &cap, f) < 0 || strcmp(line, UNITS_MAGIC "\n")) {
		free(line);
		return bad_line(path, nr, "not a klp-units index");
	}
	while (!ret && getline(&line, &cap, f) >= 0) {
		nr++;
		if (str_starts(line, "unit "))
			ret = read_unit(ix, line + 5, path, nr);
		else if (str_starts(line, "key "))
			ret = read_key(ix, line + 4, path, nr);
		else
			ret = bad_line(path, nr, "neither a unit nor a key");
	}
	free(line);
	return ret;
}

int index_read(struct units_index *ix, const char *path)
{
	FILE *f = fopen(path, "r");
	int ret;

	if (!f) {
		err_msg(path, "cannot open: %s; give the index klp-units --index wrote", strerror(errno));
		return -1;
	}
	ret = read_lines(ix, f, path);
	fclose(f);
	return ret;
}
