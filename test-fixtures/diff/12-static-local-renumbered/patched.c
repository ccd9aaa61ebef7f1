/* 12: two "static int count" swap numbers (count.0/count.1); the changed one keeps ITS orig count */
#include "kernel.h"

int tick_b(void)
{
	static int count;

	count += 3;
	return count;
}

int tick_a(void)
{
	static int count;

	return ++count;
}
