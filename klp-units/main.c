// SPDX-License-Identifier: GPL-2.0
/*
 * klp-units --vmlinux VMLINUX [--modules DIR] INDEX
 * klp-units --query INDEX --header FILE [--function NAME]...
 *
 * The first form indexes the compilation units of a kernel's debug files
 * (the -dbg package's vmlinux and its modules' .ko); the second lists the
 * units that use functions NAME of header FILE (or, without --function,
 * anything of it), one "OBJECT SOURCE WHY" line each, sorted.
 * Exit: 0 done, 1 error, 2 usage.
 */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "klp-units.h"
#include "out-file.h"
#include "util.h"

struct options {
	const char *vmlinux, *modules, *query, *header, *out;
	const char **funcs;
	size_t nr_funcs;
};

static const char *const synopsis[] = {
	"--vmlinux VMLINUX [--modules DIR] INDEX",
	"--query INDEX --header FILE [--function NAME]...",
	NULL,
};

static const struct cli_opt opts[] = {
	{ "vmlinux", "FILE", 'v', "index the units of this vmlinux with DWARF (the -dbg\n"
				  "package's)" },
	{ "modules", "DIR", 'm', "and of every .ko under DIR (the -dbg package's\n"
				 "lib/modules/RELEASE)" },
	{ "query", "INDEX", 'q', "list the units of INDEX that use --header's functions" },
	{ "header", "FILE", 'H', "tree-relative header (or other included file)" },
	{ "function", "NAME", 'f', "a function FILE defines (repeatable); none: any use of\n"
				   "FILE" },
	{ NULL, NULL, 0, NULL },
};

static int handle_opt(void *ctx, int key, char *arg)
{
	struct options *o = ctx;

	switch (key) {
	case 'v': o->vmlinux = arg; break;
	case 'm': o->modules = arg; break;
	case 'q': o->query = arg; break;
	case 'H': o->header = arg; break;
	case 'f':
		*array_push(o->funcs, o->nr_funcs) = arg;
		break;
	}
	return 0;
}

static int take_operands(void *ctx, int n, char **args)
{
	struct options *o = ctx;

	if (!o->vmlinux == !o->query) {
		err_msg(NULL, "give either --vmlinux (to index) or --query (to ask an index)");
		return -1;
	}
	if (o->query) {
		if (!o->header || o->modules) {
			err_msg(NULL, "--query needs --header FILE (and takes no --modules)");
			return -1;
		}
		return cli_operands(n, 0, "no operand with --query");
	}
	if (o->header || o->nr_funcs) {
		err_msg(NULL, "--header and --function go with --query");
		return -1;
	}
	if (cli_operands(n, 1, "INDEX"))
		return -1;
	o->out = args[0];
	return 0;
}

static const struct cli_tool cli = {
	.name = "klp-units",
	.synopsis = synopsis,
	.about = "Finds the compilation units of a kernel that use what a header defines,\n"
		 "from the DWARF of its debug files: klp-build --distro's header patches.",
	.opts = opts,
	.tail = "Exit: 0 done, 1 error, 2 usage. See klp-build(1), Header patches with --distro.\n",
	.handle = handle_opt,
	.operands = take_operands,
};

/* nftw() takes no context: the index being built while it walks. */
static struct units_index *walk_ix;
static int walk_err;

static char *module_name(const char *path)
{
	const char *base = strrchr(path, '/');
	char *name = xstrdup(base ? base + 1 : path), *p;

	name[strlen(name) - 3] = '\0';
	for (p = name; *p; p++)
		if (*p == '-')
			*p = '_';
	return name;
}

static int walk_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	size_t n = strlen(path);
	char *name;

	if (type != FTW_F || n < 4 || strcmp(path + n - 3, ".ko"))
		return 0;
	name = module_name(path);
	if (scan_debug_file(walk_ix, path, name))
		walk_err = -1;
	free(name);
	return 0;
}

static int build_index(const struct options *o)
{
	const char *inputs[] = { o->vmlinux };
	struct units_index ix;
	int ret = 1;

	if (out_check(o->out, inputs, 1))
		return 1;
	index_init(&ix);
	if (scan_debug_file(&ix, o->vmlinux, "vmlinux"))
		goto out;
	walk_ix = &ix;
	walk_err = 0;
	/* Sorted walk order is not needed: the query sorts what it prints. */
	if (o->modules && nftw(o->modules, walk_one, 16, FTW_PHYS)) {
		err_msg(o->modules, "cannot walk: %s; give the -dbg package's lib/modules/RELEASE",
			strerror(errno));
		goto out;
	}
	if (walk_err || index_write(&ix, o->out))
		goto out;
	ret = 0;
out:
	index_free(&ix);
	return ret;
}

struct hit {
	const struct unit *unit;
	const char *why_func;	/* NULL: the file as a whole */
};

static int hit_cmp(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;
	int c = strcmp(x->unit->object, y->unit->object);

	return c ? c : strcmp(x->unit->source, y->unit->source);
}

static void add_hits(struct units_index *ix, const char *file, const char *func,
		     struct hit **hits, size_t *nr, size_t *cap, char *seen)
{
	struct unit_key *k = index_find(ix, file, func ? func : UNITS_ANY);
	size_t i;

	for (i = 0; k && i < k->nr_ids; i++) {
		if (seen[k->ids[i]])
			continue;
		seen[k->ids[i]] = 1;
		grow_array((void **)hits, cap, *nr + 1, sizeof(**hits));
		(*hits)[*nr].unit = &ix->units[k->ids[i]];
		(*hits)[(*nr)++].why_func = func;
	}
}

static void print_hits(struct hit *hits, size_t nr, const char *file)
{
	size_t i;

	if (nr)
		qsort(hits, nr, sizeof(*hits), hit_cmp);
	for (i = 0; i < nr; i++) {
		if (hits[i].why_func)
			printf("%s %s uses %s() of %s\n", hits[i].unit->object,
			       hits[i].unit->source, hits[i].why_func, file);
		else
			printf("%s %s names %s in its line table\n", hits[i].unit->object,
			       hits[i].unit->source, file);
	}
}

static int run_query(const struct options *o)
{
	struct units_index ix;
	struct hit *hits = NULL;
	size_t nr = 0, cap = 0, i;
	char *seen, *header;
	int ret = 1;

	index_init(&ix);
	if (index_read(&ix, o->query))
		goto out;
	header = xstrdup(o->header);
	normalize_path(header);
	seen = xcalloc(ix.nr_units, 1);
	for (i = 0; i < o->nr_funcs; i++)
		add_hits(&ix, header, o->funcs[i], &hits, &nr, &cap, seen);
	if (!o->nr_funcs)
		add_hits(&ix, header, NULL, &hits, &nr, &cap, seen);
	print_hits(hits, nr, header);
	free(header);
	free(seen);
	free(hits);
	ret = fflush(stdout) ? 1 : 0;
	if (ret)
		err_msg(NULL, "writing the units failed: %s", strerror(errno));
out:
	index_free(&ix);
	return ret;
}

int main(int argc, char **argv)
{
	struct options o = { 0 };
	enum cli_result parsed;
	int ret;

	tool_name = cli.name;
	parsed = cli_parse(&cli, argc, argv, &o);
	if (parsed != CLI_RUN) {
		free(o.funcs);
		return cli_exit_code(&cli, parsed);
	}
	ret = o.query ? run_query(&o) : build_index(&o);
	free(o.funcs);
	return ret;
}
