// SPDX-License-Identifier: GPL-2.0
/*
 * tests/ibt-padding.sh: a function that reads a runtime constant as
 * Linux 6.11+ x86 emits runtime_const_ptr(): a movabs of a placeholder
 * that the kernel overwrites at boot from the runtime_ptr_NAME table,
 * in vmlinux only. -DPATCHED changes the function: the differ must
 * refuse it.
 */
void fentry_stub(void);

unsigned long klp_fixture_limit(unsigned long addr)
{
	unsigned long max;

	fentry_stub();
	asm("movabs $0x0123456789abcdef, %0\n1:\n"
	    ".pushsection runtime_ptr_KLP_FIXTURE_MAX, \"a\"\n"
	    ".long 1b - 8 - .\n"
	    ".popsection" : "=r" (max));
#ifdef PATCHED
	return addr < max;
#else
	return addr <= max;
#endif
}
