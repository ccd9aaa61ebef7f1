/* 15: a static local that did not exist before is a fresh copy ("new data") */
#include "kernel.h"

int limit_check(int x)
{
	static int hits;

	if (x > 64) {
		hits++;
		return hits;
	}
	return 0;
}
