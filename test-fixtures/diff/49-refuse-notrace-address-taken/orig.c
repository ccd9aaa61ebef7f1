/* 49: a changed static notrace function whose address is taken -> refused (a pointer would keep reaching the old code), exit 1 */
#include "kernel.h"

static noinline notrace long do_work(long x)
{
	return x * 11;
}

long entry_a(long x)
{
	return do_work(x) + 1;
}

long (*work_hook)(long) = do_work;
