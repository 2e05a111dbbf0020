/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Which freezer a container's cgroup uses, and freezing it without waiting.
 *
 * A hybrid host offers two: the v1 freezer hierarchy (freezer.state) and
 * cgroup.freeze in the cgroup2 mount, which works there without any
 * controller.  The v1 one is used where it exists (the one other v1 tools
 * see), else cgroup.freeze.  MGR_CGROUP_FREEZER=v2 picks cgroup.freeze
 * where both exist, for tests and for hosts whose v1 freezer misbehaves.
 *
 * Only cgroup.events tells when the kernel has frozen everything; the v1
 * freezer has no notification, and its freezer.state must be read again
 * (reading it is also what moves it from FREEZING to FROZEN).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroups/cgroup-internal.h"
#include "log.h"
#include "util/macro.h"

void cgroup_freezer_choose(struct cgroup *cg)
{
	const char *v = getenv("MGR_CGROUP_FREEZER");

	if (!v || !*v || streq(v, "auto") || streq(v, "v1"))
		return;
	if (!streq(v, "v2")) {
		log_warn("Ignoring MGR_CGROUP_FREEZER=\"%s\": expected v1, v2 or auto", v);
		return;
	}
	/* Without a cgroup2 hierarchy there is nothing else to pick. */
	if (cg->unified >= 0)
		cg->freezer = -1;
}

int cgroup_freeze_begin(struct cgroup *cg, int *ret_fd)
{
	_cleanup_close_ int dfd = -1, fd = -1;
	int r;

	if (cg->freezer >= 0) {
		r = cgroup_write(cg->paths[cg->freezer], "freezer.state", "FROZEN");
		if (r < 0)
			return r;
		*ret_fd = -1;
		return 0;
	}
	if (cg->unified < 0)
		return -EOPNOTSUPP;
	dfd = open(cg->paths[cg->unified], O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	/* Opened before the write, so that no change can slip by unseen. */
	fd = openat(dfd, "cgroup.events", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -EOPNOTSUPP : -errno;
	r = cgroup_write(cg->paths[cg->unified], "cgroup.freeze", "1");
	if (r == -ENOENT)
		return -EOPNOTSUPP; /* before Linux 5.2 */
	if (r < 0)
		return r;
	*ret_fd = TAKE_FD(fd);
	return 0;
}

int cgroup_freeze_check(struct cgroup *cg, int fd)
{
	_cleanup_free_ char *state = NULL;
	int r;

	if (fd >= 0) {
		r = cgroup2_events_value(fd, "frozen");
		return r < 0 ? r : r == 1;
	}
	if (cg->freezer < 0)
		return -EOPNOTSUPP;
	r = cgroup_read(cg->paths[cg->freezer], "freezer.state", &state);
	if (r < 0)
		return r;
	return strncmp(state, "FROZEN", 6) == 0;
}

const char *cgroup_freezer_name(struct cgroup *cg)
{
	if (cg->freezer >= 0)
		return "freezer.state";
	return cg->unified >= 0 ? "cgroup.freeze" : NULL;
}
