/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What systemd's container interface asks of a manager beyond /dev, /proc
 * and /sys: a tmpfs on /run prepared before init starts, holding a
 * read-only /run/host with container-manager (our name) and os-release
 * (the host's), so that a guest can tell where it runs.
 */
#ifndef MGR_RUN_HOST_H
#define MGR_RUN_HOST_H

#include <stddef.h>

/* In the child, beneath the new root, before pivot_root. */
int run_host_setup(int rootfd, char *err, size_t errlen);

#endif
