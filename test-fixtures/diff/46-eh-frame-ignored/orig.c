/* 46: .eh_frame (the vDSO is built with unwind tables) pointing at a new function is no special section: left out, like debug info */
#include "kernel.h"

int other(int x)
{
	return x + 1;
}
