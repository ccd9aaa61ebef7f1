/* 01: a changed function body is reported; its untouched neighbour is not */
#include "kernel.h"

int scale(int x)
{
	return x * 5 + 1;
}

int offset(int x)
{
	return x - 42;
}
