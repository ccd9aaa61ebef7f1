// SPDX-License-Identifier: GPL-2.0
/*
 * --debug's source lines: where a changed function first differs, in
 * file:line terms, from the patched object's DWARF (libdwfl lays out
 * and relocates the sections of a relocatable object).  Objects built
 * without -g have no line table: the caller then prints the offset only.
 */
#include <elfutils/libdwfl.h>
#include <string.h>

#include "cdo.h"

static Dwfl *dwfl;
static Dwfl_Module *module;
static bool tried;

static const Dwfl_Callbacks callbacks = {
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
};

static bool open_dwarf(const char *path)
{
	if (tried)
		return module;
	tried = true;
	dwfl = dwfl_begin(&callbacks);
	if (!dwfl)
		return false;
	module = dwfl_report_offline(dwfl, path, path, -1);
	if (dwfl_report_end(dwfl, NULL, NULL) || !module) {
		module = NULL;
		return false;
	}
	return true;
}

/* The address libdwfl gave @sym, a symbol of section index @shndx. */
static bool symbol_address(const struct symbol *sym, GElf_Addr *addr)
{
	int i, n = dwfl_module_getsymtab(module);

	for (i = 1; i < n; i++) {
		GElf_Sym s;
		GElf_Word shndx;
		const char *name = dwfl_module_getsym_info(module, i, &s, addr, &shndx,
							   NULL, NULL);

		if (name && shndx == sym->sec->idx && !strcmp(name, sym->name))
			return true;
	}
	return false;
}

/* "file:line" of @sym + @off in @path, or NULL when there is no line table. */
const char *source_line(const char *path, const struct symbol *sym, uint64_t off)
{
	static char buf[512];
	GElf_Addr addr;
	Dwfl_Line *line;
	const char *file;
	int lineno;

	if (!open_dwarf(path) || !symbol_address(sym, &addr))
		return NULL;
	line = dwfl_module_getsrc(module, addr + off);
	if (!line)
		return NULL;
	file = dwfl_lineinfo(line, NULL, &lineno, NULL, NULL, NULL);
	if (!file)
		return NULL;
	snprintf(buf, sizeof(buf), "%s:%d", file, lineno);
	return buf;
}

void close_source_lines(void)
{
	if (dwfl)
		dwfl_end(dwfl);
	dwfl = NULL;
	module = NULL;
	tried = false;
}
