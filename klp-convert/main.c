// SPDX-License-Identifier: GPL-2.0
/*
 * klp-convert [OPTIONS] IN.ko OUT.ko
 *
 * Gives a linked livepatch module the livepatch relocations of
 * Documentation/livepatch/module-elf-format.rst. OUT.ko may be IN.ko.
 * Exit: 0 written, 1 error, 2 usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "klp-convert.h"
#include "out-file.h"
#include "util.h"

struct options {
	bool finalize;
	const char *symbols, *symvers, *in, *out;
	char **modules;		/* NAME=PATH */
	size_t nr_modules;
};

static const char *const synopsis[] = { "[OPTIONS] IN.ko OUT.ko", NULL };

static const struct cli_opt opts[] = {
	{ "symbols", "VMLINUX", 's', "vmlinux (or System.map) of the kernel being patched" },
	{ "module", "NAME=PATH.ko", 'm', "a module whose symbols the livepatch uses (repeatable)" },
	{ "symvers", "FILE", 'v', "Module.symvers: exported symbols stay as they are" },
	{ "finalize", NULL, 'f', "only convert the records create-diff-object left\n"
				 "(what klp-build runs after linking its module)" },
	{ NULL, NULL, 0, NULL },
};

static int handle_opt(void *ctx, int key, char *arg)
{
	struct options *o = ctx;

	switch (key) {
	case 's': o->symbols = arg; break;
	case 'v': o->symvers = arg; break;
	case 'f': o->finalize = true; break;
	case 'm':
		if (!strchr(arg, '=') || arg[0] == '=' || !strchr(arg, '=')[1]) {
			err_msg(NULL, "--module %s: expected NAME=PATH.ko", arg);
			return -1;
		}
		*array_push(o->modules, o->nr_modules) = arg;
		break;
	}
	return 0;
}

static int take_operands(void *ctx, int n, char **args)
{
	struct options *o = ctx;

	if (cli_operands(n, 2, "IN.ko OUT.ko"))
		return -1;
	if (!o->finalize && !o->symbols) {
		err_msg(NULL, "--symbols VMLINUX is needed to find the symbols (or --finalize for klp-build's records)");
		return -1;
	}
	o->in = args[0];
	o->out = args[1];
	return 0;
}

static const struct cli_tool cli = {
	.name = "klp-convert",
	.synopsis = synopsis,
	.about = "Turns references of a livepatch module to symbols the kernel does not export\n"
		 "into livepatch relocations (.klp.rela.OBJ.SECTION against .klp.sym.OBJ.NAME,POS).",
	.opts = opts,
	.tail = "Exit: 0 written, 1 error, 2 usage. See klp-convert(1).\n",
	.handle = handle_opt,
	.operands = take_operands,
};

static int add_target(struct convert *cv, const char *name, const char *path)
{
	struct target_syms *t = target_load(path);
	struct named_target *tg;

	if (!t)
		return -1;
	tg = array_push(cv->targets, cv->nr_targets);
	tg->name = name;
	tg->syms = t;
	return 0;
}

static int load_targets(struct convert *cv, struct options *o)
{
	size_t i;

	if (add_target(cv, "vmlinux", o->symbols))
		return -1;
	for (i = 0; i < o->nr_modules; i++) {
		char *eq = strchr(o->modules[i], '=');

		*eq = '\0';
		if (strlen(o->modules[i]) >= 56 || strchr(o->modules[i], '.')) {
			err_msg(NULL, "--module %s: not a module name (no dots, under 56 characters)",
				o->modules[i]);
			return -1;
		}
		if (add_target(cv, o->modules[i], eq + 1))
			return -1;
	}
	return 0;
}

/*
 * OUT.ko may be IN.ko (converted in place, atomically), but no other
 * input, and only a regular file.
 */
static int check_output(const struct options *o)
{
	const char **inputs = xcalloc(o->nr_modules + 2, sizeof(*inputs));
	size_t i;
	int ret;

	inputs[0] = o->symbols;
	inputs[1] = o->symvers;
	for (i = 0; i < o->nr_modules; i++)
		inputs[i + 2] = strchr(o->modules[i], '=') + 1;
	ret = out_check(o->out, inputs, o->nr_modules + 2);
	free(inputs);
	return ret;
}

static int run(struct convert *cv, struct options *o)
{
	if (check_output(o))
		return 1;
	cv->obj = elf_load(o->in, ELF_LOAD_RELOCATABLE);
	if (!cv->obj)
		return 1;
	if (!is_livepatch_module(cv->obj)) {
		err_msg(o->in, "not a livepatch module (no MODULE_INFO(livepatch, \"Y\") in .modinfo); add it to the module's source");
		return 1;
	}
	if (o->symvers && !(cv->symvers = symvers_load(o->symvers)))
		return 1;
	if (o->finalize) {
		if (finalize_records(cv))
			return 1;
	} else if (load_targets(cv, o) || convert_undefined(cv)) {
		return 1;
	}
	return elf_write(cv->obj, o->out) ? 1 : 0;
}

/* The whole command, callable again in one process (the fuzz harnesses). */
int kc_main(int argc, char **argv)
{
	struct options o = { 0 };
	struct convert cv = { 0 };
	enum cli_result parsed;
	size_t i;
	int ret;

	tool_name = cli.name;
	parsed = cli_parse(&cli, argc, argv, &o);
	if (parsed != CLI_RUN) {
		free(o.modules);
		return cli_exit_code(&cli, parsed);
	}
	ret = run(&cv, &o);
	for (i = 0; i < cv.nr_targets; i++)
		target_free(cv.targets[i].syms);
	free(cv.targets);
	free(o.modules);
	symvers_free(cv.symvers);
	elf_free(cv.obj);
	return ret;
}
