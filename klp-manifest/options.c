// SPDX-License-Identifier: GPL-2.0
/*
 * klp-manifest's command line: the option table, each option's parsing
 * and what --status allows. Arguments are kept in place, not copied.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "klp-manifest.h"
#include "record.h"
#include "util.h"

/* Only a built status has a module: the others ended before there was one. */
static bool has_module(const struct options *o)
{
	return !strcmp(o->status, "built");
}

static const char *const synopsis[] = {
	"[OPTIONS] MODULE.ko OUTPUT.json",
	"--status refused|no-change|failed [OPTIONS] OUTPUT.json",
	NULL,
};

static const struct cli_opt opts[] = {
	{ "status", "S", 'S', "built (the default, with MODULE.ko), refused, no-change,\n"
			      "failed" },
	{ "object", "OBJ:FILE", 'o', "without a module: tree object FILE of object OBJ was\n"
				     "considered (repeatable)" },
	{ "refusal", "RECORD", 'R', "an unsafe change refused: a line of create-diff-object\n"
				    "--refusals (OBJ, FILE, SYMBOL, REASON, ADVICE, tab-separated;\n"
				    "all but REASON may be empty) (repeatable)" },
	{ "failure", "PHASE:TEXT", 'F', "with --status failed: the phase that failed, and why" },
	{ "output-line", "TEXT", 'O', "with --status failed: a line of the failing step's\n"
				      "output (repeatable, in order)" },
	{ "tool-version", "V", 't', "klp-build's version" },
	{ "kernel-release", "R", 'k', "the release of the kernel it patches" },
	{ "kernel-build-id", "HEX", 'b', "the GNU build id of the kernel it patches" },
	{ "kernel-image", "FILE", 'K', "the kernel it patches (vmlinux, or an ELF copy of its\n"
				       "notes): its GNU build id is recorded" },
	{ "patch", "FILE", 'p', "a patch it was built from, hashed (repeatable, in order)" },
	{ "new", "OBJ:FUNC", 'n', "a new function of object OBJ (repeatable)" },
	{ "through", "OBJ:FUNC:VIA", 'T', "changed function FUNC of OBJ is patched for the\n"
					  "untraceable function VIA it calls (repeatable)" },
	{ "alias", "OBJ:FUNC:NAME", 'a', "NAME is another name of changed function FUNC's\n"
					 "code, patched as FUNC (repeatable)" },
	{ "warning", "TEXT", 'w', "a warning the build raised (repeatable)" },
	{ "no-replace", NULL, 'r', "the module was built with --no-replace" },
	{ "build-seconds", "N", 's', "how long the build took" },
	{ NULL, NULL, 0, NULL },
};

static int add_new(struct options *o, char *arg)
{
	char *colon = strchr(arg, ':');

	if (!colon || colon == arg || !colon[1]) {
		err_msg(NULL, "--new %s: expected OBJ:FUNC", arg);
		return -1;
	}
	*colon = '\0';
	*array_push(o->news, o->nr_news) = (struct new_func){ arg, colon + 1 };
	return 0;
}

/*
 * Splits @arg at its first @n colons into @fields, the last taking the
 * rest; @arg is left whole (for the error message) if it has fewer.
 */
static int split_colons(char *arg, char **fields, int n)
{
	char *p = arg;
	int i;

	for (i = 0; i < n; i++) {
		p = strchr(p, ':');
		if (!p)
			return -1;
		p++;
	}
	for (i = 0; i < n; i++) {
		fields[i] = arg;
		arg = strchr(arg, ':');
		*arg++ = '\0';
	}
	fields[n] = arg;
	return 0;
}

/* --through OBJ:FUNC:VIA, --alias OBJ:FUNC:NAME */
static int add_note(struct options *o, enum func_note_kind kind, char *arg)
{
	const char *c1 = strchr(arg, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	char *f[3];

	if (!c2 || c1 == arg || c2 == c1 + 1 || !c2[1] || strchr(c2 + 1, ':') ||
	    split_colons(arg, f, 2)) {
		err_msg(NULL, "--%s %s: expected OBJ:FUNC:%s", kind == FUNC_THROUGH ? "through" : "alias",
			arg, kind == FUNC_THROUGH ? "VIA" : "NAME");
		return -1;
	}
	*array_push(o->notes, o->nr_notes) = (struct func_note){ kind, f[0], f[1], f[2] };
	return 0;
}

static int add_object(struct options *o, char *arg)
{
	char *f[2];

	if (split_colons(arg, f, 1)) {
		err_msg(NULL, "--object %s: expected OBJ:FILE", arg);
		return -1;
	}
	if (!*f[0] || !*f[1]) {
		err_msg(NULL, "--object %s:%s: expected OBJ:FILE, both not empty", f[0], f[1]);
		return -1;
	}
	*array_push(o->objects, o->nr_objects) = (struct considered){ f[0], f[1] };
	return 0;
}

/* A record of create-diff-object --refusals (lib/record.h), or klp-build's own. */
static int add_refusal(struct options *o, char *arg)
{
	char *f[5];

	if (record_split(arg, f, 5)) {
		err_msg(NULL, "--refusal: expected a record of 5 tab-separated fields (OBJ, FILE, SYMBOL, REASON, ADVICE), as create-diff-object --refusals writes");
		return -1;
	}
	if (!*f[3]) {
		err_msg(NULL, "--refusal: the record's REASON (its fourth field) is empty; say why the change was refused");
		return -1;
	}
	*array_push(o->refusals, o->nr_refusals) = (struct refusal){ f[0], f[1], f[2], f[3], f[4] };
	return 0;
}

static int add_failure(struct options *o, char *arg)
{
	char *f[2];

	if (split_colons(arg, f, 1) || !*f[0] || !*f[1]) {
		err_msg(NULL, "--failure %s: expected PHASE:TEXT, both not empty", arg);
		return -1;
	}
	o->fail_phase = f[0];
	o->fail_message = f[1];
	return 0;
}

/* As the kernel and readelf show it: lower-case hex, two digits a byte. */
static int parse_build_id(struct options *o, const char *arg)
{
	size_t len = strlen(arg), i;

	if (o->kernel_image || *o->kernel_build_id) {
		err_msg(NULL, "--kernel-build-id and --kernel-image both give the build id; give one of them once");
		return -1;
	}
	if (!len || len % 2 || len > 2 * ELF_BUILD_ID_MAX ||
	    strspn(arg, "0123456789abcdefABCDEF") != len) {
		err_msg(NULL, "--kernel-build-id %s: expected an even number (2 to %d) of hex digits, as readelf -n shows the GNU build id",
			arg, 2 * ELF_BUILD_ID_MAX);
		return -1;
	}
	for (i = 0; i < len; i++)
		o->kernel_build_id[i] = (char)tolower((unsigned char)arg[i]);
	o->kernel_build_id[len] = '\0';
	return 0;
}

static int set_kernel_image(struct options *o, const char *arg)
{
	if (o->kernel_image || *o->kernel_build_id) {
		err_msg(NULL, "--kernel-build-id and --kernel-image both give the build id; give one of them once");
		return -1;
	}
	o->kernel_image = arg;
	return 0;
}

static int parse_seconds(struct options *o, const char *arg)
{
	char *end;

	errno = 0;
	o->build_seconds = strtoll(arg, &end, 10);
	if (errno || end == arg || *end || o->build_seconds < 0) {
		err_msg(NULL, "--build-seconds %s: expected a number of seconds", arg);
		return -1;
	}
	return 0;
}

/* What --status allows, and its arguments. */
static int check_mode(void *ctx, int nargs, char **args)
{
	struct options *o = ctx;
	bool failed = !strcmp(o->status, "failed");

	if (strcmp(o->status, "built") && strcmp(o->status, "refused") &&
	    strcmp(o->status, "no-change") && !failed) {
		err_msg(NULL, "--status %s: expected built, refused, no-change or failed", o->status);
		return -1;
	}
	if (failed && !o->fail_phase) {
		err_msg(NULL, "--status failed: no --failure PHASE:TEXT; say which phase failed and why");
		return -1;
	}
	if (!failed && (o->fail_phase || o->nr_fail_output)) {
		err_msg(NULL, "--failure and --output-line describe a failed build; use them with --status failed");
		return -1;
	}
	if (has_module(o) && (o->nr_objects || o->nr_refusals)) {
		err_msg(NULL, "--object and --refusal describe a build without a module; use them with --status refused or no-change");
		return -1;
	}
	if (!has_module(o) && (o->nr_news || o->nr_notes || o->no_replace)) {
		err_msg(NULL, "--new, --through, --alias and --no-replace describe a module; --status %s has none",
			o->status);
		return -1;
	}
	if (has_module(o) && cli_operands(nargs, 2, "MODULE.ko OUTPUT.json"))
		return -1;
	if (!has_module(o) && nargs != 1) {
		err_msg(NULL, "--status %s: expected OUTPUT.json only (there is no module), got %d arguments",
			o->status, nargs);
		return -1;
	}
	o->module = has_module(o) ? args[0] : NULL;
	o->out = args[nargs - 1];
	return 0;
}

static int handle_opt(void *ctx, int key, char *arg)
{
	struct options *o = ctx;

	switch (key) {
	case 't': o->tool_version = arg; break;
	case 'k': o->kernel_release = arg; break;
	case 'p': *array_push(o->patches, o->nr_patches) = arg; break;
	case 'w': *array_push(o->warnings, o->nr_warnings) = arg; break;
	case 'r': o->no_replace = true; break;
	case 'S': o->status = arg; break;
	case 'n': return add_new(o, arg);
	case 'T': return add_note(o, FUNC_THROUGH, arg);
	case 'a': return add_note(o, FUNC_ALIAS, arg);
	case 's': return parse_seconds(o, arg);
	case 'b': return parse_build_id(o, arg);
	case 'K': return set_kernel_image(o, arg);
	case 'o': return add_object(o, arg);
	case 'R': return add_refusal(o, arg);
	case 'F': return add_failure(o, arg);
	case 'O': *array_push(o->fail_output, o->nr_fail_output) = arg; break;
	}
	return 0;
}

const struct cli_tool manifest_cli = {
	.name = "klp-manifest",
	.synopsis = synopsis,
	.about = "Writes the JSON manifest of a livepatch module klp-build made, or of a build\n"
		 "that made none (see klp-build(1)).",
	.opts = opts,
	.tail = "Exit: 0 written, 1 error, 2 usage. See klp-manifest(1).\n",
	.handle = handle_opt,
	.operands = check_mode,
};

void options_free(struct options *o)
{
	free(o->patches);
	free(o->warnings);
	free(o->news);
	free(o->notes);
	free(o->objects);
	free(o->refusals);
	free(o->fail_output);
}
