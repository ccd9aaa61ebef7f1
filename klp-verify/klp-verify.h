/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KLP_VERIFY_H
#define KLP_VERIFY_H

#include <stddef.h>

#include "elf-model.h"
#include "target-syms.h"

struct verify_pair {
	const char *name, *path;	/* NAME=PATH */
	struct target_syms *syms;	/* --module: the stock .ko */
	struct elf_obj *elf;		/* --orig: an object compiled here */
};

struct verify_changed {
	const char *module, *object, *func;
};

struct verify {
	const char *map_path, *source_pkg, *ko_path;
	struct target_syms *map;
	struct elf_obj *ko;
	struct verify_pair *stock, *orig;
	size_t nr_stock, nr_orig;
	struct verify_changed *changed;
	size_t nr_changed;
};

/* Each .klp.sym of the module names one symbol of its target: 0, or -1 after the error. */
int verify_klp_symbols(const struct verify *vf);
/* Each changed function is in its target, with the size compiled here. */
int verify_changed(const struct verify *vf);

#endif
