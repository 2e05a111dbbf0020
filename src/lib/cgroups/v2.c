/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The pure v2 driver: one cgroup2 hierarchy at /sys/fs/cgroup.
 *
 * The cgroup2_* helpers work on any cgroup2 directory, wherever its
 * hierarchy is mounted; the v1 driver uses them for the cgroup2 mount of a
 * hybrid host (/sys/fs/cgroup/unified), which has cgroup.kill, cgroup.freeze
 * and cgroup.events even without controllers.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroups/cgroup-internal.h"
#include "log.h"
#include "util/fileio.h"
#include "util/macro.h"
#include "util/strv.h"

int cgroup2_events_value(int fd, const char *key)
{
	char buf[512];
	size_t klen = strlen(key);
	ssize_t n;

	do
		n = pread(fd, buf, sizeof(buf) - 1, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	for (char *l = buf; *l; l = strchrnul(l, '\n'), l += !!*l)
		if (strncmp(l, key, klen) == 0 && l[klen] == ' ')
			return atoi(l + klen + 1);
	return -EOPNOTSUPP;
}

/* Wait until key reads want in dir/cgroup.events.  -ENOENT when dir is
 * gone, -EOPNOTSUPP without the file or key, -ETIMEDOUT past deadline. */
static int wait_event(const char *dir, const char *key, int want, uint64_t deadline)
{
	_cleanup_close_ int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC), fd = -1;

	if (dfd < 0)
		return -errno;
	fd = openat(dfd, "cgroup.events", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -EOPNOTSUPP : -errno;
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLPRI };
		uint64_t now;
		int v = cgroup2_events_value(fd, key), timeout;

		if (v < 0)
			return v == -ENODEV ? -ENOENT : v; /* removed under us */
		if (v == want)
			return 0;
		now = cgroup_now();
		if (now >= deadline)
			return -ETIMEDOUT;
		/* The kernel signals a change with POLLPRI; wake up now and
		 * then anyway in case a change raced with the read above. */
		timeout = (int)((deadline - now + USEC_PER_MSEC - 1) / USEC_PER_MSEC);
		if (timeout > 200)
			timeout = 200;
		if (poll(&pfd, 1, timeout) < 0 && errno != EINTR)
			return -errno;
	}
}

int cgroup2_kill(const char *dir)
{
	_cleanup_close_ int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	int r;

	if (dfd < 0)
		return errno == ENOENT ? 0 : -errno;
	r = write_file_at(dfd, "cgroup.kill", "1");
	return r == -ENOENT ? -EOPNOTSUPP : r; /* before Linux 5.14 */
}

int cgroup2_populated(const char *dir)
{
	_cleanup_close_ int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC), fd = -1;
	int v;

	if (dfd < 0)
		return errno == ENOENT ? 0 : -errno;
	fd = openat(dfd, "cgroup.events", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? cgroup_tree_populated(dir) : -errno;
	v = cgroup2_events_value(fd, "populated");
	if (v == -EOPNOTSUPP)
		return cgroup_tree_populated(dir);
	return v < 0 ? v : v > 0;
}

int cgroup2_wait_empty(const char *dir, uint64_t deadline)
{
	unsigned delay = USEC_PER_MSEC;
	int r = wait_event(dir, "populated", 0, deadline);

	if (r == -ENOENT)
		return 0;
	if (r != -EOPNOTSUPP)
		return r;
	/* No cgroup.events: read the process lists. */
	while ((r = cgroup_tree_populated(dir)) > 0) {
		if (cgroup_now() >= deadline)
			return -ETIMEDOUT;
		cgroup_backoff(&delay, deadline);
	}
	return r;
}

int cgroup2_freeze(const char *dir, bool freeze, uint64_t deadline)
{
	_cleanup_close_ int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	int r;

	if (dfd < 0)
		return -errno;
	r = write_file_at(dfd, "cgroup.freeze", freeze ? "1" : "0");
	if (r == -ENOENT)
		return -EOPNOTSUPP; /* before Linux 5.2 */
	if (r < 0 || !freeze)
		return r;
	r = wait_event(dir, "frozen", 1, deadline);
	return r == -EOPNOTSUPP ? 0 : r;
}

/* ------------------------------------------------------------ the driver */

/* Let the container have the usual controllers: best effort, a host that
 * manages its root differently still runs containers, just without them. */
static void enable_controllers(const char *root)
{
	static const char *const wanted[] = { "cpu", "memory", "pids", "io", "cpuset" };
	_cleanup_free_ char *avail = NULL, *enabled = NULL;
	_cleanup_strv_free_ char **a = NULL, **e = NULL;

	if (cgroup_read(root, "cgroup.controllers", &avail) < 0 ||
	    strv_split(avail, " \n", &a) < 0)
		return;
	if (cgroup_read(root, "cgroup.subtree_control", &enabled) < 0 ||
	    strv_split(enabled, " \n", &e) < 0)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(wanted); i++) {
		char op[16];
		int r;

		if (!strv_contains(a, wanted[i]) || strv_contains(e, wanted[i]))
			continue;
		snprintf(op, sizeof(op), "+%s", wanted[i]);
		r = cgroup_write(root, "cgroup.subtree_control", op);
		if (r < 0)
			log_debug_errno(r, "Failed to enable \"%s\" in \"%s\": %m", wanted[i], root);
	}
}

static int v2_create(struct cgroup *cg)
{
	enable_controllers(cg->host->hier[0].mount);
	return cgroup_make_dirs(cg);
}

static bool v2_is_empty(struct cgroup *cg)
{
	return cgroup2_populated(cg->paths[0]) == 0;
}

static int v2_kill_all(struct cgroup *cg, uint64_t deadline)
{
	int r = cgroup2_kill(cg->paths[0]);

	if (r == 0)
		(void)cgroup2_wait_empty(cg->paths[0], deadline);
	else if (r != -EOPNOTSUPP)
		log_debug_errno(r, "Failed to write \"%s/cgroup.kill\": %m", cg->paths[0]);
	/* Returns at once when empty; otherwise kills what is left (or
	 * everything, without cgroup.kill) until the deadline. */
	return cgroup_kill_loop(cg, deadline);
}

static int v2_freeze(struct cgroup *cg, uint64_t deadline)
{
	return cgroup2_freeze(cg->paths[0], true, deadline);
}

static int v2_thaw(struct cgroup *cg)
{
	return cgroup2_freeze(cg->paths[0], false, 0);
}

/* One cgroup2 mount on ROOTFS/sys/fs/cgroup. */
static int v2_mount_in_container(struct cgroup *cg, int rootfs_fd, unsigned mount_auto)
{
	_cleanup_close_ int parent = -1;
	int mode = cgroup_mount_mode(mount_auto), r;

	if (mode < 0)
		return 0;
	r = cgroup_open_beneath(rootfs_fd, "sys/fs", &parent);
	if (r < 0)
		return r;
	return cgroup_mount_hierarchy(cg, 0, parent, "cgroup", mode, cgroup_ns_is_own());
}

const struct cgroup_ops cgroup_v2_ops = {
	.name = "v2",
	.create = v2_create,
	.attach = cgroup_attach_all,
	.is_empty = v2_is_empty,
	.kill_all = v2_kill_all,
	.destroy = cgroup_destroy_all,
	.mount_in_container = v2_mount_in_container,
	.path = cgroup_find_path,
	.freeze = v2_freeze,
	.thaw = v2_thaw,
	.set = cgroup_set_file,
};
