/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Containers of users other than root: what the host must give such a
 * user before one can start, each missing piece named in the error.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroups/cgroup.h"
#include "container.h"
#include "idmap.h"

static bool program_found(const char *name)
{
	static const char *const dirs[] = { "/usr/bin", "/bin", "/usr/sbin", "/sbin" };
	char path[64];

	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		snprintf(path, sizeof(path), "%s/%s", dirs[i], name);
		if (access(path, X_OK) == 0)
			return true;
	}
	return false;
}

int rootless_check_start(struct mgr_container *c)
{
	const struct mgr_conf *conf = c->conf;
	char why[512];
	int r;

	if (geteuid() == 0)
		return 0;
	if (conf->n_idmaps == 0)
		return container_error(c, -EPERM,
				       "Only root can start a container without a user namespace: "
				       "give \"%s\" mgr.idmap lines with ids delegated to uid %u",
				       c->name, (unsigned)geteuid());
	for (size_t i = 0; i < conf->n_nets; i++)
		if (conf->nets[i].type != NET_TYPE_EMPTY && conf->nets[i].type != NET_TYPE_NONE &&
		    conf->nets[i].type != NET_TYPE_UNSET)
			return container_error(c, -EPERM,
					       "mgr.net.%u.type = %s needs root; a container of "
					       "another user can have \"empty\" or \"none\"",
					       conf->nets[i].index, conf_net_types[conf->nets[i].type]);
	if (!program_found("newuidmap") || !program_found("newgidmap"))
		return container_error(c, -ENOENT,
				       "newuidmap and newgidmap (Debian: uidmap) are needed to map "
				       "the ids of a container of uid %u",
				       (unsigned)geteuid());
	for (size_t i = 0; i < conf->n_idmaps; i++) {
		const struct conf_idmap *m = &conf->idmaps[i];
		const char *file = m->type == 'u' ? "/etc/subuid" : "/etc/subgid";

		if (!idmap_subid_allows(file, m->hostid, m->range))
			return container_error(c, -EPERM,
					       "\"%s\" does not give uid %u the host %cids %lu-%lu "
					       "that mgr.idmap maps",
					       file, (unsigned)geteuid(), m->type, m->hostid,
					       m->hostid + m->range - 1);
	}
	r = cgroup_delegation_check(why, sizeof(why));
	return r < 0 ? container_error_msg(c, r, why) : 0;
}
