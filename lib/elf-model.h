/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ELF model shared by every tool: an object's sections, symbols and
 * relocations as linked structures with hash lookups, loaded through
 * libelf (elf-read.c), built or edited in memory (elf-build.c) and
 * written back as a new ET_REL object (elf-write.c).
 *
 * Only 64-bit little-endian x86_64 objects are accepted: that is what
 * the toolchain patches, and it lets section contents be used as they
 * are in memory.
 */
#ifndef KLP_ELF_MODEL_H
#define KLP_ELF_MODEL_H

#include <gelf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hash.h"

#ifndef SHN_LIVEPATCH
#define SHN_LIVEPATCH		0xff20
#endif
#ifndef SHF_RELA_LIVEPATCH
#define SHF_RELA_LIVEPATCH	0x00100000
#endif

struct elf_obj;
struct symbol;

/* How two correlated objects' items compare (create-diff-object). */
enum diff_status {
	DIFF_UNKNOWN = 0,
	DIFF_SAME,
	DIFF_CHANGED,
	DIFF_NEW,
};

struct reloc {
	uint64_t offset;
	uint32_t type;
	int64_t addend;
	struct symbol *sym;
};

struct section {
	struct elf_obj *obj;
	unsigned int idx;
	char *name;
	GElf_Shdr sh;		/* sh_name, sh_offset, sh_link: set on write */
	unsigned char *data;	/* NULL for SHT_NOBITS */
	size_t size;
	bool data_owned;

	/* SHT_RELA: the section it applies to, and its entries. */
	struct section *base;
	struct reloc *relocs;
	size_t nr_relocs, cap_relocs;

	/* Other sections: their SHT_RELA, section symbol, symbols. */
	struct section *rela;
	struct symbol *secsym;
	struct symbol **syms;	/* FUNC/OBJECT/NOTYPE symbols, by value */
	size_t nr_syms, cap_syms;

	/* SHT_GROUP members. */
	struct section **group;
	size_t nr_group;
	uint32_t group_flags;

	/* The section sh_link names, where it names one (SHF_LINK_ORDER...). */
	struct section *link;

	struct hash_node name_node;
	bool removed;		/* left out when the object is written */

	/* Correlation state (create-diff-object). */
	struct section *twin;
	struct section *clone;
	uint64_t *ref_offsets;	/* where references land, for anonymous sections */
	size_t nr_ref_offsets;
	bool *piece_used;	/* per ref_offsets entry: the output needs it */
	/* SHT_RELA of code, per entry: bytes from the field to its instruction's end, 0 unknown. */
	unsigned char *reloc_tails;
	bool include_whole;
	enum diff_status status;
	bool include;

	unsigned int out_idx;	/* index in the object being written */
};

struct symbol {
	struct elf_obj *obj;
	unsigned int idx;
	char *name;
	GElf_Sym sym;		/* st_name and st_shndx: set on write */
	unsigned char bind, type;
	struct section *sec;	/* NULL: undefined, absolute, common... */

	struct hash_node name_node;

	/* Correlation state (create-diff-object). */
	struct symbol *twin;
	struct symbol *clone;
	struct symbol *parent;	/* foo for foo.cold */
	struct symbol *child;	/* foo.cold for foo */
	enum diff_status status;
	bool include;
	bool ignored;		/* marked by the patch author */
	bool removed;		/* left out when the object is written */
	/* Changed, but ftrace cannot reach it: a local copy its callers call. */
	bool by_callers;
	struct symbol *through;	/* a caller patched for this untraceable function */
	struct symbol *alias_of;	/* another name of that function's code */

	unsigned int out_idx;
};

struct elf_obj {
	char *path;
	int fd;
	Elf *elf;
	GElf_Ehdr ehdr;

	struct section **secs;	/* secs[0] is the null section */
	size_t nr_secs, cap_secs;
	struct symbol **syms;	/* syms[0] is the null symbol */
	size_t nr_syms, cap_syms;
	struct section *symtab;
	struct section *strtab;
	struct section *shstrtab;
	const char *file_name;	/* first STT_FILE symbol, or NULL */

	struct hash sec_by_name;
	struct hash sym_by_name;
};

enum elf_load_flags {
	ELF_LOAD_RELOCATABLE = 1 << 0,	/* accept only ET_REL */
	/* skip contents, relocations and sections' symbol lists (sec->syms) */
	ELF_LOAD_SYMBOLS_ONLY = 1 << 1,
	/*
	 * section headers only: no contents, symbols or relocations (a
	 * vmlinux read for its notes, elf_gnu_build_id())
	 */
	ELF_LOAD_HEADERS_ONLY = 1 << 2,
};

/* Which named symbols a symbols-only load keeps (STT_FILE ones always). */
struct elf_symbol_filter {
	bool (*keep)(const char *name, void *ctx);
	void *ctx;
};

/* elf-read.c */
struct elf_obj *elf_load(const char *path, unsigned int flags);
/* Bytes relocation @type writes: 0 for none, -1 for a type x86_64 does not define. */
int elf_reloc_width(uint32_t type);
/* Symbols only, and of those only the ones @keep accepts (all if NULL), renumbered. */
struct elf_obj *elf_load_symbols(const char *path, unsigned int flags,
				 const struct elf_symbol_filter *keep);
void elf_free(struct elf_obj *obj);
/* @sec's contents, read now if the load skipped them; NULL for none or unreadable. */
const unsigned char *elf_section_bytes(struct section *sec);

/* elf-note.c */
#define ELF_BUILD_ID_MAX 64	/* bytes: GNU ld writes 20 (sha1), 16 (md5) or more */
/*
 * The GNU build id (the NT_GNU_BUILD_ID note of a "GNU" owner) in lower-case
 * hex into @hex (2 * ELF_BUILD_ID_MAX + 1 bytes): 1 found, 0 none, -1 error.
 */
int elf_gnu_build_id(const struct elf_obj *obj, char *hex);

/* lookups */
struct section *elf_find_section(const struct elf_obj *obj, const char *name);
struct symbol *elf_find_symbol(const struct elf_obj *obj, const char *name);
struct symbol *elf_next_symbol_named(const struct symbol *sym);
struct symbol *elf_symbol_at(const struct section *sec, uint64_t offset);
struct symbol *elf_symbol_containing(const struct section *sec,
				     uint64_t offset);
/* Relocation lookups by offset, on a rela section sorted by elf_sort_relocs(). */
void elf_sort_relocs(struct section *rela);
size_t elf_reloc_lower_bound(const struct section *rela, uint64_t offset);
struct reloc *elf_reloc_at(const struct section *rela, uint64_t offset);
/* Relocations of bytes [start, end) of @sec, or of a symbol's bytes: *@first, *@nr. */
void elf_range_relocs(const struct section *sec, uint64_t start, uint64_t end,
		      struct reloc **first, size_t *nr);
void elf_symbol_relocs(const struct symbol *sym, struct reloc **first, size_t *nr);

/*
 * Iteration, in objtool's spirit: each symbol or section of an object
 * but the null entry at index 0, each symbol of a section (by value),
 * each relocation of a rela section. The bound is read at every step,
 * as a hand-written loop reads it, so a body may add to the object.
 */
#define for_each_sym(obj, s)						\
	for (size_t s##_i_ = 1;						\
	     s##_i_ < (obj)->nr_syms && ((s) = (obj)->syms[s##_i_], true);	\
	     s##_i_++)
#define for_each_sec(obj, s)						\
	for (size_t s##_i_ = 1;						\
	     s##_i_ < (obj)->nr_secs && ((s) = (obj)->secs[s##_i_], true);	\
	     s##_i_++)
#define sec_for_each_sym(sec, s)					\
	for (size_t s##_i_ = 0;						\
	     s##_i_ < (sec)->nr_syms && ((s) = (sec)->syms[s##_i_], true);	\
	     s##_i_++)
#define rela_for_each_reloc(rela, r)					\
	for (size_t r##_i_ = 0;						\
	     r##_i_ < (rela)->nr_relocs && ((r) = &(rela)->relocs[r##_i_], true); \
	     r##_i_++)
/* Each of the @nr relocations from @first, as elf_range_relocs() gives them. */
#define for_each_reloc_in(first, nr, r)					\
	for (size_t r##_i_ = 0; r##_i_ < (nr) && ((r) = &(first)[r##_i_], true); r##_i_++)

static inline bool sec_is_rela(const struct section *sec)
{
	return sec->sh.sh_type == SHT_RELA;
}

static inline bool sec_is_text(const struct section *sec)
{
	return sec->sh.sh_flags & SHF_EXECINSTR;
}

static inline bool sec_is_alloc(const struct section *sec)
{
	return sec->sh.sh_flags & SHF_ALLOC;
}

static inline bool sec_is_writable(const struct section *sec)
{
	return sec->sh.sh_flags & SHF_WRITE;
}

static inline bool sec_is_strings(const struct section *sec)
{
	return (sec->sh.sh_flags & SHF_STRINGS) && (sec->sh.sh_flags & SHF_MERGE);
}

/* elf-build.c: editing and building objects in memory */
struct elf_obj *elf_new(const char *path, const GElf_Ehdr *tmpl);
struct section *elf_add_section(struct elf_obj *obj, const char *name,
				uint32_t type, uint64_t flags, uint64_t align,
				uint64_t entsize, const void *data, size_t size);
struct section *elf_add_rela(struct elf_obj *obj, struct section *base);
struct reloc *elf_add_reloc(struct section *rela, uint64_t offset,
			    uint32_t type, struct symbol *sym, int64_t addend);
struct symbol *elf_add_symbol(struct elf_obj *obj, const char *name,
			      unsigned char bind, unsigned char type,
			      struct section *sec, uint64_t value,
			      uint64_t size);
struct symbol *elf_section_symbol(struct section *sec);
void elf_sec_append(struct section *sec, const void *data, size_t size,
		    size_t align, uint64_t *offset);
void elf_sort_section_symbols(struct section *sec);
void elf_remove_section(struct section *sec);
unsigned char *elf_sec_writable(struct section *sec);

/* elf-write.c */
int elf_write(struct elf_obj *obj, const char *path);

#endif
