/* 17: a new file-scope static variable referenced by a changed function is "new data" */
#include "kernel.h"

static int retries = 3;

int try_send(int x)
{
	if (!x && retries > 0) {
		retries--;
		return -11;
	}
	return x ? 0 : -5;
}
