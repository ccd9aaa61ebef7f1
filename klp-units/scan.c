// SPDX-License-Identifier: GPL-2.0
/*
 * One debug file's compilation units, through libdwfl: it lays out and
 * relocates a module's sections (a .ko's .debug_info refers to its
 * strings through relocations), as it does vmlinux's.
 *
 * What a unit uses of a header: every file of its line table, and every
 * function defined in another file than the unit's own that has a
 * subprogram entry in it (an inlined function's abstract instance, or
 * an out-of-line copy). That the entries miss no unit a change to such
 * a function alters is checked, not assumed: tests/distro-header-units.sh
 * compares the choice with a rebuild of every unit naming the header.
 */
#include <dwarf.h>
#include <elfutils/libdwfl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "klp-units.h"
#include "util.h"

static const Dwfl_Callbacks callbacks = {
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
};

/*
 * @path with "." and empty components dropped and "DIR/.." folded
 * (kbuild's include paths give "dvm/../iwl-io.h"), in place: a patch
 * names a header by its plain tree-relative path. A ".." that climbs
 * above the start stays.
 */
void normalize_path(char *path)
{
	char out[PATH_MAX];
	size_t start[PATH_MAX / 2], depth = 0, len = 0, up = 0;	/* up: leading ".." kept */
	const char *in = path;
	bool absolute = path[0] == '/';

	while (*in) {
		const char *end = strchrnul(in, '/');
		size_t n = (size_t)(end - in);

		if (n == 2 && !strncmp(in, "..", 2) && depth > up) {
			len = start[--depth];
		} else if (n && !(n == 1 && in[0] == '.') && len + n + 1 < sizeof(out) &&
			   depth < PATH_MAX / 2) {
			if (n == 2 && !strncmp(in, "..", 2))
				up++;
			start[depth++] = len;
			if (len)
				out[len++] = '/';
			memcpy(out + len, in, n);
			len += n;
		}
		in = *end ? end + 1 : end;
	}
	out[len] = '\0';
	snprintf(path, strlen(path) + 1, "%s%s", absolute ? "/" : "", out);
}

/* The tree-relative form of a path of the unit's line table, in @buf. */
static const char *tree_path(const char *path, const char *comp_dir, char *buf, size_t size)
{
	size_t n = comp_dir ? strlen(comp_dir) : 0;

	if (n && !strncmp(path, comp_dir, n) && path[n] == '/')
		path += n + 1;
	snprintf(buf, size, "%s", path);
	normalize_path(buf);
	return buf;
}

static void add_files(struct units_index *ix, Dwarf_Die *cu, const char *comp_dir, uint32_t id)
{
	Dwarf_Files *files;
	size_t i, n;

	if (dwarf_getsrcfiles(cu, &files, &n))
		return;
	for (i = 0; i < n; i++) {
		const char *f = dwarf_filesrc(files, i, NULL, NULL);
		char buf[PATH_MAX];

		if (f)
			index_add_use(ix, tree_path(f, comp_dir, buf, sizeof(buf)), UNITS_ANY, id);
	}
}

/* A function defined (not only declared) outside the unit's own file. */
static void add_function(struct units_index *ix, Dwarf_Die *die, const char *comp_dir,
			 const char *source, uint32_t id)
{
	Dwarf_Attribute a;
	const char *name, *file;
	char buf[PATH_MAX];
	bool decl = false;

	if (dwarf_formflag(dwarf_attr_integrate(die, DW_AT_declaration, &a), &decl) == 0 && decl)
		return;
	name = dwarf_diename(die);
	file = dwarf_decl_file(die);
	if (!name || !file)
		return;
	file = tree_path(file, comp_dir, buf, sizeof(buf));
	if (strcmp(file, source))
		index_add_use(ix, file, name, id);
}

static void add_unit(struct units_index *ix, Dwarf_Die *cu, const char *object)
{
	Dwarf_Attribute a;
	const char *source = dwarf_diename(cu), *comp_dir;
	char buf[PATH_MAX];
	Dwarf_Die die;
	uint32_t id;
	size_t n;

	comp_dir = dwarf_formstring(dwarf_attr(cu, DW_AT_comp_dir, &a));
	if (!source)
		return;
	source = tree_path(source, comp_dir, buf, sizeof(buf));
	/* Assembly units define no C function a header change reaches. */
	n = strlen(source);
	if (n < 3 || strcmp(source + n - 2, ".c"))
		return;
	id = index_add_unit(ix, object, source);
	add_files(ix, cu, comp_dir, id);
	if (dwarf_child(cu, &die))
		return;
	do {
		if (dwarf_tag(&die) == DW_TAG_subprogram)
			add_function(ix, &die, comp_dir, source, id);
	} while (dwarf_siblingof(&die, &die) == 0);
}

static int scan_units(struct units_index *ix, Dwarf *dw, const char *object)
{
	Dwarf_CU *cu = NULL;
	Dwarf_Die cudie, subdie;
	uint8_t type;

	while (dwarf_get_units(dw, cu, &cu, NULL, &type, &cudie, &subdie) == 0) {
		if (type == DW_UT_compile)
			add_unit(ix, &cudie, object);
	}
	return 0;
}

int scan_debug_file(struct units_index *ix, const char *path, const char *object)
{
	Dwfl *dwfl = dwfl_begin(&callbacks);
	Dwfl_Module *mod;
	Dwarf_Addr bias;
	Dwarf *dw;
	int ret = -1;

	if (!dwfl) {
		err_msg(path, "libdwfl: %s; check the memory free", dwfl_errmsg(-1));
		return -1;
	}
	mod = dwfl_report_offline(dwfl, path, path, -1);
	if (dwfl_report_end(dwfl, NULL, NULL) || !mod) {
		err_msg(path, "cannot read as ELF: %s; give a debug file of the -dbg package",
			dwfl_errmsg(-1));
		goto out;
	}
	dw = dwfl_module_getdwarf(mod, &bias);
	if (!dw) {
		err_msg(path, "no DWARF: %s; give a debug file of the -dbg package (built with -g)",
			dwfl_errmsg(-1));
		goto out;
	}
	ret = scan_units(ix, dw, object);
out:
	dwfl_end(dwfl);
	return ret;
}
