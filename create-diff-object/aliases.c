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
	struct symbol *s;

	sec_for_each_sym(sec, s) {
		if (same_place(s, first) && better_primary(s, primary))
			primary = s;
	}
	sec_for_each_sym(sec, s) {
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
	struct symbol *p, *s;

	for_each_sym(c->patched, p) {
		if (p->type != STT_FUNC || !p->sec || p->parent || p->alias_of)
			continue;
		sec_for_each_sym(p->sec, s) {
			if (s != p && same_place(s, p)) {
				merge_group(p);
				break;
			}
		}
	}
}

/* Every alias of an included function names its copy, so that references by any name reach it. */
void clone_aliases(struct cdo *c)
{
	struct symbol *a;

	for_each_sym(c->patched, a) {
		struct symbol *p = a->alias_of;
		unsigned char bind = a->bind;

		if (!p || !p->clone || a->clone)
			continue;
		/* The module must not define a second global of a kernel symbol's name. */
		if (p->status == DIFF_CHANGED)
			bind = STB_LOCAL;
		/* Where its function starts: after the call padding kept before it. */
		a->clone = elf_add_symbol(c->out, a->name, bind, STT_FUNC, p->clone->sec,
					  p->clone->sym.st_value, p->clone->sym.st_size);
		a->clone->sym.st_other = a->sym.st_other;
	}
}

/* The other names of @p's code joined by @sep: "" when it has none (free it). */
char *alias_list(const struct cdo *c, const struct symbol *p, const char *sep)
{
	char *s = xstrdup(""), *t;
	const struct symbol *a;

	for_each_sym(c->patched, a) {
		if (a->alias_of != p)
			continue;
		t = xasprintf("%s%s%s", s, *s ? sep : "", a->name);
		free(s);
		s = t;
	}
	return s;
}

/* The other names of @p's code, for the report: "" or " (alias A, B)" (free it). */
char *alias_names(const struct cdo *c, const struct symbol *p)
{
	char *s = alias_list(c, p, ", "), *t;

	if (!*s)
		return s;
	t = xasprintf(" (alias %s)", s);
	free(s);
	return t;
}

/* A function's address in the running kernel, as the livepatch core will find it. */
static bool kernel_place(struct cdo *c, const struct symbol *p, const struct section **sec,
			 uint64_t *addr)
{
	struct symbol **cands;
	unsigned long pos = 0;
	size_t n;

	if (target_sympos(c->kernel_syms, c->orig, p->twin, &pos))
		return false;
	n = target_candidates(c->kernel_syms, p->twin->name, &cands);
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
	size_t k, nr = 0, cap = 0;
	size_t before = c->nr_refusals;
	struct symbol *p;

	for_each_sym(c->patched, p) {
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
