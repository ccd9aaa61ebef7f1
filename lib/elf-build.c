// SPDX-License-Identifier: GPL-2.0
/* Building and editing objects in memory, for elf_write() to emit. */
#include <stdlib.h>
#include <string.h>

#include "elf-model.h"
#include "util.h"

struct elf_obj *elf_new(const char *path, const GElf_Ehdr *tmpl)
{
	struct elf_obj *obj = xcalloc(1, sizeof(*obj));
	struct symbol *null_sym = xcalloc(1, sizeof(*null_sym));
	struct section *null_sec = xcalloc(1, sizeof(*null_sec));

	obj->path = xstrdup(path);
	obj->fd = -1;
	obj->ehdr = *tmpl;
	obj->ehdr.e_type = ET_REL;
	obj->ehdr.e_entry = 0;
	obj->ehdr.e_phoff = 0;
	obj->ehdr.e_phnum = 0;
	hash_init(&obj->sec_by_name, 64);
	hash_init(&obj->sym_by_name, 64);

	null_sec->obj = obj;
	null_sec->name = xstrdup("");
	grow_array((void **)&obj->secs, &obj->cap_secs, 1, sizeof(*obj->secs));
	obj->secs[obj->nr_secs++] = null_sec;

	null_sym->obj = obj;
	null_sym->name = xstrdup("");
	grow_array((void **)&obj->syms, &obj->cap_syms, 1, sizeof(*obj->syms));
	obj->syms[obj->nr_syms++] = null_sym;
	return obj;
}

struct section *elf_add_section(struct elf_obj *obj, const char *name,
				uint32_t type, uint64_t flags, uint64_t align,
				uint64_t entsize, const void *data, size_t size)
{
	struct section *sec = xcalloc(1, sizeof(*sec));

	sec->obj = obj;
	sec->idx = obj->nr_secs;
	sec->name = xstrdup(name);
	sec->sh.sh_type = type;
	sec->sh.sh_flags = flags;
	sec->sh.sh_addralign = align ? align : 1;
	sec->sh.sh_entsize = entsize;
	sec->sh.sh_size = size;
	sec->size = size;
	if (type != SHT_NOBITS && size) {
		sec->data = xmalloc(size);
		if (data)
			memcpy(sec->data, data, size);
		else
			memset(sec->data, 0, size);
		sec->data_owned = true;
	}
	grow_array((void **)&obj->secs, &obj->cap_secs, obj->nr_secs + 1,
		   sizeof(*obj->secs));
	obj->secs[obj->nr_secs++] = sec;
	hash_add(&obj->sec_by_name, &sec->name_node, hash_str(sec->name));
	return sec;
}

struct section *elf_add_rela(struct elf_obj *obj, struct section *base)
{
	char *name;
	struct section *rela;

	if (base->rela)
		return base->rela;
	name = xasprintf(".rela%s", base->name);
	rela = elf_add_section(obj, name, SHT_RELA, SHF_INFO_LINK, 8,
			       sizeof(Elf64_Rela), NULL, 0);
	free(name);
	rela->base = base;
	base->rela = rela;
	return rela;
}

struct reloc *elf_add_reloc(struct section *rela, uint64_t offset,
			    uint32_t type, struct symbol *sym, int64_t addend)
{
	struct reloc *r;

	grow_array((void **)&rela->relocs, &rela->cap_relocs,
		   rela->nr_relocs + 1, sizeof(*rela->relocs));
	r = &rela->relocs[rela->nr_relocs++];
	r->offset = offset;
	r->type = type;
	r->sym = sym;
	r->addend = addend;
	return r;
}

struct symbol *elf_add_symbol(struct elf_obj *obj, const char *name,
			      unsigned char bind, unsigned char type,
			      struct section *sec, uint64_t value, uint64_t size)
{
	struct symbol *sym = xcalloc(1, sizeof(*sym));

	sym->obj = obj;
	sym->idx = obj->nr_syms;
	sym->name = xstrdup(name);
	sym->bind = bind;
	sym->type = type;
	sym->sec = sec;
	sym->sym.st_info = GELF_ST_INFO(bind, type);
	sym->sym.st_value = value;
	sym->sym.st_size = size;
	sym->sym.st_shndx = sec ? 0 : SHN_UNDEF;
	grow_array((void **)&obj->syms, &obj->cap_syms, obj->nr_syms + 1,
		   sizeof(*obj->syms));
	obj->syms[obj->nr_syms++] = sym;
	hash_add(&obj->sym_by_name, &sym->name_node, hash_str(sym->name));
	if (sec && type == STT_SECTION) {
		if (!sec->secsym)
			sec->secsym = sym;
	} else if (sec) {
		grow_array((void **)&sec->syms, &sec->cap_syms, sec->nr_syms + 1,
			   sizeof(*sec->syms));
		sec->syms[sec->nr_syms++] = sym;
	}
	return sym;
}

struct symbol *elf_section_symbol(struct section *sec)
{
	if (sec->secsym)
		return sec->secsym;
	return elf_add_symbol(sec->obj, sec->name, STB_LOCAL, STT_SECTION, sec, 0, 0);
}

/* Appends @size bytes at @align to @sec; *@offset gets where they went. */
void elf_sec_append(struct section *sec, const void *data, size_t size,
		    size_t align, uint64_t *offset)
{
	size_t start = sec->size;

	if (align > 1)
		start = (start + align - 1) & ~(align - 1);
	if (sec->sh.sh_type != SHT_NOBITS) {
		unsigned char *buf = sec->data_owned ? sec->data : NULL;

		buf = xrealloc(buf, start + size);
		if (!sec->data_owned && sec->size)
			memcpy(buf, sec->data, sec->size);
		memset(buf + sec->size, 0, start - sec->size);
		if (data)
			memcpy(buf + start, data, size);
		else
			memset(buf + start, 0, size);
		sec->data = buf;
		sec->data_owned = true;
	}
	sec->size = start + size;
	sec->sh.sh_size = sec->size;
	if (align > sec->sh.sh_addralign)
		sec->sh.sh_addralign = align;
	if (offset)
		*offset = start;
}


/* Leaves @sec, its relocation section and its symbols out of the written object. */
void elf_remove_section(struct section *sec)
{
	sec->removed = true;
	if (sec->rela)
		sec->rela->removed = true;
}

/* Contents of @sec that may be changed: libelf's mapping of the file may not be. */
unsigned char *elf_sec_writable(struct section *sec)
{
	if (!sec->data_owned && sec->data) {
		unsigned char *copy = xmalloc(sec->size);

		memcpy(copy, sec->data, sec->size);
		sec->data = copy;
		sec->data_owned = true;
	}
	return sec->data;
}
