/* 59: case 34 against a module stripped as Debian installs it (no file symbols): the local tweak told apart by its neighbours */
#include "kernel.h"

static noinline int tweak(const int *p, int n)
{
	int i, r = 0;

	for (i = 0; i < n; i++)
		r ^= p[i] << (i & 7);
	return r;
}

int apply_tweak(const int *p, int n)
{
	return tweak(p, n) & 0xffff;
}

int apply_tweak_all(const int *p, int n)
{
	return tweak(p, n) | tweak(p + 1, n - 1);
}
