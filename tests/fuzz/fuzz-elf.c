// SPDX-License-Identifier: GPL-2.0
/*
 * The ELF model on arbitrary bytes: load (all of it, and symbols only),
 * walk every section, symbol and relocation through the lookups the
 * tools use, write a relocatable object back and load what was written.
 */
#include <stdlib.h>
#include <string.h>

#include "elf-model.h"
#include "fuzz-util.h"
#include "util.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	tool_name = "fuzz-elf";
	return 0;
}

static void walk_relocs(struct section *rela)
{
	size_t i;

	elf_sort_relocs(rela);
	for (i = 0; i < rela->nr_relocs; i++) {
		struct reloc *r = &rela->relocs[i];

		if (elf_reloc_at(rela, r->offset) == NULL)
			abort();
		if (r->sym && !r->sym->name)
			abort();
		if (rela->base)
			elf_symbol_containing(rela->base, r->offset);
	}
}

static void walk(struct elf_obj *obj)
{
	size_t i;

	for (i = 1; i < obj->nr_secs; i++) {
		struct section *sec = obj->secs[i];

		if (!elf_find_section(obj, sec->name))
			abort();
		if (sec_is_rela(sec))
			walk_relocs(sec);
	}
	for (i = 1; i < obj->nr_syms; i++) {
		struct symbol *s = obj->syms[i], *t;

		for (t = elf_find_symbol(obj, s->name); t && t != s; t = elf_next_symbol_named(t))
			;
		if (t != s && s->type != STT_SECTION)
			abort();
		if (s->sec) {
			elf_symbol_at(s->sec, s->sym.st_value);
			elf_symbol_containing(s->sec, s->sym.st_value);
		}
	}
}

/* Half the names, as create-diff-object keeps of --symbols: the streamed read. */
static bool keep_some(const char *name, void *ctx)
{
	(void)ctx;
	return name[0] && (name[0] & 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct elf_symbol_filter keep = { keep_some, NULL };
	const char *in = fuzz_input(data, size);
	struct elf_obj *obj;

	elf_free(elf_load(in, ELF_LOAD_SYMBOLS_ONLY));
	elf_free(elf_load_symbols(in, ELF_LOAD_SYMBOLS_ONLY, &keep));
	obj = elf_load(in, 0);
	if (!obj)
		return 0;
	walk(obj);
	if (obj->ehdr.e_type == ET_REL && !elf_write(obj, fuzz_output()))
		elf_free(elf_load(fuzz_output(), ELF_LOAD_RELOCATABLE));
	elf_free(obj);
	return 0;
}
