/* SPDX-License-Identifier: GPL-2.0 */
/*
 * klp-manifest: the JSON description of a livepatch module klp-build
 * writes next to it (schema in klp-build(1)).
 *   main.c    options, hashes, the document, the atomic write
 *   module.c  what the module itself says: its patched functions
 *             (.klp_build.funcs records), new functions, .klp.sym
 *             symbols, .modinfo
 */
#ifndef KLP_MANIFEST_H
#define KLP_MANIFEST_H

#include <json.h>

#include "elf-model.h"

#define SCHEMA_VERSION 1

/* One new function of an object, as create-diff-object reported it. */
struct new_func {
	const char *objname;
	const char *name;
};

/*
 * The "objects" array of the manifest for module @obj, sorted by name
 * with vmlinux first, or NULL after an error.
 */
struct json_object *module_objects(struct elf_obj *obj,
				   const struct new_func *news, size_t nr_news);

#endif
