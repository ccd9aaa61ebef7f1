// SPDX-License-Identifier: GPL-2.0
/* The manifest file: never over an input, written whole or not at all (lib/out-file.h). */
#include <stdlib.h>
#include <string.h>

#include "klp-manifest.h"
#include "out-file.h"
#include "util.h"

static int fill_manifest(struct out_file *f, void *text)
{
	return out_write(f, text, strlen(text)) || out_write(f, "\n", 1) ? -1 : 0;
}

int manifest_write(const char *path, struct json_object *doc)
{
	const char *text = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY |
							  JSON_C_TO_STRING_SPACED |
							  JSON_C_TO_STRING_NOSLASHESCAPE);

	return out_write_file(path, fill_manifest, (void *)text);
}

/* Neither the module nor a patch it hashes may be overwritten by the manifest. */
int manifest_check_output(const struct options *o)
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

