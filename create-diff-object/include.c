// SPDX-License-Identifier: GPL-2.0
/*
 * What the output carries: changed and new functions, with their cold
 * parts, and what they need that the running kernel does not have: new
 * functions and data, changed read-only private data, strings, and
 * anonymous read-only sections (.altinstr_replacement, .altinstr_aux).
 * Everything else they use already exists in the kernel and is
 * referenced, never copied: a copy of a variable would split its state.
 */
#include <stdlib.h>

#include "cdo.h"
#include "util.h"

static void include_symbol(struct worklist *w, struct symbol *sym, const char *why)
{
	if (sym->include)
		return;
	debug_msg("include: %s (%s)", sym->name, why);
	sym->include = true;
	grow_array((void **)&w->syms, &w->cap_syms, w->nr_syms + 1, sizeof(*w->syms));
	w->syms[w->nr_syms++] = sym;
	if (sym->child)
		include_symbol(w, sym->child, "cold part of an included function");
}

static void push_piece(struct worklist *w, struct section *sec, uint64_t start, uint64_t end)
{
	grow_array((void **)&w->pieces, &w->cap_pieces, w->nr_pieces + 1, sizeof(*w->pieces));
	w->pieces[w->nr_pieces++] = (struct piece){ sec, start, end };
}

static void include_section(struct worklist *w, struct section *sec)
{
	if (sec->include_whole)
		return;
	sec->include = sec->include_whole = true;
	push_piece(w, sec, 0, sec->size);
}

/*
 * Of an anonymous section (.altinstr_aux) only the pieces included code
 * lands in: the others belong to code the patch leaves alone, and may
 * point where the patch must not (init code).
 */
static void include_piece(struct worklist *w, struct section *sec, int64_t off)
{
	ssize_t i = piece_index(sec, off);

	if (i < 0) {
		include_section(w, sec);
		return;
	}
	sec->include = true;
	if (sec->include_whole || sec->piece_used[i])
		return;
	sec->piece_used[i] = true;
	push_piece(w, sec, off, piece_end(sec, off));
}

bool needs_copy(struct cdo *c, const struct symbol *sym)
{
	if (sym->status == DIFF_NEW || is_callsite_data(sym))
		return true;
	if (is_macro_state(sym)) {
		/* Of size 0 (a lockdep key without lockdep) it holds no state to share. */
		if (sym->status == DIFF_CHANGED || !sym->sym.st_size)
			return true;
		if (c->kernel_syms_are_orig || !sym->twin ||
		    target_tells_apart(c->kernel_syms, c->orig, sym->twin))
			return false;
		debug_msg("include: %s: the running kernel's cannot be told apart; the patch takes its own copy",
			  sym->name);
		return true;
	}
	return sym->type == STT_OBJECT && sym->status == DIFF_CHANGED && is_local_rodata(sym);
}

static int follow(struct cdo *c, struct worklist *w, const struct section *base,
		  const struct reloc *r, const char *user)
{
	struct reloc_dest t;

	/* A marker tying sections together (a function and its .cold part): no reference. */
	if (r->type == R_X86_64_NONE)
		return 0;
	resolve_dest(base, r, &t);
	switch (t.kind) {
	case DEST_STRING:
		include_section(w, t.sec);
		return 0;
	case DEST_SECTION:
		/*
		 * Writable and nameless: compiler metadata such as clang's
		 * .data..L__unnamed_N for UBSan. The kernel cannot find the
		 * original without a name, so the patch uses a copy.
		 */
		if (sec_is_writable(t.sec) && !t.sec->include)
			warn_msg(c->patched->path, "%s: uses %s, writable data with no symbol; the patched code gets its own copy of it",
				 user, t.sec->name);
		include_piece(w, t.sec, t.off);
		return 0;
	case DEST_SYMBOL:
	default:
		if (!t.sym->sec)
			return 0;
		if (t.sym->parent && t.sym->parent->include)
			return 0;
		if (needs_copy(c, t.sym) && (t.sym->type == STT_FUNC || t.sym->type == STT_OBJECT))
			include_symbol(w, t.sym, t.sym->status == DIFF_NEW ? "new, used by included code" :
					  "changed read-only or call-site data, copied");
		else if (!t.sym->include)
			debug_msg("include: %s uses %s of the running kernel", user, t.sym->name);
		return 0;
	}
}

int include_relocs(struct cdo *c, const struct section *sec, struct reloc *first,
		   size_t nr, const char *user)
{
	struct reloc *r;
	int ret = 0;

	for_each_reloc_in(first, nr, r)
		ret |= follow(c, &c->work, sec, r, user);
	return ret;
}

static int drain(struct cdo *c, struct worklist *w)
{
	int ret = 0;

	while (w->nr_syms || w->nr_pieces) {
		struct reloc *r;
		size_t nr;

		if (w->nr_syms) {
			struct symbol *sym = w->syms[--w->nr_syms];

			elf_symbol_relocs(sym, &r, &nr);
			ret |= include_relocs(c, sym->sec, r, nr, sym->name);
		} else {
			struct piece p = w->pieces[--w->nr_pieces];

			elf_range_relocs(p.sec, p.start, p.end, &r, &nr);
			ret |= include_relocs(c, p.sec, r, nr, p.sec->name);
		}
	}
	return ret;
}

/* Special entries of included code may pull in more (alternatives' code). */
static int include_special_entries(struct cdo *c)
{
	bool progress = true;
	int ret = 0;

	while (progress && !ret) {
		progress = false;
		ret = include_special(c, &progress);
		ret |= drain(c, &c->work);
	}
	return ret;
}

int include(struct cdo *c)
{
	int ret;
	struct symbol *p;

	for_each_sym(c->patched, p) {
		if (p->type == STT_FUNC && p->sec && !p->parent &&
		    (p->status == DIFF_CHANGED || p->status == DIFF_NEW))
			include_symbol(&c->work, p, p->status == DIFF_NEW ? "new function" : "changed function");
		/* Callbacks: nothing references them but the module template. */
		if (p->type == STT_OBJECT && p->sec && is_callback_section(p->sec))
			include_symbol(&c->work, p, "patch callback");
	}
	ret = drain(c, &c->work);
	if (!ret)
		ret = include_special_entries(c);
	free(c->work.syms);
	free(c->work.pieces);
	c->work = (struct worklist){ 0 };
	return ret ? -1 : 0;
}
