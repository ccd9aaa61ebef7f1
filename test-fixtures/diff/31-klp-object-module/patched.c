/* 31: as 30 with --object mymod: the klp symbol names the module, not vmlinux */
#include "kernel.h"

static noinline int helper(const int *p, int n)
{
	int i, m = 0;

	for (i = 0; i < n; i++)
		if (p[i] > m)
			m = p[i];
	return m;
}

int api_max(const int *p, int n)
{
	return helper(p, n) + 2;
}

int api_max_half(const int *p, int n)
{
	return helper(p, n / 2);
}
