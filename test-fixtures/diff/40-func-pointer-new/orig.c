/* 40: a changed function taking the address of a new function: the new function is included */
#include "kernel.h"

typedef int (*handler_t)(int);

int default_handler(int x)
{
	return x;
}

handler_t pick_handler(int kind)
{
	return kind ? default_handler : NULL;
}
