// SPDX-License-Identifier: GPL-2.0
/*
 * The manifest document: its fields in the order klp-build(1)'s schema
 * gives, from the options and, for a built module, the module itself
 * (module.c says what the module holds).
 */
#include <libgen.h>
#include <stdlib.h>
#include <string.h>

#include "klp-manifest.h"
#include "klp-rela.h"
#include "util.h"

static struct json_object *string_or_null(const char *s)
{
	return s ? json_text(s) : NULL;
}

/* The file's base name: manifests of builds in other directories compare equal. */
static struct json_object *base_name(const char *path)
{
	char *copy = xstrdup(path);
	struct json_object *s = json_text(basename(copy));

	free(copy);
	return s;
}

static struct json_object *patches_array(const struct options *o)
{
	struct json_object *arr = json_object_new_array(), *p;
	char hex[65];
	uint64_t size;
	size_t i;

	for (i = 0; i < o->nr_patches; i++) {
		if (sha256_file(o->patches[i], hex, &size)) {
			json_object_put(arr);
			return NULL;
		}
		p = json_object_new_object();
		json_object_object_add(p, "file", base_name(o->patches[i]));
		json_object_object_add(p, "sha256", json_text(hex));
		json_object_array_add(arr, p);
	}
	return arr;
}

static struct json_object *module_entry(const struct options *o, const struct elf_obj *obj)
{
	struct json_object *m;
	char hex[65];
	uint64_t size;

	if (sha256_file(o->module, hex, &size))
		return NULL;
	m = json_object_new_object();
	json_object_object_add(m, "file", base_name(o->module));
	json_object_object_add(m, "name", string_or_null(modinfo_get(obj, "name")));
	json_object_object_add(m, "vermagic", string_or_null(modinfo_get(obj, "vermagic")));
	json_object_object_add(m, "replace", json_object_new_boolean(!o->no_replace));
	json_object_object_add(m, "size", json_object_new_uint64(size));
	json_object_object_add(m, "sha256", json_text(hex));
	return m;
}

static struct json_object *strings_array(const char **s, size_t n)
{
	struct json_object *arr = json_object_new_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_object_array_add(arr, json_text(s[i]));
	return arr;
}

/* The line create-diff-object printed: the reason, then what to do. */
static struct json_object *message(const struct refusal *f)
{
	char *text = xasprintf("%s; %s", f->reason, f->advice);
	struct json_object *j = json_text(text);

	free(text);
	return j;
}

static struct json_object *refusals_array(const struct options *o)
{
	struct json_object *arr = json_object_new_array(), *r;
	size_t i;

	for (i = 0; i < o->nr_refusals; i++) {
		const struct refusal *f = &o->refusals[i];

		r = json_object_new_object();
		json_object_object_add(r, "object", string_or_null(*f->objname ? f->objname : NULL));
		json_object_object_add(r, "file", string_or_null(*f->file ? f->file : NULL));
		json_object_object_add(r, "symbol", string_or_null(*f->symbol ? f->symbol : NULL));
		json_object_object_add(r, "message", *f->advice ? message(f) : json_text(f->reason));
		json_object_object_add(r, "reason", json_text(f->reason));
		json_object_object_add(r, "advice", string_or_null(*f->advice ? f->advice : NULL));
		json_object_array_add(arr, r);
	}
	return arr;
}

/* Null unless the build failed: where, why, and what the failing step said. */
static struct json_object *failure_entry(const struct options *o)
{
	struct json_object *f;

	if (!o->fail_phase)
		return NULL;
	f = json_object_new_object();
	json_object_object_add(f, "phase", json_text(o->fail_phase));
	json_object_object_add(f, "message", json_text(o->fail_message));
	json_object_object_add(f, "output", strings_array(o->fail_output, o->nr_fail_output));
	return f;
}

/* Fields in a fixed order: json-c keeps insertion order. */
struct json_object *manifest_document(const struct options *o, struct elf_obj *obj)
{
	struct json_object *doc = json_object_new_object(), *tool, *kernel, *part;

	json_object_object_add(doc, "schema_version", json_object_new_int(SCHEMA_VERSION));
	json_object_object_add(doc, "status", json_text(o->status));
	tool = json_object_new_object();
	json_object_object_add(tool, "name", json_text("klp-build"));
	json_object_object_add(tool, "version", string_or_null(o->tool_version));
	json_object_object_add(doc, "tool", tool);
	kernel = json_object_new_object();
	json_object_object_add(kernel, "release", string_or_null(o->kernel_release));
	json_object_object_add(kernel, "build_id",
			       string_or_null(*o->kernel_build_id ? o->kernel_build_id : NULL));
	json_object_object_add(doc, "kernel", kernel);
	part = obj ? module_entry(o, obj) : NULL;
	if (obj && !part)
		goto fail;
	json_object_object_add(doc, "module", part);
	part = patches_array(o);
	if (!part)
		goto fail;
	json_object_object_add(doc, "patches", part);
	part = obj ? module_objects(obj, o->news, o->nr_news, o->notes, o->nr_notes) :
		     considered_objects(o->objects, o->nr_objects);
	if (!part)
		goto fail;
	json_object_object_add(doc, "objects", part);
	json_object_object_add(doc, "warnings", strings_array(o->warnings, o->nr_warnings));
	json_object_object_add(doc, "refusals", refusals_array(o));
	json_object_object_add(doc, "failure", failure_entry(o));
	json_object_object_add(doc, "build_seconds", json_object_new_int64(o->build_seconds));
	return doc;
fail:
	json_object_put(doc);
	return NULL;
}
