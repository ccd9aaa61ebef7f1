// SPDX-License-Identifier: GPL-2.0
/*
 * Changes a live patch cannot carry. Each is reported with the symbol
 * and what the author can do instead; all are reported before exiting,
 * so one run shows every problem of a patch.
 */
#include <stdlib.h>
#include <string.h>

#include "cdo.h"
#include "util.h"

bool is_init_section(const struct section *sec)
{
	return str_starts(sec->name, ".init.") || str_starts(sec->name, ".exit.") ||
	       !strcmp(sec->name, ".init") || str_starts(sec->name, ".text.init.") ||
	       str_starts(sec->name, ".text.exit.");
}

/*
 * Every refusal passes here: the message on stderr, and the record
 * --refusals writes (write_refusals()). Takes ownership of @what.
 */
void refuse(struct cdo *c, const char *sym, char *what, const char *advice)
{
	struct refusal *r;

	err_msg(c->patched->path, "%s: %s; %s", sym, what, advice);
	r = array_push(c->refusals, c->nr_refusals);
	r->symbol = sym;
	r->reason = what;
	r->advice = advice;
}

void free_refusals(struct cdo *c)
{
	size_t i;

	for (i = 0; i < c->nr_refusals; i++)
		free(c->refusals[i].reason);
	free(c->refusals);
}

/* ftrace redirects a function through its __fentry__ call, first in its body. */
bool has_fentry(const struct symbol *sym)
{
	struct reloc *first, *r;
	size_t nr;

	elf_symbol_relocs(sym, &first, &nr);
	for_each_reloc_in(first, nr, r) {
		if (r->offset >= sym->sym.st_value + 16)
			break;
		if (!strcmp(r->sym->name, "__fentry__"))
			return true;
	}
	return false;
}

static void check_function(struct cdo *c, struct symbol *f)
{
	/* Init code that runs no more, changed only by a string it shares: nothing to do. */
	if (is_init_section(f->sec) && differs_only_in_data(f->twin, f)) {
		warn_msg(c->patched->path, "%s: in %s, changed only in the strings or tables it shares with patched code; init code has already run, so it is left as it is",
			 f->name, f->sec->name);
		f->status = f->twin->status = DIFF_SAME;
		return;
	}
	if (is_init_section(f->sec)) {
		refuse(c, f->name, xasprintf("changed function in %s", f->sec->name),
		       "init and exit code has already run or is never called on a running kernel, so it cannot be live patched; leave it out of the patch, or move the change into a function called after boot");
		return;
	}
	/* Without __fentry__: patched through its callers (callers.c), or refused there. */
}

static void check_references(struct cdo *c, struct symbol *f)
{
	struct reloc *first, *r;
	size_t nr;

	if (is_init_section(f->sec))
		return;
	elf_symbol_relocs(f, &first, &nr);
	for_each_reloc_in(first, nr, r) {
		struct reloc_dest t;

		resolve_dest(f->sec, r, &t);
		if (t.kind != DEST_SYMBOL || !t.sym->sec || !is_init_section(t.sym->sec))
			continue;
		refuse(c, f->name, xasprintf("references %s in %s, which the kernel frees after boot",
					     t.sym->name, t.sym->sec->name),
		       "do not use __init/__initdata/__exit symbols from patched code");
	}
}

static void check_data(struct cdo *c, struct symbol *d)
{
	if (is_local_rodata(d) || is_callsite_data(d) || is_macro_state(d))
		return;	/* the patch carries a copy of its own */
	refuse(c, d->name, xasprintf("changed initializer of existing data (section %s)", d->sec->name),
	       "a live patch cannot change data already in memory; keep the old initializer and set the new value from a patch callback, or use a shadow variable");
}

/* Before the other checks: the callers it marks changed are checked like any other. */
static void patch_untraceable(struct cdo *c)
{
	struct symbol *p;

	for_each_sym(c->patched, p) {
		if (p->type == STT_FUNC && p->sec && !p->parent && p->status == DIFF_CHANGED &&
		    !p->by_callers && !is_init_section(p->sec) && !has_fentry(p))
			patch_through_callers(c, p);
	}
}

void refuse_unsafe(struct cdo *c)
{
	struct symbol *p;

	patch_untraceable(c);
	for_each_sym(c->patched, p) {
		if (p->type == STT_FUNC && p->sec && !p->parent && p->status == DIFF_CHANGED)
			check_function(c, p);
		if (p->type == STT_FUNC && p->sec &&
		    (p->status == DIFF_CHANGED || p->status == DIFF_NEW ||
		     (p->parent && p->parent->status != DIFF_SAME)))
			check_references(c, p);
		if (p->type == STT_OBJECT && p->sec && is_data_section(p->sec) &&
		    p->status == DIFF_CHANGED)
			check_data(c, p);
	}
}
