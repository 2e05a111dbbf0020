/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mount.auto: proc and sys inside the container, with the sysctl.* values
 * written in between (before /proc/sys turns read-only).  The cgroup tree
 * is cgroup_mount_in_container()'s, once the child is in its cgroups. */
#ifndef MGR_MOUNT_AUTO_H
#define MGR_MOUNT_AUTO_H

#include <stddef.h>

#include "conf.h"

int mount_auto_setup(int rootfd, const struct mgr_conf *conf, char *err, size_t errlen);

#endif
