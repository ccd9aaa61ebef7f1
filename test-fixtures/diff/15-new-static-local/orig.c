/* 15: a static local that did not exist before is a fresh copy ("new data") */
#include "kernel.h"

int limit_check(int x)
{
	return x > 64;
}
