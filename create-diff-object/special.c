// SPDX-License-Identifier: GPL-2.0
/*
 * Special sections: tables of fixed-size entries that point into code
 * (bug sites, jump labels, exception fixups, alternatives, ORC, mcount
 * call sites...). The output keeps exactly the entries that point into
 * included functions, so the module loader sets those up for the new
 * code, and drops the rest, which belong to code the patch leaves alone.
 *
 * Entry sizes are a property of the kernel (struct layouts of its
 * version and config), not of the object: the defaults are Linux 6.1
 * x86_64's, and --entry-size NAME=BYTES overrides them.
 */
#include <stdlib.h>
#include <string.h>

#include "cdo.h"
#include "util.h"

static const struct special_size defaults[] = {
	{ "__bug_table", 12 },		/* struct bug_entry, relative pointers */
	{ "__jump_table", 16 },		/* struct jump_entry */
	{ "__ex_table", 12 },		/* struct exception_table_entry */
	{ ".altinstructions", 12 },	/* struct alt_instr */
	{ ".parainstructions", 16 },	/* struct paravirt_patch_site */
	{ ".static_call_sites", 8 },	/* struct static_call_site */
	{ ".retpoline_sites", 4 },
	{ ".return_sites", 4 },
	{ ".call_sites", 4 },
	{ ".ibt_endbr_seal", 4 },
	{ ".smp_locks", 4 },
	{ "__mcount_loc", 8 },
	{ ".orc_unwind_ip", 4 },
	{ ".orc_unwind", 6 },		/* no relocations: follows .orc_unwind_ip */
	{ "__patchable_function_entries", 8 },
};

static size_t special_entry_size(const struct cdo *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->nr_sizes; i++) {
		if (!strcmp(c->sizes[i].name, name))
			return c->sizes[i].size;
	}
	for (i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++) {
		if (!strcmp(defaults[i].name, name))
			return defaults[i].size;
	}
	return 0;
}

/*
 * Jump labels have been 24 bytes of absolute pointers (before 5.x) and
 * 16 of relative ones since; the relocation type says which, where the
 * user did not.
 */
static size_t guess_size(const struct cdo *c, const struct section *sec, size_t size)
{
	size_t i;

	if (strcmp(sec->name, "__jump_table") || !sec->rela || !sec->rela->nr_relocs)
		return size;
	for (i = 0; i < c->nr_sizes; i++) {
		if (!strcmp(c->sizes[i].name, sec->name))
			return size;
	}
	return sec->rela->relocs[0].type == R_X86_64_64 ? 24 : 16;
}

/*
 * An entry is copied with the relocations inside it: one that straddles
 * two entries says the entry size is wrong, and would be written past
 * the end of the copy.
 */
static int check_entry_relocs(const struct cdo *c, const struct section *sec, size_t size)
{
	const struct reloc *r;

	rela_for_each_reloc(sec->rela, r) {
		if (r->offset % size + elf_reloc_width(r->type) <= size)
			continue;
		err_msg(c->patched->path, "check_entry_relocs: %s: the %d-byte relocation at offset 0x%llx crosses the end of an entry of %zu bytes; pass the kernel's entry size with --entry-size %s=BYTES",
			sec->name, elf_reloc_width(r->type), (unsigned long long)r->offset,
			size, sec->name);
		return -1;
	}
	return 0;
}

static int add_special(struct cdo *c, struct section *sec, size_t size)
{
	struct special *sp;

	size = guess_size(c, sec, size);
	if (check_entry_relocs(c, sec, size))
		return -1;
	/*
	 * The last entry may lack its tail padding (an asm-built table of
	 * 12-byte entries at a stride of 16): anything shorter than that is
	 * a wrong entry size.
	 */
	if (sec->size % size && sec->size % size < size / 2) {
		err_msg(c->patched->path, "%s: size %zu is not a multiple of its entry size %zu; pass the kernel's size with --entry-size %s=BYTES",
			sec->name, sec->size, size, sec->name);
		return -1;
	}
	sp = array_push(c->specials, c->nr_specials);
	sp->sec = sec;
	sp->entry_size = size;
	sp->nr_entries = (sec->size + size - 1) / size;
	sp->kept = xcalloc(sp->nr_entries, sizeof(*sp->kept));
	sp->left_out = xcalloc(sp->nr_entries, sizeof(*sp->left_out));
	if (!strcmp(sec->name, ".orc_unwind_ip")) {
		sp->pair = elf_find_section(c->patched, ".orc_unwind");
		sp->pair_size = special_entry_size(c, ".orc_unwind");
		if (!sp->pair || sp->pair->size / sp->pair_size != sp->nr_entries) {
			err_msg(c->patched->path, ".orc_unwind: does not match .orc_unwind_ip entry for entry; the object is corrupt, rebuild it");
			return -1;
		}
	}
	return 0;
}

static bool points_to_included(const struct section *sec, const struct reloc *r)
{
	struct reloc_dest t;

	resolve_dest(sec, r, &t);
	return t.kind == DEST_SYMBOL && t.sym->type == STT_FUNC && t.sym->include;
}

/*
 * An alloc table that is neither known nor named data, pointing into
 * included code.  .eh_frame (the vDSO's, built with unwind tables) is
 * read by no kernel unwinder: it is left out of the output like debug info.
 */
static int check_unknown(struct cdo *c, struct section *sec)
{
	const struct reloc *r;

	/* Nameless .rodata/.data pieces (switch tables) are data: copied whole. */
	if (!sec_is_alloc(sec) || sec_is_text(sec) || sec->nr_syms || !sec->rela ||
	    str_starts(sec->name, ".discard") || str_starts(sec->name, ".rodata") ||
	    str_starts(sec->name, ".data") || str_starts(sec->name, ".bss") ||
	    !strcmp(sec->name, ".eh_frame") || is_marker_section(sec))
		return 0;
	rela_for_each_reloc(sec->rela, r) {
		if (points_to_included(sec, r)) {
			err_msg(c->patched->path, "%s: unknown special section with entries for included code; pass its entry size with --entry-size %s=BYTES",
				sec->name, sec->name);
			return -1;
		}
	}
	return 0;
}

static bool refused_already(const struct cdo *c, const char *sym, const char *what)
{
	size_t i;

	for (i = 0; i < c->nr_refusals; i++) {
		if (!strcmp(c->refusals[i].symbol, sym) && !strcmp(c->refusals[i].reason, what))
			return true;
	}
	return false;
}

/*
 * runtime_const_ptr() and runtime_const_shift_right_32() (Linux 6.11+:
 * USER_PTR_MAX in access_ok(), the dcache hash): the code holds a
 * placeholder that the kernel overwrites at boot, in vmlinux only, from
 * the runtime_ptr_NAME and runtime_shift_NAME tables; modules never get
 * it (their headers read the variable instead). A copy of such code in a
 * livepatch would run with the placeholder. Each included function with
 * a site is refused; returns whether any was.
 */
static bool refuse_runtime_const(struct cdo *c, const struct section *sec)
{
	const char *name = strchr(sec->name + strlen("runtime_"), '_') + 1;
	const struct reloc *r;
	bool any = false;

	rela_for_each_reloc(sec->rela, r) {
		struct reloc_dest t;
		char *what;

		resolve_dest(sec, r, &t);
		if (t.kind != DEST_SYMBOL || t.sym->type != STT_FUNC || !t.sym->include)
			continue;
		any = true;
		what = xasprintf("uses the runtime constant %s (%s), which the kernel writes into vmlinux's code at boot and never into a module's",
				 name, sec->name);
		if (refused_already(c, t.sym->name, what)) {
			free(what);
			continue;
		}
		refuse(c, t.sym->name, what,
		       "a livepatch copy would run with the placeholder value: leave this function unchanged and change a caller or callee that does not use it");
	}
	return any;
}

static bool is_runtime_const(const struct section *sec)
{
	return sec->rela && (str_starts(sec->name, "runtime_ptr_") ||
			     str_starts(sec->name, "runtime_shift_"));
}

static int find_specials(struct cdo *c)
{
	struct section *sec;
	bool refused = false;

	for_each_sec(c->patched, sec) {
		size_t size;

		if (sec_is_rela(sec) || !strcmp(sec->name, ".orc_unwind"))
			continue;
		if (is_runtime_const(sec)) {
			refused |= refuse_runtime_const(c, sec);
			continue;
		}
		size = special_entry_size(c, sec->name);
		if (size && sec->rela && add_special(c, sec, size))
			return -1;
		if (!size && check_unknown(c, sec))
			return -1;
	}
	return refused ? -1 : 0;
}

static void entry_relocs(const struct special *sp, size_t i, struct reloc **first, size_t *nr)
{
	elf_range_relocs(sp->sec, i * sp->entry_size, (i + 1) * sp->entry_size, first, nr);
}

/*
 * The key of a jump label or static call site in a module's patched code,
 * when it is the module's own or another module's (a tracepoint of xfs
 * in xfs): its klp relocation is applied only when that module loads,
 * after the kernel has read the livepatch's tables (jump_label and
 * static_call's MODULE_STATE_COMING), where an unresolved key reads as
 * a pointer into the livepatch itself. NULL for vmlinux's exports.
 */
static const char *module_key(struct cdo *c, const struct special *sp, struct reloc *first,
			      size_t nr)
{
	size_t at = !strcmp(sp->sec->name, "__jump_table") ? 8 :
		    !strcmp(sp->sec->name, ".static_call_sites") ? 4 : 0;
	struct reloc_dest t;
	struct reloc *r;

	if (!at || !strcmp(c->objname, "vmlinux"))
		return NULL;
	for_each_reloc_in(first, nr, r) {
		const char *owner;

		if (r->offset % sp->entry_size != at)
			continue;
		resolve_dest(sp->sec, r, &t);
		/* In the livepatch itself: a dynamic debug descriptor's copy. */
		if (t.kind != DEST_SYMBOL || t.sym->include || needs_copy(c, t.sym))
			return NULL;
		owner = symvers_owner(c->symvers, t.sym->name);
		return t.sym->sec || !owner || strcmp(owner, "vmlinux") ? t.sym->name : NULL;
	}
	return NULL;
}

static const char *entry_user(const struct special *sp, struct reloc *first, size_t nr)
{
	struct reloc_dest t;
	struct reloc *r;

	for_each_reloc_in(first, nr, r) {
		resolve_dest(sp->sec, r, &t);
		if (t.kind == DEST_SYMBOL && t.sym->type == STT_FUNC && t.sym->include)
			return t.sym->name;
	}
	return "?";
}

/*
 * Left out: a static call site then calls through its trampoline, as
 * before the kernel optimizes it; a tracepoint's jump label stays off
 * (the event is not reported from the patched code). Any other jump
 * label would stay in its initial state: refused.
 */
static bool leave_out_module_key(struct cdo *c, struct special *sp, struct reloc *first,
				 size_t nr)
{
	const char *key = module_key(c, sp, first, nr);
	const char *user;

	if (!key)
		return false;
	user = entry_user(sp, first, nr);
	if (!strcmp(sp->sec->name, ".static_call_sites")) {
		debug_msg("special: %s: static call site of %s left out (key of module %s); it calls through the trampoline",
			  user, key, c->objname);
	} else if (!strncmp(key, "__tracepoint_", 13)) {
		warn_msg(c->patched->path, "%s: the tracepoint %s stays off in the patched code: its key is module %s's, which the kernel resolves only after the livepatch's jump labels are set up",
			 user, key + 13, c->objname);
	} else {
		refuse(c, user, xasprintf("uses the jump label %s, a key of module %s", key, c->objname),
		       "the kernel sets up the livepatch's jump labels before it resolves a module's symbols, so the branch would stay as compiled; test the key with static_key_enabled() instead");
	}
	return true;
}

static int keep_entries(struct cdo *c, struct special *sp, bool *progress)
{
	size_t i, refusals;
	int ret = 0;

	for (i = 0; i < sp->nr_entries; i++) {
		struct reloc *first, *r;
		size_t nr;

		if (sp->kept[i] || sp->left_out[i])
			continue;
		entry_relocs(sp, i, &first, &nr);
		for_each_reloc_in(first, nr, r) {
			sp->kept[i] = points_to_included(sp->sec, r);
			if (sp->kept[i])
				break;
		}
		if (!sp->kept[i])
			continue;
		refusals = c->nr_refusals;
		if (leave_out_module_key(c, sp, first, nr)) {
			sp->kept[i] = false;
			sp->left_out[i] = true;
			if (c->nr_refusals != refusals)
				ret = -1;
			continue;
		}
		*progress = true;
		ret |= include_relocs(c, sp->sec, first, nr, sp->sec->name);
	}
	return ret;
}

int include_special(struct cdo *c, bool *progress)
{
	size_t i;
	int ret = 0;

	if (!c->specials_found) {
		c->specials_found = true;
		if (find_specials(c))
			return -1;
	}
	for (i = 0; i < c->nr_specials; i++)
		ret |= keep_entries(c, &c->specials[i], progress);
	return ret;
}

static struct section *copy_header(struct cdo *c, const struct section *from)
{
	return elf_add_section(c->out, from->name, from->sh.sh_type, from->sh.sh_flags,
			       from->sh.sh_addralign, from->sh.sh_entsize, NULL, 0);
}

static size_t entry_bytes(const struct special *sp, size_t i)
{
	size_t left = sp->sec->size - i * sp->entry_size;

	return left < sp->entry_size ? left : sp->entry_size;
}

static int emit_one(struct cdo *c, struct special *sp)
{
	struct section *out = NULL, *pair = NULL;
	size_t i;

	for (i = 0; i < sp->nr_entries; i++) {
		uint64_t off;

		if (!sp->kept[i])
			continue;
		if (!out) {
			out = copy_header(c, sp->sec);
			if (sp->pair)
				pair = copy_header(c, sp->pair);
		}
		elf_sec_append(out, NULL, sp->entry_size, 1, &off);
		memcpy(out->data + off, sp->sec->data + i * sp->entry_size,
		       entry_bytes(sp, i));
		if (pair)
			elf_sec_append(pair, sp->pair->data + i * sp->pair_size, sp->pair_size, 1, NULL);
		if (emit_relocs(c, sp->sec, i * sp->entry_size, (i + 1) * sp->entry_size, out, off))
			return -1;
	}
	return 0;
}

int emit_special(struct cdo *c)
{
	size_t i;

	for (i = 0; i < c->nr_specials; i++) {
		if (emit_one(c, &c->specials[i]))
			return -1;
	}
	return 0;
}

void free_special(struct cdo *c)
{
	size_t i;

	for (i = 0; i < c->nr_specials; i++) {
		free(c->specials[i].kept);
		free(c->specials[i].left_out);
	}
	free(c->specials);
}
