// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the shared ELF model.
 *   elf-model-test check OBJ     lookups and an in-memory round trip of OBJ
 *   elf-model-test roundtrip IN OUT   load IN, write it unchanged as OUT
 * Prints one "ok"/"FAIL" line per check and exits non-zero on a failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elf-model.h"
#include "hash.h"
#include "klp-rela.h"
#include "strtab.h"
#include "util.h"

static int failures;

#define CHECK(cond, ...)						\
	do {								\
		if (cond) {						\
			printf("ok   " __VA_ARGS__);			\
		} else {						\
			printf("FAIL " __VA_ARGS__);			\
			failures++;					\
		}							\
		putchar('\n');						\
	} while (0)

struct item {
	struct hash_node node;
	int value;
};

static void test_hash(void)
{
	struct hash h;
	struct item items[1000];
	struct hash_node *n;
	int i, found = 0, dups = 0;

	hash_init(&h, 4);
	for (i = 0; i < 1000; i++) {
		items[i].value = i;
		hash_add(&h, &items[i].node, i % 500);
	}
	hash_for_each_key(&h, n, 7) {
		struct item *it = container_of(n, struct item, node);

		dups++;
		found |= it->value == 507;
	}
	CHECK(h.count == 1000 && dups == 2 && found, "hash: 1000 nodes, equal keys kept in order");
	hash_del(&h, &items[7].node);
	dups = 0;
	hash_for_each_key(&h, n, 7)
		dups++;
	CHECK(dups == 1 && h.count == 999, "hash: delete one of two equal keys");
	hash_free(&h);
}

static void test_strtab(void)
{
	struct strtab plain, interned;
	size_t a, b, len;
	char *buf;

	strtab_init(&plain, false);
	strtab_add(&plain, "");
	a = strtab_add(&plain, "foo");
	b = strtab_add(&plain, "foo");
	CHECK(a == 1 && b == 5 && strtab_add(&plain, "") == 0,
	      "strtab: appended each time, the leading empty string shared");
	buf = strtab_take(&plain, &len);
	CHECK(len == 9 && !memcmp(buf, "\0foo\0foo\0", 9), "strtab: the bytes taken");
	free(buf);
	strtab_init(&interned, true);
	a = strtab_add(&interned, "vmlinux");
	b = strtab_add(&interned, "f");
	CHECK(a == 0 && b == 8 && strtab_add(&interned, "vmlinux") == 0 &&
	      strtab_add(&interned, "") == 10 && strtab_add(&interned, "") == 10,
	      "strtab: interned once, an empty string no leading one");
	strtab_free(&interned);
}

static void test_klp_parse_symbol(void)
{
	struct klp_sym_name ks;

	CHECK(!klp_parse_symbol(".klp.sym.vmlinux.a,b,12", &ks) && !strcmp(ks.obj, "vmlinux") &&
	      ks.name_len == 3 && !strncmp(ks.name, "a,b", 3) && ks.pos == 12,
	      "klp_parse_symbol: obj, name up to the last comma, pos");
	CHECK(klp_parse_symbol(".klp.sym.vmlinux.f,1x", &ks) &&
	      klp_parse_symbol(".klp.sym.vmlinux,1", &ks) && klp_parse_symbol(".klp.sym..f,1", &ks),
	      "klp_parse_symbol: no pos, no name or no obj refused");
}

static void test_array_push(void)
{
	int *v = NULL;
	size_t nr = 0, i;
	bool ok = true;

	for (i = 0; i < 100; i++) {
		int *e = array_push(v, nr);

		ok &= *e == 0;
		*e = i;
	}
	for (i = 0; i < nr; i++)
		ok &= v[i] == (int)i;
	CHECK(ok && nr == 100, "array_push: 100 zeroed elements appended in order");
	free(v);
}

static bool same_section(const struct section *a, const struct section *b)
{
	if (strcmp(a->name, b->name) || a->sh.sh_type != b->sh.sh_type ||
	    a->sh.sh_flags != b->sh.sh_flags || a->sh.sh_addralign != b->sh.sh_addralign)
		return false;
	/* String tables are rebuilt: names are compared through what uses them. */
	if (a->sh.sh_type == SHT_STRTAB)
		return true;
	if (a->size != b->size)
		return false;
	if (a->sh.sh_type == SHT_NOBITS || a->sh.sh_type == SHT_SYMTAB ||
	    a->sh.sh_type == SHT_RELA)
		return true;
	return !a->size || !memcmp(a->data, b->data, a->size);
}

static bool same_symbol(const struct symbol *a, const struct symbol *b)
{
	return !strcmp(a->name, b->name) && a->bind == b->bind && a->type == b->type &&
	       a->sym.st_value == b->sym.st_value && a->sym.st_size == b->sym.st_size &&
	       !a->sec == !b->sec && (!a->sec || !strcmp(a->sec->name, b->sec->name));
}

static bool same_relocs(const struct section *a, const struct section *b)
{
	size_t i;

	if (a->nr_relocs != b->nr_relocs || strcmp(a->base->name, b->base->name))
		return false;
	for (i = 0; i < a->nr_relocs; i++) {
		const struct reloc *x = &a->relocs[i], *y = &b->relocs[i];

		if (x->offset != y->offset || x->type != y->type || x->addend != y->addend ||
		    strcmp(x->sym->name, y->sym->name))
			return false;
	}
	return true;
}

static void compare_objects(const struct elf_obj *a, const struct elf_obj *b)
{
	size_t i, bad = 0;

	CHECK(a->nr_secs == b->nr_secs, "roundtrip: %zu sections", a->nr_secs);
	for (i = 1; i < a->nr_secs && i < b->nr_secs; i++) {
		if (!same_section(a->secs[i], b->secs[i]) ||
		    (sec_is_rela(a->secs[i]) && !same_relocs(a->secs[i], b->secs[i])))
			bad++;
	}
	CHECK(bad == 0, "roundtrip: section headers, contents and relocations equal (%zu differ)", bad);
	CHECK(a->nr_syms == b->nr_syms, "roundtrip: %zu symbols", a->nr_syms);
	for (bad = 0, i = 1; i < a->nr_syms && i < b->nr_syms; i++)
		bad += !same_symbol(a->syms[i], b->syms[i]);
	CHECK(bad == 0, "roundtrip: symbols equal in order (%zu differ)", bad);
}

static uint64_t u64_key(const void *arr, size_t i)
{
	return ((const uint64_t *)arr)[i];
}

static void test_sorted_bound(void)
{
	static const uint64_t keys[] = { 1, 3, 3, 5 };

	CHECK(sorted_bound(keys, 4, u64_key, 3, false) == 1 &&
	      sorted_bound(keys, 4, u64_key, 3, true) == 3, "bound: first of equal keys, first above them");
	CHECK(sorted_bound(keys, 4, u64_key, 0, false) == 0 &&
	      sorted_bound(keys, 4, u64_key, 5, true) == 4 &&
	      sorted_bound(keys, 4, u64_key, 4, false) == 3 &&
	      sorted_bound(keys, 0, u64_key, 3, false) == 0, "bound: before, after, between, empty");
}

/* The iterators visit what the indices do, and ranges hold what offsets say (sorts @obj's relocations). */
static void test_iterators(struct elf_obj *obj)
{
	size_t syms = 0, secs = 0, in_secs = 0, relocs = 0, in_ranges = 0, total = 0;
	struct section *sec;
	struct symbol *s;
	struct reloc *first, *r;
	size_t nr;

	for_each_sym(obj, s)
		syms += s == obj->syms[s->idx] && s->idx;
	for_each_sec(obj, sec) {
		secs += sec == obj->secs[sec->idx] && sec->idx;
		sec_for_each_sym(sec, s)
			in_secs += s->sec == sec;
		if (!sec_is_rela(sec) || !sec->base)
			continue;
		elf_sort_relocs(sec);
		total += sec->nr_relocs;
		rela_for_each_reloc(sec, r)
			relocs += elf_reloc_at(sec, r->offset) != NULL;
		elf_range_relocs(sec->base, 0, sec->base->size + 1, &first, &nr);
		for_each_reloc_in(first, nr, r)
			in_ranges += r->offset <= sec->base->size;
	}
	CHECK(syms == obj->nr_syms - 1 && secs == obj->nr_secs - 1,
	      "iterate: every symbol and section but the null ones (%zu, %zu)", syms, secs);
	CHECK(in_secs > 0, "iterate: sections' symbols belong to them (%zu)", in_secs);
	CHECK(total > 0 && relocs == total && in_ranges == total,
	      "iterate: every relocation, by section and by range (%zu)", total);
}

static void test_lookups(struct elf_obj *obj)
{
	size_t funcs = 0, found = 0, contained = 0;
	struct section *sec;
	struct symbol *s, *m;

	for_each_sym(obj, s) {
		if (s->type != STT_FUNC || !s->sec)
			continue;
		funcs++;
		for (m = elf_find_symbol(obj, s->name); m; m = elf_next_symbol_named(m))
			found += m == s;
		contained += elf_symbol_containing(s->sec, s->sym.st_value + s->sym.st_size / 2) == s &&
			     elf_symbol_at(s->sec, s->sym.st_value) == s;
	}
	CHECK(funcs > 0 && found == funcs, "lookup: every function found by name (%zu)", funcs);
	CHECK(contained == funcs, "lookup: every function found by address");
	found = 0;
	for_each_sec(obj, sec)
		found += elf_find_section(obj, sec->name) != NULL;
	CHECK(found == obj->nr_secs - 1, "lookup: every section found by name");
	CHECK(!elf_find_symbol(obj, "no such symbol") && !elf_find_section(obj, ".no.such"),
	      "lookup: missing names give NULL");
}

static void test_build(const char *dir)
{
	GElf_Ehdr eh = { 0 };
	struct elf_obj *obj, *back;
	struct section *text;
	struct symbol *f, *ext;
	char *path = xasprintf("%s/built.o", dir);
	static const unsigned char code[] = { 0xe8, 0, 0, 0, 0, 0xc3 };

	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_machine = EM_X86_64;
	obj = elf_new(path, &eh);
	text = elf_add_section(obj, ".text.f", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, 16, 0,
			       code, sizeof(code));
	ext = elf_add_symbol(obj, "g", STB_GLOBAL, STT_NOTYPE, NULL, 0, 0);
	f = elf_add_symbol(obj, "f", STB_LOCAL, STT_FUNC, text, 0, sizeof(code));
	elf_add_reloc(elf_add_rela(obj, text), 1, R_X86_64_PLT32, ext, -4);
	CHECK(elf_write(obj, path) == 0, "build: write a new object");
	back = elf_load(path, ELF_LOAD_RELOCATABLE);
	CHECK(back && back->symtab->sh.sh_info == 2 && back->syms[1]->bind == STB_LOCAL &&
	      !strcmp(back->syms[1]->name, "f"), "build: locals come first, sh_info = first global");
	CHECK(back && elf_find_section(back, ".rela.text.f") &&
	      elf_find_section(back, ".rela.text.f")->nr_relocs == 1 &&
	      !strcmp(elf_find_section(back, ".rela.text.f")->relocs[0].sym->name, "g"),
	      "build: relocation written against the right symbol");
	(void)f;
	elf_free(back);
	elf_free(obj);
	unlink(path);
	free(path);
}

static int cmd_check(const char *path)
{
	struct elf_obj *obj = elf_load(path, ELF_LOAD_RELOCATABLE), *back;
	char dir[] = "/tmp/elf-model-test.XXXXXX";
	char *out;

	if (!obj || !mkdtemp(dir))
		return 1;
	test_hash();
	test_sorted_bound();
	test_strtab();
	test_klp_parse_symbol();
	test_array_push();
	test_lookups(obj);
	out = xasprintf("%s/roundtrip.o", dir);
	CHECK(elf_write(obj, out) == 0, "roundtrip: write");
	elf_free(obj);
	obj = elf_load(path, ELF_LOAD_RELOCATABLE);
	back = elf_load(out, ELF_LOAD_RELOCATABLE);
	CHECK(back != NULL, "roundtrip: read back");
	if (back)
		compare_objects(obj, back);
	test_iterators(obj);
	test_build(dir);
	elf_free(obj);
	elf_free(back);
	unlink(out);
	rmdir(dir);
	free(out);
	return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct elf_obj *obj;
	int ret;

	tool_name = "elf-model-test";
	if (argc == 3 && !strcmp(argv[1], "check"))
		return cmd_check(argv[2]);
	if (argc != 4 || strcmp(argv[1], "roundtrip")) {
		fprintf(stderr, "usage: elf-model-test check OBJ | roundtrip IN OUT\n");
		return 2;
	}
	obj = elf_load(argv[2], ELF_LOAD_RELOCATABLE);
	if (!obj)
		return 1;
	ret = elf_write(obj, argv[3]) ? 1 : 0;
	elf_free(obj);
	return ret;
}
