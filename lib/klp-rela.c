// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "klp-rela.h"
#include "util.h"

/* Bytes a relocation of @type writes, 0 for types livepatch cannot carry. */
static size_t klp_reloc_size(uint32_t type)
{
	switch (type) {
	case R_X86_64_PC32:
	case R_X86_64_PLT32:
	case R_X86_64_32:
	case R_X86_64_32S:
		return 4;
	case R_X86_64_64:
	case R_X86_64_PC64:
		return 8;
	default:
		return 0;
	}
}

int klp_parse_symbol(const char *klpname, struct klp_sym_name *ks)
{
	const char *p = klpname + strlen(KLP_SYM_PREFIX), *dot, *comma;

	if (!str_starts(klpname, KLP_SYM_PREFIX))
		return -1;
	dot = strchr(p, '.');
	comma = strrchr(p, ',');
	if (!dot || dot == p || (size_t)(dot - p) >= KLP_NAME_MAX || !comma || comma < dot + 2 ||
	    !comma[1] || strspn(comma + 1, "0123456789") != strlen(comma + 1))
		return -1;
	memcpy(ks->obj, p, dot - p);
	ks->obj[dot - p] = '\0';
	ks->name = dot + 1;
	ks->name_len = comma - ks->name;
	ks->pos = strtoull(comma + 1, NULL, 10);
	return 0;
}

static struct symbol *klp_symbol(struct elf_obj *obj, const char *klpname)
{
	struct symbol *s;

	for (s = elf_find_symbol(obj, klpname); s; s = elf_next_symbol_named(s)) {
		if (s->sym.st_shndx == SHN_LIVEPATCH)
			return s;
	}
	s = elf_add_symbol(obj, klpname, STB_GLOBAL, STT_NOTYPE, NULL, 0, 0);
	s->sym.st_shndx = SHN_LIVEPATCH;
	return s;
}

static struct section *klp_rela_section(struct elf_obj *obj, const char *symobj,
					struct section *target)
{
	char *name = xasprintf(KLP_RELA_PREFIX "%s.%s", symobj, target->name);
	struct section *rela = elf_find_section(obj, name);

	if (!rela || rela->removed || !sec_is_rela(rela)) {
		rela = elf_add_section(obj, name, SHT_RELA,
				       SHF_ALLOC | SHF_INFO_LINK | SHF_RELA_LIVEPATCH, 8,
				       sizeof(Elf64_Rela), NULL, 0);
		rela->base = target;
	}
	free(name);
	return rela;
}

int klp_add_reloc(struct elf_obj *obj, struct section *target, uint64_t offset,
		  uint32_t type, const char *klpname, const char *relaobj, int64_t addend)
{
	struct klp_sym_name ks;
	size_t size = klp_reloc_size(type);
	unsigned char *bytes;

	if (klp_parse_symbol(klpname, &ks)) {
		err_msg(obj->path, "%s: not a livepatch symbol name (.klp.sym.OBJ.NAME,POS); the object was not made by create-diff-object",
			klpname);
		return -1;
	}
	if (!size) {
		err_msg(obj->path, "%s+0x%llx: relocation type %u against %s cannot be a livepatch relocation; reference the symbol from C code, not from assembly",
			target->name, (unsigned long long)offset, type, klpname);
		return -1;
	}
	if (!sec_is_alloc(target) || target->sh.sh_type == SHT_NOBITS ||
	    offset > target->size || size > target->size - offset) {
		err_msg(obj->path, "%s+0x%llx: relocation for %s lies outside its section; the module is corrupt, rebuild it",
			target->name, (unsigned long long)offset, klpname);
		return -1;
	}
	bytes = elf_sec_writable(target);
	memset(bytes + offset, 0, size);
	elf_add_reloc(klp_rela_section(obj, relaobj ? relaobj : ks.obj, target), offset, type,
		      klp_symbol(obj, klpname), addend);
	return 0;
}

const char *klp_record_string(const struct elf_obj *obj, const char *recsec,
			      const struct reloc *r)
{
	const struct section *sec = r->sym->sec;
	uint64_t off;

	if (!sec || !sec->data || place_add_overflows(r->sym->sym.st_value, r->addend, &off) ||
	    off >= sec->size || !memchr(sec->data + off, 0, sec->size - off)) {
		err_msg(obj->path, "%s: a record's name lies outside its string table; the module is corrupt, rebuild it",
			recsec);
		return NULL;
	}
	return (const char *)sec->data + off;
}

const char *modinfo_get(const struct elf_obj *obj, const char *key)
{
	const struct section *mi = elf_find_section(obj, ".modinfo");
	size_t off, len, klen = strlen(key);

	if (!mi || !mi->data)
		return NULL;
	for (off = 0; off < mi->size; off += len + 1) {
		const char *entry = (const char *)mi->data + off;

		len = strnlen(entry, mi->size - off);
		/* The last entry must end in NUL to be returned as a string. */
		if (len > klen && entry[klen] == '=' && !memcmp(entry, key, klen) &&
		    off + len < mi->size)
			return entry + klen + 1;
	}
	return NULL;
}
