// SPDX-License-Identifier: GPL-2.0
/*
 * klp-convert, the whole command, on the input as IN.ko. KLP_FUZZ_MODE
 * is finalize (klp-build's path) or standalone, which converts against
 * the symbol table KLP_FUZZ_SYMBOLS.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-util.h"
#include "klp-convert.h"
#include "util.h"

static const char *symbols;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *mode = fuzz_env("KLP_FUZZ_MODE");

	if (!strcmp(mode, "standalone")) {
		symbols = fuzz_env("KLP_FUZZ_SYMBOLS");
	} else if (strcmp(mode, "finalize")) {
		fprintf(stderr, "fuzz: KLP_FUZZ_MODE=%s: expected finalize or standalone\n", mode);
		exit(2);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = fuzz_input(data, size);
	char *argv[] = { "klp-convert", "--finalize", (char *)in, (char *)fuzz_output(), NULL, NULL };

	if (symbols) {
		argv[1] = "--symbols";
		argv[2] = (char *)symbols;
		argv[3] = (char *)in;
		argv[4] = (char *)fuzz_output();
	}
	kc_main(symbols ? 5 : 4, argv);
	return 0;
}
