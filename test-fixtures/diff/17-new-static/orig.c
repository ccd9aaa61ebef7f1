/* 17: a new file-scope static variable referenced by a changed function is "new data" */
#include "kernel.h"

int try_send(int x)
{
	return x ? 0 : -11;
}
