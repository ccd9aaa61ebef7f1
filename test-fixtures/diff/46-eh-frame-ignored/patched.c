/* 46: .eh_frame (the vDSO is built with unwind tables) pointing at a new function is no special section: left out, like debug info */
#include "kernel.h"

int other(int x)
{
	return x + 1;
}

int added(int x);
int added(int x)
{
	return x * 3 + 1;
}

/* What -fasynchronous-unwind-tables would emit: a place in the new function. */
asm(".pushsection .eh_frame,\"a\",@unwind\n\t.long added - .\n\t.popsection");
