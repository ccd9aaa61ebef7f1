// SPDX-License-Identifier: GPL-2.0
/*
 * klp-convert [OPTIONS] IN.ko OUT.ko
 *
 * Gives a linked livepatch module the livepatch relocations of
 * Documentation/livepatch/module-elf-format.rst. OUT.ko may be IN.ko.
 * Exit: 0 written, 1 error, 2 usage.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "klp-convert.h"
#include "util.h"

#define VERSION "0.1"

struct options {
	bool finalize;
	const char *symbols, *symvers, *in, *out;
	char **modules;		/* NAME=PATH */
	size_t nr_modules;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: klp-convert [OPTIONS] IN.ko OUT.ko\n"
		"\n"
		"Turns references of a livepatch module to symbols the kernel does not export\n"
		"into livepatch relocations (.klp.rela.OBJ.SECTION against .klp.sym.OBJ.NAME,POS).\n"
		"\n"
		"  --symbols VMLINUX      vmlinux (or System.map) of the kernel being patched\n"
		"  --module NAME=PATH.ko  a module whose symbols the livepatch uses (repeatable)\n"
		"  --symvers FILE         Module.symvers: exported symbols stay as they are\n"
		"  --finalize             only convert the records create-diff-object left\n"
		"                         (what klp-build runs after linking its module)\n"
		"  -h, --help             this help\n"
		"  --version              the version\n"
		"\n"
		"Exit: 0 written, 1 error, 2 usage. See klp-convert(1).\n");
}

static int parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "symbols", required_argument, NULL, 's' },
		{ "module", required_argument, NULL, 'm' },
		{ "symvers", required_argument, NULL, 'v' },
		{ "finalize", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	optind = 0;
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case 's': o->symbols = optarg; break;
		case 'v': o->symvers = optarg; break;
		case 'f': o->finalize = true; break;
		case 'h': usage(stdout); exit(0);
		case 'V': printf("klp-convert %s\n", VERSION); exit(0);
		case 'm':
			if (!strchr(optarg, '=') || optarg[0] == '=' || !strchr(optarg, '=')[1]) {
				err_msg(NULL, "--module %s: expected NAME=PATH.ko", optarg);
				return -1;
			}
			o->modules = xrealloc(o->modules, (o->nr_modules + 1) * sizeof(*o->modules));
			o->modules[o->nr_modules++] = optarg;
			break;
		default:
			return -1;
		}
	}
	if (argc - optind != 2) {
		err_msg(NULL, "expected IN.ko OUT.ko, got %d arguments", argc - optind);
		return -1;
	}
	if (!o->finalize && !o->symbols) {
		err_msg(NULL, "--symbols VMLINUX is needed to find the symbols (or --finalize for klp-build's records)");
		return -1;
	}
	o->in = argv[optind];
	o->out = argv[optind + 1];
	return 0;
}

static int add_target(struct convert *cv, const char *name, const char *path)
{
	struct target_syms *t = target_load(path);

	if (!t)
		return -1;
	cv->targets = xrealloc(cv->targets, (cv->nr_targets + 1) * sizeof(*cv->targets));
	cv->targets[cv->nr_targets].name = name;
	cv->targets[cv->nr_targets++].syms = t;
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

static int run(struct convert *cv, struct options *o)
{
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
	size_t i;
	int ret;

	tool_name = "klp-convert";
	if (parse_args(argc, argv, &o)) {
		usage(stderr);
		free(o.modules);
		return 2;
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
