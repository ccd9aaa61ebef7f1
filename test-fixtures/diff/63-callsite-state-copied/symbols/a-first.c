/* another file of the module with a ratelimited message of its own: an _rs and a __key of the same size and contents, linked first */
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

int first_user(int v)
{
	static struct ratelimit_state _rs = { 0, 5 * 250, 10, 0, 0, 0 };
	static struct lock_class_key __key;
	static int lock;

	init_lock(&lock, "lock", &__key);
	log_limited(&_rs, "first", v);
	return v + 1;
}
