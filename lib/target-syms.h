/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The symbol table of what a livepatch applies to (vmlinux, a module,
 * or for tests the original object itself), and the position the
 * livepatch core will count for a symbol: klp_find_object_symbol()
 * counts every kallsyms entry of the name, in kallsyms order, which is
 * address order for vmlinux (scripts/kallsyms sorts it) and
 * symbol-table order for a module. A vmlinux target may also be given
 * as its System.map, all a distribution ships of it.
 */
#ifndef KLP_TARGET_SYMS_H
#define KLP_TARGET_SYMS_H

#include <stdbool.h>

#include "elf-model.h"

struct target_syms {
	struct elf_obj *elf;	/* NULL until target_read() */
	char *path;
	struct elf_symbol_filter keep;	/* what target_read() keeps of an ELF */
	bool owned;		/* loaded here, freed by target_free() */
	bool by_address;	/* vmlinux: kallsyms is sorted by address */
	bool from_map;		/* read from a System.map: no file symbols */
	/*
	 * A System.map, or an ELF without STT_FILE symbols (Debian strips
	 * them from its modules): a local's object is told by where it
	 * lies, next to the other symbols of that object.
	 */
	bool by_place;
	const char **file_of;	/* per symbol index: its STT_FILE name */
};

/* An ELF vmlinux or module, or a System.map (told apart by the ELF magic). */
struct target_syms *target_load(const char *path);
/* The same, keeping of an ELF only the symbols @keep accepts (and STT_FILE ones). */
struct target_syms *target_load_some(const char *path, const struct elf_symbol_filter *keep);
/*
 * The same in two steps: target_open() checks the file (an ELF's headers
 * and that it has a symbol table; a System.map is read whole),
 * target_read() reads an ELF's symbols, once. Between the two, @keep's
 * context must stay valid. A diff that finds no change never reads them.
 */
struct target_syms *target_open(const char *path, const struct elf_symbol_filter *keep);
int target_read(struct target_syms *t);
struct target_syms *target_from_obj(struct elf_obj *obj);
void target_free(struct target_syms *t);

bool target_defines(const struct target_syms *t, const char *name);

/*
 * Finds @sym of @from (the original object of a diff, its relocations
 * sorted by elf_sort_relocs(): a local's bytes are compared without its
 * relocated fields) in the target and
 * sets *@pos to its sympos (0 when the name is unique). Returns 0, or -1
 * with a message naming the candidates when it cannot tell which one.
 */
int target_sympos(const struct target_syms *t, const struct elf_obj *from,
		  const struct symbol *sym, unsigned long *pos);

/* The symbols named @name as kallsyms lists them, in its order (free *@out). */
/*
 * Whether target_sympos() would find which of @t's symbols @sym of
 * @from is (reading @t's symbols if not yet read), without its error.
 */
bool target_tells_apart(struct target_syms *t, const struct elf_obj *from,
			const struct symbol *sym);
size_t target_candidates(const struct target_syms *t, const char *name,
			 struct symbol ***out);
const char *target_file_of(const struct target_syms *t, const struct symbol *sym);

#endif
