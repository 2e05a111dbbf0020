/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The overlay backend: a read-only lower directory (another container's
 * rootfs) under a writable upper one.  It is mounted only where it is
 * used: in the container's mount namespace at start, and as a detached
 * mount (fsmount) when the host reads or edits it.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/fsuid.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "storage/storage.h"
#include "util/fileio.h"
#include "util/macro.h"

static int overlay_check(const struct storage *s)
{
	const char *need[] = { s->src, s->upper, s->work, s->mnt };
	struct stat st;

	for (size_t i = 0; i < ARRAY_SIZE(need); i++) {
		if (stat(need[i], &st) < 0)
			return -errno;
		if (!S_ISDIR(st.st_mode))
			return -ENOTDIR;
	}
	return 0;
}

static int overlay_create(const struct storage *s)
{
	_cleanup_free_ char *parent = strndup(s->upper, strrchr(s->upper, '/') - s->upper + 1);
	struct stat st;
	int r;

	if (!parent)
		return -ENOMEM;
	if (stat(s->src, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	r = mkdir_p(parent, 0755);
	if (r < 0)
		return r;
	if (mkdir(s->upper, 0755) < 0)
		return -errno;
	/* The upper's root carries the root directory's owner and mode. */
	if (chown(s->upper, st.st_uid, st.st_gid) < 0 || chmod(s->upper, st.st_mode & 07777) < 0)
		return -errno;
	/* The work directory too: a user namespace's root mounts the overlay
	 * with its own credentials and must be able to use both. */
	if (mkdir(s->work, 0700) < 0 || chown(s->work, st.st_uid, st.st_gid) < 0 ||
	    mkdir(s->mnt, 0755) < 0)
		return -errno;
	return 0;
}

static int overlay_destroy(const struct storage *s)
{
	int r = rm_rf(s->upper), k;

	k = rm_rf(s->work);
	if (r == 0)
		r = k;
	k = rm_rf(s->mnt);
	return r < 0 ? r : k;
}

static int overlay_mount(const struct storage *s, const char *target)
{
	return mount("overlay", target, "overlay", 0, s->mount_data) < 0 ? -errno : 0;
}

/* The configured fs context of the overlay. */
static int overlay_fs_context(const struct storage *s)
{
	_cleanup_close_ int fs = fsopen("overlay", FSOPEN_CLOEXEC);

	if (fs < 0)
		return -errno;
	if (fsconfig(fs, FSCONFIG_SET_STRING, "lowerdir", s->src, 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "upperdir", s->upper, 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "workdir", s->work, 0) < 0)
		return -errno;
	return TAKE_FD(fs);
}

static int overlay_open_root(const struct storage *s)
{
	_cleanup_close_ int fs = overlay_fs_context(s);

	return fs < 0 ? fs : storage_fs_open_root(fs);
}

static int overlay_open_mount(const struct storage *s)
{
	_cleanup_close_ int fs = overlay_fs_context(s);

	return fs < 0 ? fs : storage_fs_mount(fs);
}

/* Take the filesystem ids of the owner of path (as an idmapped mount
 * shows it: the container's root), keeping every capability.  The
 * overlay does its own work (its work directory, copy-up) as the process
 * that made it, whose ids must map through the idmapped upper. */
static int fsids_take(const char *path)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];
	struct stat st;

	if (stat(path, &st) < 0)
		return -errno;
	(void)setfsgid(st.st_gid);
	(void)setfsuid(st.st_uid);
	if ((gid_t)setfsgid(-1) != st.st_gid || (uid_t)setfsuid(-1) != st.st_uid)
		return -EPERM;
	/* A change of fsuid from 0 cleared the file capabilities. */
	if (syscall(SYS_capget, &h, d) < 0)
		return -errno;
	for (size_t i = 0; i < ARRAY_SIZE(d); i++)
		d[i].effective = d[i].permitted;
	return syscall(SYS_capset, &h, d) < 0 ? -errno : 0;
}

/* In a private mount namespace: idmapped mounts of the lower and of the
 * directory holding upper and work (they must share a mount) over the
 * same paths, and the overlay of those, made with the ids of the
 * container's root.  An overlay cannot be idmapped itself, but its layers
 * can. */
static int overlay_idmapped_in_private_ns(const struct storage *s, int userns_fd)
{
	const char *layers[] = { s->src, s->upper };
	_cleanup_free_ char *upper_dir = NULL;
	int r;

	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return -errno;
	upper_dir = strdup(s->upper);
	if (!upper_dir || !strrchr(upper_dir, '/'))
		return -ENOMEM;
	*strrchr(upper_dir, '/') = 0;
	layers[1] = upper_dir;
	for (size_t i = 0; i < ARRAY_SIZE(layers); i++) {
		_cleanup_close_ int mnt = open_tree(AT_FDCWD, layers[i],
						    OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);

		if (mnt < 0)
			return -errno;
		r = storage_mount_idmap(mnt, userns_fd);
		if (r < 0)
			return r;
		if (move_mount(mnt, "", AT_FDCWD, layers[i], MOVE_MOUNT_F_EMPTY_PATH) < 0)
			return -errno;
	}
	r = fsids_take(upper_dir);
	return r < 0 ? r : overlay_open_mount(s);
}

/* The helper process makes it; the mount outlives its namespace. */
static int overlay_open_mount_idmapped(const struct storage *s, int userns_fd)
{
	int to_parent[2], to_child[2], r = -EIO, got = -EIO, pidfd = -1;
	pid_t pid;

	if (pipe2(to_parent, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(to_child, O_CLOEXEC) < 0) {
		r = -errno;
		goto out_parent_pipe;
	}
	pid = fork();
	if (pid < 0) {
		r = -errno;
		goto out_pipes;
	}
	if (pid == 0) {
		char go;

		r = overlay_idmapped_in_private_ns(s, userns_fd);
		/* Hold the fd until the parent has taken it. */
		if (write(to_parent[1], &r, sizeof(r)) == sizeof(r))
			(void)!read(to_child[0], &go, 1);
		_exit(0);
	}
	close(to_parent[1]);
	to_parent[1] = -1;
	if (read(to_parent[0], &got, sizeof(got)) != sizeof(got))
		got = -EIO;
	if (got >= 0) {
		pidfd = syscall(SYS_pidfd_open, pid, 0);
		r = pidfd < 0 ? -errno : (int)syscall(SYS_pidfd_getfd, pidfd, got, 0);
		if (r < 0 && pidfd >= 0)
			r = -errno;
		if (r >= 0 && fcntl(r, F_SETFD, FD_CLOEXEC) < 0) {
			close(r);
			r = -errno;
		}
	} else
		r = got;
	(void)!write(to_child[1], "", 1);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	if (pidfd >= 0)
		close(pidfd);
out_pipes:
	closep(&to_child[0]);
	closep(&to_child[1]);
out_parent_pipe:
	closep(&to_parent[0]);
	closep(&to_parent[1]);
	return r;
}

/* A snapshot of a directory takes it as its lower; one of an overlay
 * shares its lower and starts from a copy of its upper. */
static int overlay_snapshot(const struct storage *from, const struct storage *to)
{
	_cleanup_close_ int from_fd = -1, to_fd = -1;
	int r;

	if (storage_is_block(from) || !streq(from->src, to->src))
		return -EOPNOTSUPP;
	r = overlay_create(to);
	if (r < 0 || from->ops != &storage_overlay_ops)
		return r;
	from_fd = open(from->upper, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	to_fd = open(to->upper, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (from_fd < 0 || to_fd < 0)
		return -errno;
	return storage_copy_tree(from_fd, to_fd);
}

/* A snapshot of a directory reads it; one of an overlay reads its lower,
 * whose owner is the one to keep. */
static bool overlay_depends_on(const struct storage *s, const struct storage *origin)
{
	return origin->ops != &storage_overlay_ops && streq(s->src, origin->src);
}

static int overlay_size(const struct storage *s, uint64_t *ret)
{
	return storage_tree_size(s->upper, ret);
}

const struct storage_ops storage_overlay_ops = {
	.name = "overlay",
	.check = overlay_check,
	.create = overlay_create,
	.destroy = overlay_destroy,
	.mount = overlay_mount,
	.open_root = overlay_open_root,
	.open_mount = overlay_open_mount,
	.open_mount_idmapped = overlay_open_mount_idmapped,
	.snapshot = overlay_snapshot,
	.depends_on = overlay_depends_on,
	.size = overlay_size,
};
