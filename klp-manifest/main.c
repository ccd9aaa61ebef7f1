// SPDX-License-Identifier: GPL-2.0
/*
 * klp-manifest [OPTIONS] MODULE.ko OUTPUT.json
 * klp-manifest --status refused|no-change|failed [OPTIONS] OUTPUT.json
 *
 * Describes a livepatch module klp-build made, or why it made none, in
 * JSON (schema in klp-build(1)). OUTPUT.json appears whole or not at all.
 * Exit: 0 written, 1 error, 2 usage.
 */
#include <stdlib.h>

#include "cli.h"
#include "klp-manifest.h"
#include "util.h"

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

	if (manifest_check_output(o) || read_kernel_build_id(o))
		return 1;
	if (o->module) {
		obj = elf_load(o->module, ELF_LOAD_RELOCATABLE);
		if (!obj)
			return 1;
	}
	doc = manifest_document(o, obj);
	if (doc) {
		ret = manifest_write(o->out, doc) ? 1 : 0;
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

	tool_name = manifest_cli.name;
	parsed = cli_parse(&manifest_cli, argc, argv, &o);
	ret = parsed == CLI_RUN ? run(&o) : cli_exit_code(&manifest_cli, parsed);
	options_free(&o);
	return ret;
}
