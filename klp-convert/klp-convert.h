/* SPDX-License-Identifier: GPL-2.0 */
/*
 * klp-convert: livepatch relocations for a linked livepatch module.
 *   main.c      options and the two modes (kc_main)
 *   entry.c     main(): kc_main, which the fuzz harnesses call too
 *   finalize.c  --finalize: the records create-diff-object left
 *   convert.c   undefined symbols of a hand-written livepatch module
 */
#ifndef KLP_CONVERT_H
#define KLP_CONVERT_H

#include "elf-model.h"
#include "symvers.h"
#include "target-syms.h"

struct named_target {
	const char *name;		/* vmlinux or the module's name */
	struct target_syms *syms;
};

struct convert {
	struct elf_obj *obj;
	struct named_target *targets;	/* [0] vmlinux, then --module ones */
	size_t nr_targets;
	struct symvers *symvers;
	int converted;
};

/* main.c: the command, argv as main() gets it; returns the exit code. */
int kc_main(int argc, char **argv);

int finalize_records(struct convert *cv);
int convert_undefined(struct convert *cv);
bool is_livepatch_module(const struct elf_obj *obj);

#endif
