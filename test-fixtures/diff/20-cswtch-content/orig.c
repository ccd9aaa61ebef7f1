/* 20: identical code bytes but a changed CSWTCH switch table -> the function IS changed */
#include "kernel.h"

int prio_of(int k)
{
	switch (k) {
	case 0: return 17;
	case 1: return 29;
	case 2: return 31;
	case 3: return 47;
	case 4: return 53;
	default: return -1;
	}
}

int cost_of(int k)
{
	switch (k) {
	case 0: return 170;
	case 1: return 290;
	case 2: return 310;
	case 3: return 470;
	case 4: return 530;
	default: return -1;
	}
}
