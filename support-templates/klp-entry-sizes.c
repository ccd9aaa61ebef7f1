// SPDX-License-Identifier: GPL-2.0
/*
 * Entry sizes of the kernel's special sections, as this tree's headers
 * and config lay them out.  klp-build compiles this file once per tree
 * with the tree's own kbuild command; create-diff-object --entry-sizes
 * reads the object back: each symbol klp_entry_size.SECTION is an array
 * of as many bytes as one entry of SECTION.
 */
#include <linux/types.h>
#include <linux/version.h>
#include <linux/bug.h>
#include <linux/jump_label.h>
#include <linux/static_call_types.h>
#include <asm/alternative.h>
#include <asm/processor.h>
#include <asm/extable.h>
#include <asm/orc_types.h>
/* Linux 6.8 replaced paravirt patch sites with alternatives. */
#if defined(CONFIG_PARAVIRT) && LINUX_VERSION_CODE < KERNEL_VERSION(6, 8, 0)
#define KLP_HAVE_PARAINSTRUCTIONS
#include <asm/paravirt_types.h>
#endif

#define KLP_ENTRY_SIZE(id, sec, type)					\
	const char klp_entry_size_##id[sizeof(type)]			\
		__asm__("klp_entry_size." sec) __used = { 0 }

#ifdef CONFIG_GENERIC_BUG
KLP_ENTRY_SIZE(bug, "__bug_table", struct bug_entry);
#endif
#ifdef CONFIG_JUMP_LABEL
KLP_ENTRY_SIZE(jump, "__jump_table", struct jump_entry);
#endif
KLP_ENTRY_SIZE(ex, "__ex_table", struct exception_table_entry);
KLP_ENTRY_SIZE(alt, ".altinstructions", struct alt_instr);
#ifdef KLP_HAVE_PARAINSTRUCTIONS
KLP_ENTRY_SIZE(para, ".parainstructions", struct paravirt_patch_site);
#endif
KLP_ENTRY_SIZE(static_call, ".static_call_sites", struct static_call_site);
KLP_ENTRY_SIZE(orc, ".orc_unwind", struct orc_entry);
/* Tables of 32-bit place-relative offsets (objtool and asm). */
KLP_ENTRY_SIZE(orc_ip, ".orc_unwind_ip", s32);
KLP_ENTRY_SIZE(retpoline, ".retpoline_sites", s32);
KLP_ENTRY_SIZE(return, ".return_sites", s32);
KLP_ENTRY_SIZE(smp_locks, ".smp_locks", s32);
/* Absolute addresses of the __fentry__ calls (-mrecord-mcount). */
KLP_ENTRY_SIZE(mcount, "__mcount_loc", unsigned long);
