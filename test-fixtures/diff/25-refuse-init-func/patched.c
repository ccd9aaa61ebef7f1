/* 25: a changed __init function (.init.text) cannot be patched -> refused, exit 5 */
#include "kernel.h"

int boot_flags;

int __init setup_flags(int x)
{
	boot_flags = x | 3;
	return 0;
}

int get_flags(void)
{
	return boot_flags;
}
