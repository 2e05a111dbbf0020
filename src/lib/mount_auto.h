/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mount.auto: proc, sys and the cgroup tree inside the container, with the
 * sysctl.* values written in between (before /proc/sys turns read-only). */
#ifndef MGR_MOUNT_AUTO_H
#define MGR_MOUNT_AUTO_H

#include <stddef.h>

#include "cgroups/cgroup.h"
#include "conf.h"

int mount_auto_setup(int rootfd, const struct mgr_conf *conf, struct cgroup *cg, char *err,
		     size_t errlen);

#endif
