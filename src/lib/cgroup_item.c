/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The public API to one cgroup setting of a running container. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include "cgroups/cgroup.h"
#include "container.h"

/* The cgroup of c, which must be running. */
static int running_cgroup(struct mgr_container *c, struct cgroup **ret)
{
	enum mgr_state state;
	pid_t pid;
	int r;

	if (!mgr_defined(c))
		return container_error(c, -ENOENT, "Container \"%s\" is not defined in \"%s\"",
				       c->name, c->path);
	r = mgr_get_state(c, &state);
	if (r < 0)
		return r;
	if (state == MGR_STOPPED)
		return container_error(c, -ESRCH, "\"%s\" is not running", c->name);
	r = mgr_get_init_pid(c, &pid);
	if (r < 0)
		return r;
	r = cgroup_open(c->name, pid, ret);
	if (r < 0)
		return container_error(c, r, "Failed to find the cgroup of \"%s\"", c->name);
	return 0;
}

/* Read (value NULL) or write key in the cgroup of the running c. */
static int cgroup_item(struct mgr_container *c, const char *key, const char *value, char **ret)
{
	struct cgroup *cg = NULL;
	char err[512];
	int r;

	r = running_cgroup(c, &cg);
	if (r < 0)
		return r;
	r = value ? cgroup_item_set(cg, key, value, err, sizeof(err))
		  : cgroup_item_get(cg, key, ret, err, sizeof(err));
	cgroup_free(cg);
	return r < 0 ? container_error_msg(c, r, err) : 0;
}

_public_ int mgr_get_cgroup_item(struct mgr_container *c, const char *key, char **ret)
{
	if (!key || !ret)
		return container_error(c, -EINVAL, "No key given");
	return cgroup_item(c, key, NULL, ret);
}

_public_ int mgr_set_cgroup_item(struct mgr_container *c, const char *key, const char *value)
{
	if (!key || !value)
		return container_error(c, -EINVAL, "No key or value given");
	return cgroup_item(c, key, value, NULL);
}
