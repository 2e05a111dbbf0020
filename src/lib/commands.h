/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The monitor's control socket: a unix stream socket at
 * RUNTIME/<hash>/NAME.sock (mode 0600).  A client sends one request and reads
 * one response; CMD_SUBSCRIBE keeps the connection and then receives a
 * cmd_rsp (value = state) for the current state and for every change.
 */
#ifndef MGR_COMMANDS_H
#define MGR_COMMANDS_H

#include <stddef.h>
#include <stdint.h>

#include "mgr/mgr.h"

enum cmd_kind {
	CMD_GET_STATE = 1,
	CMD_GET_INIT_PID,
	CMD_GET_UPTIME_MS,
	CMD_STOP,      /* arg: the halt signal to send to init               */
	CMD_REBOOT,    /* arg: the reboot signal                             */
	CMD_KILL,      /* SIGKILL every process of the container             */
	CMD_SUBSCRIBE, /* stream of state changes                            */
};

struct cmd_req {
	int32_t cmd;
	int32_t arg;
};

struct cmd_rsp {
	int32_t ret;   /* 0 or -errno */
	int32_t value; /* state, pid, ...  */
	int64_t value64;
};

/* Connect to the monitor of name under container_path.  -ECONNREFUSED or
 * -ENOENT: no monitor (the container is stopped). */
int cmd_connect(const char *container_path, const char *name);
/* Send all of buf without raising SIGPIPE. */
int cmd_send(int fd, const void *buf, size_t len);
/* One request/response on a fresh connection. */
int cmd_call(const char *container_path, const char *name, const struct cmd_req *req,
	     struct cmd_rsp *ret);
/* Read one response (e.g. a state update) from a subscribed connection
 * with a timeout in milliseconds (<0 forever): -ETIMEDOUT, -EPIPE on EOF. */
int cmd_read_rsp(int fd, struct cmd_rsp *ret, int timeout_ms);

#endif
