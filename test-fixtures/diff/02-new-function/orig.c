/* 02: a new static function is "new function", its (changed) caller "changed function" */
#include "kernel.h"

int compute(int x)
{
	return x + 1;
}

int untouched(int x)
{
	return x ^ 0x55;
}
