/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How every C tool writes its output: never over one of its inputs or
 * over anything but a regular file, through a short temporary name in
 * the output's directory (an output name near NAME_MAX still works),
 * renamed into place when whole, and removed again, temporary and all,
 * on failure or when SIGINT, SIGTERM, SIGHUP or SIGQUIT arrive mid-write.
 */
#ifndef KLP_OUT_FILE_H
#define KLP_OUT_FILE_H

#include <stdbool.h>
#include <stddef.h>

struct out_file {
	const char *path;	/* where it goes */
	char *tmp;		/* the temporary beside it, until committed */
	int fd;
};

/*
 * 0 when @path may be written: it is none of the @nr files of @inputs
 * (NULL entries skipped; by inode, so hard links and symbolic links are
 * caught) and, if it exists, a regular file. Else an error and -1.
 */
int out_check(const char *path, const char *const *inputs, int nr);

/* Creates the temporary for @path: 0 and f->fd, or an error and -1. */
int out_open(struct out_file *f, const char *path);

/* Writes @len bytes of @buf to the temporary: 0, or an error and -1. */
int out_write(struct out_file *f, const void *buf, size_t len);

/* Syncs, closes and renames the temporary into place: 0, or an error, no file and -1. */
int out_commit(struct out_file *f);

/* Closes and removes the temporary, if any. */
void out_abort(struct out_file *f);

/*
 * Writes @path whole or not at all: @fill writes the temporary (through
 * out_write() or f->fd) and returns 0, or gives an error and -1, and the
 * temporary is then renamed into place or removed. 0, or -1.
 */
int out_write_file(const char *path, int (*fill)(struct out_file *f, void *ctx), void *ctx);

/* out_write_file() of the @len bytes of @buf. */
int out_write_buf(const char *path, const void *buf, size_t len);

#endif
