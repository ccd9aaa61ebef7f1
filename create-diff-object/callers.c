// SPDX-License-Identifier: GPL-2.0
/*
 * A changed function ftrace cannot redirect (no __fentry__ call: notrace,
 * or 6.1's `inline`, which implies notrace, kept out of line as the
 * __do_sys_* bodies of SYSCALL_DEFINEx are) is patched through its
 * callers: every traceable function of the object that calls it, directly
 * or through other untraceable callers, is patched as changed, and it goes
 * into the module as a local copy that those callers' copies call.
 *
 * That is only safe when those callers are all there is: nothing else may
 * reach the old code. So the function must be local, its address never
 * taken (a pointer to it would keep reaching the old code), every chain of
 * callers must reach a traceable one, and none may be noinstr or entry
 * code, which must not be patched at all.
 */
#include <stdlib.h>
#include <string.h>

#include "cdo.h"
#include "util.h"

/*
 * Sections that only mark places in code for the unwinder, ftrace,
 * objtool's lists and the kernel's tables of its own code: an entry
 * there is no use of a function's address.
 */
static bool marks_places(const struct section *sec)
{
	static const char *const names[] = {
		".orc_unwind_ip", ".ibt_endbr_seal", "__mcount_loc",
		"__patchable_function_entries", ".return_sites", ".retpoline_sites",
		".call_sites", ".eh_frame", "__bug_table", "__jump_table", "__ex_table",
		".altinstructions", ".parainstructions", ".static_call_sites", ".smp_locks",
	};
	size_t i;

	if (!sec_is_alloc(sec) || str_starts(sec->name, ".discard."))
		return true;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(sec->name, names[i]))
			return true;
	}
	return false;
}

bool is_noinstr_section(const struct section *sec)
{
	return str_starts(sec->name, ".noinstr.text") || str_starts(sec->name, ".entry.text") ||
	       str_starts(sec->name, ".cpuidle.text");
}

enum branch { NOT_BRANCH, CALL, JUMP };

/* call, or jmp or jcc rel32 (a tail call), at relocation @r of text section @sec. */
static enum branch branch_at(const struct section *sec, const struct reloc *r)
{
	const unsigned char *op;

	if (r->type != R_X86_64_PLT32 && r->type != R_X86_64_PC32)
		return NOT_BRANCH;
	if (!sec->data || r->offset < 1 || sec->size < 4 || r->offset > sec->size - 4)
		return NOT_BRANCH;
	op = sec->data + r->offset;
	if (op[-1] == 0xe8)
		return CALL;
	if (op[-1] == 0xe9 || (r->offset >= 2 && op[-2] == 0x0f && (op[-1] & 0xf0) == 0x80))
		return JUMP;
	return NOT_BRANCH;
}

static struct symbol *function_of(struct symbol *s)
{
	if (s && s->parent)
		s = s->parent;
	if (s && s->alias_of)
		s = s->alias_of;
	return s;
}

/* The chain being walked: untraceable functions still to look at, and all seen. */
struct chain {
	struct cdo *c;
	struct symbol *root;
	struct symbol **todo, **seen;
	size_t nr_todo, cap_todo, nr_seen, cap_seen;
	bool refused;
};

static void chain_refuse(struct chain *ch, const char *sym, char *what, const char *advice)
{
	refuse(ch->c, sym, what, advice);
	ch->refused = true;
}

static bool chain_seen(const struct chain *ch, const struct symbol *s)
{
	size_t i;

	for (i = 0; i < ch->nr_seen; i++) {
		if (ch->seen[i] == s)
			return true;
	}
	return false;
}

static void chain_push(struct chain *ch, struct symbol *s)
{
	if (chain_seen(ch, s))
		return;
	grow_array((void **)&ch->seen, &ch->cap_seen, ch->nr_seen + 1, sizeof(*ch->seen));
	ch->seen[ch->nr_seen++] = s;
	grow_array((void **)&ch->todo, &ch->cap_todo, ch->nr_todo + 1, sizeof(*ch->todo));
	ch->todo[ch->nr_todo++] = s;
}

static char *place_name(const struct section *sec, uint64_t off)
{
	struct symbol *s = elf_symbol_containing(sec, off);

	if (s)
		return xasprintf("%s (in %s)", s->name, sec->name);
	return xasprintf("%s+0x%llx", sec->name, (unsigned long long)off);
}

/* A traceable caller: patched as changed, said to be for @ch's root. */
static void mark_caller(struct chain *ch, struct symbol *g)
{
	if (!g->through)
		g->through = ch->root;
	if (g->status != DIFF_SAME)
		return;
	g->status = DIFF_CHANGED;
	if (g->twin)
		g->twin->status = DIFF_CHANGED;
	debug_msg("callers: %s patched as changed, through %s", g->name, ch->root->name);
}

/*
 * TRACE_EVENT() and DECLARE_EVENT_CLASS() make their handlers notrace and
 * reach them through the event's class: a header change they use (an
 * inline of their TP_fast_assign) reaches them with no way to patch them.
 */
static bool is_trace_event_handler(const struct symbol *f)
{
	return !strncmp(f->name, "trace_event_raw_event_", 22) ||
	       !strncmp(f->name, "perf_trace_", 11);
}

static void refuse_address_taken(struct chain *ch, struct symbol *u, const struct section *sec,
				 uint64_t off)
{
	char *where = place_name(sec, off);

	if (u == ch->root && is_trace_event_handler(u)) {
		chain_refuse(ch, u->name,
			     xasprintf("changed trace event handler (notrace), reached through %s", where),
			     "ftrace cannot redirect it; if the event may go on reporting with the old code, leave it out: add KLP_IGNORE_FUNCTION() of it (klp-macros.h) to the patch of the file that defines the events (CREATE_TRACE_POINTS)");
		free(where);
		return;
	}
	chain_refuse(ch, ch->root->name,
		     u == ch->root ?
		     xasprintf("changed function has no __fentry__ call (notrace), and its address is taken by %s",
			       where) :
		     xasprintf("changed function has no __fentry__ call (notrace), and the address of its untraceable caller %s is taken by %s",
			       u->name, where),
		     "ftrace cannot redirect it, and patching its callers would leave that pointer on the old code; drop notrace from it in both builds, or patch the code the pointer leads to");
	free(where);
}

/*
 * A caller that jumps to @u has no frame on the stack while @u runs, so
 * the livepatch core's stack check cannot see a task asleep in the old
 * @u: such a task is switched, and finishes the old @u.
 */
static void warn_tail_call(const struct chain *ch, const struct symbol *u, const struct symbol *g)
{
	warn_msg(ch->c->patched->path, "%s: patched for %s, but jumps to %s (a tail call): the stack check cannot see a task asleep in the old %s when the patch is applied, which finishes the old version",
		 g->name, ch->root->name, u->name, u->name);
}

/* A branch to @u from @g: a traceable caller to patch, or another untraceable one to follow. */
static void visit_caller(struct chain *ch, struct symbol *u, struct symbol *g, enum branch b)
{
	if (is_noinstr_section(g->sec)) {
		chain_refuse(ch, ch->root->name,
			     xasprintf("changed function has no __fentry__ call (notrace), and %s, which calls %s, is in %s",
				       g->name, u->name, g->sec->name),
			     "noinstr and entry code must not be live patched; leave the change out, or move it to a function that is not notrace");
		return;
	}
	/* New code calls the new copy anyway; init code has run and is gone. */
	if (g->status == DIFF_NEW || is_init_section(g->sec))
		return;
	if (!has_fentry(g)) {
		chain_push(ch, g);
		return;
	}
	if (b == JUMP && g->through != ch->root)
		warn_tail_call(ch, u, g);
	mark_caller(ch, g);
}

/* One reference to @u (@t) from @sec at relocation @r: a caller, or a use of its address. */
static void visit_reference(struct chain *ch, struct symbol *u, struct section *sec,
			    const struct reloc *r, const struct reloc_dest *t, size_t *callers)
{
	enum branch b = sec_is_text(sec) ? branch_at(sec, r) : NOT_BRANCH;
	struct symbol *g;

	if (!sec_is_text(sec)) {
		/*
		 * Data pointing inside @u is a table entry for its own code;
		 * at its start, a function pointer, unless the table lists places.
		 */
		if (t->off == 0 && !marks_places(sec))
			refuse_address_taken(ch, u, sec, r->offset);
		return;
	}
	if (b == NOT_BRANCH) {
		refuse_address_taken(ch, u, sec, r->offset);
		return;
	}
	g = function_of(elf_symbol_containing(sec, r->offset));
	if (g == u)
		return;	/* recursion */
	if (!g) {
		chain_refuse(ch, ch->root->name,
			     xasprintf("changed function has no __fentry__ call (notrace), and %s is called from %s, outside any function",
				       u->name, sec->name),
			     "ftrace cannot redirect it, and that code cannot be patched in its place; drop notrace from it in both builds");
		return;
	}
	(*callers)++;
	visit_caller(ch, u, g, b);
}

static void visit_callers(struct chain *ch, struct symbol *u)
{
	struct elf_obj *obj = ch->c->patched;
	size_t callers = 0;
	struct section *rela;
	struct reloc *r;

	for_each_sec(obj, rela) {
		struct section *base = rela->base;

		if (!sec_is_rela(rela) || !base || base == u->sec ||
		    (u->child && base == u->child->sec))
			continue;
		rela_for_each_reloc(rela, r) {
			struct reloc_dest t;

			if (ch->refused)
				break;
			if (r->type == R_X86_64_NONE)
				continue;
			resolve_dest(base, r, &t);
			if (t.kind == DEST_SYMBOL && function_of(t.sym) == u)
				visit_reference(ch, u, base, r, &t, &callers);
		}
	}
	if (callers || ch->refused)
		return;
	chain_refuse(ch, ch->root->name,
		     u == ch->root ?
		     xasprintf("changed function has no __fentry__ call (notrace), and no function of this object calls it") :
		     xasprintf("changed function has no __fentry__ call (notrace), and its untraceable caller %s has no caller in this object",
			       u->name),
		     "ftrace cannot redirect it and no traceable caller can be patched in its place; drop notrace from it in both builds");
}

/* Why an untraceable function of the chain cannot be patched through its callers, or NULL. */
static char *chain_blocker(const struct symbol *u)
{
	if (u->bind != STB_LOCAL)
		return xasprintf("is global, so code of other objects may call it");
	if (is_noinstr_section(u->sec))
		return xasprintf("is in %s", u->sec->name);
	return NULL;
}

static void walk_chain(struct chain *ch)
{
	while (ch->nr_todo && !ch->refused) {
		struct symbol *u = ch->todo[--ch->nr_todo];
		char *why = chain_blocker(u);

		if (why) {
			chain_refuse(ch, ch->root->name,
				     u == ch->root ? xasprintf("changed function has no __fentry__ call (notrace), and %s", why) :
				     xasprintf("changed function has no __fentry__ call (notrace), and its untraceable caller %s %s",
					       u->name, why),
				     "ftrace cannot redirect it, and its callers cannot stand in for it; drop notrace from it in both builds, or patch it in a way that is traceable");
			free(why);
			return;
		}
		visit_callers(ch, u);
	}
}

/* The untraceable functions of the chain become local copies, patched by no klp_func. */
static void mark_chain(struct chain *ch)
{
	size_t i;

	for (i = 0; i < ch->nr_seen; i++) {
		struct symbol *u = ch->seen[i];

		u->by_callers = true;
		if (u->status == DIFF_SAME) {
			u->status = DIFF_CHANGED;
			if (u->twin)
				u->twin->status = DIFF_CHANGED;
		}
	}
}

/* Patches @f, changed and without __fentry__, through its callers, or refuses. */
void patch_through_callers(struct cdo *c, struct symbol *f)
{
	struct chain ch = { .c = c, .root = f };

	chain_push(&ch, f);
	walk_chain(&ch);
	if (!ch.refused)
		mark_chain(&ch);
	free(ch.todo);
	free(ch.seen);
}
