/* 06: functions reordered and one of them changed -> only that one is reported */
#include "kernel.h"

static int plain_sum(int *p, int n);
static int square_sum(int *p, int n);

const char *label(int v)
{
	return v > 0 ? "positive" : "other";
}

int mean(int *p, int n)
{
	return n ? plain_sum(p, n) / n : -1;
}

int variance(int *p, int n)
{
	int s = plain_sum(p, n);

	return square_sum(p, n) * n - s * s;
}

static noinline int plain_sum(int *p, int n)
{
	int i, s = 0;

	for (i = 0; i < n; i++)
		s += p[i];
	return s;
}

static noinline int square_sum(int *p, int n)
{
	int i, s = 0;

	for (i = 0; i < n; i++)
		s += p[i] * p[i];
	return s;
}
