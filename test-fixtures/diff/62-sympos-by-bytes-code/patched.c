/* 62: the changed function is a static tweak() that two other files of a stripped module also have, with none of this file's other symbols: one has other code of the same size (i & 3), so the compiled original's bytes tell which one is this file's */
#include "kernel.h"

static noinline int tweak(const int *p, int n)
{
	int i, r = 0;

	for (i = 0; i < n; i++)
		r ^= p[i] << (i & 7) | 1;
	return r;
}

int apply_tweak(const int *p, int n)
{
	return tweak(p, n) & 0xffff;
}
