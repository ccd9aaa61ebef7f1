/* 04: identical sources (strings, switch tables, static locals, special sections) -> exit 3 */
#include "kernel.h"

extern struct static_key feature_key;

static noinline int helper(int *p, int n)
{
	int i, s = 0;

	for (i = 0; i < n; i++)
		s += p[i];
	return s;
}

int sum(int *p, int n)
{
	return helper(p, n) + helper(p, n / 2);
}

const char *color(int c)
{
	return c ? "red" : "green";
}

int weight(int k)
{
	switch (k) {
	case 0: return 17;
	case 1: return 29;
	case 2: return 31;
	case 3: return 47;
	case 4: return 53;
	default: return -1;
	}
}

int counter(void)
{
	static int count;

	return ++count;
}

int checked(int x)
{
	if (WARN_ON(x > 1000))
		return 1000;
	return x;
}

int feature(int x)
{
	if (static_branch_unlikely(&feature_key))
		return x * 3;
	return x;
}

int __init setup(int x)
{
	return x + 1;
}
