// SPDX-License-Identifier: GPL-2.0
/*
 * What the finished module says about itself. Patched functions come
 * from the .klp_build.funcs records the module keeps (the template
 * builds its klp_func tables from them at load), so the manifest lists
 * exactly what the kernel will patch; sizes come from the module's own
 * symbols, klp relocation symbols from its symbol table.
 */
#include <stdlib.h>
#include <string.h>

#include "klp-manifest.h"
#include "klp-records.h"
#include "klp-rela.h"
#include "util.h"

static struct json_object *new_object(const char *name)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "name", json_text(name));
	json_object_object_add(o, "changed_functions", json_object_new_array());
	json_object_object_add(o, "new_functions", json_object_new_array());
	json_object_object_add(o, "klp_symbols", json_object_new_array());
	return o;
}

static const char *name_of(struct json_object *o)
{
	struct json_object *name;

	return json_object_object_get_ex(o, "name", &name) ? json_object_get_string(name) : "";
}

/* Object @objname of @objs, added if new. */
static struct json_object *find_object(struct json_object *objs, const char *objname)
{
	struct json_object *o;
	size_t i;

	for (i = 0; i < json_object_array_length(objs); i++) {
		o = json_object_array_get_idx(objs, i);
		if (!strcmp(name_of(o), objname))
			return o;
	}
	o = new_object(objname);
	json_object_array_add(objs, o);
	return o;
}

/* The list @key of object @objname in @objs, adding the object if new. */
static struct json_object *object_list(struct json_object *objs, const char *objname,
				       const char *key)
{
	struct json_object *list;

	json_object_object_get_ex(find_object(objs, objname), key, &list);
	return list;
}

static struct json_object *function_entry(const char *name, const struct symbol *sym)
{
	struct json_object *f = json_object_new_object();

	json_object_object_add(f, "name", json_text(name));
	json_object_object_add(f, "size", json_object_new_uint64(sym->sym.st_size));
	return f;
}

static const struct reloc *record_field(const struct elf_obj *obj, const struct section *recs,
					size_t i, size_t field)
{
	const struct reloc *r = elf_reloc_at(recs->rela, i * sizeof(struct klp_build_func) + field);

	if (!r || !r->sym->sec)
		err_msg(obj->path, "%s: record %zu lacks a pointer; the module is corrupt, rebuild it",
			KLP_FUNCS_SEC, i);
	return r;
}

/* "through" and "aliases", where the differ said them (absent otherwise, as before them). */
static void add_notes(struct json_object *f, const char *objname, const char *name,
		      const struct func_note *notes, size_t nr_notes)
{
	struct json_object *aliases = NULL;
	size_t i;

	for (i = 0; i < nr_notes; i++) {
		if (strcmp(notes[i].objname, objname) || strcmp(notes[i].name, name))
			continue;
		if (notes[i].kind == FUNC_THROUGH) {
			json_object_object_add(f, "through", json_object_new_string(notes[i].value));
			continue;
		}
		if (!aliases) {
			aliases = json_object_new_array();
			json_object_object_add(f, "aliases", aliases);
		}
		json_object_array_add(aliases, json_object_new_string(notes[i].value));
	}
}

static int add_changed(const struct elf_obj *obj, const struct section *recs, size_t i,
		       struct json_object *objs, const struct func_note *notes, size_t nr_notes)
{
	const struct reloc *fn = record_field(obj, recs, i, offsetof(struct klp_build_func, new_func));
	const struct reloc *old = record_field(obj, recs, i, offsetof(struct klp_build_func, old_name));
	const struct reloc *on = record_field(obj, recs, i, offsetof(struct klp_build_func, objname));
	const char *old_name, *objname;
	const struct symbol *sym;
	uint64_t at;
	struct klp_build_func rec;
	struct json_object *f;

	if (!fn || !old || !on)
		return -1;
	old_name = klp_record_string(obj, KLP_FUNCS_SEC, old);
	objname = klp_record_string(obj, KLP_FUNCS_SEC, on);
	if (!old_name || !objname)
		return -1;
	sym = !fn->sym->sec || place_add_overflows(fn->sym->sym.st_value, fn->addend, &at) ? NULL :
	      elf_symbol_at(fn->sym->sec, at);
	if (!sym || sym->type != STT_FUNC) {
		err_msg(obj->path, "%s: the new version of %s is not a function symbol; the module is corrupt, rebuild it",
			KLP_FUNCS_SEC, old_name);
		return -1;
	}
	memcpy(&rec, recs->data + i * sizeof(rec), sizeof(rec));
	f = function_entry(old_name, sym);
	json_object_object_add(f, "sympos", json_object_new_uint64(rec.sympos));
	add_notes(f, objname, old_name, notes, nr_notes);
	json_object_array_add(object_list(objs, objname, "changed_functions"), f);
	return 0;
}

static int add_changed_functions(struct elf_obj *obj, struct json_object *objs,
				 const struct func_note *notes, size_t nr_notes)
{
	struct section *recs = elf_find_section(obj, KLP_FUNCS_SEC);
	size_t i, nr;

	if (!recs || !recs->data || recs->size % sizeof(struct klp_build_func) ||
	    (recs->size && !recs->rela)) {
		err_msg(obj->path, "no well-formed %s section: not a module klp-build made; give the .ko klp-build wrote",
			KLP_FUNCS_SEC);
		return -1;
	}
	nr = recs->size / sizeof(struct klp_build_func);
	if (nr)
		elf_sort_relocs(recs->rela);
	for (i = 0; i < nr; i++) {
		if (add_changed(obj, recs, i, objs, notes, nr_notes))
			return -1;
	}
	return 0;
}

static const struct symbol *function_named(const struct elf_obj *obj, const char *name)
{
	const struct symbol *sym;

	for (sym = elf_find_symbol(obj, name); sym; sym = elf_next_symbol_named(sym)) {
		if (sym->type == STT_FUNC && sym->sec)
			return sym;
	}
	return NULL;
}

static int add_new_functions(const struct elf_obj *obj, const struct new_func *news,
			     size_t nr_news, struct json_object *objs)
{
	const struct symbol *sym;
	size_t i;

	for (i = 0; i < nr_news; i++) {
		sym = function_named(obj, news[i].name);
		if (!sym) {
			err_msg(obj->path, "new function %s is not in the module; give the module the differ's output was linked into",
				news[i].name);
			return -1;
		}
		json_object_array_add(object_list(objs, news[i].objname, "new_functions"),
				      function_entry(news[i].name, sym));
	}
	return 0;
}

/* ".klp.sym.<obj>.<name>,<pos>" -> {name, sympos, symbol} under <obj>. */
static int add_klp_symbol(const struct elf_obj *obj, const char *klpname, struct json_object *objs)
{
	struct klp_sym_name ks;
	struct json_object *s;

	if (klp_parse_symbol(klpname, &ks)) {
		err_msg(obj->path, "%s: not a .klp.sym.OBJ.NAME,POS name; the module is corrupt, rebuild it",
			klpname);
		return -1;
	}
	s = json_object_new_object();
	json_object_object_add(s, "name", json_text_len(ks.name, ks.name_len));
	json_object_object_add(s, "sympos", json_object_new_uint64(ks.pos));
	json_object_object_add(s, "symbol", json_text(klpname));
	json_object_array_add(object_list(objs, ks.obj, "klp_symbols"), s);
	return 0;
}

static int add_klp_symbols(const struct elf_obj *obj, struct json_object *objs)
{
	const struct symbol *s;

	for_each_sym(obj, s) {
		if (str_starts(s->name, KLP_SYM_PREFIX) && add_klp_symbol(obj, s->name, objs))
			return -1;
	}
	return 0;
}

/* vmlinux first, then modules by name: the order does not depend on the link. */
static int compare_objects(const void *a, const void *b)
{
	const char *x = name_of(*(struct json_object *const *)a);
	const char *y = name_of(*(struct json_object *const *)b);
	int vx = !strcmp(x, "vmlinux"), vy = !strcmp(y, "vmlinux");

	return vx != vy ? vy - vx : strcmp(x, y);
}

struct json_object *module_objects(struct elf_obj *obj, const struct new_func *news,
				   size_t nr_news, const struct func_note *notes, size_t nr_notes)
{
	struct json_object *objs = json_object_new_array();

	if (add_changed_functions(obj, objs, notes, nr_notes) || add_new_functions(obj, news, nr_news, objs) ||
	    add_klp_symbols(obj, objs)) {
		json_object_put(objs);
		return NULL;
	}
	json_object_array_sort(objs, compare_objects);
	return objs;
}

struct json_object *considered_objects(const struct considered *c, size_t nr)
{
	struct json_object *objs = json_object_new_array(), *files, *o;
	size_t i;

	for (i = 0; i < nr; i++) {
		o = find_object(objs, c[i].objname);
		if (!json_object_object_get_ex(o, "files", &files)) {
			files = json_object_new_array();
			json_object_object_add(o, "files", files);
		}
		json_object_array_add(files, json_text(c[i].file));
	}
	json_object_array_sort(objs, compare_objects);
	return objs;
}
