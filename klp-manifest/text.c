// SPDX-License-Identifier: GPL-2.0
/*
 * Every string of the manifest passes here: JSON is UTF-8, but symbol,
 * file and patch names are bytes. A byte that is not part of valid
 * UTF-8 (a Latin-1 file name) is written as the four characters \xHH,
 * so the document stays valid and the name stays recognisable.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistr.h>

#include "klp-manifest.h"
#include "util.h"

/* @s of @len bytes with each byte of an invalid sequence as \xHH. */
static char *escape_invalid(const uint8_t *s, size_t len)
{
	char *out = xmalloc(len * 4 + 1), *w = out;
	const uint8_t *end = s + len;

	while (s < end) {
		ucs4_t uc;
		int n = u8_mbtoucr(&uc, s, end - s);

		if (n > 0) {
			memcpy(w, s, n);
			w += n;
			s += n;
			continue;
		}
		w += sprintf(w, "\\x%02x", *s++);
	}
	*w = '\0';
	return out;
}

struct json_object *json_text_len(const char *s, size_t len)
{
	struct json_object *j;
	char *esc;

	if (!u8_check((const uint8_t *)s, len))
		return json_object_new_string_len(s, len);
	esc = escape_invalid((const uint8_t *)s, len);
	j = json_object_new_string(esc);
	free(esc);
	return j;
}

struct json_object *json_text(const char *s)
{
	return json_text_len(s, strlen(s));
}
