// SPDX-License-Identifier: GPL-2.0
/*
 * klp-convert test: a name vmlinux has twice. print_cpu() is a static
 * function of kernel/sched/debug.c (print_cpu(m, cpu), "cpu#0, ...") and
 * of kernel/time/timer_list.c (print_cpu(m, cpu, now), "cpu: 0" then
 * " clock 0:" ...), in that address order. This module means the
 * timer_list one, position 2, and says so with KLP_SYMPOS(); the new
 * cmdline_proc_show() prints the address it calls, then calls it, so
 * the check can compare with /proc/kallsyms and with the output format.
 *
 * KLP_TEST_SYMPOS (set with KCFLAGS=-DKLP_TEST_SYMPOS=N by the unit
 * test) changes the position written; a negative one leaves the
 * KLP_SYMPOS() out, which klp-convert must refuse.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/seq_file.h>
#include <linux/timekeeping.h>
#include <klp-macros.h>
#include "kc-livepatch.h"

#ifndef KLP_TEST_SYMPOS
#define KLP_TEST_SYMPOS 2
#endif

/* kernel/time/timer_list.c */
void print_cpu(struct seq_file *m, int cpu, u64 now);
#if KLP_TEST_SYMPOS >= 0
KLP_SYMPOS(print_cpu, vmlinux, KLP_TEST_SYMPOS);
#endif

static int livepatch_cmdline_proc_show(struct seq_file *m, void *v)
{
	seq_printf(m, "klp-convert: print_cpu at %px\n", print_cpu);
	print_cpu(m, 0, ktime_to_ns(ktime_get()));
	return 0;
}

KC_LIVEPATCH(NULL, "cmdline_proc_show", livepatch_cmdline_proc_show);
