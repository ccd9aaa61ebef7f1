// SPDX-License-Identifier: GPL-2.0
/*
 * klp-convert test: like samples/livepatch/livepatch-sample.c, replaces
 * cmdline_proc_show(), but the new function uses what vmlinux does not
 * export (neither is in Module.symvers):
 *   saved_command_line  a variable (init/main.c), read as the original does
 *   print_tainted()     a function (kernel/panic.c)
 * Built with KBUILD_MODPOST_WARN=1 both stay undefined; klp-convert must
 * turn them into .klp.sym.vmlinux.<name>,0 for the module to load.
 *
 * Patched /proc/cmdline: line 1 the command line, as before; line 2
 * "klp-convert: [<print_tainted()>]".
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/panic.h>
#include <linux/seq_file.h>

#include "kc-livepatch.h"

static int livepatch_cmdline_proc_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%s\n", saved_command_line);
	seq_printf(m, "klp-convert: [%s]\n", print_tainted());
	return 0;
}

KC_LIVEPATCH(NULL, "cmdline_proc_show", livepatch_cmdline_proc_show);
