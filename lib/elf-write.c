// SPDX-License-Identifier: GPL-2.0
/*
 * Writing the model as a new ET_REL object. String tables, the symbol
 * table (locals first, as the ELF spec requires), relocation and group
 * sections are regenerated from the model, so that a tool edits
 * pointers and never patches indices by hand. The file goes through
 * out-file.c, so a failed run never leaves a half-written object.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elf-model.h"
#include "out-file.h"
#include "strtab.h"
#include "util.h"

static void set_data(struct section *sec, void *buf, size_t size)
{
	if (sec->data_owned)
		free(sec->data);
	sec->data = buf;
	sec->size = size;
	sec->sh.sh_size = size;
	sec->data_owned = true;
}

static void ensure_tables(struct elf_obj *obj)
{
	if (!obj->strtab)
		obj->strtab = elf_add_section(obj, ".strtab", SHT_STRTAB, 0, 1, 0, NULL, 0);
	if (!obj->symtab) {
		obj->symtab = elf_add_section(obj, ".symtab", SHT_SYMTAB, 0, 8,
					      sizeof(Elf64_Sym), NULL, 0);
	}
	obj->symtab->link = obj->strtab;
	if (!obj->shstrtab)
		obj->shstrtab = elf_add_section(obj, ".shstrtab", SHT_STRTAB, 0, 1, 0, NULL, 0);
}

/* Section indices in file order; extended indices are a symtab_shndx away. */
static size_t number_sections(struct elf_obj *obj, bool *xindex)
{
	size_t n = 1;
	struct section *sec;

	for_each_sec(obj, sec) {
		if (sec_is_rela(sec) && sec->base && sec->base->removed)
			sec->removed = true;
		sec->out_idx = sec->sh.sh_type == SHT_SYMTAB_SHNDX || sec->removed ? 0 : n++;
	}
	*xindex = n + 1 >= SHN_LORESERVE;
	return n;
}

static int cmp_bind(const void *a, const void *b)
{
	const struct symbol *x = *(struct symbol * const *)a;
	const struct symbol *y = *(struct symbol * const *)b;
	int lx = x->bind == STB_LOCAL, ly = y->bind == STB_LOCAL;

	if (lx != ly)
		return ly - lx;
	return x->idx < y->idx ? -1 : (x->idx > y->idx);
}

/* Symbols in output order (locals first); *@nr of them, those of removed sections left out. */
static struct symbol **order_symbols(struct elf_obj *obj, size_t *nr, size_t *first_global)
{
	struct symbol **order = xcalloc(obj->nr_syms, sizeof(*order));
	size_t i, n = 0;

	for (i = 0; i < obj->nr_syms; i++) {
		struct symbol *s = obj->syms[i];

		s->idx = i;
		s->out_idx = 0;
		if (!s->removed && (!s->sec || !s->sec->removed))
			order[n++] = s;
	}
	qsort(order + 1, n - 1, sizeof(*order), cmp_bind);
	*first_global = n;
	for (i = 0; i < n; i++) {
		order[i]->out_idx = i;
		if (i && order[i]->bind != STB_LOCAL && *first_global == n)
			*first_global = i;
	}
	*nr = n;
	return order;
}

static int build_symtab(struct elf_obj *obj, struct section *shndx_sec)
{
	size_t first_global, i, nr;
	struct symbol **order = order_symbols(obj, &nr, &first_global);
	Elf64_Sym *out = xcalloc(nr, sizeof(*out));
	uint32_t *xndx = shndx_sec ? xcalloc(nr, sizeof(*xndx)) : NULL;
	struct strtab names;
	size_t len;
	char *buf;

	strtab_init(&names, false);
	strtab_add(&names, "");
	for (i = 1; i < nr; i++) {
		struct symbol *sym = order[i];
		Elf64_Sym *o = &out[i];

		o->st_name = sym->type == STT_SECTION ? 0 : strtab_add(&names, sym->name);
		o->st_info = GELF_ST_INFO(sym->bind, sym->type);
		o->st_other = sym->sym.st_other;
		o->st_value = sym->sym.st_value;
		o->st_size = sym->sym.st_size;
		o->st_shndx = sym->sym.st_shndx;
		if (sym->sec) {
			if (!sym->sec->out_idx) {
				err_msg(obj->path, "elf_write: symbol %s lies in section %s, which is not written; this is a bug, please report it",
					sym->name, sym->sec->name);
				free(order);
				free(out);
				free(xndx);
				strtab_free(&names);
				return -1;
			}
			o->st_shndx = sym->sec->out_idx;
			if (sym->sec->out_idx >= SHN_LORESERVE) {
				o->st_shndx = SHN_XINDEX;
				xndx[i] = sym->sec->out_idx;
			}
		}
	}
	free(order);
	set_data(obj->symtab, out, nr * sizeof(*out));
	obj->symtab->sh.sh_info = first_global;
	obj->symtab->sh.sh_entsize = sizeof(Elf64_Sym);
	buf = strtab_take(&names, &len);
	set_data(obj->strtab, buf, len);
	if (shndx_sec)
		set_data(shndx_sec, xndx, nr * sizeof(*xndx));
	return 0;
}

static int build_rela(struct elf_obj *obj, struct section *rela)
{
	Elf64_Rela *out = xcalloc(rela->nr_relocs, sizeof(*out));
	size_t i;

	if (!rela->base || !rela->base->out_idx) {
		err_msg(obj->path, "elf_write: relocation section %s applies to no written section; this is a bug, please report it",
			rela->name);
		free(out);
		return -1;
	}
	for (i = 0; i < rela->nr_relocs; i++) {
		struct reloc *r = &rela->relocs[i];

		if (!r->sym->out_idx && r->sym->idx) {
			err_msg(obj->path, "elf_write: %s: relocation against %s, which is left out; this is a bug, please report it",
				rela->name, r->sym->name);
			free(out);
			return -1;
		}
		if (elf_reloc_width(r->type) < 0 || r->offset > rela->base->size ||
		    (uint64_t)elf_reloc_width(r->type) > rela->base->size - r->offset) {
			err_msg(obj->path, "elf_write: %s: relocation of type %u at 0x%llx lies outside %s; this is a bug, please report it",
				rela->name, r->type, (unsigned long long)r->offset, rela->base->name);
			free(out);
			return -1;
		}
		out[i].r_offset = r->offset;
		out[i].r_info = GELF_R_INFO(r->sym->out_idx, r->type);
		out[i].r_addend = r->addend;
	}
	set_data(rela, out, rela->nr_relocs * sizeof(*out));
	rela->link = obj->symtab;
	rela->sh.sh_info = rela->base->out_idx;
	rela->sh.sh_entsize = sizeof(Elf64_Rela);
	rela->sh.sh_flags |= SHF_INFO_LINK;
	return 0;
}

static void build_group(struct elf_obj *obj, struct section *grp)
{
	uint32_t *out = xcalloc(grp->nr_group + 1, sizeof(*out));
	size_t i, n = 1;

	out[0] = grp->group_flags;
	for (i = 0; i < grp->nr_group; i++) {
		if (grp->group[i]->out_idx)
			out[n++] = grp->group[i]->out_idx;
	}
	/* The signature is a symbol index, which the symbols' renumbering moved. */
	if (grp->sh.sh_info < obj->nr_syms && obj->syms[grp->sh.sh_info])
		grp->sh.sh_info = obj->syms[grp->sh.sh_info]->out_idx;
	grp->link = obj->symtab;
	set_data(grp, out, n * sizeof(*out));
}

static void build_shstrtab(struct elf_obj *obj)
{
	struct strtab names;
	struct section *sec;
	size_t len;
	char *buf;

	strtab_init(&names, false);
	strtab_add(&names, "");
	for_each_sec(obj, sec)
		sec->sh.sh_name = strtab_add(&names, sec->name);
	buf = strtab_take(&names, &len);
	set_data(obj->shstrtab, buf, len);
}

static int regenerate(struct elf_obj *obj, bool xindex, size_t next_idx)
{
	struct section *shndx_sec = NULL;
	struct section *sec;

	if (xindex) {
		shndx_sec = elf_add_section(obj, ".symtab_shndx", SHT_SYMTAB_SHNDX, 0,
					    4, 4, NULL, 0);
		shndx_sec->link = obj->symtab;
		shndx_sec->out_idx = next_idx;
	}
	if (build_symtab(obj, shndx_sec))
		return -1;
	for_each_sec(obj, sec) {
		if (sec->removed)
			continue;
		if (sec->sh.sh_type == SHT_RELA && build_rela(obj, sec))
			return -1;
		if (sec->sh.sh_type == SHT_GROUP)
			build_group(obj, sec);
	}
	build_shstrtab(obj);
	return 0;
}

static int add_scn(struct elf_obj *obj, Elf *elf, struct section *sec)
{
	Elf_Scn *scn = elf_newscn(elf);
	Elf_Data *data;
	GElf_Shdr sh;

	if (!scn || !(data = elf_newdata(scn)) || !gelf_getshdr(scn, &sh))
		goto fail;
	data->d_buf = sec->sh.sh_type == SHT_NOBITS ? NULL : sec->data;
	data->d_size = sec->size;
	data->d_type = ELF_T_BYTE;
	data->d_align = sec->sh.sh_addralign ? sec->sh.sh_addralign : 1;
	data->d_off = 0;
	sh = sec->sh;
	sh.sh_size = sec->size;
	sh.sh_offset = 0;
	sh.sh_addr = 0;
	sh.sh_link = sec->link ? sec->link->out_idx :
		     (sec->sh.sh_type == SHT_SYMTAB_SHNDX ? obj->symtab->out_idx : 0);
	if (!gelf_update_shdr(scn, &sh))
		goto fail;
	return 0;
fail:
	err_msg(obj->path, "elf_write: cannot add section %s: %s", sec->name,
		elf_errmsg(-1));
	return -1;
}

static int emit(struct elf_obj *obj, int fd, const char *path)
{
	Elf *elf = elf_begin(fd, ELF_C_WRITE, NULL);
	GElf_Ehdr eh;
	struct section *sec;
	int ret = -1;

	if (!elf || !gelf_newehdr(elf, ELFCLASS64) || !gelf_getehdr(elf, &eh))
		goto out_err;
	memcpy(eh.e_ident, obj->ehdr.e_ident, EI_NIDENT);
	eh.e_type = ET_REL;
	eh.e_machine = obj->ehdr.e_machine;
	eh.e_version = EV_CURRENT;
	eh.e_flags = obj->ehdr.e_flags;
	eh.e_shstrndx = obj->shstrtab->out_idx < SHN_LORESERVE ?
			obj->shstrtab->out_idx : SHN_XINDEX;
	if (!gelf_update_ehdr(elf, &eh))
		goto out_err;
	for_each_sec(obj, sec) {
		if (sec->out_idx && add_scn(obj, elf, sec))
			goto out;
	}
	if (eh.e_shstrndx == SHN_XINDEX) {
		GElf_Shdr sh0;
		Elf_Scn *scn0 = elf_getscn(elf, 0);

		if (!scn0 || !gelf_getshdr(scn0, &sh0))
			goto out_err;
		sh0.sh_link = obj->shstrtab->out_idx;
		if (!gelf_update_shdr(scn0, &sh0))
			goto out_err;
	}
	if (elf_update(elf, ELF_C_WRITE) < 0)
		goto out_err;
	ret = 0;
	goto out;
out_err:
	err_msg(path, "elf_write: libelf failed: %s; check free disk space", elf_errmsg(-1));
out:
	if (elf)
		elf_end(elf);
	return ret;
}

static int emit_file(struct out_file *f, void *obj)
{
	return emit(obj, f->fd, f->path);
}

int elf_write(struct elf_obj *obj, const char *path)
{
	bool xindex;
	size_t next_idx;

	elf_version(EV_CURRENT);
	ensure_tables(obj);
	next_idx = number_sections(obj, &xindex);
	if (regenerate(obj, xindex, next_idx))
		return -1;
	return out_write_file(path, emit_file, obj);
}
