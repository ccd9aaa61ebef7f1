/* 18: a new switch table renumbers the CSWTCH.N of untouched functions: they stay unchanged */
#include "kernel.h"

noinline int size_of_kind(int k)
{
	switch (k) {
	case 0: return 1;
	case 1: return 2;
	case 2: return 4;
	case 3: return 8;
	case 4: return 16;
	case 5: return 32;
	default: return 0;
	}
}

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

int dispatch(int k)
{
	return size_of_kind(k);
}
