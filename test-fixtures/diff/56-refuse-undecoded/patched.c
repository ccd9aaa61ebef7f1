/* 49: after an instruction the decoder does not know (wrpkru, unknown to Capstone 4), .data.pair-4 could be loud or quiet: refused, never guessed */
#include "kernel.h"

static char quiet __attribute__((section(".data.pair")));
static char loud __attribute__((section(".data.pair"))) = 1;

noinline int check(int x)
{
	asm volatile(".byte 0x0f, 0x01, 0xef" ::: "memory");
	if (quiet)
		return 0;
	return x + 2;
}

noinline char *loudness(void)
{
	return &loud;
}
