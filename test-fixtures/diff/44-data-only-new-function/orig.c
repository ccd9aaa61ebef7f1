/* 44: an object of data only (like vmlinux.export.o) shares no function with its patched build: the source name matches, so a new function is not a mix-up */
#include "kernel.h"

const int table[] = { 1, 2, 3 };
