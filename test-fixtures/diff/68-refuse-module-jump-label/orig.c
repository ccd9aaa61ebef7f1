/* 68: case 67 with a jump label of mymod that is no tracepoint: the branch would stay as compiled, so it is refused, advising static_key_enabled() */
#include "kernel.h"

struct static_key mymod_fast_path;

int path_a(int x)
{
	if (static_branch_unlikely(&mymod_fast_path))
		return x * 3;
	return x + 1;
}
