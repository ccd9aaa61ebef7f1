/* 13: a changed function keeps using the orig instance of its static local (klp symbol, no copy) */
#include "kernel.h"

int next_id(void)
{
	static int last_id = 100;

	last_id += 2;
	return last_id;
}

int other(int x)
{
	return x + 100;
}
