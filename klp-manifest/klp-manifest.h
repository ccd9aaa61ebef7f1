/* SPDX-License-Identifier: GPL-2.0 */
/*
 * klp-manifest: the JSON description of a livepatch module klp-build
 * writes next to it (schema in klp-build(1)).
 *   main.c      the run: the kernel image's build id, the module, the document written
 *   options.c   the command line (one option table, lib/cli.h)
 *   sha256.c    the hashes of the module and the patches
 *   document.c  the JSON document, field by field
 *   output.c    the manifest file: checked against the inputs, written whole
 *   text.c      every string as valid UTF-8
 *   module.c    what the module itself says, or without one (a refused,
 *               no-change or failed build), the objects klp-build considered:
 *               its patched functions (.klp_build.funcs records), new
 *               functions, .klp.sym symbols, .modinfo
 */
#ifndef KLP_MANIFEST_H
#define KLP_MANIFEST_H

#include <json.h>
#include <stdbool.h>
#include <stdint.h>

#include "cli.h"
#include "elf-model.h"

#define SCHEMA_VERSION 1

/* text.c: a JSON string of @s, bytes that are not UTF-8 written as \xHH. */
struct json_object *json_text(const char *s);
struct json_object *json_text_len(const char *s, size_t len);

/* One new function of an object, as create-diff-object reported it. */
struct new_func {
	const char *objname;
	const char *name;
};

/*
 * What the differ said of changed function @name of @objname: @value is
 * the untraceable function it is patched for (FUNC_THROUGH), or another
 * name of its code (FUNC_ALIAS).
 */
enum func_note_kind { FUNC_THROUGH, FUNC_ALIAS };

struct func_note {
	enum func_note_kind kind;
	const char *objname;
	const char *name;
	const char *value;
};

/* A tree object file klp-build compiled for livepatch object @objname. */
struct considered {
	const char *objname;
	const char *file;
};

/*
 * An unsafe change refused, from a record of create-diff-object
 * --refusals (lib/record.h); empty strings for what is unknown.
 */
struct refusal {
	const char *objname;
	const char *file;
	const char *symbol;
	const char *reason;
	const char *advice;
};

/*
 * The "objects" array of the manifest for module @obj, sorted by name
 * with vmlinux first, or NULL after an error.
 */
struct json_object *module_objects(struct elf_obj *obj,
				   const struct new_func *news, size_t nr_news,
				   const struct func_note *notes, size_t nr_notes);

/*
 * The "objects" array of a build without a module: each object with the
 * tree object files considered for it ("files") and empty function lists.
 */
struct json_object *considered_objects(const struct considered *c, size_t nr);

/* What the command line gave: strings point into argv. */
struct options {
	const char *tool_version, *kernel_release, *module, *out, *status;
	const char *kernel_image;	/* --kernel-image: its build id is read */
	char kernel_build_id[2 * ELF_BUILD_ID_MAX + 1];	/* "" unknown */
	long long build_seconds;
	bool no_replace;
	const char **patches, **warnings;
	size_t nr_patches, nr_warnings;
	struct new_func *news;
	size_t nr_news;
	struct func_note *notes;
	size_t nr_notes;
	struct considered *objects;
	size_t nr_objects;
	struct refusal *refusals;
	size_t nr_refusals;
	const char *fail_phase, *fail_message;	/* --failure */
	const char **fail_output;
	size_t nr_fail_output;
};

/* options.c: klp-manifest's command line; cli_parse() fills a struct options. */
extern const struct cli_tool manifest_cli;
void options_free(struct options *o);

/* sha256.c: the lower-case hex SHA-256 of file @path into @hex, and its size. */
int sha256_file(const char *path, char hex[65], uint64_t *size);

/* document.c: the manifest, or NULL after an error. */
struct json_object *manifest_document(const struct options *o, struct elf_obj *obj);

/* output.c */
int manifest_check_output(const struct options *o);
int manifest_write(const char *path, struct json_object *doc);

#endif
