/* SPDX-License-Identifier: GPL-2.0 */
/*
 * create-diff-object: the pipeline's shared state. One file per stage:
 *   main.c       options, loading, the exit-code contract (cdo_main)
 *   entry.c      main(): cdo_main, which the fuzz harnesses call too
 *   correlate.c  pairs ORIG and PATCHED symbols and sections
 *   insn.c       where instructions end (Capstone), for PC-relative fields
 *   reloc-dest.c what a relocation points at, and whether two are equal
 *   pieces.c     anonymous sections cut into pieces where references land
 *   data-kinds.c which symbols and sections are data, and of which kind
 *   compare.c    SAME / CHANGED / NEW for functions and data
 *   srcline.c    --debug's source lines, from DWARF (libdw)
 *   markers.c    what the author marked: ignored code, callbacks
 *   aliases.c    symbols at one address: one function, patched once
 *   refuse.c     the changes a live patch cannot carry
 *   callers.c    changes ftrace cannot reach, patched through their callers
 *   include.c    what the output needs: functions, data, strings
 *   special.c    entries of special sections that belong to them
 *   emit.c       the output object, klp records and metadata
 */
#ifndef CDO_H
#define CDO_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "elf-model.h"
#include "strtab.h"
#include "symvers.h"
#include "target-syms.h"

/* Exit codes of the command-line contract. */
enum {
	EXIT_CHANGED = 0,
	EXIT_ERROR = 1,
	EXIT_USAGE = 2,
	EXIT_NO_CHANGE = 3,
	EXIT_REFUSED = 5,	/* klp-build's code for an unsafe change */
};

/* An unsafe change refused: refuse.c's message, as --refusals records it. */
struct refusal {
	const char *symbol;
	char *reason;
	const char *advice;
};

struct special_size {
	const char *name;
	size_t size;
};

/* A range of a section whose relocations are still to follow. */
struct piece {
	struct section *sec;
	uint64_t start, end;
};

struct worklist {
	struct symbol **syms;
	size_t nr_syms, cap_syms;
	struct piece *pieces;
	size_t nr_pieces, cap_pieces;
};

/* A special section's entries and which of them the output keeps. */
struct special {
	struct section *sec;
	struct section *pair;		/* .orc_unwind beside .orc_unwind_ip */
	size_t entry_size, pair_size, nr_entries;
	bool *kept;
	bool *left_out;			/* for a key of a module (special.c) */
};

struct cdo {
	struct elf_obj *orig, *patched, *out;
	const char *out_path;
	const char *objname;		/* vmlinux, or the module patched */
	struct target_syms *kernel_syms;
	bool kernel_syms_are_orig;	/* no --symbols: ORIG.o stands in */
	struct symvers *symvers;
	char **patch_syms;		/* --patch-symbols, sorted */
	size_t nr_patch_syms;
	struct special_size *sizes;	/* entry sizes of special sections */
	size_t nr_sizes;
	struct refusal *refusals;
	size_t nr_refusals;
	struct worklist work;
	struct special *specials;
	size_t nr_specials;
	bool specials_found;

	/* emit.c: the records of support-templates/klp-records.h and what they name. */
	struct section *meta_strtab, *meta_relocs, *meta_funcs;
	struct strtab meta_strings;	/* .klp_build.strtab's strings until emit() fills it */
	char **klp_names;
	size_t nr_klp_names, cap_klp_names;
	char **import_ns;		/* namespaces of the exports it uses */
	size_t nr_import_ns, cap_import_ns;
};

/* What a relocation points at, with section symbols resolved. */
enum dest_kind {
	DEST_SYMBOL,		/* sym + off (off relative to the symbol) */
	DEST_STRING,		/* a string of a mergeable section */
	DEST_SECTION,		/* a section with no symbol there */
};

struct reloc_dest {
	enum dest_kind kind;
	struct symbol *sym;	/* DEST_SYMBOL */
	struct section *sec;	/* DEST_STRING, DEST_SECTION */
	int64_t off;
	int64_t sec_off;	/* the addend as an offset in sec, for copies of it */
	bool undecoded;		/* a place named from code not decoded: guessed */
};

/* main.c: the command, argv as main() gets it; returns the exit code. */
int cdo_main(int argc, char **argv);
/* Whether another object of the same patch defines @name as a new global. */
bool patch_defines(const struct cdo *c, const char *name);

/* correlate.c */
void correlate(struct cdo *c);

/* insn.c */
int decode_text(struct elf_obj *obj);
bool insn_at(const struct symbol *sym, uint64_t off, uint64_t *start, char *buf, size_t len);
void close_decoder(void);

/* reloc-dest.c */
void resolve_dest(const struct section *base, const struct reloc *r,
		  struct reloc_dest *t);
bool dests_equal(const struct reloc_dest *a, const struct reloc_dest *b, int depth);

/* pieces.c */
void index_references(struct elf_obj *obj);
ssize_t piece_index(const struct section *sec, int64_t off);
uint64_t piece_end(const struct section *sec, uint64_t off);
bool pieces_equal(const struct reloc_dest *a, const struct reloc_dest *b, int depth);

/* data-kinds.c */
bool is_local_rodata(const struct symbol *sym);
bool is_callsite_data(const struct symbol *sym);
bool is_macro_state(const struct symbol *sym);
/* Whether included code's reference to @sym takes a copy of it (include.c). */
bool needs_copy(struct cdo *c, const struct symbol *sym);
bool is_data_section(const struct section *sec);

/* compare.c */
void compare(struct cdo *c);
bool data_equal(const struct symbol *a, const struct symbol *b, int depth);
bool differs_only_in_data(const struct symbol *a, const struct symbol *b);

/* markers.c */
void apply_markers(struct cdo *c);
bool is_marker_section(const struct section *sec);
bool is_callback_section(const struct section *sec);

/* aliases.c */
void merge_aliases(struct cdo *c);
void clone_aliases(struct cdo *c);
char *alias_list(const struct cdo *c, const struct symbol *p, const char *sep);
char *alias_names(const struct cdo *c, const struct symbol *p);
int check_func_addresses(struct cdo *c);

/* refuse.c */
void refuse_unsafe(struct cdo *c);
void free_refusals(struct cdo *c);
void refuse(struct cdo *c, const char *sym, char *what, const char *advice);
bool has_fentry(const struct symbol *sym);
bool is_init_section(const struct section *sec);

/* callers.c */
void patch_through_callers(struct cdo *c, struct symbol *f);
bool is_noinstr_section(const struct section *sec);

/* include.c */
int include(struct cdo *c);
int include_relocs(struct cdo *c, const struct section *sec, struct reloc *first,
		   size_t nr, const char *user);

/* special.c */
int include_special(struct cdo *c, bool *progress);
int emit_special(struct cdo *c);
void free_special(struct cdo *c);

/* emit.c */
int emit(struct cdo *c);
void free_emit(struct cdo *c);
int emit_relocs(struct cdo *c, const struct section *from, uint64_t start,
		uint64_t end, struct section *to, uint64_t to_start);

/* srcline.c */
const char *source_line(const char *path, const struct symbol *sym, uint64_t off);
void close_source_lines(void);

#endif
