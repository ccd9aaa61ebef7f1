/* 23: changed initializer of an existing static variable (with a function change) -> refused */
#include "kernel.h"

static int limit = 10;

void set_limit(int v)
{
	limit = v;
}

int within_limit(int x)
{
	return x < limit;
}
