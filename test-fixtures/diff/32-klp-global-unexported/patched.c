/* 32: references to a global variable and a global function defined here but not exported -> klp symbols */
#include "kernel.h"

int stat_total;

noinline int stat_scale(int x)
{
	return x * 100 / 7;
}

int stat_add(int x)
{
	stat_total += stat_scale(x);
	return stat_total;
}
