/* 03: only the changed callee is reported, not the function that calls it */
#include "kernel.h"

noinline int leaf(int x)
{
	return x * 7 - 3;
}

int caller(int x)
{
	return leaf(x) + leaf(x + 1);
}
