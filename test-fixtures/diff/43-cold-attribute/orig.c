/* 43: a whole __cold function lives in .text.unlikely.NAME; a change to it is reported under its name */
#include "kernel.h"

int fail_count;

noinline __cold int slow_fail(int code)
{
	fail_count++;
	return -code;
}

int try_op(int x)
{
	if (x < 0)
		return slow_fail(x);
	return x;
}
