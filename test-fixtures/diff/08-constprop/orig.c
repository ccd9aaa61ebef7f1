/* 08: a change inside a constant-propagation clone is reported under its clone name (.constprop.N) */
#include "kernel.h"

static noinline int mix(int x, int k)
{
	int i, r = x;

	for (i = 0; i < k; i++)
		r = r * 31 + (x >> i);
	return r;
}

int hash_a(int x)
{
	return mix(x, 13);
}

int hash_b(int x)
{
	return mix(x + 7, 13);
}
