// SPDX-License-Identifier: GPL-2.0
/*
 * Pairs each PATCHED symbol with its ORIG twin.
 *
 * Names are not stable across compiles: gcc numbers clones
 * (foo.isra.0, foo.constprop.1, foo.part.0), static locals (count.0),
 * and anonymous data (CSWTCH.12, __func__.3) with counters that shift
 * when unrelated code changes. So after exact names, functions pair by
 * their name with the numbers removed, and numbered data pairs by the
 * functions that use it: the count of f() is the twin of the count of
 * f()'s twin, whatever number each compile gave it. Pairing a static
 * local with the wrong twin would make the patch use another
 * function's state, so an ambiguous one stays unpaired (new).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "cdo.h"
#include "util.h"

#define UNIQUE_ID "__UNIQUE_ID_"

/* __UNIQUE_ID_ddebug1522: the kernel's __COUNTER__-made names. */
static bool is_unique_id(const char *name)
{
	return str_starts(name, UNIQUE_ID);
}

/*
 * "foo.constprop.0.isra.1" -> "foo.constprop.isra"; "count.3" -> "count";
 * "__UNIQUE_ID_ddebug1522.48" -> "__UNIQUE_ID_ddebug"
 */
static char *canonical_name(const char *name)
{
	char *out = xstrdup(name), *dst = strchr(out, '.');
	const char *src;

	if (is_unique_id(out)) {
		char *end = dst ? dst : out + strlen(out);
		char *digits = end;

		while (digits > out + strlen(UNIQUE_ID) && isdigit((unsigned char)digits[-1]))
			digits--;
		memmove(digits, end, strlen(end) + 1);
		dst = strchr(out, '.');
	}
	if (!dst || dst == out)
		return out;
	for (src = name + (dst - out); *src;) {
		const char *next = strchr(src + 1, '.');
		size_t len = next ? (size_t)(next - src) : strlen(src);
		size_t i;
		bool digits = len > 1;

		for (i = 1; i < len; i++)
			digits &= isdigit((unsigned char)src[i]) != 0;
		if (!digits) {
			memmove(dst, src, len);
			dst += len;
		}
		src += len;
	}
	*dst = '\0';
	return out;
}

/* Local data whose name carries a compiler counter. */
static bool is_numbered_data(const struct symbol *sym)
{
	const char *dot = strrchr(sym->name, '.');

	if (sym->type != STT_OBJECT || sym->bind != STB_LOCAL)
		return false;
	if (is_unique_id(sym->name))
		return true;
	if (!dot || dot == sym->name)
		return false;
	for (dot++; *dot; dot++) {
		if (!isdigit((unsigned char)*dot))
			return false;
	}
	return true;
}

/* Functions, data, undefined symbols, and named global labels (asm's .incbin ends). */
static bool is_pairable(const struct symbol *sym)
{
	return sym->idx && (sym->type == STT_FUNC || sym->type == STT_OBJECT ||
			    (sym->type == STT_NOTYPE && *sym->name &&
			     (!sym->sec || sym->bind != STB_LOCAL)));
}

static void set_twins(struct symbol *a, struct symbol *b, const char *why)
{
	a->twin = b;
	b->twin = a;
	debug_msg("correlate: %s <-> %s (%s)", a->name, b->name, why);
}

/* foo.cold (or foo.cold.N) is a part of foo that gcc moved out of line. */
static void link_children(struct elf_obj *obj)
{
	struct symbol *sym;

	for_each_sym(obj, sym) {
		struct symbol *parent;
		const char *cold = strstr(sym->name, ".cold");
		char *pname;

		if (sym->type != STT_FUNC || !cold || !sym->sec)
			continue;
		if (cold[5] && cold[5] != '.')
			continue;
		pname = strndup(sym->name, cold - sym->name);
		if (!pname)
			continue;
		for (parent = elf_find_symbol(obj, pname); parent;
		     parent = elf_next_symbol_named(parent)) {
			if (parent->type == STT_FUNC && parent->sec)
				break;
		}
		free(pname);
		if (parent) {
			sym->parent = parent;
			parent->child = sym;
		}
	}
}

static bool same_kind(const struct symbol *a, const struct symbol *b)
{
	return a->type == b->type && !a->sec == !b->sec && !a->parent == !b->parent;
}

/* The only untwinned symbol of @obj named @name of @like's kind, or NULL. */
static struct symbol *unique_named(struct elf_obj *obj, const struct symbol *like,
				   bool same_bind)
{
	struct symbol *s, *found = NULL;

	for (s = elf_find_symbol(obj, like->name); s; s = elf_next_symbol_named(s)) {
		if (s->twin || !same_kind(s, like))
			continue;
		if (same_bind && (s->bind == STB_LOCAL) != (like->bind == STB_LOCAL))
			continue;
		if (found)
			return NULL;
		found = s;
	}
	return found;
}

static void pair_exact(struct cdo *c, bool same_bind)
{
	struct symbol *p;

	for_each_sym(c->patched, p) {
		struct symbol *o;

		if (p->twin || !is_pairable(p) || p->parent || is_numbered_data(p))
			continue;
		if (!unique_named(c->patched, p, same_bind))
			continue;
		o = unique_named(c->orig, p, same_bind);
		if (o)
			set_twins(o, p, "name");
	}
}

/* How many untwinned functions of @obj have canonical name @canon; the last one. */
static size_t count_canonical(struct elf_obj *obj, const char *canon, struct symbol **last)
{
	size_t n = 0;
	struct symbol *s;

	for_each_sym(obj, s) {
		char *cs;

		if (s->twin || s->type != STT_FUNC || !s->sec || s->parent)
			continue;
		cs = canonical_name(s->name);
		if (!strcmp(cs, canon)) {
			n++;
			*last = s;
		}
		free(cs);
	}
	return n;
}

static void pair_canonical_functions(struct cdo *c)
{
	struct symbol *p;

	for_each_sym(c->patched, p) {
		struct symbol *o = NULL, *dummy = NULL;
		char *canon;

		if (p->twin || p->type != STT_FUNC || !p->sec || p->parent)
			continue;
		canon = canonical_name(p->name);
		if (count_canonical(c->patched, canon, &dummy) == 1 &&
		    count_canonical(c->orig, canon, &o) == 1)
			set_twins(o, p, "name without compiler numbers");
		free(canon);
	}
}

static void pair_children(struct cdo *c)
{
	struct symbol *p;

	for_each_sym(c->patched, p) {
		if (p->parent && !p->twin && p->parent->twin && p->parent->twin->child &&
		    !p->parent->twin->child->twin)
			set_twins(p->parent->twin->child, p, "cold part of twins");
	}
}

/* Functions referencing each numbered data symbol, per symbol index. */
struct owners {
	struct symbol ***v;
	size_t *n, *cap;
};

static void add_owner(struct owners *ow, struct symbol *data, struct symbol *func)
{
	size_t i = data->idx, k;

	for (k = 0; k < ow->n[i]; k++) {
		if (ow->v[i][k] == func)
			return;
	}
	grow_array((void **)&ow->v[i], &ow->cap[i], ow->n[i] + 1, sizeof(**ow->v));
	ow->v[i][ow->n[i]++] = func;
}

static void find_owners(struct elf_obj *obj, struct owners *ow)
{
	struct symbol *f;

	ow->v = xcalloc(obj->nr_syms, sizeof(*ow->v));
	ow->n = xcalloc(obj->nr_syms, sizeof(*ow->n));
	ow->cap = xcalloc(obj->nr_syms, sizeof(*ow->cap));
	for_each_sym(obj, f) {
		struct reloc *first, *r;
		size_t nr;

		if (f->type != STT_FUNC || !f->sec)
			continue;
		elf_symbol_relocs(f, &first, &nr);
		for_each_reloc_in(first, nr, r) {
			struct reloc_dest t;

			resolve_dest(f->sec, r, &t);
			if (t.kind == DEST_SYMBOL && is_numbered_data(t.sym))
				add_owner(ow, t.sym, f->parent ? f->parent : f);
		}
	}
}

static void free_owners(struct elf_obj *obj, struct owners *ow)
{
	size_t i;

	for (i = 0; i < obj->nr_syms; i++)
		free(ow->v[i]);
	free(ow->v);
	free(ow->n);
	free(ow->cap);
}

static bool owned_by(const struct owners *ow, const struct symbol *data,
		     const struct symbol *func)
{
	size_t k;

	for (k = 0; k < ow->n[data->idx]; k++) {
		if (ow->v[data->idx][k] == func)
			return true;
	}
	return false;
}

/* An untwinned numbered ORIG symbol named like @p and used by @owner. */
static struct symbol *find_by_owner(struct cdo *c, const struct owners *orig_owners,
				    const struct symbol *p, const struct symbol *owner)
{
	char *canon = canonical_name(p->name);
	struct symbol *found = NULL;
	struct symbol *o;

	for_each_sym(c->orig, o) {
		char *oc;

		if (o->twin || !is_numbered_data(o) || !owned_by(orig_owners, o, owner))
			continue;
		oc = canonical_name(o->name);
		if (!strcmp(oc, canon))
			found = o;
		free(oc);
		if (found)
			break;
	}
	free(canon);
	return found;
}

static void pair_by_owner(struct cdo *c)
{
	struct owners patched_owners, orig_owners;
	size_t i, k;

	find_owners(c->patched, &patched_owners);
	find_owners(c->orig, &orig_owners);
	for (i = 1; i < c->patched->nr_syms; i++) {
		struct symbol *p = c->patched->syms[i];

		if (p->twin || !is_numbered_data(p))
			continue;
		for (k = 0; k < patched_owners.n[i] && !p->twin; k++) {
			struct symbol *owner = patched_owners.v[i][k]->twin, *o;

			if (!owner)
				continue;
			o = find_by_owner(c, &orig_owners, p, owner);
			if (o)
				set_twins(o, p, "same owning function");
		}
	}
	free_owners(c->patched, &patched_owners);
	free_owners(c->orig, &orig_owners);
}

static void pair_sections(struct cdo *c)
{
	struct section *p;

	for_each_sec(c->patched, p) {
		struct section *o;

		o = elf_find_section(c->orig, p->name);
		if (o && !o->twin) {
			p->twin = o;
			o->twin = p;
		}
	}
}

void correlate(struct cdo *c)
{
	link_children(c->orig);
	link_children(c->patched);
	pair_exact(c, true);
	pair_exact(c, false);
	pair_canonical_functions(c);
	pair_children(c);
	pair_by_owner(c);
	pair_sections(c);
}
