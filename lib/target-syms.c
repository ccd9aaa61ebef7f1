// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "target-syms.h"
#include "util.h"

static void index_files(struct target_syms *t)
{
	const char *file = NULL;
	size_t i;

	t->file_of = xcalloc(t->elf->nr_syms, sizeof(*t->file_of));
	for (i = 1; i < t->elf->nr_syms; i++) {
		struct symbol *s = t->elf->syms[i];

		if (s->type == STT_FILE)
			file = s->name;
		/* Globals follow all files' locals: they belong to no file block. */
		t->file_of[i] = s->bind == STB_LOCAL ? file : NULL;
	}
	t->by_place = !file;
}

static struct target_syms *target_new(struct elf_obj *obj, bool owned)
{
	struct target_syms *t = xcalloc(1, sizeof(*t));

	t->elf = obj;
	t->owned = owned;
	t->by_address = obj->ehdr.e_type != ET_REL;
	index_files(t);
	return t;
}

/* nm's letter: lower case is local, w/v/W/V weak, t/T text. */
static void map_kind(char c, unsigned char *bind, unsigned char *type)
{
	*type = (c == 't' || c == 'T') ? STT_FUNC : STT_OBJECT;
	if (c == 'w' || c == 'W' || c == 'v' || c == 'V')
		*bind = STB_WEAK;
	else if (c >= 'a' && c <= 'z')
		*bind = STB_LOCAL;
	else
		*bind = STB_GLOBAL;
}

/* One "ADDRESS TYPE NAME" line; returns false when it is not one. */
static bool map_line(struct elf_obj *obj, char *line)
{
	char *end, *name;
	unsigned long long addr;
	unsigned char bind, type;
	struct symbol *s;
	char kind;

	errno = 0;
	addr = strtoull(line, &end, 16);
	if (errno || end == line || end[0] != ' ' || !end[1] || end[2] != ' ')
		return false;
	kind = end[1];
	name = end + 3;
	name[strcspn(name, " \t\r\n")] = '\0';
	if (!*name)
		return false;
	/* Undefined and debugging entries are no symbols kallsyms lists. */
	if (kind == 'U' || kind == 'N' || kind == 'n')
		return true;
	map_kind(kind, &bind, &type);
	s = elf_add_symbol(obj, name, bind, type, NULL, addr, 0);
	s->sym.st_shndx = SHN_ABS;
	return true;
}

/*
 * A System.map (nm -n of vmlinux): every symbol with its address, in
 * address order, but no file symbols: which file a local belongs to is
 * judged by address (see in_block()).
 */
static struct target_syms *map_load(const char *path, FILE *f)
{
	static const GElf_Ehdr tmpl = { .e_machine = EM_X86_64 };
	struct elf_obj *obj = elf_new(path, &tmpl);
	struct target_syms *t;
	char *line = NULL;
	size_t cap = 0, lineno = 0;

	while (getline(&line, &cap, f) > 0) {
		lineno++;
		if (!map_line(obj, line)) {
			err_msg(path, "target_load: line %zu is not \"ADDRESS TYPE NAME\"; pass an ELF vmlinux or module, or the System.map of the kernel",
				lineno);
			free(line);
			elf_free(obj);
			return NULL;
		}
	}
	free(line);
	if (obj->nr_syms <= 1) {
		err_msg(path, "target_load: no symbols; pass the System.map of the kernel being patched");
		elf_free(obj);
		return NULL;
	}
	t = target_new(obj, true);
	t->by_address = true;
	t->from_map = true;
	t->by_place = true;
	return t;
}

static bool is_elf(const char *path, FILE **map)
{
	unsigned char magic[SELFMAG];
	FILE *f = fopen(path, "r");

	*map = NULL;
	if (!f)
		return true;	/* elf_load() says why it cannot open it */
	if (fread(magic, 1, SELFMAG, f) == SELFMAG && !memcmp(magic, ELFMAG, SELFMAG)) {
		fclose(f);
		return true;
	}
	rewind(f);
	*map = f;
	return false;
}

struct target_syms *target_load(const char *path)
{
	return target_load_some(path, NULL);
}

struct target_syms *target_load_some(const char *path, const struct elf_symbol_filter *keep)
{
	struct target_syms *t = target_open(path, keep);

	if (t && target_read(t)) {
		target_free(t);
		return NULL;
	}
	return t;
}

struct target_syms *target_open(const char *path, const struct elf_symbol_filter *keep)
{
	struct target_syms *t;
	struct elf_obj *obj;
	FILE *map;

	if (!is_elf(path, &map)) {
		t = map_load(path, map);
		fclose(map);
		return t;
	}
	obj = elf_load(path, ELF_LOAD_HEADERS_ONLY);
	if (!obj)
		return NULL;
	if (!obj->symtab || obj->symtab->sh.sh_size < 2 * sizeof(Elf64_Sym)) {
		err_msg(path, "target_load: no symbol table; pass an unstripped vmlinux or module");
		elf_free(obj);
		return NULL;
	}
	elf_free(obj);
	t = xcalloc(1, sizeof(*t));
	t->path = xstrdup(path);
	if (keep)
		t->keep = *keep;
	return t;
}

/*
 * Only the symbols of names @keep accepts, and the STT_FILE ones: of a
 * vmlinux's 45,000 symbols a diff asks about the few hundred its objects
 * name, and the whole table was most of its memory. Sympos counts stay
 * right, as every symbol of a kept name is kept, in order.
 */
int target_read(struct target_syms *t)
{
	struct elf_obj *obj;

	if (t->elf)
		return 0;
	obj = elf_load_symbols(t->path, ELF_LOAD_SYMBOLS_ONLY, t->keep.keep ? &t->keep : NULL);
	if (!obj)
		return -1;
	if (obj->nr_syms <= 1) {
		err_msg(t->path, "target_load: no symbol table; pass an unstripped vmlinux or module");
		elf_free(obj);
		return -1;
	}
	t->elf = obj;
	t->owned = true;
	t->by_address = obj->ehdr.e_type != ET_REL;
	index_files(t);
	return 0;
}

struct target_syms *target_from_obj(struct elf_obj *obj)
{
	return target_new(obj, false);
}

void target_free(struct target_syms *t)
{
	if (!t)
		return;
	if (t->owned)
		elf_free(t->elf);
	free(t->file_of);
	free(t->path);
	free(t);
}

/*
 * What kallsyms lists. For a module, what the loader keeps as core
 * symbols: defined in a section it loads (not .modinfo or __versions,
 * whose SHF_ALLOC it clears) and not freed after init; .exit stays
 * while modules can be unloaded.
 */
static bool kallsyms_visible(const struct target_syms *t, const struct symbol *s)
{
	if (s->type == STT_SECTION || s->type == STT_FILE || !*s->name)
		return false;
	if (s->sym.st_shndx == SHN_UNDEF || s->sym.st_shndx == SHN_LIVEPATCH)
		return false;
	if (t->by_address)
		return true;
	if (!s->sec)
		return false;
	return sec_is_alloc(s->sec) && !str_starts(s->sec->name, ".init") &&
	       strcmp(s->sec->name, ".modinfo") && strcmp(s->sec->name, "__versions");
}

bool target_defines(const struct target_syms *t, const char *name)
{
	struct symbol *s;

	for (s = elf_find_symbol(t->elf, name); s; s = elf_next_symbol_named(s)) {
		if (kallsyms_visible(t, s))
			return true;
	}
	return false;
}

struct candidates {
	struct symbol **v;
	size_t n, cap;
};

static void collect(const struct target_syms *t, const char *name, struct candidates *c)
{
	struct symbol *s;

	for (s = elf_find_symbol(t->elf, name); s; s = elf_next_symbol_named(s)) {
		if (!kallsyms_visible(t, s))
			continue;
		grow_array((void **)&c->v, &c->cap, c->n + 1, sizeof(*c->v));
		c->v[c->n++] = s;
	}
}

static int cmp_kallsyms(const void *a, const void *b)
{
	const struct symbol *x = *(struct symbol * const *)a;
	const struct symbol *y = *(struct symbol * const *)b;

	if (x->sym.st_value != y->sym.st_value)
		return x->sym.st_value < y->sym.st_value ? -1 : 1;
	return x->idx < y->idx ? -1 : (x->idx > y->idx);
}

/* A module's kallsyms order is its symbol table's. */
static int cmp_symtab(const void *a, const void *b)
{
	const struct symbol *x = *(struct symbol * const *)a;
	const struct symbol *y = *(struct symbol * const *)b;

	return x->idx < y->idx ? -1 : (x->idx > y->idx);
}

static void sort_kallsyms(const struct target_syms *t, struct candidates *c)
{
	if (c->n > 1)
		qsort(c->v, c->n, sizeof(*c->v), t->by_address ? cmp_kallsyms : cmp_symtab);
}

/*
 * Whether @m is in the file block of @s. A System.map or a stripped
 * module names no files, but the linker keeps an object's sections
 * together, in link order: @m lies in the section of @s, within @span
 * (the size of the object being diffed) of it.
 */
static bool in_block(const struct target_syms *t, const struct symbol *m,
		     const struct symbol *s, uint64_t span)
{
	uint64_t a = m->sym.st_value, b = s->sym.st_value;

	if (t->by_place)
		return m->sec == s->sec && (a > b ? a - b : b - a) <= span;
	return t->file_of[m->idx] == t->file_of[s->idx];
}

static uint64_t alloc_size(const struct elf_obj *obj)
{
	uint64_t size = 0;
	const struct section *sec;

	for_each_sec(obj, sec) {
		if (sec_is_alloc(sec))
			size += sec->sh.sh_size;
	}
	return size;
}

/*
 * System.map: whether @m (named as @f of @from) lies on the side of @s
 * that @f lies of @me in @from. The linker keeps an object's functions
 * in the order the compiler emitted them, which section and offset
 * order in @from repeat.
 */
static bool in_order(const struct symbol *f, const struct symbol *me,
		     const struct symbol *m, const struct symbol *s)
{
	bool before;

	if (!f->sec || !me->sec || sec_is_text(f->sec) != sec_is_text(me->sec))
		return false;
	if (f->sec != me->sec)
		before = f->sec->idx < me->sec->idx;
	else
		before = f->sym.st_value < me->sym.st_value;
	return before ? m->sym.st_value < s->sym.st_value : m->sym.st_value > s->sym.st_value;
}

static uint64_t distance(const struct symbol *a, const struct symbol *b)
{
	uint64_t x = a->sym.st_value, y = b->sym.st_value;

	return x > y ? x - y : y - x;
}

struct block_score {
	size_t held;	/* symbols of @from in the block */
	bool same_size;	/* as long as the symbol of @from (a System.map has no sizes) */
	uint64_t near;	/* by place: distance to the nearest other one */
};

/*
 * How many of @from's local functions and objects the file block of @s
 * holds; for a System.map, how many of all its defined ones lie near @s
 * and in the order they have around @me, the symbol @s may be.
 */
static struct block_score block_score(const struct target_syms *t, const struct elf_obj *from,
				      const struct symbol *me, const struct symbol *s)
{
	struct block_score b = { .held = 1, .near = UINT64_MAX };
	uint64_t span = t->by_place ? alloc_size(from) : 0;
	struct symbol *f;

	b.same_size = s->sym.st_size && s->sym.st_size == me->sym.st_size;

	for_each_sym(from, f) {
		struct symbol *m;
		bool held = false;

		if (f->type != STT_FUNC && f->type != STT_OBJECT)
			continue;
		/* By address, @from's globals place its block best: their names are unique. */
		if (t->by_place ? !f->sec : f->bind != STB_LOCAL)
			continue;
		if (t->by_place && f == me)
			continue;
		for (m = elf_find_symbol(t->elf, f->name); m; m = elf_next_symbol_named(m)) {
			if (!in_block(t, m, s, span))
				continue;
			if (t->by_place && !in_order(f, me, m, s))
				continue;
			held = true;
			if (t->by_place && distance(m, s) < b.near)
				b.near = distance(m, s);
		}
		b.held += held;
	}
	return b;
}

/*
 * Small objects' blocks overlap in a System.map: then the one of the
 * same size, then the nearest wins.
 */
static int cmp_score(struct block_score a, struct block_score b)
{
	if (a.held != b.held)
		return a.held > b.held ? 1 : -1;
	if (a.same_size != b.same_size)
		return a.same_size ? 1 : -1;
	if (a.near != b.near)
		return a.near < b.near ? 1 : -1;
	return 0;
}

/*
 * Scores local candidates by how much of @from's file block they share;
 * with @by_file, only those of a file of @from's name take part.
 */
static struct symbol *best_block(const struct target_syms *t, const struct elf_obj *from,
				 const struct symbol *me, const struct candidates *c, bool by_file)
{
	struct block_score best_score = { 0 }, score;
	struct symbol *best = NULL;
	size_t i, ties = 0;

	for (i = 0; i < c->n; i++) {
		struct symbol *s = c->v[i];

		if (s->bind != STB_LOCAL)
			continue;
		if (by_file && (!from->file_name || !t->file_of[s->idx] ||
				strcmp(from->file_name, t->file_of[s->idx])))
			continue;
		score = block_score(t, from, me, s);
		if (!best || cmp_score(score, best_score) > 0) {
			best = s;
			best_score = score;
			ties = 0;
		} else if (!cmp_score(score, best_score)) {
			ties++;
		}
	}
	return ties ? NULL : best;
}

/* Where @s's bytes start in its section's contents. */
static uint64_t section_offset(const struct symbol *s)
{
	if (s->obj->ehdr.e_type == ET_REL)
		return s->sym.st_value;
	return s->sym.st_value - s->sec->sh.sh_addr;
}

/*
 * @me's bytes, and per byte whether @from relocates it: those fields are
 * zero in a -ffunction-sections object and may hold what the linker or
 * the assembler put there in the target (a call within one .text).
 * NULL when @me has no bytes to compare (.bss, a size of 0).
 */
static const unsigned char *own_bytes(const struct symbol *me, unsigned char **masked)
{
	uint64_t start = me->sym.st_value, size = me->sym.st_size;
	struct reloc *first, *r;
	size_t nr;

	*masked = NULL;
	if (!size || !me->sec || !me->sec->data || me->obj->ehdr.e_type != ET_REL ||
	    start > me->sec->size || size > me->sec->size - start)
		return NULL;
	*masked = xcalloc(size, 1);
	elf_symbol_relocs(me, &first, &nr);
	for_each_reloc_in(first, nr, r) {
		uint64_t off = r->offset - start;
		int width = elf_reloc_width(r->type);

		for (; width-- > 0 && off < size; off++)
			(*masked)[off] = 1;
	}
	return me->sec->data + start;
}

static bool holds_bytes(const struct target_syms *t, const struct symbol *s,
			const unsigned char *bytes, const unsigned char *masked, uint64_t size)
{
	const unsigned char *theirs;
	uint64_t off, i;

	if (t->from_map || !s->sec || s->sym.st_size != size)
		return false;
	theirs = elf_section_bytes(s->sec);
	off = section_offset(s);
	if (!theirs || off > s->sec->size || size > s->sec->size - off)
		return false;
	for (i = 0; i < size; i++) {
		if (!masked[i] && bytes[i] != theirs[off + i])
			return false;
	}
	return true;
}

/*
 * The local candidates whose bytes are @me's (a stock module's two
 * init_once, cifs's fourteen __func__.0 of one size): when some but not
 * all are, only those can be @me. A System.map has no bytes.
 */
static bool keep_same_bytes(const struct target_syms *t, const struct symbol *me,
			    const struct candidates *c, struct candidates *same)
{
	unsigned char *masked;
	const unsigned char *bytes = own_bytes(me, &masked);
	size_t i, locals = 0;

	for (i = 0; bytes && i < c->n; i++) {
		if (c->v[i]->bind != STB_LOCAL)
			continue;
		locals++;
		if (!holds_bytes(t, c->v[i], bytes, masked, me->sym.st_size))
			continue;
		grow_array((void **)&same->v, &same->cap, same->n + 1, sizeof(*same->v));
		same->v[same->n++] = c->v[i];
	}
	free(masked);
	if (!same->n || same->n == locals)
		return false;
	debug_msg("sympos: %s: %zu of %zu local candidates hold the bytes of its original",
		  me->name, same->n, locals);
	return true;
}

/* Picks which candidate is @sym: the global, or the local of @from's file. */
static struct symbol *pick(const struct target_syms *t, const struct elf_obj *from,
			   const struct symbol *sym, const struct candidates *c)
{
	struct candidates same = { 0 };
	struct symbol *best;
	size_t i;

	if (t->elf == from && sym->obj == from)
		return from->syms[sym->idx];
	if (sym->bind != STB_LOCAL) {
		for (i = 0; i < c->n; i++) {
			if (c->v[i]->bind != STB_LOCAL)
				return c->v[i];
		}
		return NULL;
	}
	if (keep_same_bytes(t, sym, c, &same))
		c = &same;
	best = best_block(t, from, sym, c, true);
	/* Built under another name (a renamed file, a test): the symbols decide. */
	if (!best)
		best = best_block(t, from, sym, c, false);
	free(same.v);
	return best;
}

static void report_candidates(const struct target_syms *t, const struct symbol *sym,
			      const struct candidates *c)
{
	size_t i;

	err_msg(t->elf->path, "%s: cannot tell which of %zu symbols of this name is the one in %s; pass the --symbols of the kernel these objects were built for",
		sym->name, c->n, sym->obj->path);
	for (i = 0; i < c->n; i++) {
		fprintf(stderr, "  position %zu: %s at 0x%llx, size %llu, file %s\n", i + 1,
			c->v[i]->bind == STB_LOCAL ? "local" : "global",
			(unsigned long long)c->v[i]->sym.st_value,
			(unsigned long long)c->v[i]->sym.st_size,
			t->file_of[c->v[i]->idx] ? t->file_of[c->v[i]->idx] : "unknown");
	}
}

int target_sympos(const struct target_syms *t, const struct elf_obj *from,
		  const struct symbol *sym, unsigned long *pos)
{
	struct candidates c = { 0 };
	struct symbol *me;
	size_t i;
	int ret = -1;

	collect(t, sym->name, &c);
	if (c.n == 0) {
		err_msg(t->elf->path, "%s: not in this symbol table; pass the --symbols of the kernel or module being patched",
			sym->name);
		goto out;
	}
	me = pick(t, from, sym, &c);
	if (!me) {
		sort_kallsyms(t, &c);
		report_candidates(t, sym, &c);
		goto out;
	}
	if (c.n == 1) {
		*pos = 0;
		ret = 0;
		goto out;
	}
	sort_kallsyms(t, &c);
	for (i = 0; i < c.n; i++) {
		if (c.v[i] == me)
			*pos = i + 1;
	}
	debug_msg("sympos: %s is position %lu of %zu", sym->name, *pos, c.n);
	ret = 0;
out:
	free(c.v);
	return ret;
}

bool target_tells_apart(struct target_syms *t, const struct elf_obj *from,
			const struct symbol *sym)
{
	struct candidates c = { 0 };
	bool found;

	/* A table that does not read, or lacks the name, errs where it is used. */
	if (target_read(t))
		return true;
	collect(t, sym->name, &c);
	found = c.n == 0 || pick(t, from, sym, &c);
	free(c.v);
	return found;
}

size_t target_candidates(const struct target_syms *t, const char *name,
			 struct symbol ***out)
{
	struct candidates c = { 0 };

	collect(t, name, &c);
	sort_kallsyms(t, &c);
	*out = c.v;
	return c.n;
}

const char *target_file_of(const struct target_syms *t, const struct symbol *sym)
{
	return t->file_of[sym->idx];
}
