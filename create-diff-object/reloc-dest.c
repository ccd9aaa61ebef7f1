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
#include <string.h>

#include "cdo.h"
#include "util.h"

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

void resolve_dest(const struct section *base, const struct reloc *r,
		  struct reloc_dest *t)
{
	struct symbol *sym = r->sym, *named;
	bool in_insn = sec_is_text(base) && is_pcrel(r->type);
	unsigned int tail = in_insn ? reloc_tail(base, r) : 0;
	struct section *sec = sym->sec;
	int64_t raw, at;

	t->kind = DEST_SYMBOL;
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
		t->kind = DEST_STRING;
		t->off = at;
		return;
	}
	named = t->undecoded ? guessed_symbol(sec, raw) : data_symbol(sec, at);
	if (named && !offset_sub_overflows(raw, named->sym.st_value, &t->off)) {
		t->sym = named;
		return;
	}
	/* A jump into .altinstr_aux: the place after the field. */
	t->kind = DEST_SECTION;
	t->off = at;
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

static bool strings_equal(const struct reloc_dest *a, const struct reloc_dest *b)
{
	size_t sa, la, sb, lb;

	if (!string_at(a->sec, a->off, &sa, &la) || !string_at(b->sec, b->off, &sb, &lb))
		return a->off == b->off && !strcmp(a->sec->name, b->sec->name);
	return la == lb && a->off - (int64_t)sa == b->off - (int64_t)sb &&
	       !memcmp(a->sec->data + sa, b->sec->data + sb, la);
}

static bool symbols_equal(const struct reloc_dest *a, const struct reloc_dest *b, int depth)
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

bool dests_equal(const struct reloc_dest *a, const struct reloc_dest *b, int depth)
{
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case DEST_STRING:
		return strings_equal(a, b);
	case DEST_SECTION:
		return pieces_equal(a, b, depth);
	case DEST_SYMBOL:
	default:
		return symbols_equal(a, b, depth);
	}
}
