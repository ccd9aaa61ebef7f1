// SPDX-License-Identifier: GPL-2.0
/*
 * Anonymous sections (.altinstr_aux, .fixup, .altinstr_replacement) have
 * no symbols to name what is in them: they are cut into pieces at every
 * place a reference lands, and a reference is compared by the piece it
 * lands in, not by an offset that moves whenever another piece grows.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cdo.h"
#include "util.h"

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : (x > y);
}

static void add_ref_offset(struct section *sec, uint64_t off, size_t *cap)
{
	grow_array((void **)&sec->ref_offsets, cap, sec->nr_ref_offsets + 1,
		   sizeof(*sec->ref_offsets));
	sec->ref_offsets[sec->nr_ref_offsets++] = off;
}

/* Each section's pieces: where references land in it, sorted, once each. */
void index_references(struct elf_obj *obj)
{
	size_t k, *caps = xcalloc(obj->nr_secs, sizeof(*caps));
	struct section *rela, *sec;
	const struct reloc *r;

	decode_text(obj);

	for_each_sec(obj, rela) {
		if (!sec_is_rela(rela))
			continue;
		rela_for_each_reloc(rela, r) {
			struct reloc_dest t;

			resolve_dest(rela->base, r, &t);
			/* Only a place inside the section starts a piece of it. */
			if (t.kind == DEST_SECTION && t.off >= 0 &&
			    (uint64_t)t.off < t.sec->size)
				add_ref_offset(t.sec, t.off, &caps[t.sec->idx]);
		}
	}
	for_each_sec(obj, sec) {
		size_t n = 0;

		if (!sec->nr_ref_offsets)
			continue;
		qsort(sec->ref_offsets, sec->nr_ref_offsets, sizeof(uint64_t), cmp_u64);
		for (k = 0; k < sec->nr_ref_offsets; k++) {
			if (!n || sec->ref_offsets[n - 1] != sec->ref_offsets[k])
				sec->ref_offsets[n++] = sec->ref_offsets[k];
		}
		sec->nr_ref_offsets = n;
		sec->piece_used = xcalloc(n, sizeof(*sec->piece_used));
	}
	free(caps);
}

static uint64_t u64_key(const void *arr, size_t i)
{
	return ((const uint64_t *)arr)[i];
}

/* Which piece of @sec starts at @off, or -1. */
ssize_t piece_index(const struct section *sec, int64_t off)
{
	size_t i;

	if (off < 0)
		return -1;
	i = sorted_bound(sec->ref_offsets, sec->nr_ref_offsets, u64_key, off, false);
	return i < sec->nr_ref_offsets && sec->ref_offsets[i] == (uint64_t)off ? (ssize_t)i : -1;
}

/* The end of the piece of @sec starting at @off. */
uint64_t piece_end(const struct section *sec, uint64_t off)
{
	size_t i = sorted_bound(sec->ref_offsets, sec->nr_ref_offsets, u64_key, off, true);

	return i < sec->nr_ref_offsets ? sec->ref_offsets[i] : sec->size;
}

/* Equal names but for a trailing counter (.data..Lubsan_data118 / ..120). */
static bool same_but_number(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	while (la && a[la - 1] >= '0' && a[la - 1] <= '9')
		la--;
	while (lb && b[lb - 1] >= '0' && b[lb - 1] <= '9')
		lb--;
	return la == lb && !memcmp(a, b, la);
}

bool pieces_equal(const struct reloc_dest *a, const struct reloc_dest *b, int depth)
{
	uint64_t ea, eb, len;
	struct reloc *ra, *rb;
	size_t na, nb, i;

	if (!same_but_number(a->sec->name, b->sec->name))
		return false;
	/* A place outside the section has no piece: the same place is all there is to compare. */
	if (a->off < 0 || b->off < 0 ||
	    (uint64_t)a->off > a->sec->size || (uint64_t)b->off > b->sec->size)
		return a->off == b->off;
	ea = piece_end(a->sec, a->off);
	eb = piece_end(b->sec, b->off);
	len = ea - a->off;
	if (len != eb - b->off)
		return false;
	if (a->sec->data && b->sec->data &&
	    memcmp(a->sec->data + a->off, b->sec->data + b->off, len))
		return false;
	elf_range_relocs(a->sec, a->off, ea, &ra, &na);
	elf_range_relocs(b->sec, b->off, eb, &rb, &nb);
	if (na != nb)
		return false;
	for (i = 0; i < na; i++) {
		struct reloc_dest ta, tb;

		if (ra[i].offset - a->off != rb[i].offset - b->off || ra[i].type != rb[i].type)
			return false;
		resolve_dest(a->sec, &ra[i], &ta);
		resolve_dest(b->sec, &rb[i], &tb);
		if (depth <= 0 || !dests_equal(&ta, &tb, depth - 1))
			return false;
	}
	return true;
}
