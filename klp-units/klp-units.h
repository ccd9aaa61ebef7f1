/* SPDX-License-Identifier: GPL-2.0 */
/*
 * klp-units: which compilation units of a built kernel use what a header
 * defines, from the DWARF of its debug files (vmlinux and each module).
 *
 * The index lists each unit once ("unit ID OBJECT SOURCE") and, per
 * header and function defined there, the units whose DWARF has that
 * function ("key FILE FUNCTION ID..."; FUNCTION "-" for every unit whose
 * line table names FILE at all).
 */
#ifndef KLP_UNITS_H
#define KLP_UNITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hash.h"

#define UNITS_MAGIC "klp-units 2"	/* 2: paths normalized; klp-build-distro-headers.sh */
/* The function of a key that stands for the file as a whole. */
#define UNITS_ANY "-"

struct unit {
	char *object;	/* vmlinux, or the module's name */
	char *source;	/* tree-relative, as the CU names it */
};

struct unit_key {
	struct hash_node node;
	char *file, *func;
	uint32_t *ids;
	size_t nr_ids, cap_ids;
};

struct units_index {
	struct unit *units;
	size_t nr_units, cap_units;
	struct hash keys;
	struct unit_key **all;	/* in insertion order, for writing */
	size_t nr_all, cap_all;
};

void index_init(struct units_index *ix);
void index_free(struct units_index *ix);
uint32_t index_add_unit(struct units_index *ix, const char *object, const char *source);
/* Records that unit @id uses @func of @file (UNITS_ANY: the file). */
void index_add_use(struct units_index *ix, const char *file, const char *func, uint32_t id);
struct unit_key *index_find(struct units_index *ix, const char *file, const char *func);

/* Adds every C unit of debug file @path, object @object: 0 or, after an error, -1. */
int scan_debug_file(struct units_index *ix, const char *path, const char *object);

/* Folds "." and "DIR/.." out of @path, in place (no longer than it was). */
void normalize_path(char *path);

int index_write(struct units_index *ix, const char *path);
int index_read(struct units_index *ix, const char *path);

#endif
