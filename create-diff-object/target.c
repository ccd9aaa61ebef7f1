// SPDX-License-Identifier: GPL-2.0
/*
 * What a relocation points at. The assembler turns references to local
 * symbols into references to their section's symbol plus an offset, so
 * "call helper" reads as ".text.helper - 4" and "&count" as
 * ".bss.count.0 + 0". Comparing those raw would make every renumbering
 * a change; resolving them to the symbol that lives there, and strings
 * to their text, makes comparison a question of identity and content.
 */
#include <string.h>

#include "cdo.h"
#include "util.h"

bool is_local_rodata(const struct symbol *sym)
{
	return sym->bind == STB_LOCAL && sym->type == STT_OBJECT && sym->sec &&
	       sec_is_alloc(sym->sec) && !sec_is_writable(sym->sec) &&
	       !sec_is_text(sym->sec);
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
	size_t lo = 0, hi, i;

	*first = NULL;
	*nr = 0;
	if (!rela)
		return;
	hi = rela->nr_relocs;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (rela->relocs[mid].offset < start)
			lo = mid + 1;
		else
			hi = mid;
	}
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
 * Inside an instruction, a PC-relative addend is the target minus the
 * bytes from the field to the instruction's end: 4, or 5, 6, 8 when an
 * immediate follows. A symbol starting at one of those is the target.
 */
static struct symbol *pcrel_symbol(const struct section *sec, int64_t addend)
{
	static const int tails[] = { 4, 5, 6, 8 };
	struct symbol *s;
	size_t i;

	for (i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
		s = named_at(sec, addend + tails[i]);
		if (s)
			return s;
	}
	return addend + 4 >= 0 ? elf_symbol_containing(sec, addend + 4) : NULL;
}

static struct symbol *data_symbol(const struct section *sec, int64_t off)
{
	struct symbol *s = named_at(sec, off);

	if (s || off < 0)
		return s;
	s = elf_symbol_containing(sec, off);
	/* A label just past a function's end (a jump to its epilogue). */
	if (!s && off > 0 && sec_is_text(sec))
		s = elf_symbol_containing(sec, off - 1);
	return s;
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
	struct section *sec = sym->sec;
	int64_t raw;

	t->kind = TARGET_SYMBOL;
	t->sym = sym;
	t->sec = sec;
	t->off = r->addend;
	t->sec_off = r->addend;
	if (!names_a_place(sym))
		return;
	raw = r->addend + (sym->type == STT_SECTION ? 0 : (int64_t)sym->sym.st_value);
	t->sec_off = raw;
	if (sec_is_strings(sec)) {
		t->kind = TARGET_STRING;
		t->off = raw + (in_insn ? 4 : 0);
		return;
	}
	named = in_insn ? pcrel_symbol(sec, raw) : data_symbol(sec, raw);
	if (named) {
		t->sym = named;
		t->off = raw - (int64_t)named->sym.st_value;
		return;
	}
	t->kind = TARGET_SECTION;
	t->off = raw;
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
		return a->off == b->off && !strcmp(a->sec->name, b->sec->name);
	case TARGET_SYMBOL:
	default:
		return symbols_equal(a, b, depth);
	}
}
