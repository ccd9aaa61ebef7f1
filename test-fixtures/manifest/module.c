// SPDX-License-Identifier: GPL-2.0
/*
 * A stand-in for a livepatch module klp-build made, for klp-manifest's
 * tests without a kernel: one .klp_build.funcs record (layout of
 * support-templates/klp-records.h), a new function, a .klp.sym
 * reference and the .modinfo entries the manifest reads.
 */
struct rec {
	void *new_func;
	const char *old_name;
	const char *objname;
	unsigned long sympos;
};

extern int klp_var __asm__("\".klp.sym.vmlinux.foo_var,2\"");

int patched_fn(void)
{
	return klp_var + 1;
}

int helper_fn(void)
{
	return 5;
}

__attribute__((section(".klp_build.funcs"), used))
static struct rec recs[] = { { patched_fn, "patched_fn", "vmlinux", 2 } };

__attribute__((section(".modinfo"), used))
static const char modinfo[] = "livepatch=Y\0name=livepatch_fx\0vermagic=6.1.0 SMP mod_unload ";
