/* 48: `cmpb $0, quiet(%rip)` reaches quiet through its section symbol, .data.pair-4 with loud at 0 and quiet at 1: the field ends 5 bytes before its instruction does, so the record names quiet, not its neighbour loud (the old guess of 4) */
#include "kernel.h"

static char quiet __attribute__((section(".data.pair")));
static char loud __attribute__((section(".data.pair"))) = 1;

noinline int check(int x)
{
	if (quiet)
		return 0;
	return x + 2;
}

noinline char *loudness(void)
{
	return &loud;
}
