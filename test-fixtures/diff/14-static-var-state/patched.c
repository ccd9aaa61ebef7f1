/* 14: a changed function referencing an unchanged file-scope static variable uses the orig one */
#include "kernel.h"

static int open_count;

void dev_open(void)
{
	open_count++;
}

int dev_busy(void)
{
	return open_count > 1;
}
