/* 48: a changed static notrace function with two traceable callers -> both patched through it, exit 0 */
#include "kernel.h"

static noinline notrace long do_work(long x)
{
	return x * 11;
}

long entry_a(long x)
{
	return do_work(x) + 1;
}

long entry_b(long x)
{
	return do_work(x + 2) - 3;
}

long bystander(long x)
{
	return x - 5;
}
