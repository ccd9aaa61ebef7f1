/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KLP_UTIL_H
#define KLP_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Set by each tool's main(); prefixes every message. */
extern const char *tool_name;
extern bool debug_enabled;

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "tool: file: what is wrong; what to do" on stderr. */
void err_msg(const char *file, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void warn_msg(const char *file, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void debug_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Grows *arr (of *cap elements of @size) to hold at least @need. */
void grow_array(void **arr, size_t *cap, size_t need, size_t size);

/* Adds a zeroed element of @size to the end of *arr, of *nr elements: returns it. */
void *array_add(void **arr, size_t *nr, size_t size);

/* A new, zeroed last element of array @arr counted by @nr (both lvalues). */
#define array_push(arr, nr)						\
	((__typeof__(*(arr)) *)array_add((void **)&(arr), &(nr), sizeof(*(arr))))

bool str_starts(const char *s, const char *prefix);

/*
 * The binary search of every sorted array of the ELF model (a section's
 * symbols by value, relocations by offset, reference offsets): the first
 * index of [0, @n) whose key(@arr, i) is not below @v, or with @upper the
 * first above it. Inline, so that each caller's key function is too.
 */
static inline size_t sorted_bound(const void *arr, size_t n,
				  uint64_t (*key)(const void *arr, size_t i),
				  uint64_t v, bool upper)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint64_t k = key(arr, mid);

		if (k < v || (upper && k == v))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Checked arithmetic for every offset, addend and value read from an
 * object: a hostile or corrupt file must give an error, never a wrapped
 * (or, signed, undefined) result.  Each returns true on overflow and
 * leaves *@res unspecified then.
 */
static inline bool add_s64_overflows(int64_t a, int64_t b, int64_t *res)
{
	return __builtin_add_overflow(a, b, res);
}

static inline bool add_u64_overflows(uint64_t a, uint64_t b, uint64_t *res)
{
	return __builtin_add_overflow(a, b, res);
}

/* @off made relative to the unsigned @base (a symbol's value). */
static inline bool offset_sub_overflows(int64_t off, uint64_t base, int64_t *res)
{
	return __builtin_sub_overflow(off, base, res);
}

/* @base (an unsigned offset or value) moved by the signed @delta. */
static inline bool offset_add_overflows(uint64_t base, int64_t delta, int64_t *res)
{
	return __builtin_add_overflow(base, delta, res);
}

/* The same, for a place that must not lie before offset 0. */
static inline bool place_add_overflows(uint64_t base, int64_t delta, uint64_t *res)
{
	return __builtin_add_overflow(base, delta, res);
}

#endif
