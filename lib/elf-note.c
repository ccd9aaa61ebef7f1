// SPDX-License-Identifier: GPL-2.0
/*
 * The GNU build id of a linked object (a vmlinux): what the running kernel
 * exports in /sys/kernel/notes, so that a livepatch can name the exact
 * build it was made for.
 */
#include <stdio.h>
#include <string.h>

#include "elf-model.h"
#include "util.h"

#define CORRUPT "the object is corrupt or truncated; rebuild it"

static void to_hex(const unsigned char *id, size_t len, char *hex)
{
	size_t i;

	for (i = 0; i < len; i++)
		sprintf(hex + 2 * i, "%02x", id[i]);
	hex[2 * len] = '\0';
}

/* Is the note at @name_off of @data the one ld --build-id writes? */
static bool is_build_id(const Elf_Data *data, const GElf_Nhdr *nhdr, size_t name_off)
{
	return nhdr->n_type == NT_GNU_BUILD_ID && nhdr->n_namesz == sizeof(ELF_NOTE_GNU) &&
	       !memcmp((const char *)data->d_buf + name_off, ELF_NOTE_GNU, sizeof(ELF_NOTE_GNU));
}

/*
 * The build id in the notes of section @sec into @hex: 1 found, 0 none,
 * -1 error. libelf bounds each note (gelf_getnote) and aligns it.
 */
static int section_build_id(const struct elf_obj *obj, const struct section *sec, char *hex)
{
	Elf_Data *data = elf_getdata(elf_getscn(obj->elf, sec->idx), NULL);
	size_t off = 0, next, name_off, desc_off;
	GElf_Nhdr nhdr;

	if (!data) {
		err_msg(obj->path, "elf_gnu_build_id: cannot read note section %s (%s); %s",
			sec->name, elf_errmsg(-1), CORRUPT);
		return -1;
	}
	if (!data->d_buf)
		return 0;
	while (off < data->d_size &&
	       (next = gelf_getnote(data, off, &nhdr, &name_off, &desc_off)) > 0) {
		if (is_build_id(data, &nhdr, name_off)) {
			if (!nhdr.n_descsz || nhdr.n_descsz > ELF_BUILD_ID_MAX) {
				err_msg(obj->path, "elf_gnu_build_id: the GNU build id note in %s has %u bytes (expected 1 to %d); %s",
					sec->name, nhdr.n_descsz, ELF_BUILD_ID_MAX, CORRUPT);
				return -1;
			}
			to_hex((const unsigned char *)data->d_buf + desc_off, nhdr.n_descsz, hex);
			return 1;
		}
		off = next;
	}
	return 0;
}

int elf_gnu_build_id(const struct elf_obj *obj, char *hex)
{
	char other[2 * ELF_BUILD_ID_MAX + 1];
	bool found = false;
	int ret;
	const struct section *sec;

	for_each_sec(obj, sec) {
		if (sec->sh.sh_type != SHT_NOTE)
			continue;
		ret = section_build_id(obj, sec, found ? other : hex);
		if (ret < 0)
			return -1;
		if (ret && found && strcmp(hex, other)) {
			err_msg(obj->path, "elf_gnu_build_id: two different GNU build ids (%s, and %s in %s); %s",
				hex, other, sec->name, CORRUPT);
			return -1;
		}
		found = found || ret;
	}
	return found;
}
