/* 09: a change inside the out-of-line part of a partially inlined function (.part.N) */
#include "kernel.h"

struct table {
	int n;
	int keys[64];
	int vals[64];
};

static int lookup(struct table *t, int key)
{
	int i;

	if (!t)
		return -1;
	for (i = 0; i < t->n; i++) {
		if (t->keys[i] == key)
			return t->vals[i] + 1;
		if (t->keys[i] > key)
			break;
	}
	for (i = 0; i < t->n; i++)
		t->vals[i] += t->keys[i] ^ key;
	return 0;
}

int find_a(struct table *t, int key)
{
	return lookup(t, key) * 2;
}

int find_b(struct table *t, int key)
{
	return lookup(t, key + 1) - 3;
}

int find_c(struct table *t, int key)
{
	return lookup(t, key - 1) + 5;
}
