/* 16: a new global variable referenced by a changed function is "new data", not a klp symbol */
#include "kernel.h"

int debug_level = 2;

int read_level(int x)
{
	return x + debug_level;
}
