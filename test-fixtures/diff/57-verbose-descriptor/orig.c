/* 50: older kernels keep dynamic debug descriptors in __verbose: the copy of a changed call site's descriptor must stay in a section of that name, where the loader looks for it */
#include "kernel.h"

struct ddebug {
	const char *modname, *function, *filename, *format;
	unsigned int lineno, flags;
};

void ddebug_print(struct ddebug *d, const char *fmt, int v);

#define pr_dbg(fmt, v) do {							\
	static struct ddebug __attribute__((used, aligned(8), section("__verbose")))	\
		desc = { "fixture", __func__, "fixture.c", fmt, __LINE__, 0 };		\
	ddebug_print(&desc, fmt, v);						\
} while (0)

noinline void first(int v)
{
	pr_dbg("first %d\n", v);
}

noinline void second(int v)
{
	pr_dbg("second %d\n", v);
}
