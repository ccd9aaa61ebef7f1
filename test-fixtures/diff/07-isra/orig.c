/* 07: a change inside an IPA-SRA clone is reported under its clone name (.isra.N) */
#include "kernel.h"

struct dev {
	int id;
	int flags;
	long pad[4];
	int count;
};

static noinline int dev_weight(struct dev *d)
{
	return d->count * 3 + d->flags;
}

int total_weight(struct dev *a, struct dev *b)
{
	return dev_weight(a) + dev_weight(b);
}
