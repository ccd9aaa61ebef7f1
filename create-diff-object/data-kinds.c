// SPDX-License-Identifier: GPL-2.0
/*
 * Which symbols and sections are data, and of which kind: comparison,
 * inclusion and emission treat read-only local data, per-call-site
 * descriptors and data sections each their own way.
 */
#include <string.h>

#include "cdo.h"

bool is_local_rodata(const struct symbol *sym)
{
	return sym->bind == STB_LOCAL && sym->type == STT_OBJECT && sym->sec &&
	       sec_is_alloc(sym->sec) && !sec_is_writable(sym->sec) &&
	       !sec_is_text(sym->sec);
}

/*
 * The state the kernel's macros keep per call site, as a function's
 * static local: DEFINE_RATELIMIT_STATE(_rs) of printk_ratelimited() and
 * its kin, DO_ONCE_LITE()'s __already_done, RCU_LOCKDEP_WARN()'s
 * __warned, and the lockdep class key (__key) of spin_lock_init(),
 * init_waitqueue_head() and the like (of size 0 without lockdep).  A
 * module holds many of one name, size and contents, which nothing in a
 * stripped module tells apart: there the patched call site takes a fresh
 * copy instead (include.c), as a new call site would (at worst it prints
 * once more, or lockdep sees a new lock class).
 */
bool is_macro_state(const struct symbol *sym)
{
	static const char *const names[] = {
		"_rs", "__already_done", "__warned", "__print_once", "__key",
	};
	size_t i, len;
	const char *dot;

	if (sym->type != STT_OBJECT || sym->bind != STB_LOCAL || !sym->sec ||
	    !sec_is_writable(sym->sec))
		return false;
	dot = strchr(sym->name, '.');
	/* gcc names a function's static local NAME.N; a file-scope NAME is shared state. */
	if (!dot || !dot[1] || strspn(dot + 1, "0123456789") != strlen(dot + 1))
		return false;
	len = (size_t)(dot - sym->name);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i]) == len && !strncmp(sym->name, names[i], len))
			return true;
	return false;
}

/*
 * Dynamic debug descriptors: per call site, registered by whichever
 * module holds them. Their line numbers move with every edit above
 * them, and patched code takes its own copy, as a new call site would.
 */
bool is_callsite_data(const struct symbol *sym)
{
	return sym->type == STT_OBJECT && sym->sec &&
	       (!strcmp(sym->sec->name, "__dyndbg") || !strcmp(sym->sec->name, "__verbose"));
}

bool is_data_section(const struct section *sec)
{
	return sec_is_alloc(sec) && !sec_is_text(sec) && !sec_is_strings(sec) &&
	       (sec->sh.sh_type == SHT_PROGBITS || sec->sh.sh_type == SHT_NOBITS);
}
