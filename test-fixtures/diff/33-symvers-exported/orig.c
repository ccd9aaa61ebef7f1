/* 33: symbols listed in Module.symvers stay plain undefined symbols in OUT.o, never klp symbols */
#include "kernel.h"

extern int ext_log(int level, int value);
extern int ext_counter;

noinline int shared_fn(int x)
{
	return x * 3 - 1;
}

int record(int x)
{
	return ext_log(1, x);
}
