/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Choosing a storage backend from rootfs.path, and what backends share. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "container.h"
#include "storage/storage.h"
#include "util/exec.h"
#include "util/fileio.h"
#include "util/macro.h"

static const struct storage_ops *const backends[] = {
	&storage_dir_ops,
	&storage_overlay_ops,
#ifdef HAVE_BTRFSUTIL
	&storage_btrfs_ops,
#endif
	&storage_loop_ops,
	&storage_lvm_ops,
};

const struct storage_ops *storage_backend(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(backends); i++)
		if (streq(backends[i]->name, name))
			return backends[i];
	return NULL;
}

bool storage_backend_planned(const char *name)
{
	return (streq(name, "btrfs") || streq(name, "zfs")) && !storage_backend(name);
}

void storage_free(struct storage *s)
{
	if (!s)
		return;
	free(s->spec);
	free(s->src);
	free(s->mnt);
	free(s->upper);
	free(s->work);
	free(s->mount_data);
	free(s->fstype);
	free(s->thinpool);
	free(s);
}

/* An overlay's work directory and mount point sit next to its upper. */
static int overlay_fill(struct storage *s)
{
	_cleanup_free_ char *parent = strdup(s->upper);
	char *slash;

	if (!parent)
		return -ENOMEM;
	slash = strrchr(parent, '/');
	if (!slash)
		return -EINVAL;
	slash[slash == parent] = 0; /* "/upper" has "/" for parent */
	s->work = path_join(parent, "work");
	s->mnt = path_join(parent, "merged");
	if (asprintf(&s->mount_data, "lowerdir=%s,upperdir=%s,workdir=%s", s->src, s->upper,
		     s->work) < 0)
		s->mount_data = NULL;
	return s->work && s->mnt && s->mount_data ? 0 : -ENOMEM;
}

/* Paths go into mount options: no separators there. */
static bool path_usable(const char *p)
{
	return p[0] == '/' && !strpbrk(p, ",:\n");
}

/* The part after the prefix: "/path", or "/lower:/upper" for an overlay. */
static int storage_fill(struct storage *s, const char *rest)
{
	const char *colon;

	if (s->ops != &storage_overlay_ops) {
		if (rest[0] != '/' || strchr(rest, '\n'))
			return -EINVAL;
		s->src = strdup(rest);
		if (!s->src)
			return -ENOMEM;
		if (storage_is_block(s))
			s->mnt = path_join(mgr_runtime_path(), "rootfs");
		else
			s->mnt = strdup(rest);
		return s->mnt ? 0 : -ENOMEM;
	}
	colon = strchr(rest, ':');
	if (!colon)
		return -EINVAL;
	s->src = strndup(rest, colon - rest);
	s->upper = strdup(colon + 1);
	if (!s->src || !s->upper)
		return -ENOMEM;
	if (!path_usable(s->src) || !path_usable(s->upper))
		return -EINVAL;
	return overlay_fill(s);
}

int storage_parse(const char *spec, struct storage **ret)
{
	_cleanup_free_ char *name = NULL;
	struct storage *s;
	size_t n = strspn(spec, "abcdefghijklmnopqrstuvwxyz0123456789_-");
	const char *rest = spec;
	int r = -ENOMEM;

	if (n > 0 && spec[n] == ':') {
		name = strndup(spec, n);
		rest = spec + n + 1;
	} else
		name = strdup("dir");
	if (!name)
		return -ENOMEM;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->ops = storage_backend(name);
	if (!s->ops) {
		r = -EOPNOTSUPP;
		goto fail;
	}
	if (rest == spec) {
		if (asprintf(&s->spec, "dir:%s", spec) < 0)
			s->spec = NULL;
	} else
		s->spec = strdup(spec);
	if (!s->spec)
		goto fail;
	r = storage_fill(s, rest);
	if (r < 0)
		goto fail;
	*ret = s;
	return 0;
fail:
	storage_free(s);
	return r;
}

/* The rootfs.path of a new storage (see storage_new()). */
static int new_spec(const char *name, const char *cdir, const char *cname,
		    const struct storage *origin, const struct mgr_storage_options *o,
		    char **ret)
{
	_cleanup_free_ char *where = NULL;
	int r;

	if (streq(name, "lvm"))
		r = asprintf(ret, "lvm:/dev/%s/%s", o->vgname ? o->vgname : STORAGE_DEFAULT_VGNAME,
			     o->lvname ? o->lvname : cname);
	else if (streq(name, "overlay")) {
		if (!origin)
			return -EINVAL;
		/* A snapshot of an overlay shares its lower. */
		where = path_join(cdir, "overlay/upper");
		if (!where)
			return -ENOMEM;
		r = asprintf(ret, "overlay:%s:%s", origin->src, where);
	} else if (streq(name, "loop")) {
		where = path_join(cdir, "rootdev");
		if (!where)
			return -ENOMEM;
		r = asprintf(ret, "loop:%s", where);
	} else {
		if (o->rootfs_dir)
			where = strdup(o->rootfs_dir);
		else
			where = path_join(cdir, "rootfs");
		if (!where)
			return -ENOMEM;
		r = asprintf(ret, "%s:%s", name, where);
	}
	return r < 0 ? -ENOMEM : 0;
}

int storage_new(const char *name, const char *cdir, const char *cname,
		const struct storage *origin, const struct mgr_storage_options *opts,
		struct storage **ret)
{
	static const struct mgr_storage_options none = { 0 };
	const struct mgr_storage_options *o = opts ? opts : &none;
	_cleanup_free_ char *spec = NULL;
	struct storage *s;
	int r;

	if (!storage_backend(name))
		return -EOPNOTSUPP;
	r = new_spec(name, cdir, cname, origin, o, &spec);
	if (r < 0)
		return r;
	r = storage_parse(spec, &s);
	if (r < 0)
		return r;
	s->fssize = o->fssize ? o->fssize : STORAGE_DEFAULT_FSSIZE;
	s->fstype = strdup(o->fstype ? o->fstype : STORAGE_DEFAULT_FSTYPE);
	if (o->thinpool)
		s->thinpool = strdup(o->thinpool);
	if (!s->fstype || (o->thinpool && !s->thinpool)) {
		storage_free(s);
		return -ENOMEM;
	}
	*ret = s;
	return 0;
}

const char *storage_mount_point(const struct storage *s)
{
	return s->mnt;
}

bool storage_is_block(const struct storage *s)
{
	return s->ops == &storage_loop_ops || s->ops == &storage_lvm_ops;
}

int storage_fs_mount(int fs)
{
	int mnt;

	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return -errno;
	mnt = fsmount(fs, FSMOUNT_CLOEXEC, 0);
	return mnt < 0 ? -errno : mnt;
}

int storage_fs_open_root(int fs)
{
	_cleanup_close_ int mnt = storage_fs_mount(fs);
	int fd;

	if (mnt < 0)
		return mnt;
	/* A directory fd, not the O_PATH one fsmount gives, to read through. */
	fd = openat(mnt, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int storage_mount_idmap(int mnt, int userns_fd)
{
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP, .userns_fd = userns_fd };

	if (mount_setattr(mnt, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0)
		return -errno;
	return 0;
}

int storage_open_mount_idmapped(const struct storage *s, int userns_fd)
{
	_cleanup_close_ int mnt = -1;
	int r;

	if (s->ops->open_mount_idmapped)
		return s->ops->open_mount_idmapped(s, userns_fd);
	mnt = storage_open_mount(s);
	if (mnt < 0)
		return mnt;
	r = storage_mount_idmap(mnt, userns_fd);
	return r < 0 ? r : TAKE_FD(mnt);
}

int storage_open_mount(const struct storage *s)
{
	struct mount_attr attr = { .propagation = MS_PRIVATE };
	int fd;

	if (s->ops->open_mount)
		return s->ops->open_mount(s);
	fd = open_tree(AT_FDCWD, s->src, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	if (fd < 0)
		return -errno;
	/* A clone of a shared mount is its peer: what the container mounts
	 * on its rootfs would show on the host's. */
	if (mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	return fd;
}

int storage_block_size(const struct storage *s, uint64_t *ret)
{
	_cleanup_close_ int fd = open(s->src, O_RDONLY | O_CLOEXEC);
	struct stat st;

	if (fd < 0 || fstat(fd, &st) < 0)
		return -errno;
	if (S_ISREG(st.st_mode)) {
		*ret = st.st_size;
		return 0;
	}
	if (!S_ISBLK(st.st_mode))
		return -ENOTBLK;
	return ioctl(fd, BLKGETSIZE64, ret) < 0 ? -errno : 0;
}

int storage_run(char *const *argv, const int *keep, size_t n_keep, char **out)
{
	_cleanup_close_ int rd = -1, wr = -1;
	_cleanup_free_ char *text = NULL;
	size_t len = 0, cap = 0;
	int pipefd[2], status;
	pid_t pid, parent = getpid();

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -errno;
	rd = pipefd[0];
	wr = pipefd[1];
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

		/* A tool whose caller was killed stops too. */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent || null < 0)
			_exit(127);
		exec_signals_reset();
		if (dup2(null, 0) < 0 || dup2(wr, 1) < 0 || dup2(wr, 2) < 0 || chdir("/") < 0)
			_exit(127);
		for (size_t i = 0; i < n_keep; i++)
			if (fcntl(keep[i], F_SETFD, 0) < 0)
				_exit(127);
		(void)exec_search(argv, environ, NULL);
		_exit(127);
	}
	close(TAKE_FD(wr));
	for (;;) {
		ssize_t n;

		if (cap - len < 512) {
			char *t = realloc(text, cap + 4096);

			if (!t)
				break; /* keep what fits; the exit status still counts */
			text = t;
			cap += 4096;
		}
		n = read(rd, text + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += n;
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (text) {
		text[len] = 0;
		while (len > 0 && text[len - 1] == '\n')
			text[--len] = 0;
	}
	if (out)
		*out = TAKE_PTR(text);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return -ENOEXEC;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EIO;
}

int storage_copy_tree(int from_fd, int to_fd)
{
	char from[64], to[64];
	char *argv[] = { (char *)"cp", (char *)"-a", (char *)"--reflink=auto",
			 (char *)"--sparse=always", (char *)"--", from, to, NULL };
	int keep[] = { from_fd, to_fd };

	/* cp goes through the fds it inherits, so that a detached mount (an
	 * overlay's merged view, a loop device's filesystem) can be copied. */
	snprintf(from, sizeof(from), "/proc/self/fd/%d/.", from_fd);
	snprintf(to, sizeof(to), "/proc/self/fd/%d/", to_fd);
	return storage_run(argv, keep, ARRAY_SIZE(keep), NULL);
}

int storage_copy(const struct storage *from, const struct storage *to)
{
	_cleanup_close_ int from_fd = -1, to_fd = -1;
	int r;

	from_fd = from->ops->open_root(from);
	if (from_fd < 0)
		return from_fd;
	r = to->ops->create(to);
	if (r < 0)
		return r;
	to_fd = to->ops->open_root(to);
	if (to_fd < 0)
		return to_fd;
	return storage_copy_tree(from_fd, to_fd);
}

/* nftw() has no user data: the walk's state is per thread. */
static __thread uint64_t tree_bytes;
static __thread struct stat *tree_seen;
static __thread size_t tree_n_seen;

static int tree_visit(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	struct stat *n;

	(void)path, (void)flag, (void)ftw;
	if (st->st_nlink > 1 && !S_ISDIR(st->st_mode)) {
		for (size_t i = 0; i < tree_n_seen; i++)
			if (tree_seen[i].st_ino == st->st_ino && tree_seen[i].st_dev == st->st_dev)
				return 0;
		n = realloc(tree_seen, (tree_n_seen + 1) * sizeof(*n));
		if (!n)
			return -ENOMEM;
		tree_seen = n;
		tree_seen[tree_n_seen++] = *st;
	}
	tree_bytes += (uint64_t)st->st_blocks * 512;
	return 0;
}

int storage_tree_size(const char *path, uint64_t *ret)
{
	int r;

	tree_bytes = 0;
	r = nftw(path, tree_visit, 32, FTW_PHYS | FTW_MOUNT);
	free(tree_seen);
	tree_seen = NULL;
	tree_n_seen = 0;
	if (r < 0)
		return -errno;
	if (r > 0)
		return -ENOMEM;
	*ret = tree_bytes;
	return 0;
}
