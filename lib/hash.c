// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "hash.h"
#include "util.h"

void hash_init(struct hash *h, size_t expected)
{
	size_t n = 16;

	while (n < expected * 2)
		n <<= 1;
	h->buckets = xcalloc(n, sizeof(*h->buckets));
	h->mask = n - 1;
	h->count = 0;
}

void hash_free(struct hash *h)
{
	free(h->buckets);
	h->buckets = NULL;
	h->count = 0;
}

/*
 * Doubling keeps chains short when a table outgrows its first guess.
 * Each chain is moved in order: equal keys stay in insertion order
 * (a module's sympos counts its symbols in table order).
 */
static void hash_grow(struct hash *h)
{
	size_t n = (h->mask + 1) * 2, i;
	struct hash_node **b = xcalloc(n, sizeof(*b));
	struct hash_node ***tail = xcalloc(n, sizeof(*tail));

	for (i = 0; i < n; i++)
		tail[i] = &b[i];
	for (i = 0; i <= h->mask; i++) {
		struct hash_node *node = h->buckets[i], *next;

		for (; node; node = next) {
			next = node->next;
			node->next = NULL;
			*tail[node->key & (n - 1)] = node;
			tail[node->key & (n - 1)] = &node->next;
		}
	}
	free(tail);
	free(h->buckets);
	h->buckets = b;
	h->mask = n - 1;
}

void hash_add(struct hash *h, struct hash_node *node, uint64_t key)
{
	struct hash_node **head;

	if (h->count >= h->mask + 1)
		hash_grow(h);
	/* Append, so that equal keys come back in insertion order. */
	node->key = key;
	node->next = NULL;
	head = &h->buckets[key & h->mask];
	while (*head)
		head = &(*head)->next;
	*head = node;
	h->count++;
}

void hash_del(struct hash *h, struct hash_node *node)
{
	struct hash_node **p = &h->buckets[node->key & h->mask];

	for (; *p; p = &(*p)->next) {
		if (*p == node) {
			*p = node->next;
			h->count--;
			return;
		}
	}
}

uint64_t hash_str(const char *s)
{
	return XXH3_64bits(s, strlen(s));
}
