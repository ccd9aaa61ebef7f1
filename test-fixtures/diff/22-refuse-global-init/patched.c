/* 22: changed initializer of an existing global (with a function change) -> refused, exit 5 */
#include "kernel.h"

int threshold = 20;

int over_threshold(int x)
{
	return x >= threshold;
}
