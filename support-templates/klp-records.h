/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Records create-diff-object leaves in its output for the steps after
 * the module's link.
 *
 * Why records and not .klp.rela/.klp.sym directly: the differ's output
 * is linked into the livepatch module by kbuild. `ld -r` merges every
 * SHT_RELA section into the relocations of its target, so a
 * .klp.rela.<obj>.<sec> section would not survive as its own section,
 * and modpost rejects the undefined .klp.sym symbols as unresolved.
 * So references that the livepatch core must resolve are written as
 * records here, with their bytes left zero and no normal relocation;
 * after the link, the post-link step (klp-convert --finalize, the same
 * code as the standalone klp-convert) turns each record into a
 * SHN_LIVEPATCH symbol and a SHF_RELA_LIVEPATCH relocation, as
 * Documentation/livepatch/module-elf-format.rst specifies.
 *
 * Every pointer-like field is a 64-bit word with an R_X86_64_64
 * relocation, so the records stay right however the link merges
 * sections. The layouts are those of the module template's C structs.
 */
#ifndef KLP_RECORDS_H
#define KLP_RECORDS_H

/*
 * Compiled twice: by the tools (64-bit words) and by the module template
 * in the kernel (pointers). x86_64 only, where both have one layout.
 */
#ifdef __KERNEL__
#include <linux/types.h>
#define KLP_PTR(type, name)	type name
#else
#include <stdint.h>
#define KLP_PTR(type, name)	uint64_t name
#endif

#define KLP_FUNCS_SEC	".klp_build.funcs"
#define KLP_RELOCS_SEC	".klp_build.relocs"
#define KLP_STRTAB_SEC	".klp_build.strtab"
#define KLP_SYMPOS_SEC	".klp_build.sympos"

/* One per patched (changed) function: what klp_func needs. */
struct klp_build_func {
	KLP_PTR(void *, new_func);		/* the new function */
	KLP_PTR(const char *, old_name);	/* its name in the running kernel */
	KLP_PTR(const char *, objname);		/* "vmlinux" or the module's name */
	uint64_t sympos;
};

/* One per reference that becomes a klp relocation. */
struct klp_build_reloc {
	KLP_PTR(void *, place);			/* where the relocation applies */
	KLP_PTR(const char *, symname);		/* ".klp.sym.<obj>.<name>,<pos>" */
	int64_t addend;
	uint32_t type;				/* x86_64 relocation type */
	uint32_t reserved;
	/*
	 * The object whose .klp.rela section takes it, when it is not the
	 * symbol's: a module's call to another module's export is resolved
	 * when the calling module loads (NULL: the symbol's object).
	 */
	KLP_PTR(const char *, objname);
};

/*
 * One per KLP_*_CALLBACK() of klp-macros.h, in .klp_build.callbacks.<kind>.
 * The source leaves objname NULL; create-diff-object points it at the
 * object the callback's file belongs to.
 */
struct klp_build_callback {
	KLP_PTR(void *, fn);
	KLP_PTR(const char *, objname);
};

#define KLP_CALLBACKS_PREFIX	".klp_build.callbacks."

/*
 * One per KLP_STATE() of klp-macros.h: a system state the patch
 * declares (Documentation/livepatch/system-state.rst). It lives under
 * the callbacks' prefix because, like a callback, nothing references it
 * but the template: the differ carries every record there into its
 * output as is (and fills objname, which the template ignores). The
 * template builds klp_patch.states from these and points each slot at
 * its entry before enabling the patch.
 */
struct klp_build_state {
	KLP_PTR(void *, slot);			/* struct klp_state ** of the patch */
	KLP_PTR(const char *, objname);		/* set by the differ; unused */
	uint64_t id;
	uint64_t version;
};

#define KLP_STATES_SEC		".klp_build.callbacks.states"

/*
 * One per KLP_SYMPOS() of the support header: which of several symbols
 * of a name a hand-written livepatch module means (read by klp-convert).
 */
struct klp_build_sympos {
	KLP_PTR(const char *, name);		/* the symbol's name */
	KLP_PTR(const char *, objname);		/* "vmlinux" or the module's name */
	uint64_t pos;				/* its position, as kallsyms counts */
};

#endif
