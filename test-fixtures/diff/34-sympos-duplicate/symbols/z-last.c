/* a third file of the patched object with its own static tweak(), linked last */
#include "kernel.h"

static noinline int tweak(long x)
{
	return (int)(x >> 3) - 9;
}

int last_user(long x)
{
	return tweak(x) * tweak(x * 2);
}
