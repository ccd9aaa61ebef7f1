/* 53: the running kernel, where second_fn is another name of first_fn's code */
#include "kernel.h"

long first_fn(long x)
{
	return x * 3;
}

long second_fn(long x) __attribute__((alias("first_fn")));
