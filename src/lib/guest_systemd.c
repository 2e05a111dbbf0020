/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The version of the systemd a guest's rootfs holds, from the name of its
 * shared library (libsystemd-shared-NNN.so), as systemd-nspawn tells
 * which cgroup layout its guest can run on.  The rootfs is untrusted: it
 * is read beneath its root, never through its links out of it.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "guest_systemd.h"
#include "rootfs.h"
#include "util/macro.h"

#define LIB_PREFIX "libsystemd-shared-"

/* The highest NNN of LIB_PREFIX "NNN*.so" in the directory path. */
static int version_in(int rootfd, const char *path)
{
	int fd = open_beneath_dir(rootfd, path, 0), best = 0;
	struct dirent *de;
	DIR *d;

	if (fd < 0)
		return 0;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return 0;
	}
	while ((de = readdir(d))) {
		const char *v;
		char *end;
		long n;

		if (strncmp(de->d_name, LIB_PREFIX, strlen(LIB_PREFIX)) != 0)
			continue;
		v = de->d_name + strlen(LIB_PREFIX);
		n = strtol(v, &end, 10);
		if (end != v && n > best && n < 100000 && strstr(end, ".so"))
			best = (int)n;
	}
	closedir(d);
	return best;
}

int guest_systemd_version(int rootfd)
{
	static const char *const dirs[] = { "usr/lib/systemd", "usr/lib64/systemd",
					    "lib/systemd" };
	int fd, best = 0, v;
	struct dirent *de;
	DIR *d;

	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		v = version_in(rootfd, dirs[i]);
		best = v > best ? v : best;
	}
	/* Debian's multiarch place: usr/lib/TRIPLET/systemd. */
	fd = open_beneath_dir(rootfd, "usr/lib", 0);
	if (fd < 0)
		return best;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return best;
	}
	while ((de = readdir(d))) {
		char path[300];

		if (!strstr(de->d_name, "-linux-") || strlen(de->d_name) > 200)
			continue;
		snprintf(path, sizeof(path), "usr/lib/%s/systemd", de->d_name);
		v = version_in(rootfd, path);
		best = v > best ? v : best;
	}
	closedir(d);
	return best;
}
