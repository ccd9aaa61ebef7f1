// SPDX-License-Identifier: GPL-2.0
/*
 * create-diff-object [OPTIONS] ORIG.o PATCHED.o OUT.o
 *
 * Finds the functions PATCHED.o changes or adds relative to ORIG.o and
 * writes an object carrying them, ready to link into a livepatch module.
 * Exit: 0 written, 1 error, 2 usage, 3 no change, 5 unsafe change refused.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cdo.h"
#include "cli.h"
#include "out-file.h"
#include "record.h"
#include "util.h"

struct options {
	struct cdo *cdo;		/* where --entry-size goes */
	const char *symbols, *symvers, *objname, *probe, *refusals, *functions, *patch_syms;
	const char *orig, *patched, *out;
};

static const char *const synopsis[] = { "[OPTIONS] ORIG.o PATCHED.o OUT.o", NULL };

static const struct cli_opt opts[] = {
	{ "symbols", "ELF", 's', "symbol table of what is patched (vmlinux or a .ko,\n"
				  "or vmlinux's System.map); default: ORIG.o's own" },
	{ "symvers", "FILE", 'v', "Module.symvers: which symbols are exported" },
	{ "object", "NAME", 'o', "vmlinux (default) or the module being patched" },
	{ "patch-symbols", "FILE", 'p', "new global symbols the patch's other objects define,\n"
					"one per line: references to them stay for the module link" },
	{ "entry-size", "SEC=N", 'e', "entry size of a special section (repeatable)" },
	{ "entry-sizes", "PROBE.o", 'E', "entry sizes from klp-entry-sizes.c built for the kernel" },
	{ "refusals", "FILE", 'r', "write a record of each unsafe change refused to FILE\n"
				   "(tab-separated: object, file, symbol, reason, advice)" },
	{ "functions", "FILE", 'f', "write a record of each changed or new function to FILE\n"
				    "(tab-separated: kind, name, through, aliases)" },
	{ "debug", NULL, 'd', "explain correlation and change decisions" },
	{ NULL, NULL, 0, NULL },
};

static void push_size(struct cdo *c, const char *name, size_t len, unsigned long n)
{
	struct special_size *ss = array_push(c->sizes, c->nr_sizes);

	ss->name = strndup(name, len);
	ss->size = n;
}

static int add_entry_size(struct cdo *c, const char *arg)
{
	const char *eq = strchr(arg, '=');
	char *end;
	unsigned long n;

	if (!eq || eq == arg)
		return -1;
	errno = 0;
	n = strtoul(eq + 1, &end, 0);
	if (errno || *end || n == 0 || n > 4096)
		return -1;
	push_size(c, arg, eq - arg, n);
	return 0;
}

#define PROBE_PREFIX "klp_entry_size."

/*
 * The probe object (support-templates/klp-entry-sizes.c compiled with the
 * kernel's flags): symbol klp_entry_size.SEC is one entry of SEC long.
 * Sizes given with --entry-size were pushed first and win.
 */
static int add_probe_sizes(struct cdo *c, const char *path)
{
	struct elf_obj *probe = elf_load(path, ELF_LOAD_RELOCATABLE | ELF_LOAD_SYMBOLS_ONLY);
	size_t found = 0, len = strlen(PROBE_PREFIX);
	const struct symbol *s;

	if (!probe)
		return -1;
	for_each_sym(probe, s) {
		if (strncmp(s->name, PROBE_PREFIX, len) || !s->name[len] || !s->sym.st_size)
			continue;
		push_size(c, s->name + len, strlen(s->name + len), s->sym.st_size);
		found++;
	}
	elf_free(probe);
	if (!found) {
		err_msg(path, "add_probe_sizes: no " PROBE_PREFIX "SECTION symbol; pass an object compiled from klp-entry-sizes.c");
		return -1;
	}
	return 0;
}

/* The kernel's symbols a diff can ask about: those ORIG.o or PATCHED.o names. */
static bool named_in_pair(const char *name, void *ctx)
{
	const struct cdo *c = ctx;

	return elf_find_symbol(c->orig, name) || elf_find_symbol(c->patched, name);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* --patch-symbols: one name a line, kept sorted for patch_defines(). */
static int load_patch_symbols(struct cdo *c, const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t len = 0, cap = 0, lineno = 0;
	ssize_t n;

	if (!f) {
		err_msg(path, "load_patch_symbols: cannot open: %s", strerror(errno));
		return -1;
	}
	while ((n = getline(&line, &len, f)) > 0) {
		lineno++;
		if (line[n - 1] == '\n')
			line[--n] = 0;
		if (!n)
			continue;
		if (strcspn(line, " \t") != (size_t)n) {
			err_msg(path, "load_patch_symbols: line %zu is not one symbol name; write one name a line",
				lineno);
			break;
		}
		grow_array((void **)&c->patch_syms, &cap, c->nr_patch_syms + 1,
			   sizeof(*c->patch_syms));
		c->patch_syms[c->nr_patch_syms++] = xstrdup(line);
	}
	free(line);
	fclose(f);
	if (n > 0)
		return -1;
	qsort(c->patch_syms, c->nr_patch_syms, sizeof(*c->patch_syms), cmp_str);
	return 0;
}

bool patch_defines(const struct cdo *c, const char *name)
{
	return c->nr_patch_syms &&
	       bsearch(&name, c->patch_syms, c->nr_patch_syms, sizeof(*c->patch_syms), cmp_str);
}

static int handle_opt(void *ctx, int key, char *arg)
{
	struct options *o = ctx;

	switch (key) {
	case 's': o->symbols = arg; break;
	case 'v': o->symvers = arg; break;
	case 'o': o->objname = arg; break;
	case 'E': o->probe = arg; break;
	case 'r': o->refusals = arg; break;
	case 'f': o->functions = arg; break;
	case 'p': o->patch_syms = arg; break;
	case 'd': debug_enabled = true; break;
	case 'e':
		if (add_entry_size(o->cdo, arg)) {
			err_msg(NULL, "--entry-size %s: expected SECTION=BYTES", arg);
			return -1;
		}
		break;
	}
	return 0;
}

static int take_operands(void *ctx, int n, char **args)
{
	struct options *o = ctx;

	if (cli_operands(n, 3, "ORIG.o PATCHED.o OUT.o"))
		return -1;
	if (!*o->objname || strlen(o->objname) > 55 || strchr(o->objname, '.')) {
		err_msg(NULL, "--object %s: expected vmlinux or a module name (no dots, at most 55 characters)",
			o->objname);
		return -1;
	}
	o->orig = args[0];
	o->patched = args[1];
	o->out = args[2];
	if (o->refusals && !strcmp(o->refusals, o->out)) {
		err_msg(NULL, "--refusals %s: the same file as OUT.o; name a file of its own", o->refusals);
		return -1;
	}
	if (o->functions && (!strcmp(o->functions, o->out) ||
			     (o->refusals && !strcmp(o->functions, o->refusals)))) {
		err_msg(NULL, "--functions %s: the same file as another output; name a file of its own",
			o->functions);
		return -1;
	}
	return 0;
}

static const struct cli_tool cli = {
	.name = "create-diff-object",
	.synopsis = synopsis,
	.about = "Writes to OUT.o the functions PATCHED.o changes or adds relative to ORIG.o,\n"
		 "with what they need, for linking into a livepatch module.",
	.opts = opts,
	.tail = "stdout: \"changed function: NAME\" / \"new function: NAME\" per function,\n"
		"\"(through F)\" after a caller patched for untraceable F, \"(alias A)\" after\n"
		"a function with other names,\n"
		"then \"new data: NAME\" (\"changed\", \"copied\") and\n"
		"\"klp symbol: .klp.sym.OBJ.NAME,POS\" lines.\n"
		"Exit: 0 OUT.o written, 1 error, 2 usage, 3 no change, 5 unsafe change refused\n"
		"(no OUT.o). On failure OUT.o is left as it was.\n"
		"See create-diff-object(1).\n",
	.handle = handle_opt,
	.operands = take_operands,
};

/*
 * The place a relocation names, its symbol's value plus its addend (plus
 * up to 8 bytes of instruction tail), must be a number: a 64-bit field
 * may hold any addend, but one that overflows names no place at all.
 */
static int check_places(struct elf_obj *obj, const struct section *rela)
{
	const struct reloc *r;

	rela_for_each_reloc(rela, r) {
		int64_t raw;

		if (!r->sym->sec ||
		    (!offset_add_overflows(r->sym->sym.st_value, r->addend, &raw) &&
		     !add_s64_overflows(raw, 8, &raw)))
			continue;
		err_msg(obj->path, "check_places: %s: relocation at 0x%llx against %s has addend %lld, past any place in the object; the object is corrupt, rebuild it",
			rela->name, (unsigned long long)r->offset, r->sym->name,
			(long long)r->addend);
		return -1;
	}
	return 0;
}

/* Sorted relocations and in-bounds symbols let later stages search by range. */
static int prepare(struct elf_obj *obj)
{
	struct section *sec;
	struct symbol *s;

	for_each_sec(obj, sec) {
		if (!sec_is_rela(sec))
			continue;
		if (check_places(obj, sec))
			return -1;
		elf_sort_relocs(sec);
	}
	index_references(obj);
	for_each_sym(obj, s) {
		if (!s->sec || (s->type != STT_FUNC && s->type != STT_OBJECT))
			continue;
		if (s->sym.st_value > s->sec->size ||
		    s->sym.st_size > s->sec->size - s->sym.st_value) {
			err_msg(obj->path, "prepare: symbol %s lies outside its section %s; the object is corrupt, rebuild it",
				s->name, s->sec->name);
			return -1;
		}
	}
	return 0;
}

static bool defines_function(const struct elf_obj *e)
{
	const struct symbol *s;

	for_each_sym(e, s) {
		if (s->type == STT_FUNC && s->sec)
			return true;
	}
	return false;
}

/*
 * Two builds of one file share functions; objects that share none are a
 * mix-up.  An original of data only (a table of exports) has none to
 * share: there, the source file's name must match.
 */
static int check_pair(const struct cdo *c)
{
	size_t funcs = 0;
	const struct symbol *p;

	for_each_sym(c->patched, p) {
		const struct symbol *o;

		if (p->type != STT_FUNC || !p->sec)
			continue;
		funcs++;
		for (o = elf_find_symbol(c->orig, p->name); o; o = elf_next_symbol_named(o)) {
			if (o->type == STT_FUNC && o->sec)
				return 0;
		}
	}
	if (!funcs)
		return 0;
	if (!defines_function(c->orig) && c->orig->file_name && c->patched->file_name &&
	    !strcmp(c->orig->file_name, c->patched->file_name))
		return 0;
	err_msg(c->patched->path, "check_pair: shares no function with %s (built from %s and %s); pass two builds of the same source file",
		c->orig->path, c->patched->file_name ? c->patched->file_name : "?",
		c->orig->file_name ? c->orig->file_name : "?");
	return -1;
}

static int load(struct cdo *c, const struct options *o)
{
	if (o->probe && add_probe_sizes(c, o->probe))
		return -1;
	c->orig = elf_load(o->orig, ELF_LOAD_RELOCATABLE);
	if (!c->orig)
		return -1;
	c->patched = elf_load(o->patched, ELF_LOAD_RELOCATABLE);
	if (!c->patched || prepare(c->orig) || prepare(c->patched) || check_pair(c))
		return -1;
	if (o->symbols) {
		struct elf_symbol_filter keep = { named_in_pair, c };

		c->kernel_syms = target_open(o->symbols, &keep);
		if (!c->kernel_syms)
			return -1;
	} else {
		c->kernel_syms = target_from_obj(c->orig);
		c->kernel_syms_are_orig = true;
	}
	if (o->symvers) {
		c->symvers = symvers_load(o->symvers);
		if (!c->symvers)
			return -1;
	}
	if (o->patch_syms && load_patch_symbols(c, o->patch_syms))
		return -1;
	return 0;
}

/*
 * A changed function by the name the running kernel knows it by, and
 * why when that is not plain: the untraceable function it is patched for,
 * the other names of its code.
 */
static void report_function(const struct cdo *c, const struct symbol *p)
{
	char *aliases = alias_names(c, p);

	if (p->status == DIFF_NEW)
		printf("new function: %s%s\n", p->name, aliases);
	else if (p->through)
		printf("changed function: %s (through %s)%s\n", p->twin->name,
		       p->through->twin ? p->through->twin->name : p->through->name, aliases);
	else
		printf("changed function: %s%s\n", p->twin->name, aliases);
	free(aliases);
}

/* A function the livepatch names: not a part or a caller patched for another. */
static bool reported_function(const struct symbol *p)
{
	return p->include && !p->parent && p->type == STT_FUNC && !p->by_callers;
}

/* A copy of unchanged data is per call site state (is_callsite_data()). */
static const char *data_word(const struct symbol *p)
{
	if (p->status == DIFF_NEW)
		return "new";
	return p->status == DIFF_CHANGED ? "changed" : "copied";
}

static void report(const struct cdo *c)
{
	size_t i;
	const struct symbol *p;

	for_each_sym(c->patched, p) {
		if (reported_function(p))
			report_function(c, p);
	}
	for_each_sym(c->patched, p) {
		if (p->include && p->type == STT_OBJECT)
			printf("%s data: %s\n", data_word(p), p->name);
	}
	for (i = 0; i < c->nr_klp_names; i++)
		printf("klp symbol: %s\n", c->klp_names[i]);
	for_each_sym(c->patched, p) {
		if (p->ignored)
			printf("ignored: %s\n", p->name);
	}
}

static bool any_function_included(const struct cdo *c)
{
	const struct symbol *p;

	for_each_sym(c->patched, p) {
		if (p->include && p->type == STT_FUNC)
			return true;
	}
	return false;
}

/*
 * The records of --refusals, written once the changes are judged: one
 * line per refusal, an empty file when there was none.
 */
static int write_refusals(const struct cdo *c, const char *path)
{
	char *buf = NULL;
	size_t len = 0, i;
	FILE *mem = open_memstream(&buf, &len);
	int ret;

	for (i = 0; mem && i < c->nr_refusals; i++) {
		const struct refusal *r = &c->refusals[i];

		record_put(mem, c->objname, 0);
		record_put(mem, c->patched->path, 0);
		record_put(mem, r->symbol, 0);
		record_put(mem, r->reason, 0);
		record_put(mem, r->advice, 1);
	}
	if (!mem || fclose(mem)) {
		err_msg(path, "write_refusals: out of memory; free memory or split the job");
		free(buf);
		return -1;
	}
	ret = out_write_buf(path, buf, len);
	free(buf);
	return ret;
}

/* One --functions record: what report_function() says, in fields. */
static void put_function(FILE *f, const struct cdo *c, const struct symbol *p)
{
	char *aliases = alias_list(c, p, ",");
	const struct symbol *v = p->through;

	record_put(f, p->status == DIFF_NEW ? "new" : "changed", 0);
	record_put(f, p->status == DIFF_NEW ? p->name : p->twin->name, 0);
	record_put(f, p->status == DIFF_NEW || !v ? "" : v->twin ? v->twin->name : v->name, 0);
	record_put(f, aliases, 1);
	free(aliases);
}

/*
 * The records of --functions, once OUT.o is written (or there was no
 * change: then the file is empty), in the order of the stdout lines.
 */
static int write_functions(const struct cdo *c, const char *path)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	const struct symbol *p;
	int ret;

	if (mem) {
		for_each_sym(c->patched, p) {
			if (reported_function(p))
				put_function(mem, c, p);
		}
	}
	if (!mem || fclose(mem)) {
		err_msg(path, "write_functions: out of memory; free memory or split the job");
		free(buf);
		return -1;
	}
	ret = out_write_buf(path, buf, len);
	free(buf);
	return ret;
}

/* Every refusal is judged: the records, the count, and no output. */
static int end_refused(const struct cdo *c, const struct options *o)
{
	if (o->refusals && write_refusals(c, o->refusals))
		return EXIT_ERROR;
	err_msg(o->patched, "%zu unsafe change%s; no output written", c->nr_refusals,
		c->nr_refusals > 1 ? "s" : "");
	return EXIT_REFUSED;
}

static int run(struct cdo *c, const struct options *o)
{
	if (load(c, o))
		return EXIT_ERROR;
	correlate(c);
	compare(c);
	apply_markers(c);
	merge_aliases(c);
	refuse_unsafe(c);
	if (c->nr_refusals)
		return end_refused(c, o);
	/* include() refuses code that uses a runtime constant (special.c). */
	if (include(c))
		return c->nr_refusals ? end_refused(c, o) : EXIT_ERROR;
	if (!any_function_included(c)) {
		fprintf(stderr, "%s: %s: no changed or new functions\n", tool_name, o->patched);
		if (o->functions && out_write_buf(o->functions, "", 0))
			return EXIT_ERROR;
		return EXIT_NO_CHANGE;
	}
	/* Only now: a unit the patch leaves unchanged never reads the kernel's symbols. */
	if (target_read(c->kernel_syms))
		return EXIT_ERROR;
	if (emit(c)) {
		/* emit() refuses two functions on one kernel address (aliases.c). */
		return c->nr_refusals ? end_refused(c, o) : EXIT_ERROR;
	}
	report(c);
	if (o->functions && write_functions(c, o->functions))
		return EXIT_ERROR;
	return EXIT_CHANGED;
}

static void cleanup(struct cdo *c)
{
	size_t i;

	free_emit(c);
	free_special(c);
	free_refusals(c);
	close_source_lines();
	close_decoder();
	target_free(c->kernel_syms);
	symvers_free(c->symvers);
	for (i = 0; i < c->nr_patch_syms; i++)
		free(c->patch_syms[i]);
	free(c->patch_syms);
	elf_free(c->orig);
	elf_free(c->patched);
	for (i = 0; i < c->nr_sizes; i++)
		free((char *)c->sizes[i].name);
	free(c->sizes);
}

/* Neither output may replace an input, or anything but a regular file. */
static int check_outputs(const struct options *o)
{
	const char *inputs[] = { o->orig, o->patched, o->symbols, o->symvers, o->probe,
				 o->out };

	return out_check(o->out, inputs, 5) ||
	       (o->refusals && out_check(o->refusals, inputs, 6)) ||
	       (o->functions && out_check(o->functions, inputs, 6)) ? -1 : 0;
}

/* The whole command, callable again in one process (the fuzz harnesses). */
int cdo_main(int argc, char **argv)
{
	struct cdo c = { 0 };
	struct options o = { .cdo = &c, .objname = "vmlinux" };
	enum cli_result parsed;
	int ret;

	tool_name = cli.name;
	parsed = cli_parse(&cli, argc, argv, &o);
	if (parsed != CLI_RUN) {
		cleanup(&c);
		return cli_exit_code(&cli, parsed);
	}
	c.out_path = o.out;
	c.objname = o.objname;
	ret = check_outputs(&o) ? EXIT_ERROR : run(&c, &o);
	fflush(stdout);
	cleanup(&c);
	return ret;
}
