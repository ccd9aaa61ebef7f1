/* 66: module my_mod's patched code calls an export of another module (lib_other), one of its own and one of vmlinux: the first two become klp symbols (the livepatch must load without lib_other, and before my_mod), the last stays for the module loader; Module.symvers names modules by path, with dashes */
#include "kernel.h"

int other_export(int v);
int kernel_export(int v);

noinline int own_export(int v)
{
	return v * 3;
}

int use_all(int v)
{
	return other_export(v) + own_export(v) - kernel_export(v);
}
