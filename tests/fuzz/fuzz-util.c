// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz-util.h"

static char input_path[64];
static int input_fd = -1;
static char out_dir[4096], out_path[4200];

static void fail(const char *what)
{
	perror(what);
	exit(1);
}

/* A memfd: no disk traffic per run, and gone with the process. */
const char *fuzz_input(const uint8_t *data, size_t size)
{
	if (input_fd < 0) {
		input_fd = memfd_create("fuzz-input", MFD_CLOEXEC);
		if (input_fd < 0)
			fail("fuzz: memfd_create");
		snprintf(input_path, sizeof(input_path), "/proc/self/fd/%d", input_fd);
	}
	if (ftruncate(input_fd, 0) || (size && pwrite(input_fd, data, size, 0) != (ssize_t)size))
		fail("fuzz: writing the input");
	return input_path;
}

static void remove_output(void)
{
	unlink(out_path);
	rmdir(out_dir);
}

/*
 * In /dev/shm where there is one: elf_write fsyncs what it writes, which
 * on a disk busy with other work can take seconds, and a harness run
 * would pass for a hang.
 */
const char *fuzz_output(void)
{
	const char *tmp = getenv("TMPDIR");

	if (out_dir[0])
		return out_path;
	if (access("/dev/shm", W_OK) == 0)
		tmp = "/dev/shm";
	snprintf(out_dir, sizeof(out_dir), "%s/klp-fuzz.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(out_dir))
		fail("fuzz: mkdtemp");
	snprintf(out_path, sizeof(out_path), "%s/out.o", out_dir);
	atexit(remove_output);
	return out_path;
}

const char *fuzz_env(const char *name)
{
	const char *v = getenv(name);

	if (!v || !*v) {
		fprintf(stderr, "fuzz: set %s (make fuzz does)\n", name);
		exit(2);
	}
	return v;
}
