// SPDX-License-Identifier: GPL-2.0
/*
 * What each relocation of an included function names, in a
 * create-diff-object output, for tests/peer-kpatch.sh:
 *   peer-relocs OUT.o
 * prints "FUNC+0xOFF SYMBOL ADDEND" per relocation of a function's code,
 * plain or a klp record (support-templates/klp-records.h). Section
 * symbols print as <string:TEXT> for merged strings, <SECTION> otherwise: the
 * places they name are anonymous, the symbols are what the comparison
 * is about. Left out: __fentry__ (ftrace's call site, a nop in the
 * objects, which kpatch turns back into a call), and the counters
 * gcc appends to names (_rs.76632, foo.isra.16), which differ between
 * ORIG and PATCHED and so between the differs' choices.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elf-model.h"
#include "klp-records.h"
#include "util.h"

static const struct symbol *function_at(const struct section *sec, int64_t off)
{
	const struct symbol *f;

	if (off < 0)
		return NULL;
	f = elf_symbol_containing(sec, off);
	return f && f->type == STT_FUNC ? f : NULL;
}

static void print_symbol_name(const char *name, size_t len);

static void print_place(const struct symbol *f, uint64_t off)
{
	print_symbol_name(f->name, strlen(f->name));
	printf("+0x%" PRIx64 " ", off - f->sym.st_value);
}

/* A merged string by its text: where it sits in its section varies with the differ. */
static bool print_string(const struct reloc *r)
{
	const struct section *sec = r->sym->sec;
	int64_t at = r->addend + (r->type == R_X86_64_PC32 ? 4 : 0) + (int64_t)r->sym->sym.st_value;

	if (!sec || !sec_is_strings(sec) || !sec->data || at < 0 || (uint64_t)at >= sec->size)
		return false;
	fputs("<string:", stdout);
	for (; (uint64_t)at < sec->size && sec->data[at]; at++) {
		unsigned char ch = sec->data[at];

		if (ch < 0x21 || ch >= 0x7f || ch == '\\' || ch == '>')
			printf("\\x%02x", ch);
		else
			putchar(ch);
	}
	fputs("> 0\n", stdout);
	return true;
}

/* "_rs.76632" -> "_rs": the compiler's counter differs between ORIG and PATCHED. */
static void print_symbol_name(const char *name, size_t len)
{
	size_t end = len;

	while (end && name[end - 1] >= '0' && name[end - 1] <= '9')
		end--;
	if (end && end < len && name[end - 1] == '.')
		len = end - 1;
	printf("%.*s", (int)len, name);
}

static void print_target(const struct reloc *r)
{
	/* a section symbol or a label (.LC2) of merged strings */
	if ((r->sym->type == STT_SECTION || r->sym->type == STT_NOTYPE) && print_string(r))
		return;
	if (r->sym->type != STT_SECTION)
		print_symbol_name(r->sym->name, strlen(r->sym->name));
	else
		printf("<%s>", r->sym->sec ? r->sym->sec->name : "?");
	printf(" %" PRId64 "\n", r->addend);
}

static void print_code_relocs(const struct section *sec)
{
	size_t i;

	for (i = 0; i < sec->rela->nr_relocs; i++) {
		const struct reloc *r = &sec->rela->relocs[i];
		const struct symbol *f = function_at(sec, r->offset);

		if (!f || r->type == R_X86_64_NONE || !strcmp(r->sym->name, "__fentry__"))
			continue;
		print_place(f, r->offset);
		print_target(r);
	}
}

/* ".klp.sym.vmlinux.name,0" -> "name" */
static void print_klp_name(const char *s)
{
	const char *name = str_starts(s, ".klp.sym.") ? strchr(s + 9, '.') : NULL;
	const char *comma = name ? strrchr(name, ',') : NULL;

	if (!comma)
		printf("?%s", s);
	else
		print_symbol_name(name + 1, comma - name - 1);
}

static const struct reloc *field(const struct section *rela, uint64_t off)
{
	return elf_reloc_at(rela, off);
}

static void print_klp_records(const struct elf_obj *obj)
{
	const struct section *recs = elf_find_section(obj, KLP_RELOCS_SEC);
	const struct section *strs = elf_find_section(obj, KLP_STRTAB_SEC);
	size_t n, i;

	if (!recs || !recs->rela || !strs || !recs->data)
		return;
	n = recs->size / sizeof(struct klp_build_reloc);
	for (i = 0; i < n; i++) {
		uint64_t at = i * sizeof(struct klp_build_reloc);
		const struct reloc *place = field(recs->rela, at + offsetof(struct klp_build_reloc, place));
		const struct reloc *name = field(recs->rela, at + offsetof(struct klp_build_reloc, symname));
		const struct symbol *f;
		struct klp_build_reloc rec;

		if (!place || !name || !place->sym->sec || name->addend < 0 ||
		    (uint64_t)name->addend >= strs->size)
			continue;
		f = function_at(place->sym->sec, place->addend);
		if (!f)
			continue;
		memcpy(&rec, recs->data + at, sizeof(rec));
		print_place(f, place->addend);
		print_klp_name((const char *)strs->data + name->addend);
		printf(" %" PRId64 "\n", rec.addend);
	}
}

int main(int argc, char **argv)
{
	struct elf_obj *obj;
	size_t i;

	tool_name = "peer-relocs";
	if (argc != 2) {
		fprintf(stderr, "usage: peer-relocs OUT.o\n");
		return 2;
	}
	obj = elf_load(argv[1], ELF_LOAD_RELOCATABLE);
	if (!obj)
		return 1;
	for (i = 1; i < obj->nr_secs; i++) {
		struct section *sec = obj->secs[i];

		if (sec_is_rela(sec))
			elf_sort_relocs(sec);
	}
	for (i = 1; i < obj->nr_secs; i++) {
		const struct section *sec = obj->secs[i];

		if (sec_is_text(sec) && sec->rela)
			print_code_relocs(sec);
	}
	print_klp_records(obj);
	elf_free(obj);
	return 0;
}
