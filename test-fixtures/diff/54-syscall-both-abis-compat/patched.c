/*
 * 54: the shape of 6.1's SYSCALL_DEFINE1 and COMPAT_SYSCALL_DEFINE1 with
 * IA32 emulation: a static inline (so notrace) body kept out of line,
 * called by the __x64_sys_ and __ia32_sys_ stubs (the compat body by
 * __ia32_compat_sys_) -> every stub patched through its body, exit 0
 */
#include "kernel.h"

struct pt_regs {
	unsigned long di, si;
};

/* 6.1's compiler_types.h: inline implies notrace. */
#define body_inline	inline notrace noinline

static body_inline long __do_sys_demo(long arg)
{
	return arg * 3 + 4;
}

static __always_inline long __se_sys_demo(long arg)
{
	return __do_sys_demo(arg);
}

long __x64_sys_demo(const struct pt_regs *regs)
{
	return __se_sys_demo(regs->di);
}

long __ia32_sys_demo(const struct pt_regs *regs)
{
	return __se_sys_demo((unsigned int)regs->di);
}

static body_inline long __do_compat_sys_demo(int arg)
{
	return arg * 5 + 7;
}

long __ia32_compat_sys_demo(const struct pt_regs *regs)
{
	return __do_compat_sys_demo((int)regs->di);
}
