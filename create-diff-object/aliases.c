// SPDX-License-Identifier: GPL-2.0
/*
 * Symbols at one address of one section are one function. 6.1's
 * SYSCALL_DEFINE0 makes __x64_sys_NAME an alias of __do_sys_NAME: ftrace
 * knows one address, and two klp_funcs on it break the livepatch core's
 * consistency check (the transition never completes). One name of the
 * group is patched; the others name the same copy in the output.
 */
#include <stdlib.h>

#include "cdo.h"
#include "util.h"

static bool same_place(const struct symbol *a, const struct symbol *b)
{
	return a->type == STT_FUNC && b->type == STT_FUNC && a->sec && a->sec == b->sec &&
	       a->sym.st_value == b->sym.st_value && !a->parent && !b->parent;
}

/*
 * The name to patch: one the running kernel has (a twin), global if one
 * is (unique in kallsyms, so no position to work out), else the first.
 */
static bool better_primary(const struct symbol *s, const struct symbol *best)
{
	if (!!s->twin != !!best->twin)
		return s->twin;
	if ((s->bind == STB_LOCAL) != (best->bind == STB_LOCAL))
		return s->bind != STB_LOCAL;
	return s->idx < best->idx;
}

static void merge_group(struct symbol *first)
{
	struct section *sec = first->sec;
	struct symbol *primary = first;
	enum diff_status status = DIFF_SAME;
	size_t i;

	for (i = 0; i < sec->nr_syms; i++) {
		struct symbol *s = sec->syms[i];

		if (same_place(s, first) && better_primary(s, primary))
			primary = s;
	}
	for (i = 0; i < sec->nr_syms; i++) {
		struct symbol *s = sec->syms[i];

		if (!same_place(s, first) || s == primary)
			continue;
		s->alias_of = primary;
		if (s->status == DIFF_CHANGED || s->status == DIFF_NEW)
			status = s->status;
		/* Patched and reported once, under the primary's name. */
		s->status = DIFF_SAME;
		debug_msg("alias: %s is %s, patched once as %s", s->name, primary->name,
			  primary->name);
	}
	if (primary->status == DIFF_SAME && status != DIFF_SAME)
		primary->status = status;
}

void merge_aliases(struct cdo *c)
{
	size_t i, k;

	for (i = 1; i < c->patched->nr_syms; i++) {
		struct symbol *p = c->patched->syms[i];
		bool alone = true;

		if (p->type != STT_FUNC || !p->sec || p->parent || p->alias_of)
			continue;
		for (k = 0; k < p->sec->nr_syms && alone; k++)
			alone = p->sec->syms[k] == p || !same_place(p->sec->syms[k], p);
		if (!alone)
			merge_group(p);
	}
}

/* Every alias of an included function names its copy, so that references by any name reach it. */
void clone_aliases(struct cdo *c)
{
	size_t i;

	for (i = 1; i < c->patched->nr_syms; i++) {
		struct symbol *a = c->patched->syms[i], *p = a->alias_of;
		unsigned char bind = a->bind;

		if (!p || !p->clone || a->clone)
			continue;
		/* The module must not define a second global of a kernel symbol's name. */
		if (p->status == DIFF_CHANGED)
			bind = STB_LOCAL;
		a->clone = elf_add_symbol(c->out, a->name, bind, STT_FUNC, p->clone->sec, 0,
					  p->clone->sym.st_size);
		a->clone->sym.st_other = a->sym.st_other;
	}
}

/* The other names of @p's code, for the report: "" or " (alias A, B)" (free it). */
char *alias_names(const struct cdo *c, const struct symbol *p)
{
	char *s = xstrdup(""), *t;
	size_t i;

	for (i = 1; i < c->patched->nr_syms; i++) {
		const struct symbol *a = c->patched->syms[i];

		if (a->alias_of != p)
			continue;
		t = xasprintf("%s%s%s", s, *s ? ", " : " (alias ", a->name);
		free(s);
		s = t;
	}
	if (*s) {
		t = xasprintf("%s)", s);
		free(s);
		s = t;
	}
	return s;
}

/* A function's address in the running kernel, as the livepatch core will find it. */
static bool kernel_place(struct cdo *c, const struct symbol *p, const struct section **sec,
			 uint64_t *addr)
{
	struct symbol **cands;
	unsigned long pos = 0;
	size_t n;

	if (target_sympos(c->target, c->orig, p->twin, &pos))
		return false;
	n = target_candidates(c->target, p->twin->name, &cands);
	if (!n || pos > n) {
		free(cands);
		return false;
	}
	*sec = cands[pos ? pos - 1 : 0]->sec;
	*addr = cands[pos ? pos - 1 : 0]->sym.st_value;
	free(cands);
	return true;
}

struct func_place {
	const struct symbol *sym;
	const struct section *sec;
	uint64_t addr;
};

/*
 * Two klp_funcs on one address would never finish their transition:
 * whatever named them, refuse before the module is written. Run after
 * emit_funcs(), which has found every position.
 */
int check_func_addresses(struct cdo *c)
{
	struct func_place *places = NULL;
	size_t i, k, nr = 0, cap = 0;
	size_t before = c->nr_refusals;

	for (i = 1; i < c->patched->nr_syms; i++) {
		struct symbol *p = c->patched->syms[i];
		struct func_place fp = { .sym = p };

		if (p->type != STT_FUNC || !p->sec || p->parent || p->by_callers ||
		    p->status != DIFF_CHANGED || !p->twin || !kernel_place(c, p, &fp.sec, &fp.addr))
			continue;
		for (k = 0; k < nr; k++) {
			if (places[k].sec != fp.sec || places[k].addr != fp.addr)
				continue;
			refuse(c, p->twin->name,
			       xasprintf("is at the address of %s in the running kernel, and both would be patched",
					 places[k].sym->twin->name),
			       "two livepatch functions on one address never finish their transition; these builds are not those of the running kernel (rebuild them from its tree and config), or, if they are, report this as a bug");
		}
		grow_array((void **)&places, &cap, nr + 1, sizeof(*places));
		places[nr++] = fp;
	}
	free(places);
	return c->nr_refusals > before ? -1 : 0;
}
