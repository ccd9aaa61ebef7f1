// SPDX-License-Identifier: GPL-2.0
/*
 * --finalize: each record of .klp_build.relocs (support-templates/klp-records.h) says
 * "relocate this place against this klp symbol". After the module's
 * link the place is wherever ld put it, read back through the record's
 * own relocation; it becomes a .klp.rela entry and the records go.
 */
#include <stdlib.h>
#include <string.h>

#include "klp-convert.h"
#include "klp-records.h"
#include "klp-rela.h"
#include "util.h"

static int finalize_one(struct convert *cv, const struct section *recs, size_t i)
{
	uint64_t at = i * sizeof(struct klp_build_reloc);
	const struct reloc *place = elf_reloc_at(recs->rela, at + offsetof(struct klp_build_reloc, place));
	const struct reloc *name = elf_reloc_at(recs->rela, at + offsetof(struct klp_build_reloc, symname));
	const struct reloc *obj = elf_reloc_at(recs->rela, at + offsetof(struct klp_build_reloc, objname));
	struct klp_build_reloc rec;
	const char *klpname, *relaobj = NULL;
	uint64_t where;

	if (!place || !name || !place->sym->sec) {
		err_msg(cv->obj->path, "%s: record %zu has no place or name; the module is corrupt, rebuild it",
			KLP_RELOCS_SEC, i);
		return -1;
	}
	klpname = klp_record_string(cv->obj, KLP_RELOCS_SEC, name);
	if (!klpname)
		return -1;
	if (obj) {
		relaobj = klp_record_string(cv->obj, KLP_RELOCS_SEC, obj);
		if (!relaobj)
			return -1;
	}
	if (place_add_overflows(place->sym->sym.st_value, place->addend, &where)) {
		err_msg(cv->obj->path, "%s: record %zu places its relocation before the start of %s; the module is corrupt, rebuild it",
			KLP_RELOCS_SEC, i, place->sym->sec->name);
		return -1;
	}
	memcpy(&rec, recs->data + at, sizeof(rec));
	cv->converted++;
	return klp_add_reloc(cv->obj, place->sym->sec, where, rec.type, klpname, relaobj, rec.addend);
}

int finalize_records(struct convert *cv)
{
	struct section *recs = elf_find_section(cv->obj, KLP_RELOCS_SEC);
	size_t i, nr;

	if (!recs)
		return 0;
	if (!recs->rela || !recs->data || recs->size % sizeof(struct klp_build_reloc)) {
		err_msg(cv->obj->path, "%s: malformed record section; the module is corrupt, rebuild it",
			KLP_RELOCS_SEC);
		return -1;
	}
	elf_sort_relocs(recs->rela);
	nr = recs->size / sizeof(struct klp_build_reloc);
	for (i = 0; i < nr; i++) {
		if (finalize_one(cv, recs, i))
			return -1;
	}
	elf_remove_section(recs);
	return 0;
}
