/* SPDX-License-Identifier: GPL-2.0 */
/* Module.symvers: which symbols are exported, and by which object. */
#ifndef KLP_SYMVERS_H
#define KLP_SYMVERS_H

#include <stdbool.h>

struct symvers;

struct symvers *symvers_load(const char *path);
void symvers_free(struct symvers *sv);
/* The exporting object ("vmlinux" or a module name), or NULL. */
const char *symvers_owner(const struct symvers *sv, const char *name);
/* The namespace it is exported in (EXPORT_SYMBOL_NS), or NULL. */
const char *symvers_namespace(const struct symvers *sv, const char *name);

#endif
