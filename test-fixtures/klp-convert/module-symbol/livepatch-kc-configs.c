// SPDX-License-Identifier: GPL-2.0
/*
 * klp-convert test: a livepatch for a module. It replaces
 * ikconfig_read_current() of kernel/configs.ko (object "configs", the
 * read of /proc/config.gz), and the new function reads configs.ko's
 * kernel_config_data and kernel_config_data_end, which configs.ko does
 * not export. klp-convert --module configs=.../configs.ko makes them
 * .klp.sym.configs.<name>,0, resolved when configs.ko is loaded, before
 * or after this module.
 *
 * Patched /proc/config.gz: the line "klp-convert\n", then the gzip data
 * the original returns.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "kc-livepatch.h"

/* kernel/configs.c, global in configs.ko but not exported */
extern char kernel_config_data;
extern char kernel_config_data_end;

static const char marker[] = "klp-convert\n";

static ssize_t livepatch_ikconfig_read_current(struct file *file, char __user *buf,
					       size_t len, loff_t *offset)
{
	loff_t mlen = sizeof(marker) - 1;
	size_t dlen = &kernel_config_data_end - &kernel_config_data;
	ssize_t done = 0, ret;
	loff_t pos;

	if (*offset < 0)
		return -EINVAL;
	if (*offset < mlen) {
		ret = simple_read_from_buffer(buf, len, offset, marker, mlen);
		if (ret < 0)
			return ret;
		done = ret;
	}
	if (*offset < mlen || (size_t)done == len)
		return done;
	pos = *offset - mlen;
	ret = simple_read_from_buffer(buf + done, len - done, &pos,
				      &kernel_config_data, dlen);
	if (ret < 0)
		return done ? done : ret;
	*offset = pos + mlen;
	return done + ret;
}

KC_LIVEPATCH("configs", "ikconfig_read_current", livepatch_ikconfig_read_current);
