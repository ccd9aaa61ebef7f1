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

/*
 * Callees that take __LINE__ as an argument, and the register it is in:
 * a patch that only shifts lines changes the immediate loaded before the
 * call, and nothing else. Only these calls, only their line register:
 * any other changed constant is a change.
 */
static const struct {
	const char *func;
	unsigned char mov;	/* mov $imm32, %reg: 0xbe esi, 0xba edx */
	bool ambiguous;		/* the register may hold another constant */
} line_calls[] = {
	{ "__might_sleep", 0xbe, false },
	{ "___might_sleep", 0xbe, false },
	{ "__might_fault", 0xbe, false },
	{ "__might_resched", 0xbe, false },
	{ "lockdep_rcu_suspicious", 0xbe, false },
	/* printk("... %s:%d", __FILE__, __LINE__), as ASSERT_RTNL and WARN do */
	{ "__warn_printk", 0xba, true },
	{ "printk", 0xba, true },
	{ "_printk", 0xba, true },
	{ "warn_slowpath_fmt", 0xbe, false },
	{ "warn_slowpath_null", 0xbe, false },
	{ "__btrfs_handle_fs_error", 0xba, false },
	{ "__btrfs_abort_transaction", 0xba, false },
	{ "btrfs_assertfail", 0xba, false },
	{ "assfail", 0xba, false },
};

#define LINE_CALL_WINDOW 64

/* The callee of the first call in [from, from + window) of @sym, or NULL. */
static const char *next_callee(const struct symbol *sym, uint64_t from)
{
	struct reloc *first, *r;
	size_t nr;

	elf_range_relocs(sym->sec, sym->sym.st_value + from,
			 sym->sym.st_value + from + LINE_CALL_WINDOW, &first, &nr);
	for_each_reloc_in(first, nr, r) {
		uint64_t at = r->offset;

		if ((r->type == R_X86_64_PLT32 || r->type == R_X86_64_PC32) &&
		    at > sym->sym.st_value && sym->sec->data[at - 1] == 0xe8) {
			struct reloc_dest t;

			resolve_dest(sym->sec, r, &t);
			return t.kind == DEST_SYMBOL ? t.sym->name : NULL;
		}
	}
	return NULL;
}

/*
 * The end of a line-number immediate holding byte @d of both functions,
 * or 0; *@guessed_callee names the callee when it could take another constant there.
 */
static uint64_t line_immediate_end(const struct symbol *a, const struct symbol *b, uint64_t d,
				   const char **guessed_callee)
{
	const unsigned char *x = a->sec->data + a->sym.st_value;
	const unsigned char *y = b->sec->data + b->sym.st_value;
	const char *callee;
	uint64_t op;
	size_t k;

	for (op = d > 4 ? d - 4 : 0; op < d; op++) {
		if (x[op] != y[op] || (x[op] != 0xbe && x[op] != 0xba) || op + 5 > a->sym.st_size)
			continue;
		callee = next_callee(a, op + 5);
		if (!callee || !next_callee(b, op + 5) || strcmp(callee, next_callee(b, op + 5)))
			continue;
		for (k = 0; k < sizeof(line_calls) / sizeof(line_calls[0]); k++) {
			if (line_calls[k].mov == x[op] && !strcmp(line_calls[k].func, callee)) {
				*guessed_callee = line_calls[k].ambiguous ? line_calls[k].func : NULL;
				return op + 5;
			}
		}
	}
	return 0;
}

/* Offset of the first byte difference that matters, or -1. */
static int64_t bytes_difference(const struct symbol *a, const struct symbol *b)
{
	bool nobits_a = a->sec->sh.sh_type == SHT_NOBITS;
	bool nobits_b = b->sec->sh.sh_type == SHT_NOBITS;
	const unsigned char *x, *y;
	uint64_t i, end;

	if (nobits_a != nobits_b)
		return 0;
	if (nobits_a)
		return -1;
	x = a->sec->data + a->sym.st_value;
	y = b->sec->data + b->sym.st_value;
	for (i = 0; i < a->sym.st_size; i++) {
		const char *guessed_callee = NULL;

		if (x[i] == y[i])
			continue;
		end = sec_is_text(a->sec) ? line_immediate_end(a, b, i, &guessed_callee) : 0;
		if (!end)
			return i;
		if (guessed_callee)
			warn_msg(b->obj->path, "%s+0x%llx: only the constant passed to %s differs; taken for a __LINE__ change (klp-build compiles with #line so that it never has to guess)",
				 b->name, (unsigned long long)i, guessed_callee);
		else
			debug_msg("compare: %s: only a line number differs at 0x%llx", a->name,
				  (unsigned long long)i);
		i = end - 1;
	}
	return -1;
}

/*
 * In a function that differs only in data (differs_only_in_data), two
 * places it points at may differ when both are strings, both read-only
 * data of sections without symbols, or the changed twin of local
 * read-only data.
 */
static bool data_only_dests(const struct reloc_dest *ta, const struct reloc_dest *tb)
{
	if (ta->kind == DEST_STRING && tb->kind == DEST_STRING)
		return true;
	if (ta->kind == DEST_SECTION && tb->kind == DEST_SECTION &&
	    !sec_is_text(ta->sec) && !sec_is_text(tb->sec))
		return true;
	return ta->kind == DEST_SYMBOL && tb->kind == DEST_SYMBOL && tb->sym->twin == ta->sym &&
	       ta->off == tb->off && is_local_rodata(tb->sym);
}

/*
 * Offset of the first difference of two symbols, or -1 when equal: the
 * bytes, then each relocation's place, type and destination. With
 * @data_only, data_only_dests() pairs are no difference, and relocation
 * counts that differ are one before any destination is resolved.
 */
static int64_t walk_difference(const struct symbol *a, const struct symbol *b, int depth,
			       bool data_only)
{
	struct reloc *ra, *rb;
	size_t na, nb, i;
	int64_t d;

	if (a->sym.st_size != b->sym.st_size)
		return 0;
	d = bytes_difference(a, b);
	if (d >= 0)
		return d;
	elf_symbol_relocs(a, &ra, &na);
	elf_symbol_relocs(b, &rb, &nb);
	if (data_only && na != nb)
		return 0;
	for (i = 0; i < na && i < nb; i++) {
		struct reloc_dest ta, tb;
		uint64_t oa = ra[i].offset - a->sym.st_value;
		uint64_t ob = rb[i].offset - b->sym.st_value;

		if (oa != ob || ra[i].type != rb[i].type)
			return oa < ob ? oa : ob;
		if (ra[i].type == R_X86_64_NONE)
			continue;
		resolve_dest(a->sec, &ra[i], &ta);
		resolve_dest(b->sec, &rb[i], &tb);
		if (data_only && data_only_dests(&ta, &tb))
			continue;
		if (!dests_equal(&ta, &tb, depth))
			return oa;
	}
	if (na != nb)
		return i < na ? ra[i].offset - a->sym.st_value : rb[i].offset - b->sym.st_value;
	return -1;
}

static int64_t first_difference(const struct symbol *a, const struct symbol *b, int depth)
{
	return walk_difference(a, b, depth, false);
}

/*
 * Whether @a and @b have the same instructions and point at the same
 * things, and differ only in the content of strings or read-only data
 * they point at (an inlined callee's changed message).
 */
bool differs_only_in_data(const struct symbol *a, const struct symbol *b)
{
	return walk_difference(a, b, MAX_DEPTH, true) < 0;
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
	size_t rounds = 0;

	while (again && rounds++ < 32) {
		struct symbol *p;

		again = false;
		for_each_sym(c->patched, p) {
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

/*
 * Where two functions of different sizes start to differ, for --debug:
 * the first differing byte or relocation place before the shorter's end.
 */
static int64_t resized_difference(const struct symbol *a, const struct symbol *b)
{
	const unsigned char *x = a->sec->data + a->sym.st_value;
	const unsigned char *y = b->sec->data + b->sym.st_value;
	uint64_t n = a->sym.st_size < b->sym.st_size ? a->sym.st_size : b->sym.st_size;
	uint64_t i = 0;
	struct reloc *ra, *rb;
	size_t na, nb, k;

	if (!a->sec->data || !b->sec->data)
		return 0;
	while (i < n && x[i] == y[i])
		i++;
	elf_symbol_relocs(a, &ra, &na);
	elf_symbol_relocs(b, &rb, &nb);
	for (k = 0; k < na && k < nb; k++) {
		uint64_t oa = ra[k].offset - a->sym.st_value;
		uint64_t ob = rb[k].offset - b->sym.st_value;

		if (oa >= i && ob >= i)
			break;
		if (oa != ob || ra[k].type != rb[k].type)
			return oa < ob ? oa : ob;
	}
	return i;
}

/* --debug: where @p first differs from its twin, by instruction and source line. */
static void report_difference(const struct symbol *p, int64_t diff)
{
	const char *where;
	char text[160];
	uint64_t start = 0;

	if (p->twin->sym.st_size != p->sym.st_size)
		diff = resized_difference(p->twin, p);
	/* The instruction, not the byte: a changed displacement starts mid-instruction. */
	if (sec_is_text(p->sec) && insn_at(p, diff, &start, text, sizeof(text)))
		diff = start;
	else
		text[0] = 0;
	where = source_line(p->obj->path, p, diff);
	debug_msg("compare: %s changed, first difference at offset 0x%llx%s%s%s%s%s",
		  p->name, (unsigned long long)diff, text[0] ? ": " : "", text,
		  where ? " (" : "", where ? where : "", where ? ")" : "");
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
	if (diff >= 0 && debug_enabled)
		report_difference(p, diff);
}

static void compare_functions(struct cdo *c)
{
	struct symbol *p;

	for_each_sym(c->patched, p) {
		if (p->type == STT_FUNC && p->sec)
			compare_function(p);
	}
	/* A change in the cold part is a change of its parent. */
	for_each_sym(c->patched, p) {
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
