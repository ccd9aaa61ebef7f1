/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Livepatch relocations as Documentation/livepatch/module-elf-format.rst
 * defines them: symbols ".klp.sym.<obj>.<name>,<pos>" with st_shndx
 * SHN_LIVEPATCH, and relocation sections ".klp.rela.<obj>.<section>"
 * (SHT_RELA, SHF_ALLOC | SHF_RELA_LIVEPATCH), one per object and target
 * section, which the livepatch core applies when <obj> is loaded.
 */
#ifndef KLP_RELA_H
#define KLP_RELA_H

#include <stddef.h>
#include <stdint.h>

#include "elf-model.h"

#define KLP_SYM_PREFIX	".klp.sym."
#define KLP_RELA_PREFIX	".klp.rela."
#define KLP_NAME_MAX	56	/* MODULE_NAME_LEN: the kernel's parser allows 55 */

/* The parts of a livepatch symbol's name ".klp.sym.<obj>.<name>,<pos>". */
struct klp_sym_name {
	char obj[KLP_NAME_MAX];
	const char *name;	/* in the parsed string: @name_len bytes, then ",<pos>" */
	size_t name_len;
	unsigned long long pos;
};

/* Splits @klpname into @ks: 0, or -1 when it is not such a name. */
int klp_parse_symbol(const char *klpname, struct klp_sym_name *ks);

/*
 * Adds a livepatch relocation at @target+@offset against @klpname,
 * creating its symbol and its .klp.rela section as needed, and zeroes
 * the bytes under it (the x86 loader refuses to relocate nonzero bytes).
 * The section is .klp.rela.@relaobj.*, or with @relaobj NULL that of
 * the symbol's object.
 */
int klp_add_reloc(struct elf_obj *obj, struct section *target, uint64_t offset,
		  uint32_t type, const char *klpname, const char *relaobj, int64_t addend);

/*
 * The NUL-terminated string a record field of section @recsec points
 * at through relocation @r (support-templates/klp-records.h), or NULL
 * with an error when it lies outside its section.
 */
const char *klp_record_string(const struct elf_obj *obj, const char *recsec,
			      const struct reloc *r);

/* The value of KEY=value in .modinfo, or NULL. */
const char *modinfo_get(const struct elf_obj *obj, const char *key);

#endif
