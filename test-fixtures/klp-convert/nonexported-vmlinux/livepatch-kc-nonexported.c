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
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/panic.h>
#include <linux/seq_file.h>

static int livepatch_cmdline_proc_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%s\n", saved_command_line);
	seq_printf(m, "klp-convert: [%s]\n", print_tainted());
	return 0;
}

static struct klp_func funcs[] = {
	{
		.old_name = "cmdline_proc_show",
		.new_func = livepatch_cmdline_proc_show,
	}, { }
};

static struct klp_object objs[] = {
	{
		/* name being NULL means vmlinux */
		.funcs = funcs,
	}, { }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
};

static int livepatch_init(void)
{
	return klp_enable_patch(&patch);
}

static void livepatch_exit(void)
{
}

module_init(livepatch_init);
module_exit(livepatch_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
