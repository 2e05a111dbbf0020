/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The v1 driver, for legacy and hybrid hosts: the container's cgroup lives
 * in every v1 hierarchy (controllers and named ones like name=systemd) and,
 * on a hybrid host, in the cgroup2 mount too, handled with the cgroup2_*
 * helpers.  Freezing uses the freezer hierarchy where there is one.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroups/cgroup-internal.h"
#include "log.h"
#include "util/macro.h"
#include "util/strv.h"

/* A new cpuset cgroup has no CPUs and no memory nodes: give it its
 * parent's, or attaching fails with ENOSPC. */
static int copy_cpuset(const char *parent, const char *dir)
{
	static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };

	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		_cleanup_free_ char *value = NULL, *cur = NULL;
		int r;

		r = cgroup_read(dir, files[i], &cur);
		if (r == 0 && cur[strspn(cur, " \n")])
			continue; /* cgroup.clone_children did it */
		r = cgroup_read(parent, files[i], &value);
		if (r == 0)
			r = cgroup_write(dir, files[i], value);
		if (r < 0)
			return log_debug_errno(r, "Failed to copy \"%s\" into \"%s\": %m", files[i], dir);
	}
	return 0;
}

static int v1_create(struct cgroup *cg)
{
	int r = cgroup_make_dirs(cg);

	if (r < 0)
		return r;
	for (size_t i = 0; i < cg->host->n_hier; i++) {
		const struct cgroup_hierarchy *h = &cg->host->hier[i];

		if (h->unified || !strv_contains(h->controllers, "cpuset"))
			continue;
		r = copy_cpuset(h->mount, cg->paths[i]);
		if (r < 0) {
			(void)cgroup_destroy_all(cg, cgroup_now() + CGROUP_KILL_TIMEOUT_USEC);
			return r;
		}
	}
	return 0;
}

static bool v1_is_empty(struct cgroup *cg)
{
	/* Every hierarchy: a process may have been moved to a cgroup of
	 * its own in some of them. */
	for (size_t i = 0; i < cg->host->n_hier; i++) {
		int r = cg->host->hier[i].unified ? cgroup2_populated(cg->paths[i])
						  : cgroup_tree_populated(cg->paths[i]);

		if (r != 0)
			return false;
	}
	return true;
}

static int v1_kill_all(struct cgroup *cg, uint64_t deadline)
{
	if (cg->unified >= 0) {
		const char *dir = cg->paths[cg->unified];
		int r = cgroup2_kill(dir);

		if (r == 0)
			(void)cgroup2_wait_empty(dir, deadline);
		else if (r != -EOPNOTSUPP)
			log_debug_errno(r, "Failed to write \"%s/cgroup.kill\": %m", dir);
	}
	/* Whatever is left, or everything without cgroup.kill. */
	return cgroup_kill_loop(cg, deadline);
}

static int v1_freeze(struct cgroup *cg, uint64_t deadline)
{
	unsigned delay = USEC_PER_MSEC;
	const char *dir;
	int r;

	if (cg->freezer < 0)
		return cg->unified >= 0 ? cgroup2_freeze(cg->paths[cg->unified], true, deadline)
					: -EOPNOTSUPP;
	dir = cg->paths[cg->freezer];
	r = cgroup_write(dir, "freezer.state", "FROZEN");
	if (r < 0)
		return r;
	/* FREEZING until every task has stopped. */
	for (;;) {
		_cleanup_free_ char *state = NULL;

		r = cgroup_read(dir, "freezer.state", &state);
		if (r < 0)
			return r;
		if (strncmp(state, "FROZEN", 6) == 0)
			return 0;
		if (cgroup_now() >= deadline)
			return -ETIMEDOUT;
		cgroup_backoff(&delay, deadline);
	}
}

static int v1_thaw(struct cgroup *cg)
{
	if (cg->freezer < 0)
		return cg->unified >= 0 ? cgroup2_freeze(cg->paths[cg->unified], false, 0)
					: -EOPNOTSUPP;
	return cgroup_write(cg->paths[cg->freezer], "freezer.state", "THAWED");
}

/* "cpu" and "cpuacct" pointing at a co-mounted "cpu,cpuacct". */
static int link_comounted(const struct cgroup_hierarchy *h, int tmpfs_fd)
{
	if (h->unified || !strchr(h->dir, ','))
		return 0;
	STRV_FOREACH(c, h->controllers)
		if (strncmp(*c, "name=", 5) != 0 && symlinkat(h->dir, tmpfs_fd, *c) < 0 &&
		    errno != EEXIST)
			return -errno;
	return 0;
}

/* A read-only tmpfs on ROOTFS/sys/fs/cgroup holding one mount per
 * hierarchy, named as on the host, and "unified" for cgroup2; or, for
 * the unified view, the cgroup2 hierarchy alone on ROOTFS/sys/fs/cgroup. */
static int v1_mount_in_container(struct cgroup *cg, int rootfs_fd, unsigned mount_auto)
{
	const unsigned long nosx = MS_NOSUID | MS_NODEV | MS_NOEXEC;
	_cleanup_close_ int parent = -1, target = -1, tmpfs = -1;
	int mode = cgroup_mount_mode(mount_auto), r;
	bool own_ns = cgroup_ns_is_own();
	char p[32];

	if (mode < 0)
		return 0;
	r = cgroup_open_beneath(rootfs_fd, "sys/fs", &parent);
	if (r < 0)
		return r;
	/* Only the cgroup2 hierarchy, as on a pure v2 host. */
	if (cg->unified_view)
		return cgroup_mount_hierarchy(cg, (size_t)cg->unified, parent, "cgroup", mode, own_ns);
	if (mkdirat(parent, "cgroup", 0755) < 0 && errno != EEXIST)
		return -errno;
	target = openat(parent, "cgroup", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (target < 0)
		return -errno;
	if (mount("tmpfs", cgroup_fd_path(target, p), "tmpfs", nosx, "mode=755") < 0)
		return -errno;
	/* The fd above still names the directory below; this one the tmpfs. */
	tmpfs = openat(parent, "cgroup", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (tmpfs < 0)
		return -errno;

	for (size_t i = 0; i < cg->host->n_hier; i++) {
		const struct cgroup_hierarchy *h = &cg->host->hier[i];

		r = cgroup_mount_hierarchy(cg, i, tmpfs, h->dir, mode, own_ns);
		if (r < 0)
			return r;
		r = link_comounted(h, tmpfs);
		if (r < 0)
			return r;
	}
	if (mount(NULL, cgroup_fd_path(tmpfs, p), NULL, MS_REMOUNT | MS_RDONLY | nosx, "mode=755") < 0)
		return -errno;
	return 0;
}

const struct cgroup_ops cgroup_v1_ops = {
	.name = "v1",
	.create = v1_create,
	.attach = cgroup_attach_all,
	.is_empty = v1_is_empty,
	.kill_all = v1_kill_all,
	.destroy = cgroup_destroy_all,
	.mount_in_container = v1_mount_in_container,
	.path = cgroup_find_path,
	.freeze = v1_freeze,
	.thaw = v1_thaw,
	.set = cgroup_set_file,
};
