/* 37: WARN_ON: OUT.o keeps the __bug_table entry of the changed function, drops the unchanged one's */
#include "kernel.h"

int check_a(int x)
{
	if (WARN_ON(x > 10))
		return -1;
	return x * 4;
}

int check_b(int x)
{
	if (WARN_ON(x < 0))
		return 0;
	return x + 3;
}
