/* 53: two changed functions the running kernel has at one address -> refused before the output is written, exit 1 */
#include "kernel.h"

long first_fn(long x)
{
	return x * 7;
}

long second_fn(long x)
{
	return x * 9;
}
