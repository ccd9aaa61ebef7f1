/* 16: a new global variable referenced by a changed function is "new data", not a klp symbol */
#include "kernel.h"

int read_level(int x)
{
	return x + 1;
}
