/* 61: a stripped module with two __func__.0 of one size, neither near this file's other symbols: their bytes (the function's name) tell which is the one this file's report_state() uses */
#include "kernel.h"

void log_name(const char *name, int v);

noinline int report_state(int v)
{
	log_name(__func__, v + 1);
	return v;
}
