/* 24: an existing global changes size (int[4] -> int[8]) -> refused, exit 5 */
#include "kernel.h"

int slots[4];

int slot_value(int i)
{
	return slots[i & 3];
}
