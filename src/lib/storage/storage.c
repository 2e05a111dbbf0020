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
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "storage/storage.h"
#include "util/exec.h"
#include "util/fileio.h"
#include "util/macro.h"

static const struct storage_ops *const backends[] = {
	&storage_dir_ops,
	&storage_overlay_ops,
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
	return streq(name, "btrfs") || streq(name, "loop") || streq(name, "lvm") ||
	       streq(name, "zfs");
}

void storage_free(struct storage *s)
{
	if (!s)
		return;
	free(s->spec);
	free(s->src);
	free(s->upper);
	free(s->work);
	free(s->merged);
	free(s->mount_data);
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
	s->merged = path_join(parent, "merged");
	if (asprintf(&s->mount_data, "lowerdir=%s,upperdir=%s,workdir=%s", s->src, s->upper,
		     s->work) < 0)
		s->mount_data = NULL;
	return s->work && s->merged && s->mount_data ? 0 : -ENOMEM;
}

/* Paths go into mount options: no separators there. */
static bool path_usable(const char *p)
{
	return p[0] == '/' && !strpbrk(p, ",:\n");
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
	if (s->ops == &storage_dir_ops) {
		r = -EINVAL;
		if (rest[0] != '/')
			goto fail;
		s->src = strdup(rest);
		r = s->src ? 0 : -ENOMEM;
	} else {
		const char *colon = strchr(rest, ':');

		r = -EINVAL;
		if (!colon)
			goto fail;
		s->src = strndup(rest, colon - rest);
		s->upper = strdup(colon + 1);
		if (!s->src || !s->upper) {
			r = -ENOMEM;
			goto fail;
		}
		if (!path_usable(s->src) || !path_usable(s->upper))
			goto fail;
		r = overlay_fill(s);
	}
	if (r < 0)
		goto fail;
	*ret = s;
	return 0;
fail:
	storage_free(s);
	return r;
}

int storage_new(const char *name, const char *dir, const char *lower, struct storage **ret)
{
	_cleanup_free_ char *spec = NULL, *upper = NULL;

	if (streq(name, "dir")) {
		if (asprintf(&spec, "dir:%s", dir) < 0)
			return -ENOMEM;
	} else if (streq(name, "overlay")) {
		if (!lower)
			return -EINVAL;
		upper = path_join(dir, "upper");
		if (!upper || asprintf(&spec, "overlay:%s:%s", lower, upper) < 0)
			return -ENOMEM;
	} else
		return -EOPNOTSUPP;
	return storage_parse(spec, ret);
}

const char *storage_mount_point(const struct storage *s)
{
	return s->merged ? s->merged : s->src;
}

int storage_copy_tree(int root_fd, const char *dest)
{
	_cleanup_free_ char *dest_copy = NULL;
	char src[64];
	int status;
	pid_t pid, parent;

	/* cp reads the source through the fd it inherits, so that a detached
	 * mount (an overlay's merged view) can be copied too. */
	snprintf(src, sizeof(src), "/proc/self/fd/%d/.", root_fd);
	dest_copy = strdup(dest);
	if (!dest_copy)
		return -ENOMEM;
	parent = getpid();
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		char cp[] = "cp", a[] = "-a", reflink[] = "--reflink=auto",
		     sparse[] = "--sparse=always", end[] = "--";
		char *argv[] = { cp, a, reflink, sparse, end, src, dest_copy, NULL };

		/* A copy killed half way stops copying. */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
			_exit(127);
		exec_signals_reset();
		if (fcntl(root_fd, F_SETFD, 0) < 0 || chdir("/") < 0)
			_exit(127);
		execvp("cp", argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return -ENOEXEC;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EIO;
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
