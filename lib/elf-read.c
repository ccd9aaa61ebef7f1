// SPDX-License-Identifier: GPL-2.0
/*
 * Loading an object through libelf into the model. Every index read
 * from the file is checked before use: the tools are run on whatever
 * a build left behind, and a corrupt object must give a message, not
 * a crash.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elf-model.h"
#include "util.h"

#define CORRUPT "the object is corrupt or truncated; rebuild it"
#define MAX_SECTION_ALIGN (2UL << 20)

static const char *elf_errstr(void)
{
	const char *s = elf_errmsg(-1);

	return s ? s : "unknown libelf error";
}

static int check_header(struct elf_obj *obj, unsigned int flags)
{
	if (elf_kind(obj->elf) != ELF_K_ELF) {
		err_msg(obj->path, "elf_load: not an ELF object; pass a compiled .o/.ko file");
		return -1;
	}
	if (!gelf_getehdr(obj->elf, &obj->ehdr)) {
		err_msg(obj->path, "elf_load: unreadable ELF header (%s); %s",
			elf_errstr(), CORRUPT);
		return -1;
	}
	if (obj->ehdr.e_ident[EI_CLASS] != ELFCLASS64 ||
	    obj->ehdr.e_ident[EI_DATA] != ELFDATA2LSB ||
	    obj->ehdr.e_machine != EM_X86_64) {
		err_msg(obj->path, "elf_load: not an x86_64 object (machine %u); only x86_64 kernels are supported",
			obj->ehdr.e_machine);
		return -1;
	}
	if ((flags & ELF_LOAD_RELOCATABLE) && obj->ehdr.e_type != ET_REL) {
		err_msg(obj->path, "elf_load: not a relocatable object (ELF type %u); pass a .o file as the compiler wrote it",
			obj->ehdr.e_type);
		return -1;
	}
	return 0;
}

static struct section *new_section(struct elf_obj *obj, size_t idx)
{
	struct section *sec = xcalloc(1, sizeof(*sec));

	sec->obj = obj;
	sec->idx = idx;
	obj->secs[idx] = sec;
	return sec;
}

static int read_section_data(struct elf_obj *obj, struct section *sec,
			     Elf_Scn *scn, off_t file_size)
{
	Elf_Data *data;

	if (sec->sh.sh_type == SHT_NOBITS || sec->sh.sh_size == 0) {
		sec->size = sec->sh.sh_size;
		return 0;
	}
	if (sec->sh.sh_offset > (uint64_t)file_size ||
	    sec->sh.sh_size > (uint64_t)file_size - sec->sh.sh_offset) {
		err_msg(obj->path, "elf_load: section %s extends past the end of the file; %s",
			sec->name, CORRUPT);
		return -1;
	}
	data = elf_rawdata(scn, NULL);
	if (!data || data->d_size != sec->sh.sh_size) {
		err_msg(obj->path, "elf_load: cannot read section %s (%s); %s",
			sec->name, elf_errstr(), CORRUPT);
		return -1;
	}
	sec->data = data->d_buf;
	sec->size = data->d_size;
	return 0;
}

/*
 * ELF wants a power of two; the writer pads the file to each section's
 * alignment, so an absurd one would have it write gigabytes. No kernel
 * object aligns beyond a 2 MiB huge page.
 */
static int check_align(struct elf_obj *obj, const struct section *sec)
{
	uint64_t align = sec->sh.sh_addralign;

	if (align <= MAX_SECTION_ALIGN && !(align & (align - 1)))
		return 0;
	err_msg(obj->path, "elf_load: section %s has alignment %llu (not a power of two up to %lu); %s",
		sec->name, (unsigned long long)align, MAX_SECTION_ALIGN, CORRUPT);
	return -1;
}

static int read_sections(struct elf_obj *obj, unsigned int flags, off_t file_size)
{
	size_t nr, shstrndx, i;

	if (elf_getshdrnum(obj->elf, &nr) || elf_getshdrstrndx(obj->elf, &shstrndx)) {
		err_msg(obj->path, "elf_load: unreadable section header table (%s); %s",
			elf_errstr(), CORRUPT);
		return -1;
	}
	if (nr == 0 || shstrndx >= nr) {
		err_msg(obj->path, "elf_load: no usable section header table; %s", CORRUPT);
		return -1;
	}
	obj->secs = xcalloc(nr, sizeof(*obj->secs));
	obj->nr_secs = obj->cap_secs = nr;
	hash_init(&obj->sec_by_name, nr);
	new_section(obj, 0)->name = xstrdup("");

	for (i = 1; i < nr; i++) {
		Elf_Scn *scn = elf_getscn(obj->elf, i);
		struct section *sec = new_section(obj, i);
		const char *name;

		if (!scn || !gelf_getshdr(scn, &sec->sh)) {
			err_msg(obj->path, "elf_load: unreadable section header %zu (%s); %s",
				i, elf_errstr(), CORRUPT);
			return -1;
		}
		name = elf_strptr(obj->elf, shstrndx, sec->sh.sh_name);
		if (!name) {
			err_msg(obj->path, "elf_load: section %zu has no valid name; %s",
				i, CORRUPT);
			return -1;
		}
		sec->name = xstrdup(name);
		hash_add(&obj->sec_by_name, &sec->name_node, hash_str(sec->name));
		if (check_align(obj, sec))
			return -1;
		if (sec->sh.sh_type == SHT_SYMTAB) {
			if (obj->symtab) {
				err_msg(obj->path, "elf_load: more than one symbol table; %s", CORRUPT);
				return -1;
			}
			obj->symtab = sec;
		}
		if (flags & ELF_LOAD_HEADERS_ONLY)
			continue;
		if ((flags & ELF_LOAD_SYMBOLS_ONLY) && sec->sh.sh_type != SHT_SYMTAB &&
		    sec->sh.sh_type != SHT_SYMTAB_SHNDX && sec->sh.sh_type != SHT_STRTAB)
			continue;
		if (read_section_data(obj, sec, scn, file_size))
			return -1;
	}
	obj->shstrtab = obj->secs[shstrndx];
	return 0;
}

static void add_sym_to_section(struct symbol *sym)
{
	struct section *sec = sym->sec;

	if (sym->type == STT_SECTION) {
		if (!sec->secsym)
			sec->secsym = sym;
		return;
	}
	grow_array((void **)&sec->syms, &sec->cap_syms, sec->nr_syms + 1,
		   sizeof(*sec->syms));
	sec->syms[sec->nr_syms++] = sym;
}

/*
 * Symbol @i of the table, read as @gs named @name, into
 * obj->syms[obj->nr_syms], unless @keep leaves it out (a symbols-only
 * load of what a lookup can ask for).
 */
static int add_read_symbol(struct elf_obj *obj, const GElf_Sym *gs, Elf32_Word xndx,
			   const char *name, size_t i, bool by_section,
			   const struct elf_symbol_filter *keep)
{
	struct symbol *sym;
	size_t shndx;

	if (i && keep && GELF_ST_TYPE(gs->st_info) != STT_FILE && !keep->keep(name, keep->ctx))
		return 0;
	sym = xcalloc(1, sizeof(*sym));
	sym->obj = obj;
	sym->sym = *gs;
	grow_array((void **)&obj->syms, &obj->cap_syms, obj->nr_syms + 1, sizeof(*obj->syms));
	sym->idx = obj->nr_syms;
	obj->syms[obj->nr_syms++] = sym;
	sym->bind = GELF_ST_BIND(sym->sym.st_info);
	sym->type = GELF_ST_TYPE(sym->sym.st_info);
	shndx = sym->sym.st_shndx == SHN_XINDEX ? xndx : sym->sym.st_shndx;
	if (sym->sym.st_shndx == SHN_XINDEX ||
	    (shndx != SHN_UNDEF && shndx < SHN_LORESERVE)) {
		if (shndx >= obj->nr_secs) {
			err_msg(obj->path, "elf_load: symbol %s points to section %zu of %zu; %s",
				name, shndx, obj->nr_secs, CORRUPT);
			return -1;
		}
		sym->sec = obj->secs[shndx];
	}
	/* A section symbol has no name of its own: give it its section's. */
	if (sym->type == STT_SECTION && sym->sec && !*name)
		name = sym->sec->name;
	sym->name = xstrdup(name);
	if (i)
		hash_add(&obj->sym_by_name, &sym->name_node, hash_str(sym->name));
	if (sym->type == STT_FILE && !obj->file_name)
		obj->file_name = sym->name;
	if (sym->sec && (by_section || sym->type == STT_SECTION))
		add_sym_to_section(sym);
	return 0;
}

static int read_symbol(struct elf_obj *obj, Elf_Data *symdata, Elf_Data *shndx_data,
		       size_t i, bool by_section, const struct elf_symbol_filter *keep)
{
	Elf32_Word xndx = 0;
	const char *name;
	GElf_Sym gs;

	if (!gelf_getsymshndx(symdata, shndx_data, i, &gs, &xndx)) {
		err_msg(obj->path, "elf_load: unreadable symbol %zu; %s", i, CORRUPT);
		return -1;
	}
	name = elf_strptr(obj->elf, obj->symtab->sh.sh_link, gs.st_name);
	if (!name) {
		err_msg(obj->path, "elf_load: symbol %zu has no valid name; %s", i, CORRUPT);
		return -1;
	}
	return add_read_symbol(obj, &gs, xndx, name, i, by_section, keep);
}

static int cmp_sym_value(const void *a, const void *b)
{
	const struct symbol *x = *(struct symbol * const *)a;
	const struct symbol *y = *(struct symbol * const *)b;

	if (x->sym.st_value != y->sym.st_value)
		return x->sym.st_value < y->sym.st_value ? -1 : 1;
	/* Larger first, so that the enclosing symbol wins a tie. */
	if (x->sym.st_size != y->sym.st_size)
		return x->sym.st_size > y->sym.st_size ? -1 : 1;
	return x->idx < y->idx ? -1 : (x->idx > y->idx);
}

void elf_sort_section_symbols(struct section *sec)
{
	if (sec->nr_syms > 1)
		qsort(sec->syms, sec->nr_syms, sizeof(*sec->syms), cmp_sym_value);
}

/*
 * A filtered load keeps a few hundred of a vmlinux's 45,000 symbols,
 * yet through libelf's mapping every page of the table and its strings
 * (2 MB) would stay resident until the target is freed: more than the
 * diff itself needs. The table is read instead through a mapping of its
 * own, each batch of entries converted by libelf, and the pages handed
 * back after each batch (they stay in the page cache for the next).
 */
#define SYM_BATCH 1024

struct sym_stream {
	unsigned char *map;
	size_t len;
	const unsigned char *entries;
	const char *strs;
	size_t strs_size;
	GElf_Sym batch[SYM_BATCH];
};

static int stream_open(struct elf_obj *obj, struct sym_stream *st)
{
	const GElf_Shdr *sym = &obj->symtab->sh, *str = &obj->strtab->sh;
	uint64_t page = sysconf(_SC_PAGESIZE), start, end;

	start = (sym->sh_offset < str->sh_offset ? sym->sh_offset : str->sh_offset) & ~(page - 1);
	end = sym->sh_offset + sym->sh_size;
	if (str->sh_offset + str->sh_size > end)
		end = str->sh_offset + str->sh_size;
	st->len = end - start;
	st->map = mmap(NULL, st->len, PROT_READ, MAP_PRIVATE, obj->fd, start);
	if (st->map == MAP_FAILED) {
		err_msg(obj->path, "elf_load: cannot map the symbol table: %s; check free memory and the file",
			strerror(errno));
		return -1;
	}
	st->entries = st->map + (sym->sh_offset - start);
	st->strs = (const char *)st->map + (str->sh_offset - start);
	st->strs_size = str->sh_size;
	return 0;
}

/* Entries [@first, @first + @n) into st->batch, through libelf's conversion. */
static int stream_batch(struct elf_obj *obj, struct sym_stream *st, size_t first, size_t n)
{
	Elf_Data src = {
		.d_buf = (void *)(st->entries + first * sizeof(Elf64_Sym)),
		.d_type = ELF_T_SYM, .d_size = n * sizeof(Elf64_Sym), .d_version = EV_CURRENT,
	};
	Elf_Data dst = {
		.d_buf = st->batch, .d_size = sizeof(st->batch), .d_version = EV_CURRENT,
	};

	if (!gelf_xlatetom(obj->elf, &dst, &src, ELFDATA2LSB)) {
		err_msg(obj->path, "elf_load: unreadable symbols %zu to %zu (%s); %s",
			first, first + n - 1, elf_errstr(), CORRUPT);
		return -1;
	}
	return 0;
}

/* A name lies wholly inside the string table, as elf_strptr() checks. */
static const char *stream_name(const struct sym_stream *st, size_t off)
{
	if (off >= st->strs_size || !memchr(st->strs + off, '\0', st->strs_size - off))
		return NULL;
	return st->strs + off;
}

static int read_symbols_streamed(struct elf_obj *obj, size_t nr,
				 const struct elf_symbol_filter *keep)
{
	struct sym_stream *st = xcalloc(1, sizeof(*st));
	size_t first, k, n;
	int ret = -1;

	if (stream_open(obj, st))
		goto out_free;
	for (first = 0; first < nr; first += n) {
		n = nr - first < SYM_BATCH ? nr - first : SYM_BATCH;
		if (stream_batch(obj, st, first, n))
			goto out;
		for (k = 0; k < n; k++) {
			const char *name = stream_name(st, st->batch[k].st_name);

			if (!name) {
				err_msg(obj->path, "elf_load: symbol %zu has no valid name; %s",
					first + k, CORRUPT);
				goto out;
			}
			if (add_read_symbol(obj, &st->batch[k], 0, name, first + k, false, keep))
				goto out;
		}
		madvise(st->map, st->len, MADV_DONTNEED);
	}
	ret = 0;
out:
	munmap(st->map, st->len);
out_free:
	free(st);
	return ret;
}

/*
 * A symbols-only load (a vmlinux of some 40,000 symbols, looked up by
 * name) builds no per-section lists: sorting them was most of its time.
 */
static int read_symbols(struct elf_obj *obj, unsigned int flags,
			const struct elf_symbol_filter *keep)
{
	bool by_section = !(flags & ELF_LOAD_SYMBOLS_ONLY);
	struct section *symtab = obj->symtab, *shndx = NULL, *sec;
	Elf_Data *symdata, *shndx_data = NULL;
	size_t nr, i;

	if (!symtab || (flags & ELF_LOAD_HEADERS_ONLY)) {
		obj->syms = xcalloc(1, sizeof(*obj->syms));
		obj->syms[0] = xcalloc(1, sizeof(struct symbol));
		obj->syms[0]->name = xstrdup("");
		obj->nr_syms = obj->cap_syms = 1;
		hash_init(&obj->sym_by_name, 1);
		return 0;
	}
	if (symtab->sh.sh_entsize != sizeof(Elf64_Sym) ||
	    symtab->sh.sh_link >= obj->nr_secs ||
	    obj->secs[symtab->sh.sh_link]->sh.sh_type != SHT_STRTAB) {
		err_msg(obj->path, "elf_load: malformed symbol table; %s", CORRUPT);
		return -1;
	}
	obj->strtab = obj->secs[symtab->sh.sh_link];
	for_each_sec(obj, sec) {
		if (sec->sh.sh_type == SHT_SYMTAB_SHNDX && sec->sh.sh_link == symtab->idx)
			shndx = sec;
	}
	symdata = elf_getdata(elf_getscn(obj->elf, symtab->idx), NULL);
	if (shndx)
		shndx_data = elf_getdata(elf_getscn(obj->elf, shndx->idx), NULL);
	if (!symdata) {
		err_msg(obj->path, "elf_load: unreadable symbol table (%s); %s",
			elf_errstr(), CORRUPT);
		return -1;
	}
	nr = symtab->sh.sh_size / sizeof(Elf64_Sym);
	if (nr == 0) {
		err_msg(obj->path, "elf_load: empty symbol table; %s", CORRUPT);
		return -1;
	}
	hash_init(&obj->sym_by_name, keep ? nr / 8 : nr);
	/* Extended section indexes (over 65,280 sections) only through libelf's own reading. */
	if (keep && !shndx) {
		if (read_symbols_streamed(obj, nr, keep))
			return -1;
	} else {
		obj->syms = xcalloc(nr, sizeof(*obj->syms));
		obj->cap_syms = nr;
		for (i = 0; i < nr; i++) {
			if (read_symbol(obj, symdata, shndx_data, i, by_section, keep))
				return -1;
		}
	}
	for_each_sec(obj, sec)
		elf_sort_section_symbols(sec);
	return 0;
}

/* Bytes relocation @type writes: 0 for none, -1 for a type x86_64 does not define. */
int elf_reloc_width(uint32_t type)
{
	static const signed char width[R_X86_64_NUM] = {
		[R_X86_64_NONE] = 0, [R_X86_64_64] = 8, [R_X86_64_PC32] = 4,
		[R_X86_64_GOT32] = 4, [R_X86_64_PLT32] = 4, [R_X86_64_COPY] = 0,
		[R_X86_64_GLOB_DAT] = 8, [R_X86_64_JUMP_SLOT] = 8,
		[R_X86_64_RELATIVE] = 8, [R_X86_64_GOTPCREL] = 4, [R_X86_64_32] = 4,
		[R_X86_64_32S] = 4, [R_X86_64_16] = 2, [R_X86_64_PC16] = 2,
		[R_X86_64_8] = 1, [R_X86_64_PC8] = 1, [R_X86_64_DTPMOD64] = 8,
		[R_X86_64_DTPOFF64] = 8, [R_X86_64_TPOFF64] = 8, [R_X86_64_TLSGD] = 4,
		[R_X86_64_TLSLD] = 4, [R_X86_64_DTPOFF32] = 4, [R_X86_64_GOTTPOFF] = 4,
		[R_X86_64_TPOFF32] = 4, [R_X86_64_PC64] = 8, [R_X86_64_GOTOFF64] = 8,
		[R_X86_64_GOTPC32] = 4, [R_X86_64_GOT64] = 8, [R_X86_64_GOTPCREL64] = 8,
		[R_X86_64_GOTPC64] = 8, [R_X86_64_GOTPLT64] = 8, [R_X86_64_PLTOFF64] = 8,
		[R_X86_64_SIZE32] = 4, [R_X86_64_SIZE64] = 8,
		[R_X86_64_GOTPC32_TLSDESC] = 4, [R_X86_64_TLSDESC_CALL] = 0,
		[R_X86_64_TLSDESC] = 16, [R_X86_64_IRELATIVE] = 8,
		[R_X86_64_RELATIVE64] = 8, [39] = -1, [40] = -1,
		[R_X86_64_GOTPCRELX] = 4, [R_X86_64_REX_GOTPCRELX] = 4,
	};

	return type < R_X86_64_NUM ? width[type] : -1;
}

/*
 * A field of 4 bytes or fewer holds a 32-bit value: an addend beyond
 * 32 bits cannot come from an assembler, only from a damaged object.
 */
static bool addend_fits(int64_t addend, int width)
{
	return width > 4 || (addend >= -(INT64_C(1) << 32) && addend <= (INT64_C(1) << 32));
}

/* Validated here once, so that every tool may trust a relocation's type and place. */
static int check_reloc(struct elf_obj *obj, const struct section *rela, size_t i,
		       const struct reloc *r)
{
	const struct section *base = rela->base;
	int width = elf_reloc_width(r->type);

	if (width < 0) {
		err_msg(obj->path, "elf_load: relocation %zu of %s has type %u, which x86_64 does not define; %s",
			i, rela->name, r->type, CORRUPT);
		return -1;
	}
	if (r->offset > base->size || (uint64_t)width > base->size - r->offset) {
		err_msg(obj->path, "elf_load: relocation %zu of %s writes %d bytes at offset 0x%llx, outside %s (0x%zx bytes); %s",
			i, rela->name, width, (unsigned long long)r->offset, base->name,
			base->size, CORRUPT);
		return -1;
	}
	if (!addend_fits(r->addend, width)) {
		err_msg(obj->path, "elf_load: relocation %zu of %s has addend %lld, which its %d-byte field cannot hold; %s",
			i, rela->name, (long long)r->addend, width, CORRUPT);
		return -1;
	}
	return 0;
}

static int read_relocs(struct elf_obj *obj, struct section *rela)
{
	size_t nr, i;

	if (rela->sh.sh_info == 0 || rela->sh.sh_info >= obj->nr_secs ||
	    rela->sh.sh_link != (obj->symtab ? obj->symtab->idx : (size_t)-1) ||
	    rela->sh.sh_entsize != sizeof(Elf64_Rela) ||
	    rela->size % sizeof(Elf64_Rela)) {
		err_msg(obj->path, "elf_load: malformed relocation section %s; %s",
			rela->name, CORRUPT);
		return -1;
	}
	rela->base = obj->secs[rela->sh.sh_info];
	/* A section's own relocations; klp ones beside them are separate sections. */
	if (!(rela->sh.sh_flags & SHF_RELA_LIVEPATCH))
		rela->base->rela = rela;
	nr = rela->size / sizeof(Elf64_Rela);
	rela->relocs = xcalloc(nr, sizeof(*rela->relocs));
	rela->nr_relocs = rela->cap_relocs = nr;
	for (i = 0; i < nr; i++) {
		Elf64_Rela r;
		struct reloc *reloc = &rela->relocs[i];
		size_t symidx;

		memcpy(&r, rela->data + i * sizeof(r), sizeof(r));
		symidx = GELF_R_SYM(r.r_info);
		if (symidx >= obj->nr_syms) {
			err_msg(obj->path, "elf_load: relocation %zu of %s names symbol %zu of %zu; %s",
				i, rela->name, symidx, obj->nr_syms, CORRUPT);
			return -1;
		}
		reloc->offset = r.r_offset;
		reloc->type = GELF_R_TYPE(r.r_info);
		reloc->addend = r.r_addend;
		reloc->sym = obj->syms[symidx];
		if (check_reloc(obj, rela, i, reloc))
			return -1;
	}
	return 0;
}

static int read_group(struct elf_obj *obj, struct section *grp)
{
	size_t nr = grp->size / 4, i;
	uint32_t w;

	if (nr == 0 || grp->size % 4) {
		err_msg(obj->path, "elf_load: malformed section group %s; %s",
			grp->name, CORRUPT);
		return -1;
	}
	memcpy(&grp->group_flags, grp->data, 4);
	grp->group = xcalloc(nr, sizeof(*grp->group));
	for (i = 1; i < nr; i++) {
		memcpy(&w, grp->data + i * 4, 4);
		if (w == 0 || w >= obj->nr_secs) {
			err_msg(obj->path, "elf_load: section group %s names section %u; %s",
				grp->name, w, CORRUPT);
			return -1;
		}
		grp->group[grp->nr_group++] = obj->secs[w];
	}
	return 0;
}

static int read_links(struct elf_obj *obj)
{
	struct section *sec;

	for_each_sec(obj, sec) {
		if (sec->sh.sh_type == SHT_REL) {
			err_msg(obj->path, "elf_load: section %s uses REL relocations; x86_64 objects use RELA, %s",
				sec->name, CORRUPT);
			return -1;
		}
		if (sec->sh.sh_type == SHT_RELA && read_relocs(obj, sec))
			return -1;
		if (sec->sh.sh_type == SHT_GROUP && read_group(obj, sec))
			return -1;
		if ((sec->sh.sh_flags & SHF_LINK_ORDER) && sec->sh.sh_link &&
		    sec->sh.sh_link < obj->nr_secs)
			sec->link = obj->secs[sec->sh.sh_link];
	}
	return 0;
}

static int open_elf(struct elf_obj *obj, off_t *size)
{
	struct stat st;

	obj->fd = open(obj->path, O_RDONLY | O_CLOEXEC);
	if (obj->fd < 0) {
		err_msg(obj->path, "elf_load: cannot open: %s; check the path and permissions",
			strerror(errno));
		return -1;
	}
	if (fstat(obj->fd, &st) || !S_ISREG(st.st_mode)) {
		err_msg(obj->path, "elf_load: not a regular file; pass an object file");
		return -1;
	}
	if (st.st_size < (off_t)sizeof(Elf64_Ehdr)) {
		err_msg(obj->path, "elf_load: file too small to be an ELF object (%lld bytes); %s",
			(long long)st.st_size, st.st_size ? CORRUPT : "pass a compiled object");
		return -1;
	}
	*size = st.st_size;
	elf_version(EV_CURRENT);
	obj->elf = elf_begin(obj->fd, ELF_C_READ_MMAP, NULL);
	if (!obj->elf) {
		err_msg(obj->path, "elf_load: libelf cannot read it (%s); %s",
			elf_errstr(), CORRUPT);
		return -1;
	}
	return 0;
}

/*
 * A symbols-only load leaves contents unread: of a target module only the
 * few sections a sympos choice compares are ever needed.
 */
const unsigned char *elf_section_bytes(struct section *sec)
{
	struct elf_obj *obj = sec->obj;
	struct stat st;
	Elf_Scn *scn;

	if (sec->data || sec->sh.sh_type == SHT_NOBITS || !sec->sh.sh_size)
		return sec->data;
	if (!obj->elf || fstat(obj->fd, &st))
		return NULL;
	scn = elf_getscn(obj->elf, sec->idx);
	if (!scn || read_section_data(obj, sec, scn, st.st_size))
		return NULL;
	return sec->data;
}

struct elf_obj *elf_load(const char *path, unsigned int flags)
{
	return elf_load_symbols(path, flags, NULL);
}

struct elf_obj *elf_load_symbols(const char *path, unsigned int flags,
				 const struct elf_symbol_filter *keep)
{
	struct elf_obj *obj = xcalloc(1, sizeof(*obj));
	off_t size;

	if (keep || (flags & ELF_LOAD_HEADERS_ONLY))
		flags |= ELF_LOAD_SYMBOLS_ONLY;
	obj->path = xstrdup(path);
	obj->fd = -1;
	if (open_elf(obj, &size) || check_header(obj, flags) ||
	    read_sections(obj, flags, size) || read_symbols(obj, flags, keep) ||
	    (!(flags & ELF_LOAD_SYMBOLS_ONLY) && read_links(obj))) {
		elf_free(obj);
		return NULL;
	}
	return obj;
}

void elf_free(struct elf_obj *obj)
{
	size_t i;

	if (!obj)
		return;
	for (i = 0; i < obj->nr_secs; i++) {
		struct section *sec = obj->secs[i];

		if (!sec)
			continue;
		if (sec->data_owned)
			free(sec->data);
		free(sec->relocs);
		free(sec->ref_offsets);
		free(sec->piece_used);
		free(sec->reloc_tails);
		free(sec->syms);
		free(sec->group);
		free(sec->name);
		free(sec);
	}
	for (i = 0; i < obj->nr_syms; i++) {
		if (obj->syms[i])
			free(obj->syms[i]->name);
		free(obj->syms[i]);
	}
	free(obj->secs);
	free(obj->syms);
	hash_free(&obj->sec_by_name);
	hash_free(&obj->sym_by_name);
	if (obj->elf)
		elf_end(obj->elf);
	if (obj->fd >= 0)
		close(obj->fd);
	free(obj->path);
	free(obj);
}

struct section *elf_find_section(const struct elf_obj *obj, const char *name)
{
	uint64_t key = hash_str(name);
	struct hash_node *n;

	hash_for_each_key(&obj->sec_by_name, n, key) {
		struct section *sec = container_of(n, struct section, name_node);

		if (!strcmp(sec->name, name))
			return sec;
	}
	return NULL;
}

struct symbol *elf_find_symbol(const struct elf_obj *obj, const char *name)
{
	uint64_t key = hash_str(name);
	struct hash_node *n;

	hash_for_each_key(&obj->sym_by_name, n, key) {
		struct symbol *sym = container_of(n, struct symbol, name_node);

		if (!strcmp(sym->name, name))
			return sym;
	}
	return NULL;
}

/* The next symbol of the same name, in symbol-table order. */
struct symbol *elf_next_symbol_named(const struct symbol *sym)
{
	struct hash_node *n;

	for (n = sym->name_node.next; n; n = n->next) {
		struct symbol *s = container_of(n, struct symbol, name_node);

		if (n->key == sym->name_node.key && !strcmp(s->name, sym->name))
			return s;
	}
	return NULL;
}

static uint64_t sym_value_key(const void *syms, size_t i)
{
	return ((struct symbol *const *)syms)[i]->sym.st_value;
}

/* Index of the first symbol of @sec whose value is > @offset. */
static size_t upper_bound(const struct section *sec, uint64_t offset)
{
	return sorted_bound(sec->syms, sec->nr_syms, sym_value_key, offset, true);
}

/* The FUNC or OBJECT symbol starting at @offset (the largest), else any. */
struct symbol *elf_symbol_at(const struct section *sec, uint64_t offset)
{
	size_t i = upper_bound(sec, offset);
	struct symbol *found = NULL, *any = NULL;

	while (i-- > 0 && sec->syms[i]->sym.st_value == offset) {
		struct symbol *sym = sec->syms[i];

		if (sym->type == STT_FUNC || sym->type == STT_OBJECT)
			found = sym;
		else
			any = sym;
	}
	return found ? found : any;
}

/*
 * The FUNC or OBJECT symbol whose [value, value + size) holds @offset.
 * Symbols of a section do not overlap but for aliases of equal extent,
 * so the nearest sized symbol below @offset is the only candidate.
 */
struct symbol *elf_symbol_containing(const struct section *sec, uint64_t offset)
{
	size_t i = upper_bound(sec, offset);

	while (i-- > 0) {
		struct symbol *sym = sec->syms[i];

		if (sym->type != STT_FUNC && sym->type != STT_OBJECT)
			continue;
		if (offset < sym->sym.st_value + sym->sym.st_size)
			return sym;
		if (sym->sym.st_size)
			return NULL;
	}
	return NULL;
}

static int cmp_reloc(const void *a, const void *b)
{
	const struct reloc *x = a, *y = b;

	return x->offset < y->offset ? -1 : (x->offset > y->offset);
}

void elf_sort_relocs(struct section *rela)
{
	if (rela->nr_relocs > 1)
		qsort(rela->relocs, rela->nr_relocs, sizeof(*rela->relocs), cmp_reloc);
}

static uint64_t reloc_offset_key(const void *relocs, size_t i)
{
	return ((const struct reloc *)relocs)[i].offset;
}

/* Index of the first relocation at or after @offset. */
size_t elf_reloc_lower_bound(const struct section *rela, uint64_t offset)
{
	return sorted_bound(rela->relocs, rela->nr_relocs, reloc_offset_key, offset, false);
}

struct reloc *elf_reloc_at(const struct section *rela, uint64_t offset)
{
	size_t i = elf_reloc_lower_bound(rela, offset);

	return i < rela->nr_relocs && rela->relocs[i].offset == offset ? &rela->relocs[i] : NULL;
}

/* Relocations of bytes [start, end) of @sec (its rela section is sorted by offset). */
void elf_range_relocs(const struct section *sec, uint64_t start, uint64_t end,
		      struct reloc **first, size_t *nr)
{
	struct section *rela = sec ? sec->rela : NULL;
	size_t lo, i;

	*first = NULL;
	*nr = 0;
	if (!rela)
		return;
	lo = elf_reloc_lower_bound(rela, start);
	for (i = lo; i < rela->nr_relocs && rela->relocs[i].offset < end; i++)
		;
	*first = rela->relocs + lo;
	*nr = i - lo;
}

/* The relocations of @sym's bytes. */
void elf_symbol_relocs(const struct symbol *sym, struct reloc **first, size_t *nr)
{
	elf_range_relocs(sym->sec, sym->sym.st_value, sym->sym.st_value + sym->sym.st_size,
			 first, nr);
}
