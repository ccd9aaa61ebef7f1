/* 67: module mymod's changed function has a tracepoint of mymod's own (its key __tracepoint_demo defined here): the jump label is left out with a warning (its klp relocation would be applied only when mymod loads, after the kernel set up the livepatch's jump labels); the tracepoint stays off in the patched code */
#include "kernel.h"

struct tracepoint_demo {
	struct static_key key;
};

struct tracepoint_demo __tracepoint_demo;

int path_a(int x)
{
	if (static_branch_unlikely(&__tracepoint_demo.key))
		return x * 3;
	return x + 1;
}
