/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Why a container stopped, and what its console printed last. */
#ifndef MGR_LAST_STOP_H
#define MGR_LAST_STOP_H

#include <stddef.h>

#include "mgr/mgr.h"

/* Written by the monitor when init exited for good: requested is "stop",
 * "kill", "reboot" or NULL (init ended by itself), status init's wait
 * status, console (console_len bytes, NULL: none) its console's last
 * output. */
int last_stop_record(const struct mgr_container *c, const char *requested, int status,
		     double uptime, const char *console, size_t console_len);
/* The console output the last run left; -ENOENT when there is none. */
int last_console_read(struct mgr_container *c, char **ret, size_t *ret_len);

#endif
