/* 27: a changed function referencing __initdata (freed after boot) -> refused, exit 5 */
#include "kernel.h"

static int boot_mode __initdata = 3;

int __init parse_mode(int x)
{
	boot_mode = x;
	return 0;
}

int __init apply_mode(void)
{
	return boot_mode * 2;
}

int current_mode(int x)
{
	return x + 1;
}
