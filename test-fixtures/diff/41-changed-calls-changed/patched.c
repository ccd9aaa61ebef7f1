/* 41: a changed function calling another changed function: both are reported */
#include "kernel.h"

noinline int step(int x)
{
	return x * 3 + 2;
}

int run(int x, int n)
{
	while (n-- > 1)
		x = step(x);
	return x;
}
