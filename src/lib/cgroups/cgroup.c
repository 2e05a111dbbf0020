/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The public entry points: a container's cgroup is named, given the driver
 * that fits the host's layout, and every verb goes through that driver.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "cgroups/cgroup-internal.h"
#include "log.h"
#include "util/fileio.h"
#include "util/macro.h"
#include "util/strv.h"

void cgroup_free(struct cgroup *cg)
{
	if (!cg)
		return;
	if (cg->paths)
		for (size_t i = 0; i < cg->host->n_hier; i++)
			free(cg->paths[i]);
	free(cg->paths);
	free(cg->dir);
	free(cg);
}

static void cgroup_freep(struct cgroup **cg) { cgroup_free(*cg); }

static int cgroup_new(const char *name, struct cgroup **ret)
{
	_cleanup_(cgroup_freep) struct cgroup *cg = NULL;
	const struct cgroup_host *host;
	int r;

	if (!name || !*name || strchr(name, '/') || streq(name, ".") || streq(name, "..") ||
	    strlen(name) > NAME_MAX - strlen(CGROUP_DIR_PREFIX))
		return -EINVAL;
	r = cgroup_host_get(&host);
	if (r < 0)
		return r;

	cg = calloc(1, sizeof(*cg));
	if (!cg)
		return -ENOMEM;
	cg->host = host;
	cg->ops = host->layout == CGROUP_LAYOUT_V2 ? &cgroup_v2_ops : &cgroup_v1_ops;
	cg->unified = cg->freezer = -1;
	if (asprintf(&cg->dir, CGROUP_DIR_PREFIX "%s", name) < 0)
		cg->dir = NULL;
	cg->paths = calloc(host->n_hier, sizeof(char *));
	if (!cg->dir || !cg->paths)
		return -ENOMEM;
	for (size_t i = 0; i < host->n_hier; i++) {
		/* A user other than root: below its own (delegated) cgroup. */
		if (geteuid() != 0) {
			_cleanup_free_ char *own = NULL;

			r = cgroup_own_dir(&host->hier[i], &own);
			if (r < 0)
				return r;
			cg->paths[i] = path_join(own, cg->dir);
		} else
			cg->paths[i] = path_join(host->hier[i].mount, cg->dir);
		if (!cg->paths[i])
			return -ENOMEM;
		if (host->hier[i].unified && cg->unified < 0)
			cg->unified = (int)i;
		else if (!host->hier[i].unified && cg->freezer < 0 &&
			 strv_contains(host->hier[i].controllers, "freezer"))
			cg->freezer = (int)i;
	}
	cgroup_freezer_choose(cg);
	*ret = TAKE_PTR(cg);
	return 0;
}

int cgroup_create_begin(const char *name, struct cgroup **ret)
{
	_cleanup_(cgroup_freep) struct cgroup *cg = NULL;
	int r;

	r = cgroup_new(name, &cg);
	if (r < 0)
		return r;
	/* Touch nothing while a container of that name has processes. */
	for (size_t i = 0; i < cg->host->n_hier; i++) {
		r = cgroup_tree_populated(cg->paths[i]);
		if (r < 0)
			return log_debug_errno(r, "Failed to read \"%s\": %m", cg->paths[i]);
		if (r > 0)
			return log_debug_errno(-EBUSY, "cgroup \"%s\" is in use", cg->paths[i]);
	}
	if (cg->unified >= 0) {
		r = cgroup_make_dir(cg->paths[cg->unified], cgroup_now() + CGROUP_KILL_TIMEOUT_USEC);
		if (r < 0)
			return r;
		cg->unified_made = true;
	}
	*ret = TAKE_PTR(cg);
	return 0;
}

int cgroup_create_finish(struct cgroup *cg)
{
	int r = cg->ops->create(cg);

	if (r < 0)
		return r;
	log_debug("Created cgroup \"%s\" (%s driver)", cg->dir, cg->ops->name);
	return 0;
}

int cgroup_create(const char *name, struct cgroup **ret)
{
	_cleanup_(cgroup_freep) struct cgroup *cg = NULL;
	int r;

	r = cgroup_create_begin(name, &cg);
	if (r < 0)
		return r;
	r = cgroup_create_finish(cg);
	if (r < 0) {
		(void)cgroup_destroy(cg);
		return r;
	}
	*ret = TAKE_PTR(cg);
	return 0;
}

/* In hierarchy i, the shallowest cgroup named cg->dir that pid is in or
 * below, if any: the one made for the container (init may make others of
 * that name below it). */
static int cgroup_find_above(struct cgroup *cg, size_t i, pid_t pid)
{
	_cleanup_free_ char *dir = NULL;
	size_t n = strlen(cg->dir);
	int r = cgroup_dir_of(&cg->host->hier[i], pid, &dir);

	if (r < 0)
		return r == -ENOENT ? 0 : r;
	for (char *p = strchr(dir, '/'); p; p = strchr(p + 1, '/'))
		if (strncmp(p + 1, cg->dir, n) == 0 && (p[1 + n] == '/' || p[1 + n] == 0)) {
			p[1 + n] = 0;
			free(cg->paths[i]);
			cg->paths[i] = TAKE_PTR(dir);
			return 0;
		}
	return 0;
}

int cgroup_open(const char *name, pid_t init_pid, struct cgroup **ret)
{
	_cleanup_(cgroup_freep) struct cgroup *cg = NULL;
	int r;

	r = cgroup_new(name, &cg);
	if (r < 0)
		return r;
	for (size_t i = 0; init_pid > 0 && i < cg->host->n_hier; i++) {
		r = cgroup_find_above(cg, i, init_pid);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < cg->host->n_hier; i++) {
		struct stat st;

		if (stat(cg->paths[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			*ret = TAKE_PTR(cg);
			return 0;
		}
	}
	return -ENOENT;
}

int cgroup_set_view(struct cgroup *cg, bool unified)
{
	if (unified && cg->unified < 0)
		return -EOPNOTSUPP;
	cg->unified_view = unified;
	return 0;
}

bool cgroup_host_has_v1(void)
{
	const struct cgroup_host *host;

	return cgroup_host_get(&host) == 0 && host->layout != CGROUP_LAYOUT_V2;
}

int cgroup_follow(struct cgroup *cg, pid_t pid)
{
	for (size_t i = 0; i < cg->host->n_hier; i++) {
		_cleanup_free_ char *dir = NULL;
		size_t n = strlen(cg->paths[i]);
		int r = cgroup_dir_of(&cg->host->hier[i], pid, &dir);

		if (r == -ENOENT)
			continue;
		if (r < 0)
			return r;
		/* Only below the container's own, never out of it. */
		if (strncmp(dir, cg->paths[i], n) != 0 || dir[n] != '/' || strstr(dir + n, "/.."))
			continue;
		free(cg->paths[i]);
		cg->paths[i] = TAKE_PTR(dir);
	}
	return 0;
}

int cgroup_attach(struct cgroup *cg, pid_t pid)
{
	return cg->ops->attach(cg, pid);
}

int cgroup_clone_fd(struct cgroup *cg)
{
	int fd;

	if (cg->unified < 0)
		return -ENOENT;
	fd = open(cg->paths[cg->unified], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

bool cgroup_is_empty(struct cgroup *cg)
{
	return cg->ops->is_empty(cg);
}

int cgroup_kill_all(struct cgroup *cg)
{
	return cg->ops->kill_all(cg, cgroup_now() + CGROUP_KILL_TIMEOUT_USEC);
}

int cgroup_destroy(struct cgroup *cg)
{
	uint64_t deadline = cgroup_now() + CGROUP_KILL_TIMEOUT_USEC;
	int r;

	if (!cg->ops->is_empty(cg)) {
		r = cg->ops->kill_all(cg, deadline);
		if (r < 0)
			return r;
	}
	/* Give the removal its own time: the kill may have used it all. */
	return cg->ops->destroy(cg, cgroup_now() + CGROUP_KILL_TIMEOUT_USEC);
}

int cgroup_freeze(struct cgroup *cg)
{
	return cg->ops->freeze(cg, cgroup_now() + CGROUP_FREEZE_TIMEOUT_USEC);
}

int cgroup_thaw(struct cgroup *cg)
{
	return cg->ops->thaw(cg);
}

bool cgroup_is_frozen(struct cgroup *cg)
{
	_cleanup_free_ char *v1 = NULL, *v2 = NULL;
	/* The v1 hierarchy even when MGR_CGROUP_FREEZER says not to use it. */
	const char *v1dir = cgroup_find_path(cg, "freezer");

	if (v1dir && cgroup_read(v1dir, "freezer.state", &v1) == 0 &&
	    strncmp(v1, "THAWED", 6) != 0)
		return true;
	return cg->unified >= 0 && cgroup_read(cg->paths[cg->unified], "cgroup.freeze", &v2) == 0 &&
	       v2[0] == '1';
}

int cgroup_set(struct cgroup *cg, const char *key, const char *value)
{
	if (!key || !value || strchr(key, '/'))
		return -EINVAL;
	return cg->ops->set(cg, key, value);
}

int cgroup_mount_in_container(struct cgroup *cg, int rootfs_fd, unsigned mount_auto)
{
	if (cgroup_mount_mode(mount_auto) < 0)
		return 0;
	return cg->ops->mount_in_container(cg, rootfs_fd, mount_auto);
}

const char *cgroup_path(struct cgroup *cg, const char *controller)
{
	return cg->ops->path(cg, controller);
}
