// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "symvers.h"
#include "util.h"

struct export {
	struct hash_node node;
	char *name;
	char *owner;
	char *ns;		/* EXPORT_SYMBOL_NS's namespace, or NULL */
};

struct symvers {
	struct hash names;
	struct export **all;
	size_t nr, cap;
};

/*
 * Module.symvers names a module by its path in the tree (fs/ceph/ceph,
 * sound/core/snd-pcm); the livepatch core by its name (ceph, snd_pcm).
 */
static char *module_name(const char *owner)
{
	const char *slash = strrchr(owner, '/');
	char *name = xstrdup(slash ? slash + 1 : owner), *p;

	for (p = name; *p; p++)
		if (*p == '-')
			*p = '_';
	return name;
}

static int parse_line(struct symvers *sv, char *line, const char *path, size_t lineno)
{
	char *fields[5], *save = NULL, *tok;
	struct export *e;
	int n = 0;

	/* CRC, symbol, module, export type, and since Linux 5.4 a namespace, often empty. */
	for (tok = strtok_r(line, "\t\n", &save); tok && n < 5;
	     tok = strtok_r(NULL, "\t\n", &save))
		fields[n++] = tok;
	if (n == 0)
		return 0;
	if (n < 4 || strncmp(fields[0], "0x", 2)) {
		err_msg(path, "symvers_load: line %zu is not \"CRC<TAB>symbol<TAB>module<TAB>export\"; pass the Module.symvers kbuild wrote",
			lineno);
		return -1;
	}
	e = xcalloc(1, sizeof(*e));
	e->name = xstrdup(fields[1]);
	e->owner = module_name(fields[2]);
	e->ns = n > 4 ? xstrdup(fields[4]) : NULL;
	grow_array((void **)&sv->all, &sv->cap, sv->nr + 1, sizeof(*sv->all));
	sv->all[sv->nr++] = e;
	hash_add(&sv->names, &e->node, hash_str(e->name));
	return 0;
}

struct symvers *symvers_load(const char *path)
{
	struct symvers *sv = xcalloc(1, sizeof(*sv));
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t len = 0, lineno = 0;

	if (!f) {
		err_msg(path, "symvers_load: cannot open: %s", strerror(errno));
		free(sv);
		return NULL;
	}
	hash_init(&sv->names, 4096);
	while (getline(&line, &len, f) > 0) {
		if (parse_line(sv, line, path, ++lineno)) {
			free(line);
			fclose(f);
			symvers_free(sv);
			return NULL;
		}
	}
	free(line);
	fclose(f);
	return sv;
}

void symvers_free(struct symvers *sv)
{
	size_t i;

	if (!sv)
		return;
	for (i = 0; i < sv->nr; i++) {
		free(sv->all[i]->name);
		free(sv->all[i]->owner);
		free(sv->all[i]->ns);
		free(sv->all[i]);
	}
	free(sv->all);
	hash_free(&sv->names);
	free(sv);
}

static const struct export *find_export(const struct symvers *sv, const char *name)
{
	uint64_t key = hash_str(name);
	struct hash_node *n;

	if (!sv)
		return NULL;
	hash_for_each_key(&sv->names, n, key) {
		struct export *e = container_of(n, struct export, node);

		if (!strcmp(e->name, name))
			return e;
	}
	return NULL;
}

const char *symvers_owner(const struct symvers *sv, const char *name)
{
	const struct export *e = find_export(sv, name);

	return e ? e->owner : NULL;
}

const char *symvers_namespace(const struct symvers *sv, const char *name)
{
	const struct export *e = find_export(sv, name);

	return e ? e->ns : NULL;
}
