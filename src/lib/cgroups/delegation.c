/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Which cgroup a process is in, and whether a user other than root has a
 * cgroup of its own to put containers in, in every hierarchy of the host. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroups/cgroup-internal.h"
#include "util/fileio.h"
#include "util/macro.h"
#include "util/strv.h"

/* A process's cgroup in hierarchy h, from /proc/PID/cgroup's lines
 * "ID:CONTROLLERS:PATH" ("0::PATH" for cgroup2). */
static const char *own_cgroup(const struct cgroup_hierarchy *h, char *text)
{
	for (char *l = text, *next; l && *l; l = next) {
		char *c1 = strchr(l, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		_cleanup_strv_free_ char **names = NULL;
		bool match = false;

		next = strchr(l, '\n');
		if (next)
			*next++ = 0;
		if (!c2)
			continue;
		*c2 = 0;
		if (h->unified)
			match = c1[1] == 0;
		else if (c1[1] && strv_split(c1 + 1, ",", &names) == 0)
			STRV_FOREACH(n, names)
				if (strv_contains(h->controllers, *n))
					match = true;
		*c2 = ':';
		if (match)
			return c2 + 1;
	}
	return NULL;
}

int cgroup_dir_of(const struct cgroup_hierarchy *h, pid_t pid, char **ret)
{
	_cleanup_free_ char *text = NULL;
	const char *own;
	char file[64];
	int r;

	if (pid > 0)
		snprintf(file, sizeof(file), "/proc/%d/cgroup", (int)pid);
	else
		snprintf(file, sizeof(file), "/proc/self/cgroup");
	r = read_file(file, &text, NULL);
	if (r < 0)
		return r;
	own = own_cgroup(h, text);
	if (!own)
		return -ENOENT;
	*ret = path_join(h->mount, own);
	return *ret ? 0 : -ENOMEM;
}

int cgroup_own_dir(const struct cgroup_hierarchy *h, char **ret)
{
	return cgroup_dir_of(h, 0, ret);
}

int cgroup_delegation_check(char *why, size_t whylen)
{
	const struct cgroup_host *host;
	int r = cgroup_host_get(&host);

	if (r < 0) {
		snprintf(why, whylen, "Failed to find the host's cgroup hierarchies: %s",
			 strerror(-r));
		return r;
	}
	for (size_t i = 0; i < host->n_hier; i++) {
		_cleanup_free_ char *dir = NULL;

		r = cgroup_own_dir(&host->hier[i], &dir);
		if (r < 0 || access(dir, W_OK) < 0) {
			snprintf(why, whylen,
				 "No cgroup is delegated to uid %u in \"%s\" (its own, \"%s\", is not "
				 "writable): root must give it one (with systemd: a login session or "
				 "systemd-run --user --scope -p Delegate=yes)",
				 (unsigned)geteuid(), host->hier[i].mount, dir ? dir : "?");
			return -EACCES;
		}
	}
	return 0;
}
