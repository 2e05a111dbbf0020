/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The per-container monitor: lives as long as the container, owns its
 * state, serves the control socket, drains the console and, when init
 * exits, removes what the start made (or starts init again on reboot).
 */
#ifndef MGR_MONITOR_H
#define MGR_MONITOR_H

#include "start.h"

struct monitor_setup {
	struct start_ctx ctx;
	int listen_fd;   /* bound and listening control socket           */
	int status_fd;   /* where the start's outcome goes (-1: none)     */
	int lock_fd;     /* the container lock, released once RUNNING     */
	char socket_path[108];
	bool foreground; /* the caller's process; relay console to stdio? */
};

/* Start init and serve until the container stops.  Returns init's exit
 * status as an exit code (0..255) or a negative errno when the start
 * failed (reported through status_fd as well). */
int monitor_run(struct monitor_setup *m);

/* In the daemonized monitor: execute mgr-monitord, handing it m (its
 * descriptors, the loaded config, the start options), so that the monitor
 * keeps nothing of its starter's memory.  Returns only on failure, with m
 * as it was. */
int monitor_exec(struct monitor_setup *m);
/* mgr-monitord: take over what monitor_exec() handed over and run the
 * monitor.  Its exit status. */
int monitor_exec_main(int argc, char **argv);

/* What the monitor reports through status_fd. */
struct monitor_status {
	int ret;
	char message[1024];
};

#endif
