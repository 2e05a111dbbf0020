/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The loop backend: the rootfs is a filesystem in a sparse image file
 * (DIR/rootdev), mounted through a loop device that goes with the mount
 * (block.c).  An image has no snapshots: a copy of it is a full one.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "storage/storage.h"
#include "util/macro.h"

static int loop_check(const struct storage *s)
{
	struct stat st;

	if (stat(s->src, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	return S_ISREG(st.st_mode) ? 0 : -EINVAL;
}

/* A sparse file of s->fssize bytes holding an empty filesystem. */
static int loop_create(const struct storage *s)
{
	uint64_t size = s->fssize ? s->fssize : STORAGE_DEFAULT_FSSIZE;
	_cleanup_close_ int fd = -1;
	int r = 0;

	if (size > INT64_MAX)
		return -EFBIG;
	/* The image holds a whole root filesystem: only root reads it. */
	fd = open(s->src, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)size) < 0)
		r = -errno;
	close(TAKE_FD(fd));
	if (r == 0)
		r = storage_mkfs(s->fstype ? s->fstype : STORAGE_DEFAULT_FSTYPE, s->src);
	if (r < 0)
		(void)unlink(s->src);
	return r;
}

static int loop_destroy(const struct storage *s)
{
	if (unlink(s->src) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

static int loop_mount(const struct storage *s, const char *target)
{
	return storage_block_mount(s->src, NULL, target);
}

static int loop_open_root(const struct storage *s)
{
	return storage_block_open_root(s->src, NULL);
}

static int loop_open_mount(const struct storage *s)
{
	return storage_block_open_mount(s->src, NULL);
}

static int loop_snapshot(const struct storage *from, const struct storage *to)
{
	(void)from, (void)to;
	return -EOPNOTSUPP;
}

/* What the image takes on disk, not its apparent size. */
static int loop_size(const struct storage *s, uint64_t *ret)
{
	struct stat st;

	if (stat(s->src, &st) < 0)
		return -errno;
	*ret = (uint64_t)st.st_blocks * 512;
	return 0;
}

const struct storage_ops storage_loop_ops = {
	.name = "loop",
	.check = loop_check,
	.create = loop_create,
	.destroy = loop_destroy,
	.mount = loop_mount,
	.open_root = loop_open_root,
	.open_mount = loop_open_mount,
	.snapshot = loop_snapshot,
	.size = loop_size,
};
