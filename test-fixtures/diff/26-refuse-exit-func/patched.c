/* 26: a changed __exit function (.exit.text) cannot be patched -> refused, exit 1 */
#include "kernel.h"

int state;

void __exit teardown(void)
{
	state = -1;
}

int get_state(void)
{
	return state;
}
