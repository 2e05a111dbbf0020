/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The btrfs backend: the rootfs is a subvolume, bound at start like a
 * directory.  A snapshot is a writable btrfs snapshot of another btrfs
 * rootfs on the same filesystem; it shares extents with its source but
 * does not read it, so either can be destroyed first.
 *
 * Being on a filesystem other than btrfs is -ENOTTY, as the kernel says
 * for a btrfs ioctl there.
 */
#include "config.h"

#include "storage/storage.h"

#ifndef HAVE_BTRFSUTIL
/* Built without libbtrfsutil: known by name, never registered. */
const struct storage_ops storage_btrfs_ops = { .name = "btrfs" };
#else

#include <btrfsutil.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <linux/magic.h>
#include <unistd.h>

#include "util/fileio.h"
#include "util/macro.h"

/* libbtrfsutil's answer as 0 or -errno. */
static int btrfs_errno(enum btrfs_util_error e)
{
	switch (e) {
	case BTRFS_UTIL_OK:
		return 0;
	case BTRFS_UTIL_ERROR_NO_MEMORY:
		return -ENOMEM;
	case BTRFS_UTIL_ERROR_NOT_BTRFS:
		return -ENOTTY;
	case BTRFS_UTIL_ERROR_NOT_SUBVOLUME:
		return -EINVAL;
	default:
		return errno > 0 ? -errno : -EIO;
	}
}

/* 0 when the directory holding path is on btrfs, -ENOTTY when it is on
 * another filesystem. */
static int parent_on_btrfs(const char *path)
{
	size_t n = strlen(path);
	const char *slash;
	_cleanup_free_ char *parent = NULL;
	struct statfs sf;

	while (n > 1 && path[n - 1] == '/')
		n--;
	slash = memrchr(path, '/', n);
	if (!slash)
		return -EINVAL;
	parent = strndup(path, slash == path ? 1 : (size_t)(slash - path));
	if (!parent)
		return -ENOMEM;
	if (statfs(parent, &sf) < 0)
		return -errno;
	return (uint64_t)sf.f_type == BTRFS_SUPER_MAGIC ? 0 : -ENOTTY;
}

/* -ENOENT when missing, -ENOTDIR when not a directory, -ENOTTY when not
 * on btrfs, -EINVAL when a plain directory rather than a subvolume. */
static int btrfs_check(const struct storage *s)
{
	struct stat st;

	if (stat(s->src, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	return btrfs_errno(btrfs_util_is_subvolume(s->src));
}

static int btrfs_create(const struct storage *s)
{
	int r = parent_on_btrfs(s->src);

	if (r < 0)
		return r;
	return btrfs_errno(btrfs_util_create_subvolume(s->src, 0, NULL, NULL));
}

/* The subvolume and those made inside it (systemd makes some, such as
 * /var/lib/machines); a rootfs that is not a subvolume (any more) goes
 * as a directory would. */
static int btrfs_destroy(const struct storage *s)
{
	int r = btrfs_check(s);

	if (r == -ENOENT)
		return 0;
	if (r == -ENOTTY || r == -EINVAL || r == -ENOTDIR)
		return rm_rf(s->src);
	if (r < 0)
		return r;
	return btrfs_errno(
		btrfs_util_delete_subvolume(s->src, BTRFS_UTIL_DELETE_SUBVOLUME_RECURSIVE));
}

static int btrfs_mount(const struct storage *s, const char *target)
{
	return mount(s->src, target, NULL, MS_BIND | MS_REC, NULL) < 0 ? -errno : 0;
}

static int btrfs_open_root(const struct storage *s)
{
	int fd = open(s->src, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

/* Writable, of from's subvolume only: subvolumes nested in from show in
 * the snapshot as empty directories.  -EOPNOTSUPP when from is not a
 * subvolume; -ENOTTY when to would not be on btrfs, -EXDEV on another
 * btrfs filesystem. */
static int btrfs_snapshot(const struct storage *from, const struct storage *to)
{
	int r;

	if (from->ops != &storage_btrfs_ops)
		return -EOPNOTSUPP;
	r = btrfs_check(from);
	if (r == -EINVAL || r == -ENOTTY)
		return -EOPNOTSUPP;
	if (r < 0)
		return r;
	r = parent_on_btrfs(to->src);
	if (r < 0)
		return r;
	return btrfs_errno(btrfs_util_create_snapshot(from->src, to->src, 0, NULL, NULL));
}

/* What the subvolume's files take, extents it shares with snapshots
 * included: libbtrfsutil has no exclusive count (that needs quotas).
 * Nested subvolumes are not counted. */
static int btrfs_size(const struct storage *s, uint64_t *ret)
{
	return storage_tree_size(s->src, ret);
}

const struct storage_ops storage_btrfs_ops = {
	.name = "btrfs",
	.check = btrfs_check,
	.create = btrfs_create,
	.destroy = btrfs_destroy,
	.mount = btrfs_mount,
	.open_root = btrfs_open_root,
	.snapshot = btrfs_snapshot,
	.size = btrfs_size,
};

#endif
