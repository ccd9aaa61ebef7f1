/* 26: a changed __exit function (.exit.text) cannot be patched -> refused, exit 5 */
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
