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
