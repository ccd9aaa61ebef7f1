// SPDX-License-Identifier: GPL-2.0
/*
 * tests/ibt-padding.sh compiles this twice (-DPATCHED changes
 * show_value) the way an IBT kernel with call padding compiles its
 * objects: -fcf-protection=branch -fpatchable-function-entry=16,16.
 */
int klp_fixture_value;

void fentry_stub(void);

/* Reached through a pointer only: needs endbr64 under IBT. */
static int show_value(int x)
{
	fentry_stub();
#ifdef PATCHED
	return x + klp_fixture_value + 1;
#else
	return x + klp_fixture_value;
#endif
}

int (*klp_fixture_show)(int) = show_value;
