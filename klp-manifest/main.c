// SPDX-License-Identifier: GPL-2.0
/*
 * klp-manifest [OPTIONS] MODULE.ko OUTPUT.json
 * klp-manifest --status refused|no-change|failed [OPTIONS] OUTPUT.json
 *
 * Describes a livepatch module klp-build made, or why it made none, in
 * JSON (schema in klp-build(1)). OUTPUT.json appears whole or not at all.
 * Exit: 0 written, 1 error, 2 usage.
 */
#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "cli.h"
#include "klp-manifest.h"
#include "klp-rela.h"
#include "out-file.h"
#include "record.h"
#include "util.h"

struct options {
	const char *tool_version, *kernel_release, *module, *out, *status;
	const char *kernel_image;	/* --kernel-image: its build id is read */
	char kernel_build_id[2 * ELF_BUILD_ID_MAX + 1];	/* "" unknown */
	long long build_seconds;
	bool no_replace;
	const char **patches, **warnings;
	size_t nr_patches, nr_warnings;
	struct new_func *news;
	size_t nr_news;
	struct func_note *notes;
	size_t nr_notes;
	struct considered *objects;
	size_t nr_objects;
	struct refusal *refusals;
	size_t nr_refusals;
	const char *fail_phase, *fail_message;	/* --failure */
	const char **fail_output;
	size_t nr_fail_output;
};

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

static void append(const char ***arr, size_t *nr, const char *s)
{
	*arr = xrealloc(*arr, (*nr + 1) * sizeof(**arr));
	(*arr)[(*nr)++] = s;
}

static int add_new(struct options *o, char *arg)
{
	char *colon = strchr(arg, ':');

	if (!colon || colon == arg || !colon[1]) {
		err_msg(NULL, "--new %s: expected OBJ:FUNC", arg);
		return -1;
	}
	*colon = '\0';
	o->news = xrealloc(o->news, (o->nr_news + 1) * sizeof(*o->news));
	o->news[o->nr_news].objname = arg;
	o->news[o->nr_news++].name = colon + 1;
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
	o->notes = xrealloc(o->notes, (o->nr_notes + 1) * sizeof(*o->notes));
	o->notes[o->nr_notes++] = (struct func_note){ kind, f[0], f[1], f[2] };
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
	o->objects = xrealloc(o->objects, (o->nr_objects + 1) * sizeof(*o->objects));
	o->objects[o->nr_objects].objname = f[0];
	o->objects[o->nr_objects++].file = f[1];
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
	o->refusals = xrealloc(o->refusals, (o->nr_refusals + 1) * sizeof(*o->refusals));
	o->refusals[o->nr_refusals++] = (struct refusal){ f[0], f[1], f[2], f[3], f[4] };
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
	case 'p': append(&o->patches, &o->nr_patches, arg); break;
	case 'w': append(&o->warnings, &o->nr_warnings, arg); break;
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
	case 'O': append(&o->fail_output, &o->nr_fail_output, arg); break;
	}
	return 0;
}

static const struct cli_tool cli = {
	.name = "klp-manifest",
	.synopsis = synopsis,
	.about = "Writes the JSON manifest of a livepatch module klp-build made, or of a build\n"
		 "that made none (see klp-build(1)).",
	.opts = opts,
	.tail = "Exit: 0 written, 1 error, 2 usage. See klp-manifest(1).\n",
	.handle = handle_opt,
	.operands = check_mode,
};

/* Lower-case hex SHA-256 of file @path into @hex, and its size. */
static int sha256_file(const char *path, char hex[65], uint64_t *size)
{
	unsigned char buf[65536], md[EVP_MAX_MD_SIZE];
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	FILE *f;
	unsigned int len = 0, i;
	size_t n;
	int ret = -1;

	*size = 0;
	errno = 0;
	f = fopen(path, "rb");
	if (!f || !ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL))
		goto out;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		*size += n;
		if (!EVP_DigestUpdate(ctx, buf, n))
			goto out;
	}
	if (ferror(f) || !EVP_DigestFinal_ex(ctx, md, &len))
		goto out;
	for (i = 0; i < len && i < 32; i++)
		sprintf(hex + 2 * i, "%02x", md[i]);
	ret = 0;
out:
	if (ret)
		err_msg(path, "cannot read and hash it: %s; check that it exists and is readable",
			errno ? strerror(errno) : "digest failed");
	if (f)
		fclose(f);
	EVP_MD_CTX_free(ctx);
	return ret;
}

static struct json_object *string_or_null(const char *s)
{
	return s ? json_text(s) : NULL;
}

/* The file's base name: manifests of builds in other directories compare equal. */
static struct json_object *base_name(const char *path)
{
	char *copy = xstrdup(path);
	struct json_object *s = json_text(basename(copy));

	free(copy);
	return s;
}

static struct json_object *patches_array(const struct options *o)
{
	struct json_object *arr = json_object_new_array(), *p;
	char hex[65];
	uint64_t size;
	size_t i;

	for (i = 0; i < o->nr_patches; i++) {
		if (sha256_file(o->patches[i], hex, &size)) {
			json_object_put(arr);
			return NULL;
		}
		p = json_object_new_object();
		json_object_object_add(p, "file", base_name(o->patches[i]));
		json_object_object_add(p, "sha256", json_text(hex));
		json_object_array_add(arr, p);
	}
	return arr;
}

static struct json_object *module_entry(const struct options *o, const struct elf_obj *obj)
{
	struct json_object *m;
	char hex[65];
	uint64_t size;

	if (sha256_file(o->module, hex, &size))
		return NULL;
	m = json_object_new_object();
	json_object_object_add(m, "file", base_name(o->module));
	json_object_object_add(m, "name", string_or_null(modinfo_get(obj, "name")));
	json_object_object_add(m, "vermagic", string_or_null(modinfo_get(obj, "vermagic")));
	json_object_object_add(m, "replace", json_object_new_boolean(!o->no_replace));
	json_object_object_add(m, "size", json_object_new_uint64(size));
	json_object_object_add(m, "sha256", json_text(hex));
	return m;
}

static struct json_object *strings_array(const char **s, size_t n)
{
	struct json_object *arr = json_object_new_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_object_array_add(arr, json_text(s[i]));
	return arr;
}

/* The line create-diff-object printed: the reason, then what to do. */
static struct json_object *message(const struct refusal *f)
{
	char *text = xasprintf("%s; %s", f->reason, f->advice);
	struct json_object *j = json_text(text);

	free(text);
	return j;
}

static struct json_object *refusals_array(const struct options *o)
{
	struct json_object *arr = json_object_new_array(), *r;
	size_t i;

	for (i = 0; i < o->nr_refusals; i++) {
		const struct refusal *f = &o->refusals[i];

		r = json_object_new_object();
		json_object_object_add(r, "object", string_or_null(*f->objname ? f->objname : NULL));
		json_object_object_add(r, "file", string_or_null(*f->file ? f->file : NULL));
		json_object_object_add(r, "symbol", string_or_null(*f->symbol ? f->symbol : NULL));
		json_object_object_add(r, "message", *f->advice ? message(f) : json_text(f->reason));
		json_object_object_add(r, "reason", json_text(f->reason));
		json_object_object_add(r, "advice", string_or_null(*f->advice ? f->advice : NULL));
		json_object_array_add(arr, r);
	}
	return arr;
}

/* Null unless the build failed: where, why, and what the failing step said. */
static struct json_object *failure_entry(const struct options *o)
{
	struct json_object *f;

	if (!o->fail_phase)
		return NULL;
	f = json_object_new_object();
	json_object_object_add(f, "phase", json_text(o->fail_phase));
	json_object_object_add(f, "message", json_text(o->fail_message));
	json_object_object_add(f, "output", strings_array(o->fail_output, o->nr_fail_output));
	return f;
}

/* Fields in a fixed order: json-c keeps insertion order. */
static struct json_object *manifest(const struct options *o, struct elf_obj *obj)
{
	struct json_object *doc = json_object_new_object(), *tool, *kernel, *part;

	json_object_object_add(doc, "schema_version", json_object_new_int(SCHEMA_VERSION));
	json_object_object_add(doc, "status", json_text(o->status));
	tool = json_object_new_object();
	json_object_object_add(tool, "name", json_text("klp-build"));
	json_object_object_add(tool, "version", string_or_null(o->tool_version));
	json_object_object_add(doc, "tool", tool);
	kernel = json_object_new_object();
	json_object_object_add(kernel, "release", string_or_null(o->kernel_release));
	json_object_object_add(kernel, "build_id",
			       string_or_null(*o->kernel_build_id ? o->kernel_build_id : NULL));
	json_object_object_add(doc, "kernel", kernel);
	part = obj ? module_entry(o, obj) : NULL;
	if (obj && !part)
		goto fail;
	json_object_object_add(doc, "module", part);
	part = patches_array(o);
	if (!part)
		goto fail;
	json_object_object_add(doc, "patches", part);
	part = obj ? module_objects(obj, o->news, o->nr_news, o->notes, o->nr_notes) :
		     considered_objects(o->objects, o->nr_objects);
	if (!part)
		goto fail;
	json_object_object_add(doc, "objects", part);
	json_object_object_add(doc, "warnings", strings_array(o->warnings, o->nr_warnings));
	json_object_object_add(doc, "refusals", refusals_array(o));
	json_object_object_add(doc, "failure", failure_entry(o));
	json_object_object_add(doc, "build_seconds", json_object_new_int64(o->build_seconds));
	return doc;
fail:
	json_object_put(doc);
	return NULL;
}

static int write_manifest(const char *path, const char *text)
{
	struct out_file f;

	if (out_open(&f, path))
		return -1;
	if (out_write(&f, text, strlen(text)) || out_write(&f, "\n", 1)) {
		out_abort(&f);
		return -1;
	}
	return out_commit(&f);
}

/* Neither the module nor a patch it hashes may be overwritten by the manifest. */
static int check_output(const struct options *o)
{
	const char **inputs = xcalloc(o->nr_patches + 1, sizeof(*inputs));
	int ret;

	inputs[0] = o->module;
	if (o->nr_patches)
		memcpy(inputs + 1, o->patches, o->nr_patches * sizeof(*inputs));
	ret = out_check(o->out, inputs, o->nr_patches + 1);
	free(inputs);
	return ret;
}

/* Only the headers and notes of a vmlinux of hundreds of MiB are read. */
static int read_kernel_build_id(struct options *o)
{
	struct elf_obj *img;
	unsigned int type;
	int found = -1;

	if (!o->kernel_image)
		return 0;
	img = elf_load(o->kernel_image, ELF_LOAD_HEADERS_ONLY);
	if (!img)
		return -1;
	type = img->ehdr.e_type;
	if (type != ET_EXEC)
		err_msg(o->kernel_image, "--kernel-image: not a linked kernel image (ELF type %u); give the tree's vmlinux",
			type);
	else
		found = elf_gnu_build_id(img, o->kernel_build_id);
	elf_free(img);
	if (!found)
		err_msg(o->kernel_image, "--kernel-image: no GNU build id note; build the kernel with a linker that writes one (kbuild passes --build-id) or leave the option out");
	return found == 1 ? 0 : -1;
}

static int run(struct options *o)
{
	struct elf_obj *obj = NULL;
	struct json_object *doc;
	int ret = 1;

	if (check_output(o) || read_kernel_build_id(o))
		return 1;
	if (o->module) {
		obj = elf_load(o->module, ELF_LOAD_RELOCATABLE);
		if (!obj)
			return 1;
	}
	doc = manifest(o, obj);
	if (doc) {
		ret = write_manifest(o->out, json_object_to_json_string_ext(doc,
				   JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
				   JSON_C_TO_STRING_NOSLASHESCAPE)) ? 1 : 0;
		json_object_put(doc);
	}
	if (obj)
		elf_free(obj);
	return ret;
}

int main(int argc, char **argv)
{
	struct options o = { .status = "built" };
	enum cli_result parsed;
	int ret;

	tool_name = cli.name;
	parsed = cli_parse(&cli, argc, argv, &o);
	ret = parsed == CLI_RUN ? run(&o) : cli_exit_code(&cli, parsed);
	free(o.patches);
	free(o.warnings);
	free(o.news);
	free(o.notes);
	free(o.objects);
	free(o.refusals);
	free(o.fail_output);
	return ret;
}
