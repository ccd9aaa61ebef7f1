/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command line every C tool shares: one table describes a tool's
 * long options, and gives both getopt_long's table and the --help text.
 * -h/--help and --version come with every tool; an unknown option, a
 * missing argument or an option its handler rejects is a usage error
 * (exit CLI_EXIT_USAGE, the usage on stderr).
 */
#ifndef KLP_CLI_H
#define KLP_CLI_H

#include <stdio.h>

#define KLP_TOOLS_VERSION "0.1"
#define CLI_EXIT_USAGE 2

/* Keys the library answers itself; a tool's keys are other values. */
#define CLI_KEY_HELP 'h'
#define CLI_KEY_VERSION 0x100

struct cli_opt {
	const char *name;	/* the long option, without "--"; NULL ends */
	const char *arg;	/* its argument as the help names it; NULL: none */
	int key;		/* what the tool's handler is given */
	const char *help;	/* a '\n' goes on under the text's column */
};

struct cli_tool {
	const char *name;
	const char *const *synopsis;	/* operand lines after the name; NULL ends */
	const char *about;		/* what it does, before the options */
	const struct cli_opt *opts;
	const char *tail;		/* after the options: output, exit codes */
	/* One option with its argument (NULL: none); 0 or, after an error message, -1. */
	int (*handle)(void *ctx, int key, char *arg);
	/* The @n operands once all options are in; 0 or, after an error message, -1. */
	int (*operands)(void *ctx, int n, char **args);
};

enum cli_result {
	CLI_RUN,	/* options and operands taken: run the tool */
	CLI_DONE,	/* --help or --version printed: exit 0 */
	CLI_USAGE,	/* a usage error was reported */
};

void cli_usage(const struct cli_tool *t, FILE *f);

/* Callable again in one process (optind starts over): the fuzz harnesses. */
enum cli_result cli_parse(const struct cli_tool *t, int argc, char **argv, void *ctx);

/* 0 with @want operands, else "expected @what, got N arguments" and -1. */
int cli_operands(int have, int want, const char *what);

/* The exit code when cli_parse() said not to run; the usage on stderr after an error. */
int cli_exit_code(const struct cli_tool *t, enum cli_result r);

#endif
