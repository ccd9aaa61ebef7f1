/* 63: printk_ratelimited()'s per call site state (_rs), the same in every file of a stripped module: the patched call site takes its own copy, not a guess */
#include "kernel.h"

struct ratelimit_state {
	int lock, interval, burst, printed, missed;
	unsigned long begin;
};

void log_limited(struct ratelimit_state *rs, const char *msg, int v);

noinline int report_limit(int v)
{
	static struct ratelimit_state _rs = { 0, 5 * 250, 10, 0, 0, 0 };

	log_limited(&_rs, "limit", v);
	return v;
}
