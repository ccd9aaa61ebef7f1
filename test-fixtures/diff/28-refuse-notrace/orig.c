/* 28: a changed notrace function has no __fentry__ call to redirect -> refused, exit 5 */
#include "kernel.h"

noinline notrace int fast_path(int x)
{
	return x * 11;
}

int slow_path(int x)
{
	return fast_path(x) + 1;
}
