/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The dir backend: the rootfs is a directory of the host, bound at start. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "storage/storage.h"
#include "util/fileio.h"
#include "util/macro.h"

static int dir_check(const struct storage *s)
{
	struct stat st;

	if (stat(s->src, &st) < 0)
		return -errno;
	return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

static int dir_create(const struct storage *s)
{
	return mkdir(s->src, 0755) < 0 ? -errno : 0;
}

static int dir_destroy(const struct storage *s)
{
	return rm_rf(s->src);
}

static int dir_mount(const struct storage *s, const char *target)
{
	return mount(s->src, target, NULL, MS_BIND | MS_REC, NULL) < 0 ? -errno : 0;
}

static int dir_open_root(const struct storage *s)
{
	int fd = open(s->src, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

static int dir_size(const struct storage *s, uint64_t *ret)
{
	return storage_tree_size(s->src, ret);
}

const struct storage_ops storage_dir_ops = {
	.name = "dir",
	.check = dir_check,
	.create = dir_create,
	.destroy = dir_destroy,
	.mount = dir_mount,
	.open_root = dir_open_root,
	.size = dir_size,
};
