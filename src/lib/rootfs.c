/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rootfs.h"
#include "util/macro.h"
#include "util/strv.h"

static int openat2_in_root(int rootfd, const char *path, int flags)
{
	struct open_how how = {
		.flags = flags | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	int fd = syscall(SYS_openat2, rootfd, path, &how, sizeof(how));

	return fd < 0 ? -errno : fd;
}

/* Where openat2 is missing: walk component by component, refusing every
 * symlink, which is stricter but never escapes. */
static int open_walk(int rootfd, const char *path, int flags)
{
	_cleanup_strv_free_ char **parts = NULL;
	int fd, r;

	r = strv_split(path, "/", &parts);
	if (r < 0)
		return r;
	fd = fcntl(rootfd, F_DUPFD_CLOEXEC, 3);
	if (fd < 0)
		return -errno;
	STRV_FOREACH(p, parts) {
		bool last = !p[1];
		int nfd;

		if (streq(*p, "..") || streq(*p, ".")) {
			close(fd);
			return -EINVAL;
		}
		nfd = openat(fd, *p, (last ? flags : O_PATH | O_DIRECTORY) | O_NOFOLLOW | O_CLOEXEC);
		r = -errno;
		close(fd);
		if (nfd < 0)
			return r;
		fd = nfd;
	}
	return fd;
}

static int open_in_root(int rootfd, const char *path, int flags)
{
	int fd;

	while (*path == '/')
		path++;
	if (!*path)
		path = ".";
	fd = openat2_in_root(rootfd, path, flags);
	if (fd == -ENOSYS)
		fd = open_walk(rootfd, path, flags);
	return fd;
}

int fd_reopen_dir(int fd)
{
	char proc[64];
	int dfd;

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	dfd = open(proc, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return dfd < 0 ? -errno : dfd;
}

int open_beneath_dir(int rootfd, const char *path, unsigned create)
{
	_cleanup_close_ int fd = open_beneath(rootfd, path, create);

	return fd < 0 ? fd : fd_reopen_dir(fd);
}

int open_beneath(int rootfd, const char *path, unsigned create)
{
	_cleanup_free_ char *parent = NULL;
	_cleanup_close_ int pfd = -1;
	const char *base;
	int fd, r;

	fd = open_in_root(rootfd, path, O_PATH);
	if (fd != -ENOENT || !create)
		return fd;

	/* Create the parent first, then the last component inside it. */
	parent = strdup(path);
	if (!parent)
		return -ENOMEM;
	for (size_t n = strlen(parent); n > 0 && parent[n - 1] == '/'; n--)
		parent[n - 1] = 0;
	base = strrchr(parent, '/');
	if (base) {
		parent[base - parent] = 0;
		base = path + (base - parent) + 1;
		pfd = open_beneath(rootfd, *parent ? parent : "/", BENEATH_CREATE_DIR);
	} else {
		base = path;
		pfd = open_in_root(rootfd, "/", O_PATH);
	}
	if (pfd < 0)
		return pfd;
	r = fd_reopen_dir(pfd);
	if (r < 0)
		return r;
	close(pfd);
	pfd = r;
	if ((create & BENEATH_CREATE_FILE)) {
		r = openat(pfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (r >= 0)
			close(r);
		else if (errno != EEXIST)
			return -errno;
	} else if (mkdirat(pfd, base, 0755) < 0 && errno != EEXIST)
		return -errno;
	return open_in_root(rootfd, path, O_PATH);
}

int mount_beneath(int rootfd, const char *src, const char *path, const char *fstype,
		  unsigned long flags, const char *data, unsigned create)
{
	_cleanup_close_ int fd = open_beneath(rootfd, path, create);
	char target[64];

	if (fd < 0)
		return fd;
	snprintf(target, sizeof(target), "/proc/self/fd/%d", fd);
	if (mount(src, target, fstype, flags, data) < 0)
		return -errno;
	return 0;
}

struct opt_flag {
	const char *name;
	bool clear;
	unsigned long flag;
};

static const struct opt_flag opt_flags[] = {
	{ "defaults", false, 0 },
	{ "ro", false, MS_RDONLY },
	{ "rw", true, MS_RDONLY },
	{ "nosuid", false, MS_NOSUID },
	{ "suid", true, MS_NOSUID },
	{ "nodev", false, MS_NODEV },
	{ "dev", true, MS_NODEV },
	{ "noexec", false, MS_NOEXEC },
	{ "exec", true, MS_NOEXEC },
	{ "sync", false, MS_SYNCHRONOUS },
	{ "async", true, MS_SYNCHRONOUS },
	{ "dirsync", false, MS_DIRSYNC },
	{ "remount", false, MS_REMOUNT },
	{ "mand", false, MS_MANDLOCK },
	{ "nomand", true, MS_MANDLOCK },
	{ "noatime", false, MS_NOATIME },
	{ "atime", true, MS_NOATIME },
	{ "nodiratime", false, MS_NODIRATIME },
	{ "diratime", true, MS_NODIRATIME },
	{ "bind", false, MS_BIND },
	{ "rbind", false, MS_BIND | MS_REC },
	{ "relatime", false, MS_RELATIME },
	{ "norelatime", true, MS_RELATIME },
	{ "strictatime", false, MS_STRICTATIME },
	{ "lazytime", false, MS_LAZYTIME },
	{ "silent", false, MS_SILENT },
};

static const struct opt_flag opt_propagation[] = {
	{ "shared", false, MS_SHARED },         { "rshared", false, MS_SHARED | MS_REC },
	{ "slave", false, MS_SLAVE },           { "rslave", false, MS_SLAVE | MS_REC },
	{ "private", false, MS_PRIVATE },       { "rprivate", false, MS_PRIVATE | MS_REC },
	{ "unbindable", false, MS_UNBINDABLE }, { "runbindable", false, MS_UNBINDABLE | MS_REC },
};

static bool opt_lookup(const struct opt_flag *t, size_t n, const char *o, unsigned long *set,
		       unsigned long *clr)
{
	for (size_t i = 0; i < n; i++)
		if (streq(t[i].name, o)) {
			if (t[i].clear)
				*clr |= t[i].flag;
			else
				*set |= t[i].flag;
			return true;
		}
	return false;
}

int mount_opts_parse(const char *opts, struct mount_opts *ret)
{
	_cleanup_strv_free_ char **words = NULL;
	struct mount_opts m = { 0 };
	unsigned long clr = 0, pclr = 0;
	size_t len = 0;
	int r;

	r = strv_split(opts ? opts : "", ",", &words);
	if (r < 0)
		return r;
	STRV_FOREACH(w, words) {
		if (opt_lookup(opt_flags, ARRAY_SIZE(opt_flags), *w, &m.flags, &clr))
			continue;
		if (opt_lookup(opt_propagation, ARRAY_SIZE(opt_propagation), *w, &m.propagation,
			       &pclr))
			continue;
		if (streq(*w, "create=dir"))
			m.create = BENEATH_CREATE_DIR;
		else if (streq(*w, "create=file"))
			m.create = BENEATH_CREATE_DIR | BENEATH_CREATE_FILE;
		else if (streq(*w, "optional"))
			m.optional = true;
		else {
			size_t n = strlen(*w);

			if (len + n + 2 > sizeof(m.data))
				return -E2BIG;
			if (len)
				m.data[len++] = ',';
			memcpy(m.data + len, *w, n + 1);
			len += n;
		}
	}
	m.flags &= ~clr;
	*ret = m;
	return 0;
}

int mount_entry_apply(int rootfd, const char *rootfs_mount, const char *line, char *err,
		      size_t errlen)
{
	_cleanup_strv_free_ char **f = NULL;
	struct mount_opts o;
	unsigned long first;
	const char *dst;
	int r;

	r = strv_split(line, " \t", &f);
	if (r < 0)
		return r;
	if (strv_length(f) < 4) {
		snprintf(err, errlen, "Bad mount entry \"%s\"", line);
		return -EINVAL;
	}
	r = mount_opts_parse(f[3], &o);
	if (r < 0) {
		snprintf(err, errlen, "Bad options in mount entry \"%s\"", line);
		return r;
	}
	dst = f[1];
	if (rootfs_mount && dst[0] == '/') {
		size_t n = strlen(rootfs_mount);

		if (strncmp(dst, rootfs_mount, n) == 0 && (dst[n] == '/' || !dst[n]))
			dst += n;
	}
	/* A bind mount takes only MS_REC at first, the rest on a remount. */
	first = (o.flags & MS_BIND) ? (o.flags & (MS_BIND | MS_REC)) : o.flags;
	r = mount_beneath(rootfd, f[0], dst, f[2], first, o.data[0] ? o.data : NULL, o.create);
	if (r == 0 && first != o.flags)
		r = mount_beneath(rootfd, NULL, dst, NULL,
				  MS_REMOUNT | MS_BIND | (o.flags & ~MS_REC), NULL, 0);
	if (r == 0 && o.propagation)
		r = mount_beneath(rootfd, NULL, dst, NULL, o.propagation, NULL, 0);
	if (r < 0) {
		if (o.optional)
			return 0;
		snprintf(err, errlen, "Failed to mount \"%s\" on \"%s\": %s", f[0], f[1],
			 strerror(-r));
	}
	return r;
}

int rootfs_pivot(int rootfd)
{
	if (fchdir(rootfd) < 0)
		return -errno;
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return -errno;
	/* The old root is now stacked on ".": keep its unmounts to ourselves. */
	if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		return -errno;
	if (umount2(".", MNT_DETACH) < 0)
		return -errno;
	if (chdir("/") < 0)
		return -errno;
	return 0;
}
