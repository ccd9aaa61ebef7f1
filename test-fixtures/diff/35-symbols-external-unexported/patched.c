/* 35: a call to a global defined elsewhere in the patched object (--symbols) but not exported -> klp symbol */
#include "kernel.h"

extern int core_helper(int x);

int frontend(int x)
{
	return core_helper(x + 1) + 1;
}
