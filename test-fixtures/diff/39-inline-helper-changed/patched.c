/* 39: a changed static inline helper (no symbol of its own) changes both functions it is inlined into */
#include "kernel.h"

static inline int fold(int a, int b)
{
	return (a << 3) ^ b;
}

int fold_pair(int a, int b)
{
	return fold(a, b) + 1;
}

int fold_three(int a, int b, int c)
{
	return fold(fold(a, b), c);
}

int no_fold(int a, int b)
{
	return a - b;
}
