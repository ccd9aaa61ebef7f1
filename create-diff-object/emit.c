// SPDX-License-Identifier: GPL-2.0
/*
 * The output object: each included function and data object in a
 * section of its own, whole copies of included strings and anonymous
 * read-only sections, the kept special-section entries, and the records
 * of support-templates/klp-records.h. Changed functions become local, as the module
 * must not define a second global of a kernel symbol's name; new ones
 * keep their binding so other objects of the same patch can use them.
 */
#include <stdlib.h>
#include <string.h>

#include "cdo.h"
#include "klp-records.h"
#include "util.h"

/* Call padding of CONFIG_CALL_PADDING kernels: see func_padding(). */
#define FUNC_PADDING_BYTES 16

/* Offset of @s in .klp_build.strtab, adding it once. */
static uint64_t meta_string(struct cdo *c, const char *s)
{
	return strtab_add(&c->meta_strings, s);
}

static void add_pointer(struct cdo *c, struct section *sec, uint64_t off,
			struct symbol *to, int64_t addend)
{
	elf_add_reloc(elf_add_rela(c->out, sec), off, R_X86_64_64, to, addend);
}

/* Adds @s to the set *@arr of *@nr strings, once. */
static void remember_once(char ***arr, size_t *nr, size_t *cap, const char *s)
{
	size_t i;

	for (i = 0; i < *nr; i++) {
		if (!strcmp((*arr)[i], s))
			return;
	}
	grow_array((void **)arr, cap, *nr + 1, sizeof(**arr));
	(*arr)[(*nr)++] = xstrdup(s);
}

static void remember_klp_name(struct cdo *c, const char *name)
{
	remember_once(&c->klp_names, &c->nr_klp_names, &c->cap_klp_names, name);
}

/*
 * An export of a namespace (EXPORT_SYMBOL_NS) is only for modules that
 * import it: modpost fails the build and the loader refuses the module
 * otherwise, as MODULE_IMPORT_NS would have said in the patched file.
 */
static void import_namespace(struct cdo *c, const char *name)
{
	const char *ns = symvers_namespace(c->symvers, name);

	if (ns && *ns)
		remember_once(&c->import_ns, &c->nr_import_ns, &c->cap_import_ns, ns);
}

/* The module's .modinfo entries (the template adds its own), one import_ns= per namespace. */
static void emit_modinfo(struct cdo *c)
{
	struct section *sec;
	size_t i;

	if (!c->nr_import_ns)
		return;
	sec = elf_add_section(c->out, ".modinfo", SHT_PROGBITS, SHF_ALLOC, 1, 0, NULL, 0);
	for (i = 0; i < c->nr_import_ns; i++) {
		char *entry = xasprintf("import_ns=%s", c->import_ns[i]);

		elf_sec_append(sec, entry, strlen(entry) + 1, 1, NULL);
		free(entry);
	}
}

/*
 * On IBT kernels kbuild runs objtool on the linked livepatch module,
 * before klp-convert turns the records into .klp.rela: a call whose
 * place a record holds has no relocation then, and objtool stops at a
 * call to no function ("unannotated intra-function call"), writing no
 * ORC, return sites or __pfx_ symbols for the module. Until
 * klp-convert zeroes the place, the call targets its own function's
 * start (after the call padding), which objtool takes as recursion.
 */
static void aim_call_at_own_function(struct section *to, uint64_t off, uint32_t type)
{
	uint64_t start = 0, i;
	unsigned char *bytes;
	int32_t disp;

	if (!sec_is_text(to) || !to->data || off < 1 || off + 4 > to->size ||
	    (type != R_X86_64_PLT32 && type != R_X86_64_PC32) || to->data[off - 1] != 0xe8)
		return;
	for (i = 0; i < FUNC_PADDING_BYTES && i < to->size && to->data[i] == 0x90; i++)
		;
	if (i == FUNC_PADDING_BYTES)
		start = FUNC_PADDING_BYTES;
	disp = (int32_t)((int64_t)start - (int64_t)(off + 4));
	bytes = elf_sec_writable(to);
	memcpy(bytes + off, &disp, sizeof(disp));
}

/*
 * A reference the livepatch core resolves at load (support-templates/
 * klp-records.h): a record of klp relocation @name at @to+@off; @relaobj
 * is the object whose .klp.rela section takes it when it is not the
 * symbol's, or NULL.
 */
static void add_klp_record(struct cdo *c, const char *name, const char *relaobj, uint32_t type,
			   int64_t addend, struct section *to, uint64_t off)
{
	struct klp_build_reloc rec = { 0 };
	uint64_t at;

	rec.addend = addend;
	rec.type = type;
	/* Allocated only to keep modpost quiet: the post-link step removes it. */
	if (!c->meta_relocs)
		c->meta_relocs = elf_add_section(c->out, KLP_RELOCS_SEC, SHT_PROGBITS, SHF_ALLOC,
						 8, sizeof(struct klp_build_reloc), NULL, 0);
	elf_sec_append(c->meta_relocs, &rec, sizeof(rec), 8, &at);
	add_pointer(c, c->meta_relocs, at + offsetof(struct klp_build_reloc, place),
		    elf_section_symbol(to), off);
	add_pointer(c, c->meta_relocs, at + offsetof(struct klp_build_reloc, symname),
		    elf_section_symbol(c->meta_strtab), meta_string(c, name));
	if (relaobj)
		add_pointer(c, c->meta_relocs, at + offsetof(struct klp_build_reloc, objname),
			    elf_section_symbol(c->meta_strtab), meta_string(c, relaobj));
	remember_klp_name(c, name);
	aim_call_at_own_function(to, off, type);
}

static int klp_record(struct cdo *c, const struct symbol *orig_sym, uint32_t type,
		      int64_t addend, struct section *to, uint64_t off)
{
	unsigned long pos = 0;
	char *name;

	if (target_sympos(c->kernel_syms, c->orig, orig_sym, &pos))
		return -1;
	name = xasprintf(".klp.sym.%s.%s,%lu", c->objname, orig_sym->name, pos);
	add_klp_record(c, name, NULL, type, addend, to, off);
	free(name);
	return 0;
}

/*
 * Another module's export, used by this module's patched code: a plain
 * undefined symbol would make the livepatch depend on that module, and
 * fail to load without it. Exported names are unique in their module.
 */
static void klp_export_record(struct cdo *c, const char *owner, const char *name, uint32_t type,
			      int64_t addend, struct section *to, uint64_t off)
{
	char *klpname = xasprintf(".klp.sym.%s.%s,0", owner, name);

	add_klp_record(c, klpname, c->objname, type, addend, to, off);
	free(klpname);
}

static struct symbol *undefined_global(struct cdo *c, const char *name)
{
	struct symbol *s;

	for (s = elf_find_symbol(c->out, name); s; s = elf_next_symbol_named(s)) {
		if (!s->sec && s->bind == STB_GLOBAL)
			return s;
	}
	return elf_add_symbol(c->out, name, STB_GLOBAL, STT_NOTYPE, NULL, 0, 0);
}

/*
 * A reference to something the kernel already has. Exported by vmlinux:
 * a plain undefined symbol, which the module loader resolves. Otherwise
 * a klp record: for another module's export (resolved when the patched
 * module loads, which needs that module), and for what the patched
 * module has or exports itself (it may be loaded after the patch).
 */
static int external(struct cdo *c, const struct symbol *psym, const struct reloc_dest *t,
		    const struct reloc *r, struct section *to, uint64_t off)
{
	const struct symbol *osym = psym->sec ? psym->twin : (psym->twin ? psym->twin : psym);
	const char *name = osym ? osym->name : psym->name;
	const char *owner = symvers_owner(c->symvers, name);

	if (!osym) {
		err_msg(c->patched->path, "%s: is new but was not included; this is a bug, please report it",
			psym->name);
		return -1;
	}
	if (owner && (!strcmp(owner, "vmlinux") || !strcmp(c->objname, "vmlinux")))
		goto plain;
	if (owner && strcmp(owner, c->objname)) {
		klp_export_record(c, owner, name, r->type, t->off, to, off);
		return 0;
	}
	/* A new function of another file of the patch: the module has it. */
	if (!psym->sec && patch_defines(c, name))
		goto plain;
	if (osym->sec)
		return klp_record(c, osym, r->type, t->off, to, off);
	if (!c->kernel_syms_are_orig && target_defines(c->kernel_syms, name))
		return klp_record(c, osym, r->type, t->off, to, off);
	/* Without Module.symvers, an unknown symbol is left to the module loader. */
	if (c->kernel_syms_are_orig || !c->symvers)
		goto plain;
	err_msg(c->patched->path, "%s: is neither exported (per --symvers) nor defined in %s; pass the Module.symvers and --symbols of the kernel being patched",
		name, c->kernel_syms->elf->path);
	return -1;
plain:
	import_namespace(c, name);
	elf_add_reloc(elf_add_rela(c->out, to), off, r->type, undefined_global(c, name), t->off);
	return 0;
}

/*
 * A section plus an addend in code Capstone could not decode: which of
 * the section's symbols it names depends on where the instruction ends.
 */
static int refuse_undecoded(struct cdo *c, const struct section *from, const struct reloc *r)
{
	const struct symbol *f = elf_symbol_containing(from, r->offset);

	err_msg(c->patched->path, "%s: the reference to %s%+lld at %s+0x%llx is not in a displacement or immediate field of an instruction the decoder knows, so the symbol it names is unknown; report it with this object, or reference the symbol by name (a global, or a function of its own)",
		f ? f->name : from->name, r->sym->name, (long long)r->addend, from->name,
		(unsigned long long)r->offset);
	return -1;
}

static int emit_reloc(struct cdo *c, const struct section *from, const struct reloc *r,
		      struct section *to, uint64_t off)
{
	struct reloc_dest t;

	if (r->type == R_X86_64_NONE)
		return 0;
	resolve_dest(from, r, &t);
	if (t.undecoded && t.kind != DEST_STRING)
		return refuse_undecoded(c, from, r);
	if (t.kind == DEST_SYMBOL) {
		if (t.sym->clone) {
			elf_add_reloc(elf_add_rela(c->out, to), off, r->type, t.sym->clone, t.off);
			return 0;
		}
		return external(c, t.sym, &t, r, to, off);
	}
	if (!t.sec->clone) {
		err_msg(c->patched->path, "%s: referenced from %s but not included; this is a bug, please report it",
			t.sec->name, from->name);
		return -1;
	}
	elf_add_reloc(elf_add_rela(c->out, to), off, r->type,
		      elf_section_symbol(t.sec->clone), t.sec_off);
	return 0;
}

int emit_relocs(struct cdo *c, const struct section *from, uint64_t start,
		uint64_t end, struct section *to, uint64_t to_start)
{
	struct reloc *first, *r;
	size_t nr;

	elf_range_relocs(from, start, end, &first, &nr);
	for_each_reloc_in(first, nr, r) {
		if (emit_reloc(c, from, r, to, r->offset - start + to_start))
			return -1;
	}
	return 0;
}

/*
 * Tables of data the module loader finds by section name: a copy of a
 * dynamic debug descriptor (a pr_debug whose text or line changed) must
 * land in the module's __dyndbg (named __verbose in older kernels), or
 * dynamic debug never learns of it.
 */
static bool keeps_section_name(const struct section *sec)
{
	return !strcmp(sec->name, "__dyndbg") || !strcmp(sec->name, "__verbose");
}

static char *clone_section_name(const struct symbol *sym)
{
	const struct section *sec = sym->sec;
	const char *prefix;

	/* The template finds callbacks by their section's name. */
	if ((sec->nr_syms == 1 && sym->sym.st_value == 0 && sym->sym.st_size == sec->size) ||
	    is_callback_section(sec) || keeps_section_name(sec))
		return xstrdup(sec->name);
	if (sec_is_text(sec))
		prefix = ".text";
	else if (sec->sh.sh_type == SHT_NOBITS)
		prefix = ".bss";
	else
		prefix = sec_is_writable(sec) ? ".data" : ".rodata";
	return xasprintf("%s.%s", prefix, sym->name);
}

/*
 * The bytes right before a function are part of it on kernels built
 * with call padding (CONFIG_CALL_PADDING, Linux 6.2 and later x86_64
 * with IBT, call depth tracking or FineIBT: Debian's 6.12): gcc's
 * -fpatchable-function-entry=16,16 puts 16 NOPs there, which the kernel
 * rewrites at boot (call depth accounting thunks, FineIBT's hash check)
 * and may send calls to, and which objtool names __pfx_NAME. They are
 * kept in front of the copy. Kernels without call padding (6.1) have
 * none, and nothing is added.
 */

static uint64_t func_padding(const struct symbol *sym)
{
	uint64_t start = sym->sym.st_value, i;

	if (sym->type != STT_FUNC || !sym->sec || !sym->sec->data ||
	    start < FUNC_PADDING_BYTES)
		return 0;
	for (i = start - FUNC_PADDING_BYTES; i < start; i++) {
		if (sym->sec->data[i] != 0x90)
			return 0;
	}
	return FUNC_PADDING_BYTES;
}

static void clone_symbol(struct cdo *c, struct symbol *sym)
{
	const struct section *from = sym->sec;
	char *name = clone_section_name(sym);
	uint64_t pad = func_padding(sym);
	const void *bytes = from->data ? from->data + sym->sym.st_value - pad : NULL;
	struct section *sec;
	unsigned char bind = sym->bind;

	sec = elf_add_section(c->out, name, from->sh.sh_type, from->sh.sh_flags,
			      from->sh.sh_addralign, from->sh.sh_entsize, bytes,
			      sym->sym.st_size + pad);
	free(name);
	if (sym->status == DIFF_CHANGED || sym->parent)
		bind = STB_LOCAL;
	sym->clone = elf_add_symbol(c->out, sym->name, bind, sym->type, sec, pad,
				    sym->sym.st_size);
	sym->clone->sym.st_other = sym->sym.st_other;
}

static void clone_section(struct cdo *c, struct section *from)
{
	from->clone = elf_add_section(c->out, from->name, from->sh.sh_type,
				      from->sh.sh_flags, from->sh.sh_addralign,
				      from->sh.sh_entsize, from->data, from->size);
}

/* Relocations of the pieces the output uses; code of the others becomes int3. */
static int emit_section_relocs(struct cdo *c, struct section *sec)
{
	uint64_t covered = 0;
	size_t i;

	if (sec->include_whole || !sec->nr_ref_offsets)
		return emit_relocs(c, sec, 0, sec->size, sec->clone, 0);
	for (i = 0; i < sec->nr_ref_offsets; i++) {
		uint64_t start = sec->ref_offsets[i], end = piece_end(sec, start);

		if (!sec->piece_used[i])
			continue;
		if (sec_is_text(sec) && sec->clone->data && start > covered)
			memset(sec->clone->data + covered, 0xcc, start - covered);
		covered = end;
		if (emit_relocs(c, sec, start, end, sec->clone, start))
			return -1;
	}
	if (sec_is_text(sec) && sec->clone->data && sec->size > covered)
		memset(sec->clone->data + covered, 0xcc, sec->size - covered);
	return 0;
}

static int clone_all(struct cdo *c)
{
	struct symbol *s;
	struct section *sec;

	for_each_sym(c->patched, s) {
		if (s->include)
			clone_symbol(c, s);
	}
	clone_aliases(c);
	for_each_sec(c->patched, sec) {
		if (sec->include)
			clone_section(c, sec);
	}
	for_each_sym(c->patched, s) {
		if (s->include && emit_relocs(c, s->sec, s->sym.st_value,
					      s->sym.st_value + s->sym.st_size,
					      s->clone->sec, s->clone->sym.st_value))
			return -1;
	}
	for_each_sec(c->patched, sec) {
		if (sec->include && emit_section_relocs(c, sec))
			return -1;
	}
	return 0;
}

/* A callback's objname is left NULL by the source: it is the object being patched. */
static void name_callback_objects(struct cdo *c)
{
	size_t field = offsetof(struct klp_build_callback, objname);
	struct symbol *p;

	for_each_sym(c->patched, p) {
		struct reloc *r;
		size_t nr;

		if (!p->include || p->type != STT_OBJECT || !is_callback_section(p->sec) ||
		    p->sym.st_size < sizeof(struct klp_build_callback))
			continue;
		elf_range_relocs(p->sec, p->sym.st_value + field, p->sym.st_value + field + 8, &r, &nr);
		if (!nr)
			add_pointer(c, p->clone->sec, field, elf_section_symbol(c->meta_strtab),
				    meta_string(c, c->objname));
	}
}

static int emit_funcs(struct cdo *c)
{
	struct symbol *strsec = elf_section_symbol(c->meta_strtab);
	struct symbol *p;

	for_each_sym(c->patched, p) {
		struct klp_build_func rec = { 0 };
		unsigned long pos = 0;
		uint64_t at;

		if (!p->include || p->status != DIFF_CHANGED || p->type != STT_FUNC || p->parent ||
		    p->by_callers)
			continue;
		if (target_sympos(c->kernel_syms, c->orig, p->twin, &pos))
			return -1;
		rec.sympos = pos;
		elf_sec_append(c->meta_funcs, &rec, sizeof(rec), 8, &at);
		add_pointer(c, c->meta_funcs, at + offsetof(struct klp_build_func, new_func),
			    p->clone, 0);
		add_pointer(c, c->meta_funcs, at + offsetof(struct klp_build_func, old_name),
			    strsec, meta_string(c, p->twin->name));
		add_pointer(c, c->meta_funcs, at + offsetof(struct klp_build_func, objname),
			    strsec, meta_string(c, c->objname));
	}
	return 0;
}

static void create_meta_sections(struct cdo *c)
{
	/* Allocated: the module template reads function names at run time. */
	c->meta_strtab = elf_add_section(c->out, KLP_STRTAB_SEC, SHT_PROGBITS,
					 SHF_ALLOC, 1, 0, NULL, 0);
	c->meta_funcs = elf_add_section(c->out, KLP_FUNCS_SEC, SHT_PROGBITS,
					SHF_ALLOC, 8, sizeof(struct klp_build_func), NULL, 0);
	strtab_init(&c->meta_strings, true);
}

/* The strings the records point at, into their section once all are known. */
static void fill_meta_strtab(struct cdo *c)
{
	size_t len;
	char *buf = strtab_take(&c->meta_strings, &len);

	if (len)
		elf_sec_append(c->meta_strtab, buf, len, 1, NULL);
	free(buf);
}

int emit(struct cdo *c)
{
	c->out = elf_new(c->out_path, &c->patched->ehdr);
	if (c->orig->file_name)
		elf_add_symbol(c->out, c->orig->file_name, STB_LOCAL, STT_FILE, NULL, 0, 0)
			->sym.st_shndx = SHN_ABS;
	create_meta_sections(c);
	if (clone_all(c) || emit_special(c) || emit_funcs(c) || check_func_addresses(c))
		return -1;
	name_callback_objects(c);
	emit_modinfo(c);
	fill_meta_strtab(c);
	elf_add_section(c->out, ".note.GNU-stack", SHT_PROGBITS, 0, 1, 0, NULL, 0);
	return elf_write(c->out, c->out_path);
}

void free_emit(struct cdo *c)
{
	size_t i;

	strtab_free(&c->meta_strings);
	for (i = 0; i < c->nr_klp_names; i++)
		free(c->klp_names[i]);
	free(c->klp_names);
	for (i = 0; i < c->nr_import_ns; i++)
		free(c->import_ns[i]);
	free(c->import_ns);
	elf_free(c->out);
}
