/* 42: an unknown option is a usage error: exit 2, no OUT.o */
#include "kernel.h"

int any(int x)
{
	return x + 1;
}
