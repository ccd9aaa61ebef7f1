/* the patched object does not contain this case's code at all (wrong --symbols target) */
#include "kernel.h"

int unrelated(int x)
{
	return x - 10;
}
