/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Chained hash table with intrusive nodes, keyed by a 64-bit hash
 * (xxhash of a name, or an index). Several nodes may share a key: the
 * lookups walk every node of the key and compare the real value.
 */
#ifndef KLP_HASH_H
#define KLP_HASH_H

#include <stddef.h>
#include <stdint.h>

struct hash_node {
	struct hash_node *next;
	uint64_t key;
};

struct hash {
	struct hash_node **buckets;
	size_t mask;
	size_t count;
};

void hash_init(struct hash *h, size_t expected);
void hash_free(struct hash *h);
void hash_add(struct hash *h, struct hash_node *node, uint64_t key);
void hash_del(struct hash *h, struct hash_node *node);
uint64_t hash_str(const char *s);

#define hash_first(h, k) ((h)->buckets[(k) & (h)->mask])

/* Iterates the nodes of key @k; @n is a struct hash_node pointer. */
#define hash_for_each_key(h, n, k)					\
	for ((n) = hash_first(h, k); (n); (n) = (n)->next)		\
		if ((n)->key == (k))

#define container_of(ptr, type, member)					\
	((type *)((char *)(ptr) - offsetof(type, member)))

#endif
