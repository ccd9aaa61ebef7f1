/* --debug's source line: the first difference of each changed function */
#include "kernel.h"

int sum(const int *p, int n)
{
	int i, s = 0;

	for (i = 0; i < n; i++)
		s += p[i];
	s ^= 0x77;
	return s;
}

int untouched(int x)
{
	return x - 42;
}

int scale(int x)
{
	if (x > 1000)
		return 0;
	return x * 7 + 1;
}
