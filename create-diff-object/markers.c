// SPDX-License-Identifier: GPL-2.0
/*
 * What the patch author marks in the source with the support header
 * (support-templates/klp-macros.h): functions and sections the differ
 * must leave out, and patch callbacks, which nothing calls but the
 * module template. kpatch's section names are read too, so patches
 * written for kpatch-build work unchanged.
 */
#include <string.h>

#include "cdo.h"
#include "klp-records.h"
#include "util.h"

static const char *const ignore_functions[] = {
	".klp_build.ignore.functions", ".kpatch.ignore.functions",
};
static const char *const ignore_sections[] = {
	".klp_build.ignore.sections", ".kpatch.ignore.sections",
};

bool is_marker_section(const struct section *sec)
{
	return str_starts(sec->name, ".klp_build.") || str_starts(sec->name, ".kpatch.");
}

bool is_callback_section(const struct section *sec)
{
	return str_starts(sec->name, KLP_CALLBACKS_PREFIX) ||
	       str_starts(sec->name, ".kpatch.callbacks.");
}

static bool named_in(const char *name, const char *const *names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!strcmp(name, names[i]))
			return true;
	}
	return false;
}

static void ignore_symbol(struct symbol *sym, const char *why)
{
	if (sym->ignored)
		return;
	sym->ignored = sym->status != DIFF_SAME;
	debug_msg("markers: %s ignored (%s)", sym->name, why);
	sym->status = DIFF_SAME;
	if (sym->twin)
		sym->twin->status = DIFF_SAME;
}

static void ignore_section(struct cdo *c, const char *name)
{
	struct symbol *s;

	for_each_sym(c->patched, s) {
		if (s->sec && (s->type == STT_FUNC || s->type == STT_OBJECT) &&
		    !strcmp(s->sec->name, name))
			ignore_symbol(s, name);
	}
}

/* Each entry of an ignore section points at a function, or at a section's name. */
static void apply_ignores(struct cdo *c, struct section *sec, bool functions)
{
	const struct reloc *r;

	if (!sec->rela)
		return;
	rela_for_each_reloc(sec->rela, r) {
		struct reloc_dest t;

		resolve_dest(sec, r, &t);
		if (functions && t.kind == DEST_SYMBOL && t.sym->type == STT_FUNC)
			ignore_symbol(t.sym, sec->name);
		else if (!functions && t.kind == DEST_STRING && t.sec->data &&
			 t.off >= 0 && (uint64_t)t.off < t.sec->size &&
			 memchr(t.sec->data + t.off, 0, t.sec->size - t.off))
			ignore_section(c, (const char *)t.sec->data + t.off);
	}
}

void apply_markers(struct cdo *c)
{
	size_t n = sizeof(ignore_functions) / sizeof(ignore_functions[0]);
	struct section *sec;

	for_each_sec(c->patched, sec) {
		if (named_in(sec->name, ignore_functions, n))
			apply_ignores(c, sec, true);
		else if (named_in(sec->name, ignore_sections, n))
			apply_ignores(c, sec, false);
	}
}
