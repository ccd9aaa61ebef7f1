/* 02: a new static function is "new function", its (changed) caller "changed function" */
#include "kernel.h"

static noinline int clamp_value(int x)
{
	if (x > 100)
		return 100;
	if (x < -100)
		return -100;
	return x;
}

int compute(int x)
{
	return clamp_value(x) + 1;
}

int untouched(int x)
{
	return x ^ 0x55;
}
