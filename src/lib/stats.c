/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mgr_get_stats(): the cgroup's figures and the network namespace's. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cgroups/cgroup.h"
#include "container.h"
#include "stats.h"
#include "util/fileio.h"

/* The devices of init's network namespace, read through /proc/PID once the
 * monitor has confirmed that PID is still its init. */
static int net_stats(struct mgr_container *c, pid_t pid, struct mgr_stats *s)
{
	_cleanup_close_ int procfd = -1;
	_cleanup_free_ char *text = NULL;
	char proc[32];
	pid_t again;
	int r;

	snprintf(proc, sizeof(proc), "/proc/%d", (int)pid);
	procfd = open(proc, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (procfd < 0)
		return container_error(c, -ESRCH, "\"%s\" is not running", c->name);
	r = mgr_get_init_pid(c, &again);
	if (r < 0)
		return r;
	if (again != pid)
		return container_error(c, -ESRCH, "\"%s\" restarted meanwhile", c->name);
	r = read_file_at(procfd, "net/dev", &text, NULL);
	if (r < 0)
		return container_error(c, r, "Failed to read \"%s/net/dev\"", proc);
	r = stats_parse_net_dev(text, &s->net, &s->n_net);
	if (r < 0)
		return container_error(c, r, "Failed to parse \"%s/net/dev\"", proc);
	s->have |= MGR_STATS_NET;
	return 0;
}

_public_ int mgr_get_stats(struct mgr_container *c, struct mgr_stats *ret)
{
	struct cgroup *cg = NULL;
	struct mgr_stats s;
	pid_t pid;
	int r;

	r = mgr_get_init_pid(c, &pid);
	if (r < 0)
		return r;
	r = cgroup_open(c->name, pid, &cg);
	if (r < 0)
		return container_error(c, r == -ENOENT ? -ESRCH : r,
				       "Failed to find the cgroup of \"%s\"", c->name);
	r = cgroup_get_stats(cg, &s);
	cgroup_free(cg);
	if (r < 0)
		return container_error(c, r, "Failed to read the cgroup of \"%s\"", c->name);
	r = net_stats(c, pid, &s);
	if (r < 0) {
		mgr_stats_free(&s);
		return r;
	}
	*ret = s;
	return 0;
}

_public_ void mgr_stats_free(struct mgr_stats *stats)
{
	if (!stats)
		return;
	free(stats->net);
	stats->net = NULL;
	stats->n_net = 0;
}
