/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the v1 and v2 drivers do alike over every hierarchy of a container's
 * cgroup: making and removing its directories, moving a process in, the
 * freeze-kill-thaw loop, and finding the hierarchy that holds a controller.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroups/cgroup-internal.h"
#include "log.h"
#include "util/macro.h"
#include "util/strv.h"

int cgroup_make_dir(const char *path, uint64_t deadline)
{
	/* The caller found it empty: an old container's leftover. */
	int r = cgroup_tree_remove(path, deadline);

	if (r < 0)
		return log_debug_errno(r, "Failed to remove leftover cgroup \"%s\": %m", path);
	if (mkdir(path, 0755) < 0)
		return log_debug_errno(negative_errno(), "Failed to create cgroup \"%s\": %m", path);
	return 0;
}

int cgroup_make_dirs(struct cgroup *cg)
{
	uint64_t deadline = cgroup_now() + CGROUP_KILL_TIMEOUT_USEC;
	size_t i;
	int r = 0;

	for (i = 0; i < cg->host->n_hier && r == 0; i++)
		if (!(cg->unified_made && (int)i == cg->unified))
			r = cgroup_make_dir(cg->paths[i], deadline);
	if (r == 0)
		return 0;
	/* i is one past the directory that failed. */
	for (i--; i-- > 0;)
		if (!(cg->unified_made && (int)i == cg->unified))
			(void)rmdir(cg->paths[i]);
	return r;
}

int cgroup_attach_all(struct cgroup *cg, pid_t pid)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%d", (int)pid);
	for (size_t i = 0; i < cg->host->n_hier; i++) {
		int r = cgroup_write(cg->paths[i], "cgroup.procs", buf);

		if (r < 0)
			return log_debug_errno(r, "Failed to move %d into \"%s\": %m", (int)pid,
					       cg->paths[i]);
	}
	return 0;
}

int cgroup_enter_self(struct cgroup *cg, bool in_unified)
{
	for (size_t i = 0; i < cg->host->n_hier; i++) {
		bool unified = cg->host->hier[i].unified;
		int r;

		if (unified && in_unified)
			continue;
		/* "0" is the writer itself; one thread through "tasks" needs no
		 * global lock, and a single-threaded process is that thread. */
		r = cgroup_write(cg->paths[i], unified ? "cgroup.procs" : "tasks", "0");
		if (r < 0)
			return r;
	}
	return 0;
}

int cgroup_delegate(struct cgroup *cg, uid_t uid, gid_t gid)
{
	/* What a container's root needs to move its processes and make
	 * cgroups below its own; the limits stay the host's. */
	static const char *const files[] = { "tasks", "cgroup.procs", "cgroup.clone_children",
					     "cgroup.subtree_control", "cgroup.threads" };

	for (size_t i = 0; i < cg->host->n_hier; i++) {
		int dfd = open(cg->paths[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (dfd < 0)
			return -errno;
		if (fchown(dfd, uid, gid) < 0) {
			int r = -errno;

			close(dfd);
			return r;
		}
		for (size_t f = 0; f < ARRAY_SIZE(files); f++)
			if (fchownat(dfd, files[f], uid, gid, 0) < 0 && errno != ENOENT) {
				int r = -errno;

				close(dfd);
				return r;
			}
		close(dfd);
	}
	return 0;
}

int cgroup_destroy_all(struct cgroup *cg, uint64_t deadline)
{
	int ret = 0;

	for (size_t i = 0; i < cg->host->n_hier; i++) {
		int r = cgroup_tree_remove(cg->paths[i], deadline);

		if (r < 0) {
			log_debug_errno(r, "Failed to remove cgroup \"%s\": %m", cg->paths[i]);
			if (ret == 0)
				ret = r;
		}
	}
	return ret;
}

int cgroup_kill_loop(struct cgroup *cg, uint64_t deadline)
{
	unsigned delay = USEC_PER_MSEC;

	for (;;) {
		unsigned count = 0;
		uint64_t freeze_until;
		int r = 0, fr;

		if (cg->ops->is_empty(cg))
			return 0;
		if (cgroup_now() >= deadline)
			return log_debug_errno(-EBUSY, "cgroup \"%s\" still has processes", cg->dir);

		/* Frozen, nothing can fork between reading the lists and the
		 * kill; SIGKILL reaches v1-frozen tasks once thawed. */
		freeze_until = cgroup_now() + CGROUP_KILL_FREEZE_USEC;
		fr = cg->ops->freeze(cg, freeze_until < deadline ? freeze_until : deadline);
		for (size_t i = 0; i < cg->host->n_hier && r >= 0; i++)
			r = cgroup_tree_signal(cg->paths[i], SIGKILL, &count);
		if (fr != -EOPNOTSUPP)
			(void)cg->ops->thaw(cg);
		if (r < 0)
			return log_debug_errno(r, "Failed to kill the processes of \"%s\": %m", cg->dir);
		log_debug("Sent %u SIGKILLs in \"%s\" (a process once per hierarchy)", count,
			  cg->dir);
		cgroup_backoff(&delay, deadline);
	}
}

/* Index of the hierarchy holding controller; "" is the cgroup2 one. */
static int find_hierarchy(struct cgroup *cg, const char *controller)
{
	if (!controller || !*controller)
		return cg->unified;
	for (size_t i = 0; i < cg->host->n_hier; i++) {
		const struct cgroup_hierarchy *h = &cg->host->hier[i];

		if (strv_contains(h->controllers, controller))
			return (int)i;
		/* "systemd" for name=systemd */
		if (!h->unified && strncmp(controller, "name=", 5) != 0 && h->options &&
		    strstr(h->options, ",name=") && streq(h->dir, controller))
			return (int)i;
	}
	return -1;
}

const char *cgroup_find_path(struct cgroup *cg, const char *controller)
{
	int i = find_hierarchy(cg, controller);

	return i < 0 ? NULL : cg->paths[i];
}

int cgroup_set_file(struct cgroup *cg, const char *key, const char *value)
{
	char controller[64];
	size_t len = strcspn(key, ".");
	const char *dir;
	int r;

	if (len == 0 || !key[len] || len >= sizeof(controller))
		return -EINVAL;
	memcpy(controller, key, len);
	controller[len] = 0;
	/* cgroup.* files: the cgroup2 hierarchy */
	dir = cgroup_find_path(cg, streq(controller, "cgroup") ? "" : controller);
	if (!dir)
		return log_debug_errno(-EOPNOTSUPP, "No cgroup hierarchy holds \"%s\"", controller);
	r = cgroup_write(dir, key, value);
	if (r < 0)
		return log_debug_errno(r, "Failed to write \"%s\" to \"%s/%s\": %m", value, dir, key);
	return 0;
}
