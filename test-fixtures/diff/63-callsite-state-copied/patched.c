/* 63: per call site state of kernel macros, printk_ratelimited()'s _rs and spin_lock_init()'s lockdep __key, alike in every file of a stripped module: the patched call site takes its own copy, not a guess */
#include "kernel.h"

struct ratelimit_state {
	int lock, interval, burst, printed, missed;
	unsigned long begin;
};

/* As without CONFIG_LOCKDEP: of size 0. */
struct lock_class_key {
};

void log_limited(struct ratelimit_state *rs, const char *msg, int v);
void init_lock(int *lock, const char *name, struct lock_class_key *key);

noinline int report_limit(int v)
{
	static struct ratelimit_state _rs = { 0, 5 * 250, 10, 0, 0, 0 };
	static struct lock_class_key __key;
	static int lock;

	init_lock(&lock, "lock", &__key);
	log_limited(&_rs, "limit", v + 1);
	return v;
}
