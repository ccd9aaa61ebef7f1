/* another file of the module: its __func__.0 is "report_stage", of the same size, linked first */
#include "kernel.h"

void log_name(const char *name, int v);

static noinline int report_stage(int v)
{
	log_name(__func__, v);
	return v;
}

int first_user(int v)
{
	return report_stage(v) + 1;
}
