// SPDX-License-Identifier: GPL-2.0
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "util.h"

/* The help text's column: "  " and the option, padded. */
#define OPT_WIDTH 23

static const struct cli_opt builtin_opts[] = {
	{ "help", NULL, CLI_KEY_HELP, "this help" },
	{ "version", NULL, CLI_KEY_VERSION, "the version" },
};

static void print_opt(FILE *f, const struct cli_opt *o, bool short_h)
{
	const char *line = o->help, *nl;
	int len;

	len = fprintf(f, "  %s--%s%s%s", short_h ? "-h, " : "", o->name,
		      o->arg ? " " : "", o->arg ? o->arg : "") - 2;
	/* An option too long for the column keeps two spaces before its text. */
	fprintf(f, "%*s", len < OPT_WIDTH - 1 ? OPT_WIDTH - len : 2, "");
	while ((nl = strchr(line, '\n'))) {
		fprintf(f, "%.*s\n%*s", (int)(nl - line), line, OPT_WIDTH + 2, "");
		line = nl + 1;
	}
	fprintf(f, "%s\n", line);
}

void cli_usage(const struct cli_tool *t, FILE *f)
{
	const char *const *s;
	const struct cli_opt *o;
	size_t i;

	for (s = t->synopsis; *s; s++)
		fprintf(f, "%s %s %s\n", s == t->synopsis ? "usage:" : "      ", t->name, *s);
	fprintf(f, "\n%s\n\n", t->about);
	for (o = t->opts; o->name; o++)
		print_opt(f, o, false);
	for (i = 0; i < sizeof(builtin_opts) / sizeof(*builtin_opts); i++)
		print_opt(f, &builtin_opts[i], builtin_opts[i].key == CLI_KEY_HELP);
	fprintf(f, "\n%s", t->tail);
}

int cli_exit_code(const struct cli_tool *t, enum cli_result r)
{
	if (r == CLI_DONE)
		return 0;
	cli_usage(t, stderr);
	return CLI_EXIT_USAGE;
}

static void fill_longopt(struct option *l, const struct cli_opt *o)
{
	l->name = o->name;
	l->has_arg = o->arg ? required_argument : no_argument;
	l->flag = NULL;
	l->val = o->key;
}

/* getopt_long's table: the tool's options, then the built-in ones. */
static struct option *longopts(const struct cli_tool *t)
{
	size_t n = 0, nb = sizeof(builtin_opts) / sizeof(*builtin_opts), i;
	struct option *l;

	while (t->opts[n].name)
		n++;
	l = xcalloc(n + nb + 1, sizeof(*l));
	for (i = 0; i < n; i++)
		fill_longopt(&l[i], &t->opts[i]);
	for (i = 0; i < nb; i++)
		fill_longopt(&l[n + i], &builtin_opts[i]);
	return l;
}

enum cli_result cli_parse(const struct cli_tool *t, int argc, char **argv, void *ctx)
{
	struct option *l = longopts(t);
	enum cli_result ret = CLI_RUN;
	int key;

	optind = 0;
	while (ret == CLI_RUN && (key = getopt_long(argc, argv, "h", l, NULL)) != -1) {
		if (key == CLI_KEY_HELP) {
			cli_usage(t, stdout);
			ret = CLI_DONE;
		} else if (key == CLI_KEY_VERSION) {
			printf("%s %s\n", t->name, KLP_TOOLS_VERSION);
			ret = CLI_DONE;
		} else if (key == '?' || key == ':' || t->handle(ctx, key, optarg)) {
			/* getopt_long said what was wrong, or the handler did. */
			ret = CLI_USAGE;
		}
	}
	free(l);
	if (ret == CLI_RUN && t->operands(ctx, argc - optind, argv + optind))
		ret = CLI_USAGE;
	return ret;
}

int cli_operands(int have, int want, const char *what)
{
	if (have == want)
		return 0;
	err_msg(NULL, "expected %s, got %d arguments", what, have);
	return -1;
}
