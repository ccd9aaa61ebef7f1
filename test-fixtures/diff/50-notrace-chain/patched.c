/* 50: a changed notrace function called only by another notrace one -> the traceable caller on top is patched, exit 0 */
#include "kernel.h"

static noinline notrace long inner(long x)
{
	return x * 13;
}

static noinline notrace long middle(long x)
{
	return inner(x) + inner(x + 1);
}

long top(long x)
{
	return middle(x) - 7;
}
