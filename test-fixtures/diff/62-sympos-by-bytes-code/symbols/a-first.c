/* another file of the module with a static tweak() of the same size but other code (i & 3), linked first */
#include "kernel.h"

static noinline int tweak(const int *p, int n)
{
	int i, r = 0;

	for (i = 0; i < n; i++)
		r ^= p[i] << (i & 3);
	return r;
}

int a_user(const int *p, int n)
{
	return tweak(p, n) + 1;
}
