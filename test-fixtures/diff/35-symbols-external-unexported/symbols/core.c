/* another file of the patched object: defines core_helper(), which is not exported */
#include "kernel.h"

int core_helper(int x)
{
	return x * x;
}
