/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What a guest's systemd is, read from its rootfs. */
#ifndef MGR_GUEST_SYSTEMD_H
#define MGR_GUEST_SYSTEMD_H

/* The first systemd that refuses to run on cgroup v1. */
#define GUEST_SYSTEMD_NO_V1 258

/* The version of the systemd under rootfd (a directory fd of the guest's
 * root), or 0 when it holds none. */
int guest_systemd_version(int rootfd);

#endif
