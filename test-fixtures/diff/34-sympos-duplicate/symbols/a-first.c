/* another file of the patched object with its own static tweak(), linked first */
#include "kernel.h"

static noinline int tweak(int x)
{
	return x * 5 + 2;
}

int first_user(int x)
{
	return tweak(x) + tweak(x + 3);
}
