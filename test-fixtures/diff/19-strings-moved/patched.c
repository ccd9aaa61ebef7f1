/* 19: a change moves/reorders string literals in .rodata.*.str1.1; a function using them stays unchanged */
#include "kernel.h"

const char *state_name(int s)
{
	return s > 0 ? "active" : s ? "stopped" : "idle";
}

const char *mode_name(int m)
{
	if (m > 1)
		return "running";
	return m ? "stopped" : "paused";
}
