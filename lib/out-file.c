// SPDX-License-Identifier: GPL-2.0
/*
 * A tool's output: checked against its inputs first, written to a
 * temporary beside it and renamed into place, so that a failed or
 * interrupted run leaves what was there before, and nothing else.
 *
 * The temporary is ".klp-XXXXXX" in the output's directory rather than
 * OUT plus a suffix: a valid name of NAME_MAX bytes has no room for one.
 * It lives in the same directory so that rename() is atomic.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "out-file.h"
#include "util.h"

static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
#define NR_STOP_SIGNALS (sizeof(stop_signals) / sizeof(stop_signals[0]))

/* The temporary a signal handler must remove: one output is written at a time. */
static char *volatile pending_tmp;
static struct sigaction saved[NR_STOP_SIGNALS];

static void remove_and_reraise(int sig)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	int err = errno;

	if (pending_tmp)
		unlink(pending_tmp);
	sigaction(sig, &dfl, NULL);
	errno = err;
	raise(sig);
}

static void block_stop_signals(sigset_t *old)
{
	sigset_t set;
	size_t i;

	sigemptyset(&set);
	for (i = 0; i < NR_STOP_SIGNALS; i++)
		sigaddset(&set, stop_signals[i]);
	sigprocmask(SIG_BLOCK, &set, old);
}

/* A signal the caller ignores (nohup) stays ignored. */
static void catch_stop_signals(void)
{
	struct sigaction sa = { .sa_handler = remove_and_reraise };
	size_t i;

	sigemptyset(&sa.sa_mask);
	for (i = 0; i < NR_STOP_SIGNALS; i++) {
		sigaction(stop_signals[i], NULL, &saved[i]);
		if (saved[i].sa_handler != SIG_IGN)
			sigaction(stop_signals[i], &sa, NULL);
	}
}

static void restore_stop_signals(void)
{
	size_t i;

	for (i = 0; i < NR_STOP_SIGNALS; i++)
		sigaction(stop_signals[i], &saved[i], NULL);
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

int out_check(const char *path, const char *const *inputs, int nr)
{
	struct stat out, in;
	int i;

	if (stat(path, &out)) {
		if (errno == ENOENT)
			return 0;
		err_msg(path, "out_check: cannot check the output: %s; check the path and permissions",
			strerror(errno));
		return -1;
	}
	for (i = 0; i < nr; i++) {
		if (inputs[i] && !stat(inputs[i], &in) && same_file(&out, &in)) {
			err_msg(path, "out_check: the output is the input %s; name an output file of its own",
				inputs[i]);
			return -1;
		}
	}
	if (!S_ISREG(out.st_mode)) {
		err_msg(path, "out_check: exists and is not a regular file; name a new file or a regular file to replace");
		return -1;
	}
	return 0;
}

static char *temp_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	int dirlen = slash ? (int)(slash - path) + 1 : 0;

	return xasprintf("%.*s.klp-XXXXXX", dirlen, path);
}

int out_open(struct out_file *f, const char *path)
{
	mode_t mask = umask(0);
	sigset_t old;
	int err;

	umask(mask);
	f->path = path;
	f->tmp = temp_name(path);
	block_stop_signals(&old);
	f->fd = mkstemp(f->tmp);
	err = errno;
	if (f->fd >= 0) {
		pending_tmp = f->tmp;
		catch_stop_signals();
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (f->fd < 0) {
		err_msg(path, "out_open: cannot create a file beside it: %s; check the directory exists and is writable",
			strerror(err));
		free(f->tmp);
		f->tmp = NULL;
		return -1;
	}
	if (fchmod(f->fd, 0666 & ~mask)) {
		err_msg(path, "out_open: cannot set the mode of %s: %s; check the file system",
			f->tmp, strerror(errno));
		out_abort(f);
		return -1;
	}
	return 0;
}

int out_write(struct out_file *f, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len) {
		n = write(f->fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err_msg(f->path, "out_write: cannot write it: %s; check free disk space",
				strerror(errno));
			return -1;
		}
		p += n;
		len -= n;
	}
	return 0;
}

/* No temporary left for the handler; the caller's dispositions back. */
static void forget_temp(struct out_file *f)
{
	pending_tmp = NULL;
	restore_stop_signals();
	free(f->tmp);
	f->tmp = NULL;
}

void out_abort(struct out_file *f)
{
	sigset_t old;

	if (!f->tmp)
		return;
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	block_stop_signals(&old);
	unlink(f->tmp);
	forget_temp(f);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

int out_commit(struct out_file *f)
{
	sigset_t old;
	int err = 0;

	if (fsync(f->fd))
		err = errno;
	if (close(f->fd) && !err)
		err = errno;
	f->fd = -1;
	if (err) {
		err_msg(f->path, "out_commit: cannot write it: %s; check free disk space",
			strerror(err));
		out_abort(f);
		return -1;
	}
	block_stop_signals(&old);
	if (rename(f->tmp, f->path)) {
		err = errno;
		unlink(f->tmp);
	}
	forget_temp(f);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (err) {
		err_msg(f->path, "out_commit: cannot rename the finished file into place: %s; check the directory is writable",
			strerror(err));
		return -1;
	}
	return 0;
}

int out_write_file(const char *path, int (*fill)(struct out_file *f, void *ctx), void *ctx)
{
	struct out_file f;

	if (out_open(&f, path))
		return -1;
	if (fill(&f, ctx)) {
		out_abort(&f);
		return -1;
	}
	return out_commit(&f);
}

struct out_bytes {
	const void *buf;
	size_t len;
};

static int fill_bytes(struct out_file *f, void *ctx)
{
	const struct out_bytes *b = ctx;

	return out_write(f, b->buf, b->len);
}

int out_write_buf(const char *path, const void *buf, size_t len)
{
	struct out_bytes b = { buf, len };

	return out_write_file(path, fill_bytes, &b);
}
