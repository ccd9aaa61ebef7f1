/* 11: a change in the hot part of a function with a .cold part: only the parent is listed */
#include "kernel.h"

int last_error;

noinline __cold void report_error(int x, int code)
{
	last_error = x * 16 + code;
}

int process(int x)
{
	if (unlikely(x < 0)) {
		report_error(x, 1);
		report_error(-x, 2);
		return -22;
	}
	return x * 2 + 1;
}
