// SPDX-License-Identifier: GPL-2.0
/*
 * create-diff-object, the whole command, with one side of a real pair
 * replaced by the input: KLP_FUZZ_PAIR is a directory holding orig.o
 * and patched.o, KLP_FUZZ_SIDE (orig or patched) the side fuzzed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cdo.h"
#include "fuzz-util.h"

static char orig[4096], patched[4096];
static int fuzz_orig;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *pair = fuzz_env("KLP_FUZZ_PAIR");
	const char *side = fuzz_env("KLP_FUZZ_SIDE");

	if (strcmp(side, "orig") && strcmp(side, "patched")) {
		fprintf(stderr, "fuzz: KLP_FUZZ_SIDE=%s: expected orig or patched\n", side);
		exit(2);
	}
	fuzz_orig = !strcmp(side, "orig");
	snprintf(orig, sizeof(orig), "%s/orig.o", pair);
	snprintf(patched, sizeof(patched), "%s/patched.o", pair);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = fuzz_input(data, size);
	char *argv[] = {
		"create-diff-object",
		fuzz_orig ? (char *)in : orig,
		fuzz_orig ? patched : (char *)in,
		(char *)fuzz_output(),
		NULL,
	};

	cdo_main(4, argv);
	return 0;
}
