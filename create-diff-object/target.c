// SPDX-License-Identifier: GPL-2.0
/*
 * What a relocation points at. The assembler turns references to local
 * symbols into references to their section's symbol plus an offset, so
 * "call helper" reads as ".text.helper - 4" and "&count" as
 * ".bss.count.0 + 0". Comparing those raw would make every renumbering
 * a change; resolving them to the symbol that lives there, and strings
 * to their text, makes comparison a question of identity and content.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cdo.h"
#include "util.h"

bool is_local_rodata(const struct symbol *sym)
{
	return sym->bind == STB_LOCAL && sym->type == STT_OBJECT && sym->sec &&
	       sec_is_alloc(sym->sec) && !sec_is_writable(sym->sec) &&
	       !sec_is_text(sym->sec);
}

/*
 * Dynamic debug descriptors: per call site, registered by whichever
 * module holds them. Their line numbers move with every edit above
 * them, and patched code takes its own copy, as a new call site would.
 */
bool is_callsite_data(const struct symbol *sym)
{
	return sym->type == STT_OBJECT && sym->sec &&
	       (!strcmp(sym->sec->name, "__dyndbg") || !strcmp(sym->sec->name, "__verbose"));
}

bool is_data_section(const struct section *sec)
{
	return sec_is_alloc(sec) && !sec_is_text(sec) && !sec_is_strings(sec) &&
	       (sec->sh.sh_type == SHT_PROGBITS || sec->sh.sh_type == SHT_NOBITS);
}

/* Relocations of bytes [start, end) of @sec (its rela section is sorted by offset). */
void range_relocs(const struct section *sec, uint64_t start, uint64_t end,
		  struct reloc **first, size_t *nr)
{
	struct section *rela = sec ? sec->rela : NULL;
	size_t lo, i;

	*first = NULL;
	*nr = 0;
	if (!rela)
		return;
	lo = elf_reloc_lower_bound(rela, start);
	for (i = lo; i < rela->nr_relocs && rela->relocs[i].offset < end; i++)
		;
	*first = rela->relocs + lo;
	*nr = i - lo;
}

void symbol_relocs(const struct symbol *sym, struct reloc **first, size_t *nr)
{
	range_relocs(sym->sec, sym->sym.st_value, sym->sym.st_value + sym->sym.st_size,
		     first, nr);
}

static bool is_pcrel(uint32_t type)
{
	return type == R_X86_64_PC32 || type == R_X86_64_PLT32 ||
	       type == R_X86_64_GOTPCREL || type == R_X86_64_GOTPCRELX ||
	       type == R_X86_64_REX_GOTPCRELX;
}

static struct symbol *named_at(const struct section *sec, int64_t off)
{
	struct symbol *s;

	if (off < 0)
		return NULL;
	s = elf_symbol_at(sec, off);
	return s && (s->type == STT_FUNC || s->type == STT_OBJECT) ? s : NULL;
}

/*
 * A place before a section's start is a biased pointer (zlib's `base -=
 * 257` on a static array): the symbol the section starts with, at a
 * negative offset.
 */
static struct symbol *data_symbol(const struct section *sec, int64_t off)
{
	struct symbol *s = named_at(sec, off);

	if (off < 0)
		return named_at(sec, 0);
	if (s)
		return s;
	s = elf_symbol_containing(sec, off);
	/* A label just past a function's end (a jump to its epilogue). */
	if (!s && off > 0 && sec_is_text(sec))
		s = elf_symbol_containing(sec, off - 1);
	return s;
}

/*
 * Code that was not decoded (an instruction Capstone does not know):
 * the old guess, a symbol starting 4, 5, 6 or 8 bytes on. What this
 * names is compared, never emitted (emit.c refuses).
 */
static struct symbol *guessed_symbol(const struct section *sec, int64_t addend)
{
	static const int tails[] = { 4, 5, 6, 8 };
	struct symbol *s;
	size_t i;

	for (i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
		s = named_at(sec, addend + tails[i]);
		if (s)
			return s;
	}
	return addend + 4 >= 0 ? elf_symbol_containing(sec, addend + 4) : named_at(sec, 0);
}

/*
 * Undecoded code whose field, whatever the instruction's tail (4 to 8
 * bytes), lands in one symbol: no guess is needed.
 */
static bool tail_matters(const struct section *sec, int64_t raw)
{
	struct symbol *first = data_symbol(sec, raw + 4);
	int k;

	for (k = 5; k <= 8; k++) {
		if (data_symbol(sec, raw + k) != first)
			return true;
	}
	return false;
}

/* Bytes from @r's field to the end of its instruction, 0 when unknown. */
static unsigned int reloc_tail(const struct section *base, const struct reloc *r)
{
	const struct section *rela = base->rela;

	if (!rela || !rela->reloc_tails || r < rela->relocs ||
	    r >= rela->relocs + rela->nr_relocs)
		return 0;
	return rela->reloc_tails[r - rela->relocs];
}

/* Section symbols and local labels (.LC0 kept by an asm reference) name a place, not a thing. */
static bool names_a_place(const struct symbol *sym)
{
	return sym->sec && (sym->type == STT_SECTION ||
			    (sym->type == STT_NOTYPE && sym->bind == STB_LOCAL));
}

void resolve_target(const struct section *base, const struct reloc *r,
		    struct target *t)
{
	struct symbol *sym = r->sym, *named;
	bool in_insn = sec_is_text(base) && is_pcrel(r->type);
	unsigned int tail = in_insn ? reloc_tail(base, r) : 0;
	struct section *sec = sym->sec;
	int64_t raw, at;

	t->kind = TARGET_SYMBOL;
	t->sym = sym;
	t->sec = sec;
	t->off = r->addend;
	t->sec_off = r->addend;
	t->undecoded = false;
	/* A place out of int64_t's reach (check_places() refused it) stays symbol + addend. */
	if (!names_a_place(sym) ||
	    offset_add_overflows(sym->type == STT_SECTION ? 0 : sym->sym.st_value, r->addend, &raw) ||
	    add_s64_overflows(raw, in_insn ? (tail ? tail : 8) : 0, &at))
		return;
	t->sec_off = raw;
	t->undecoded = in_insn && !tail && raw > INT64_MIN + 8 && tail_matters(sec, raw);
	/* The place the instruction really reaches: the addend plus the tail. */
	at = raw + (in_insn ? (tail ? tail : 4) : 0);
	if (sec_is_strings(sec)) {
		t->kind = TARGET_STRING;
		t->off = at;
		return;
	}
	named = t->undecoded ? guessed_symbol(sec, raw) : data_symbol(sec, at);
	if (named && !offset_sub_overflows(raw, named->sym.st_value, &t->off)) {
		t->sym = named;
		return;
	}
	/* A jump into .altinstr_aux: the place after the field. */
	t->kind = TARGET_SECTION;
	t->off = at;
}

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

/*
 * An anonymous section (.altinstr_aux, .fixup, .altinstr_replacement)
 * is cut into pieces at every place a reference lands; a reference is
 * then compared by the piece it lands in, not by an offset that moves
 * whenever another piece grows.
 */
void index_references(struct elf_obj *obj)
{
	size_t i, k, *caps = xcalloc(obj->nr_secs, sizeof(*caps));

	decode_text(obj);

	for (i = 1; i < obj->nr_secs; i++) {
		struct section *rela = obj->secs[i];

		if (!sec_is_rela(rela))
			continue;
		for (k = 0; k < rela->nr_relocs; k++) {
			struct target t;

			resolve_target(rela->base, &rela->relocs[k], &t);
			/* Only a place inside the section starts a piece of it. */
			if (t.kind == TARGET_SECTION && t.off >= 0 &&
			    (uint64_t)t.off < t.sec->size)
				add_ref_offset(t.sec, t.off, &caps[t.sec->idx]);
		}
	}
	for (i = 1; i < obj->nr_secs; i++) {
		struct section *sec = obj->secs[i];
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

/* Which piece of @sec starts at @off, or -1. */
ssize_t piece_index(const struct section *sec, int64_t off)
{
	size_t lo = 0, hi = sec->nr_ref_offsets;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if ((int64_t)sec->ref_offsets[mid] < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < sec->nr_ref_offsets && (int64_t)sec->ref_offsets[lo] == off ? (ssize_t)lo : -1;
}

/* The end of the piece of @sec starting at @off. */
uint64_t piece_end(const struct section *sec, uint64_t off)
{
	size_t lo = 0, hi = sec->nr_ref_offsets;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (sec->ref_offsets[mid] <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < sec->nr_ref_offsets ? sec->ref_offsets[lo] : sec->size;
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

static bool pieces_equal(const struct target *a, const struct target *b, int depth)
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
	range_relocs(a->sec, a->off, ea, &ra, &na);
	range_relocs(b->sec, b->off, eb, &rb, &nb);
	if (na != nb)
		return false;
	for (i = 0; i < na; i++) {
		struct target ta, tb;

		if (ra[i].offset - a->off != rb[i].offset - b->off || ra[i].type != rb[i].type)
			return false;
		resolve_target(a->sec, &ra[i], &ta);
		resolve_target(b->sec, &rb[i], &tb);
		if (depth <= 0 || !targets_equal(&ta, &tb, depth - 1))
			return false;
	}
	return true;
}

/* The string of @sec holding @off: its start and length. */
static bool string_at(const struct section *sec, int64_t off, size_t *start, size_t *len)
{
	size_t s, e;

	if (!sec->data || off < 0 || (uint64_t)off >= sec->size)
		return false;
	for (s = off; s > 0 && sec->data[s - 1]; s--)
		;
	for (e = off; e < sec->size && sec->data[e]; e++)
		;
	*start = s;
	*len = e - s;
	return true;
}

static bool strings_equal(const struct target *a, const struct target *b)
{
	size_t sa, la, sb, lb;

	if (!string_at(a->sec, a->off, &sa, &la) || !string_at(b->sec, b->off, &sb, &lb))
		return a->off == b->off && !strcmp(a->sec->name, b->sec->name);
	return la == lb && a->off - (int64_t)sa == b->off - (int64_t)sb &&
	       !memcmp(a->sec->data + sa, b->sec->data + sb, la);
}

static bool symbols_equal(const struct target *a, const struct target *b, int depth)
{
	const struct symbol *sa = a->sym, *sb = b->sym;

	if (a->off != b->off)
		return false;
	if (!sa->sec || !sb->sec)
		return !sa->sec && !sb->sec && !strcmp(sa->name, sb->name);
	if (sb->twin == sa)
		return !(is_local_rodata(sb) && sb->status == DIFF_CHANGED);
	/* Unpaired read-only data (a renumbered CSWTCH): equal if its content is. */
	if (depth > 0 && is_local_rodata(sa) && is_local_rodata(sb) && !sb->twin && !sa->twin)
		return data_equal(sa, sb, depth - 1);
	return false;
}

bool targets_equal(const struct target *a, const struct target *b, int depth)
{
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case TARGET_STRING:
		return strings_equal(a, b);
	case TARGET_SECTION:
		return pieces_equal(a, b, depth);
	case TARGET_SYMBOL:
	default:
		return symbols_equal(a, b, depth);
	}
}
