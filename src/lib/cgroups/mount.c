/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Mounting a container's cgroup hierarchies below its new root.  Runs in
 * the container's child after clone(): nothing here allocates or logs.
 * Paths are resolved beneath the root (openat2 RESOLVE_IN_ROOT, or one
 * component at a time without it).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/openat2.h>

#include "cgroups/cgroup-internal.h"
#include "conf.h"
#include "util/macro.h"

int cgroup_mount_mode(unsigned mount_auto)
{
	unsigned m = mount_auto & MOUNT_AUTO_CGROUP_MASK;
	int mode = 0;

	if (!m)
		return -1;
	if (m & (MOUNT_AUTO_CGROUP_FULL_RO | MOUNT_AUTO_CGROUP_FULL_RW | MOUNT_AUTO_CGROUP_FULL_MIXED))
		mode |= CGROUP_MOUNT_FULL;
	if (m & (MOUNT_AUTO_CGROUP_RO | MOUNT_AUTO_CGROUP_FULL_RO))
		mode |= CGROUP_MOUNT_RO;
	else if (m & (MOUNT_AUTO_CGROUP_MIXED | MOUNT_AUTO_CGROUP_FULL_MIXED))
		mode |= CGROUP_MOUNT_MIXED;
	return mode;
}

bool cgroup_ns_is_own(void)
{
	char buf[4096];
	size_t len = 0;
	int fd = open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	while (len < sizeof(buf) - 1) {
		ssize_t n = read(fd, buf + len, sizeof(buf) - 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += n;
	}
	close(fd);
	if (len == 0 || len == sizeof(buf) - 1)
		return false;
	buf[len] = 0;
	/* "N:controllers:/path" per line; every path must be "/". */
	for (char *line = buf; *line;) {
		char *nl = strchrnul(line, '\n'), *c1 = memchr(line, ':', nl - line), *c2;

		if (!c1 || !(c2 = memchr(c1 + 1, ':', nl - c1 - 1)))
			return false;
		if (nl - c2 != 2 || c2[1] != '/')
			return false;
		line = *nl ? nl + 1 : nl;
	}
	return true;
}

const char *cgroup_fd_path(int fd, char buf[static 32])
{
	snprintf(buf, 32, "/proc/self/fd/%d", fd);
	return buf;
}

/* O_PATH fd of path below root_fd, resolved with root_fd as "/". */
static int open_in_root(int root_fd, char *path)
{
	static bool no_openat2;
	struct open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	int fd = -1;

	if (!no_openat2) {
		/* EAGAIN: a rename somewhere raced with the lookup. */
		for (int tries = 0; tries < 8; tries++) {
			fd = (int)syscall(SYS_openat2, root_fd, path, &how, sizeof(how));
			if (fd >= 0)
				return fd;
			if (errno != EAGAIN)
				break;
		}
		if (errno != ENOSYS)
			return -errno;
		no_openat2 = true;
		fd = -1;
	}
	/* No openat2: one component at a time, refusing symlinks and "..". */
	for (char *p = path, *next; *p; p = next) {
		size_t len = strcspn(p, "/");
		int sub;

		next = p + len + strspn(p + len, "/");
		if (len == 0 || (len == 1 && p[0] == '.'))
			continue;
		if (len == 2 && p[0] == '.' && p[1] == '.') {
			if (fd >= 0)
				close(fd);
			return -EINVAL;
		}
		char saved = p[len];
		p[len] = 0;
		sub = openat(fd >= 0 ? fd : root_fd, p, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		p[len] = saved;
		if (fd >= 0)
			close(fd);
		if (sub < 0)
			return -errno;
		fd = sub;
	}
	if (fd < 0)
		fd = openat(root_fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int cgroup_open_beneath(int root_fd, const char *path, int *ret_fd)
{
	char buf[PATH_MAX];
	size_t len = strlen(path);
	int fd, parent = -1;

	if (len >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, len + 1);
	fd = open_in_root(root_fd, buf);
	if (fd != -ENOENT)
		goto out;

	/* Create what is missing, one component at a time; every prefix is
	 * resolved beneath the root again. */
	for (char *end = buf; *end;) {
		char *comp, saved;

		end += strspn(end, "/");
		comp = end;
		end += strcspn(end, "/");
		if (comp == end)
			break;
		saved = *end;
		*end = 0;
		fd = open_in_root(root_fd, buf);
		if (fd == -ENOENT) {
			if (mkdirat(parent >= 0 ? parent : root_fd, comp, 0755) < 0 && errno != EEXIST)
				fd = -errno;
			else
				fd = open_in_root(root_fd, buf);
		}
		*end = saved;
		if (parent >= 0)
			close(parent);
		parent = -1;
		if (fd < 0)
			return fd;
		parent = fd;
	}
	fd = parent;
out:
	if (fd < 0)
		return fd;
	*ret_fd = fd;
	return 0;
}

static int open_child_dir(int parent_fd, const char *name)
{
	int fd = openat(parent_fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int cgroup_mount_hierarchy(struct cgroup *cg, size_t i, int parent_fd, const char *name,
			   int mode, bool own_ns)
{
	const struct cgroup_hierarchy *h = &cg->host->hier[i];
	const unsigned long nosx = MS_NOSUID | MS_NODEV | MS_NOEXEC;
	const char *fstype = h->unified ? "cgroup2" : "cgroup";
	bool full_no_ns = (mode & CGROUP_MOUNT_FULL) && !own_ns;
	bool ro = (mode & CGROUP_MOUNT_RO) || (full_no_ns && (mode & CGROUP_MOUNT_MIXED));
	_cleanup_close_ int target = -1, top = -1, own = -1;
	char p[32];

	if (mkdirat(parent_fd, name, 0755) < 0 && errno != EEXIST)
		return -errno;
	target = open_child_dir(parent_fd, name);
	if (target < 0)
		return target;

	if (own_ns || full_no_ns) {
		/* Inside a cgroup namespace the root of a new mount is the
		 * container's own cgroup; outside it, the host's whole tree. */
		if (mount(fstype, cgroup_fd_path(target, p), fstype, nosx | (ro ? MS_RDONLY : 0),
			  h->options) < 0)
			return -errno;
	} else {
		/* No namespace: show only the container's own cgroup. */
		if (mount(cg->paths[i], cgroup_fd_path(target, p), NULL, MS_BIND, NULL) < 0)
			return -errno;
		top = open_child_dir(parent_fd, name);
		if (top < 0)
			return top;
		if (mount(NULL, cgroup_fd_path(top, p), NULL,
			  MS_REMOUNT | MS_BIND | nosx | (ro ? MS_RDONLY : 0), NULL) < 0)
			return -errno;
	}

	if (full_no_ns && (mode & CGROUP_MOUNT_MIXED)) {
		/* The whole tree read-only, the container's cgroup writable. */
		if (top < 0 && (top = open_child_dir(parent_fd, name)) < 0)
			return top;
		own = open_child_dir(top, cg->dir);
		if (own < 0)
			return own;
		if (mount(cg->paths[i], cgroup_fd_path(own, p), NULL, MS_BIND, NULL) < 0)
			return -errno;
	}
	return 0;
}
