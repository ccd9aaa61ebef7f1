/* 29: a NEW notrace function is fine (it is called, not patched): exit 0 */
#include "kernel.h"

static noinline notrace int sat_add(int a, int b)
{
	int r = a + b;

	if (r < a && b > 0)
		return 0x7fffffff;
	return r;
}

int add_all(int a, int b, int c)
{
	return sat_add(sat_add(a, b), c);
}
