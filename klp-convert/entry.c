// SPDX-License-Identifier: GPL-2.0
/* Apart from main.c so that the fuzz harnesses can link the rest. */
#include "klp-convert.h"

int main(int argc, char **argv)
{
	return kc_main(argc, argv);
}
