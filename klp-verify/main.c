// SPDX-License-Identifier: GPL-2.0
/*
 * klp-verify [OPTIONS] LIVEPATCH.ko
 *
 * Checks a finished livepatch module against what the kernel it is for
 * ships (System.map, stock modules), not trusting the differ: each klp
 * symbol names one symbol there, and each patched function is there with
 * the size compiled here. klp-build --distro runs it on every module.
 * Exit: 0 all found, 1 a check failed or an input is unreadable, 2 usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "klp-rela.h"
#include "klp-verify.h"
#include "util.h"

static const char *const synopsis[] = { "[OPTIONS] LIVEPATCH.ko", NULL };

static const struct cli_opt opts[] = {
	{ "map", "SYSTEM.MAP", 'm', "System.map of the kernel patched (vmlinux's symbols)" },
	{ "module", "NAME=STOCK.ko", 'k', "the stock .ko of a module the patch changes (repeatable)" },
	{ "orig", "NAME=ORIG.o", 'o', "an original object of module NAME as compiled here\n"
				      "(repeatable: a module's objects together)" },
	{ "changed", "NAME:OBJ:FUNC", 'c', "function FUNC of object OBJ (of vmlinux or module NAME)\n"
					   "changed by the patch (repeatable)" },
	{ "source-package", "PKG", 's', "the source package the objects were compiled from\n"
					"(named in the advice when a size differs)" },
	{ NULL, NULL, 0, NULL },
};

static int add_pair(struct verify_pair **v, size_t *n, const char *opt, char *arg)
{
	char *eq = strchr(arg, '=');

	if (!eq || eq == arg || !eq[1]) {
		err_msg(NULL, "--%s %s: expected NAME=PATH", opt, arg);
		return -1;
	}
	*eq = '\0';
	*array_push(*v, *n) = (struct verify_pair){ .name = arg, .path = eq + 1 };
	return 0;
}

static int add_changed(struct verify *vf, char *arg)
{
	char *first = strchr(arg, ':'), *last = strrchr(arg, ':');

	if (!first || first == arg || last == first || last == first + 1 || !last[1]) {
		err_msg(NULL, "--changed %s: expected NAME:OBJ:FUNC", arg);
		return -1;
	}
	*first = *last = '\0';
	*array_push(vf->changed, vf->nr_changed) = (struct verify_changed){
		.module = arg, .object = first + 1, .func = last + 1,
	};
	return 0;
}

static int handle_opt(void *ctx, int key, char *arg)
{
	struct verify *vf = ctx;

	switch (key) {
	case 'm': vf->map_path = arg; break;
	case 's': vf->source_pkg = arg; break;
	case 'k': return add_pair(&vf->stock, &vf->nr_stock, "module", arg);
	case 'o': return add_pair(&vf->orig, &vf->nr_orig, "orig", arg);
	case 'c': return add_changed(vf, arg);
	}
	return 0;
}

static int take_operands(void *ctx, int n, char **args)
{
	struct verify *vf = ctx;

	if (cli_operands(n, 1, "LIVEPATCH.ko"))
		return -1;
	vf->ko_path = args[0];
	return 0;
}

static const struct cli_tool cli = {
	.name = "klp-verify",
	.synopsis = synopsis,
	.about = "Checks a livepatch module against the kernel it is for: each .klp.sym.OBJ.NAME,POS\n"
		 "names one symbol in System.map (vmlinux) or the stock .ko (a module), with the\n"
		 "size compiled here, and each changed function is there.",
	.opts = opts,
	.tail = "stderr: the first check that failed, and what to do.\n"
		"Exit: 0 all found, 1 a check failed or an input is unreadable, 2 usage.\n"
		"See klp-verify(1).\n",
	.handle = handle_opt,
	.operands = take_operands,
};

static void verify_free(struct verify *vf)
{
	size_t i;

	for (i = 0; i < vf->nr_stock; i++)
		target_free(vf->stock[i].syms);
	for (i = 0; i < vf->nr_orig; i++)
		elf_free(vf->orig[i].elf);
	target_free(vf->map);
	elf_free(vf->ko);
	free(vf->stock);
	free(vf->orig);
	free(vf->changed);
}

static int load_inputs(struct verify *vf)
{
	size_t i;

	if (vf->map_path && !(vf->map = target_load(vf->map_path)))
		return -1;
	for (i = 0; i < vf->nr_stock; i++) {
		vf->stock[i].syms = target_load(vf->stock[i].path);
		if (!vf->stock[i].syms)
			return -1;
	}
	for (i = 0; i < vf->nr_orig; i++) {
		vf->orig[i].elf = elf_load_symbols(vf->orig[i].path, ELF_LOAD_SYMBOLS_ONLY, NULL);
		if (!vf->orig[i].elf)
			return -1;
	}
	vf->ko = elf_load_symbols(vf->ko_path, ELF_LOAD_SYMBOLS_ONLY, NULL);
	return vf->ko ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct verify vf = { 0 };
	enum cli_result parsed;
	int ret = 1;

	tool_name = cli.name;
	parsed = cli_parse(&cli, argc, argv, &vf);
	if (parsed != CLI_RUN) {
		verify_free(&vf);
		return cli_exit_code(&cli, parsed);
	}
	if (!load_inputs(&vf) && !verify_klp_symbols(&vf) && !verify_changed(&vf))
		ret = 0;
	verify_free(&vf);
	return ret;
}
