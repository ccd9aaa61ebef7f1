/* 38: static branch: OUT.o keeps the __jump_table entry of the changed function, drops the unchanged one's */
#include "kernel.h"

extern struct static_key trace_key;

int path_a(int x)
{
	if (static_branch_unlikely(&trace_key))
		return x * 3;
	return x + 1;
}

int path_b(int x)
{
	if (static_branch_unlikely(&trace_key))
		return x - 5;
	return x ^ 2;
}
