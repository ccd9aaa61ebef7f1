/* 29: a NEW notrace function is fine (it is called, not patched): exit 0 */
#include "kernel.h"

int add_all(int a, int b, int c)
{
	return a + b + c;
}
