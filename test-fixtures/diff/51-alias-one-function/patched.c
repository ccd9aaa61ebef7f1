/* 51: a changed function with a global alias at its address (6.1's SYSCALL_DEFINE0) -> one function, one copy, exit 0 */
#include "kernel.h"

static long do_getppid(const void *regs)
{
	return (long)regs + 40000;
}

long x64_getppid(const void *regs) __attribute__((alias("do_getppid")));
