/* 52: a changed notrace function called from noinstr code -> refused, the caller named, exit 1 */
#include "kernel.h"

static noinline notrace long do_work(long x)
{
	return x * 13;
}

__section(".noinstr.text") notrace long entry_hot(long x)
{
	return do_work(x) + 1;
}
