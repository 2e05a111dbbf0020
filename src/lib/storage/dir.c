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

static int dir_copy(const struct storage *from, const struct storage *to)
{
	_cleanup_close_ int root = -1;
	int r;

	root = from->ops->open_root(from);
	if (root < 0)
		return root;
	r = dir_create(to);
	if (r < 0)
		return r;
	return storage_copy_tree(root, to->src);
}

static int dir_snapshot(const struct storage *from, const struct storage *to)
{
	(void)from, (void)to;
	return -EOPNOTSUPP;
}

static int dir_size(const struct storage *s, uint64_t *ret)
{
	return storage_tree_size(s->src, ret);
}

const struct storage_ops storage_dir_ops = {
	.name = "dir",
	.create = dir_create,
	.destroy = dir_destroy,
	.mount = dir_mount,
	.open_root = dir_open_root,
	.copy = dir_copy,
	.snapshot = dir_snapshot,
	.size = dir_size,
};
