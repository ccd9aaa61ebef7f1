/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the libFuzzer harnesses share: the input as a file the tools can
 * open by path, a private output path, and the settings make fuzz passes
 * in the environment.
 */
#ifndef KLP_FUZZ_UTIL_H
#define KLP_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A path that reads back as DATA until the next call. */
const char *fuzz_input(const uint8_t *data, size_t size);
/* A path in a private directory, removed at exit with what is in it. */
const char *fuzz_output(void);
/* The setting NAME, or an exit with a message naming it. */
const char *fuzz_env(const char *name);

#endif
