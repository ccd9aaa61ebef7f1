/* a third file of the module with the same static tweak(), linked last */
#include "kernel.h"

static noinline int tweak(const int *p, int n)
{
	int i, r = 0;

	for (i = 0; i < n; i++)
		r ^= p[i] << (i & 7);
	return r;
}

int last_user(const int *p, int n)
{
	return tweak(p, n) - 1;
}
