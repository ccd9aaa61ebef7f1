// SPDX-License-Identifier: GPL-2.0
/*
 * SAME, CHANGED or NEW for every PATCHED function and data object.
 * Equality is by content: the bytes (relocated fields are zero in an
 * object file) and, for each relocation, what it points at compared by
 * identity of the twin, or by content for strings and read-only local
 * data. A function that only moved, or whose callees moved, compares
 * equal; one whose string or lookup table changed does not.
 */
#include <string.h>

#include "cdo.h"
#include "util.h"

#define MAX_DEPTH 8

static bool bytes_equal(const struct symbol *a, const struct symbol *b)
{
	bool nobits_a = a->sec->sh.sh_type == SHT_NOBITS;
	bool nobits_b = b->sec->sh.sh_type == SHT_NOBITS;

	if (nobits_a != nobits_b)
		return false;
	if (nobits_a)
		return true;
	return !memcmp(a->sec->data + a->sym.st_value, b->sec->data + b->sym.st_value,
		       a->sym.st_size);
}

/* Offset of the first difference of two symbols, or -1 when equal. */
static int64_t first_difference(const struct symbol *a, const struct symbol *b, int depth)
{
	struct reloc *ra, *rb;
	size_t na, nb, i;

	if (a->sym.st_size != b->sym.st_size)
		return 0;
	if (!bytes_equal(a, b)) {
		for (i = 0; i < a->sym.st_size; i++) {
			if (a->sec->data[a->sym.st_value + i] != b->sec->data[b->sym.st_value + i])
				return i;
		}
		return 0;
	}
	symbol_relocs(a, &ra, &na);
	symbol_relocs(b, &rb, &nb);
	for (i = 0; i < na && i < nb; i++) {
		struct target ta, tb;
		uint64_t oa = ra[i].offset - a->sym.st_value;
		uint64_t ob = rb[i].offset - b->sym.st_value;

		if (oa != ob || ra[i].type != rb[i].type)
			return oa < ob ? oa : ob;
		resolve_target(a->sec, &ra[i], &ta);
		resolve_target(b->sec, &rb[i], &tb);
		if (!targets_equal(&ta, &tb, depth))
			return oa;
	}
	if (na != nb)
		return i < na ? ra[i].offset - a->sym.st_value : rb[i].offset - b->sym.st_value;
	return -1;
}

bool data_equal(const struct symbol *a, const struct symbol *b, int depth)
{
	return first_difference(a, b, depth) < 0;
}

static bool is_data_object(const struct symbol *sym)
{
	return sym->type == STT_OBJECT && sym->sec && is_data_section(sym->sec);
}

/*
 * Read-only local data that points to changed read-only local data has
 * changed too (its copy must point to the new one): repeat until stable.
 */
static void compare_data(struct cdo *c)
{
	bool again = true;
	size_t i, rounds = 0;

	while (again && rounds++ < 32) {
		again = false;
		for (i = 1; i < c->patched->nr_syms; i++) {
			struct symbol *p = c->patched->syms[i];
			enum diff_status st;

			if (!is_data_object(p))
				continue;
			if (!p->twin)
				st = DIFF_NEW;
			else
				st = data_equal(p->twin, p, MAX_DEPTH) ? DIFF_SAME : DIFF_CHANGED;
			if (st != p->status) {
				again |= p->status != DIFF_UNKNOWN;
				p->status = st;
				if (p->twin)
					p->twin->status = st;
			}
		}
	}
}

static void compare_function(struct symbol *p)
{
	int64_t diff;

	if (!p->twin) {
		p->status = DIFF_NEW;
		return;
	}
	diff = first_difference(p->twin, p, MAX_DEPTH);
	p->status = diff < 0 ? DIFF_SAME : DIFF_CHANGED;
	p->twin->status = p->status;
	if (diff >= 0)
		debug_msg("compare: %s changed, first difference at offset 0x%llx",
			  p->name, (unsigned long long)diff);
}

static void compare_functions(struct cdo *c)
{
	size_t i;

	for (i = 1; i < c->patched->nr_syms; i++) {
		struct symbol *p = c->patched->syms[i];

		if (p->type == STT_FUNC && p->sec)
			compare_function(p);
	}
	/* A change in the cold part is a change of its parent. */
	for (i = 1; i < c->patched->nr_syms; i++) {
		struct symbol *p = c->patched->syms[i];

		if (p->parent && p->status != DIFF_SAME && p->parent->status == DIFF_SAME) {
			debug_msg("compare: %s changed through its part %s", p->parent->name, p->name);
			p->parent->status = DIFF_CHANGED;
		}
	}
}

void compare(struct cdo *c)
{
	compare_data(c);
	compare_functions(c);
}
