// SPDX-License-Identifier: GPL-2.0
/*
 * tests/ibt-padding.sh compiles this twice (-DPATCHED changes
 * show_value) the way an IBT kernel with call padding compiles its
 * objects: -fcf-protection=branch -fpatchable-function-entry=16,16.
 */
int klp_fixture_value;

void fentry_stub(void);

/* Unchanged and local: the patched caller reaches it through a klp record. */
static __attribute__((noinline)) int helper(int x)
{
	fentry_stub();
	return x * klp_fixture_value;
}

/* Reached through a pointer only: needs endbr64 under IBT. */
static int show_value(int x)
{
	fentry_stub();
#ifdef PATCHED
	return helper(x) + klp_fixture_value + 1;
#else
	return helper(x) + klp_fixture_value;
#endif
}

int (*klp_fixture_helper)(int) = helper;

int (*klp_fixture_show)(int) = show_value;

#ifdef ALIAS
/* Another name of show_value's code, as SYSCALL_DEFINE's __do_sys_NAME. */
int show_value_alias(int x) __attribute__((alias("show_value")));
#endif
