/* another file of the module with a ratelimited message of its own: an _rs of the same size and contents, linked first */
#include "kernel.h"

struct ratelimit_state {
	int lock, interval, burst, printed, missed;
	unsigned long begin;
};

void log_limited(struct ratelimit_state *rs, const char *msg, int v);

int first_user(int v)
{
	static struct ratelimit_state _rs = { 0, 5 * 250, 10, 0, 0, 0 };

	log_limited(&_rs, "first", v);
	return v + 1;
}
