/* 10: a change only inside the .cold part of a function reports the parent function */
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
		report_error(-x, 3);
		return -22;
	}
	return x * 2 + 1;
}
