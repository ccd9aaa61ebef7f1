/* 36: the changed function does not exist in the patched object given by --symbols -> refused, exit 1 */
#include "kernel.h"

int vanished(int x)
{
	return x + 10;
}
