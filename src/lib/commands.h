/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The monitor's control socket: a unix stream socket at
 * RUNTIME/<hash>/NAME.sock (mode 0600).  A client sends one request and reads
 * one response; CMD_SUBSCRIBE keeps the connection and then receives a
 * cmd_rsp (value = state) for the current state and for every change.
 *
 * CMD_CONSOLE (arg: the tty, 0 for the console, -1 for the first free tty)
 * answers with value = the tty and, on success, the pty master attached
 * (SCM_RIGHTS).  The connection then holds the tty until it is closed.  A
 * tty's master is the client's to read and write; for the console the
 * monitor stays the only reader, so that the buffer and the log keep
 * everything: it sends the console output down the connection and writes
 * what comes up it to the console, and the client uses its copy of the
 * master only to set the window size.  On failure value64 is tty.max.
 *
 * CMD_CONSOLE_LOG answers with value64 = N, followed by the N bytes of the
 * console buffer.
 *
 * CMD_GET_NET_LINKS answers in the same way with the host-side devices of
 * the container's networks, one name per line.
 */
#ifndef MGR_COMMANDS_H
#define MGR_COMMANDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mgr/mgr.h"

/*
 * CMD_FREEZE answers once the container is FROZEN (ret 0), or when the
 * freeze failed: -ETIMEDOUT after arg seconds (it was thawed again),
 * -ECANCELED when a thaw or a stop came first, -EBUSY (value: the state)
 * when it is neither running nor frozen.  The monitor serves other clients
 * meanwhile.
 */
enum cmd_kind {
	CMD_GET_STATE = 1,
	CMD_GET_INIT_PID,
	CMD_GET_UPTIME_MS,
	CMD_STOP,      /* arg: the halt signal to send to init               */
	CMD_REBOOT,    /* arg: the reboot signal                             */
	CMD_KILL,      /* SIGKILL every process of the container             */
	CMD_SUBSCRIBE, /* stream of state changes                            */
	CMD_CONSOLE,   /* arg: 0 the console, N ttyN, -1 the first free tty  */
	CMD_CONSOLE_LOG, /* what the console buffer holds                    */
	CMD_GET_NET_LINKS, /* the networks' host-side devices                */
	CMD_FREEZE,    /* arg: timeout in seconds (<0: none); see above      */
	CMD_THAW,      /* thaw a frozen (or freezing) container              */
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
/* Whether r, from a call above, means that no monitor answers (the
 * container is stopped, or stopped meanwhile). */
bool cmd_no_monitor(int r);
/* Send all of buf without raising SIGPIPE. */
int cmd_send(int fd, const void *buf, size_t len);
/* Send a response with fd attached (SCM_RIGHTS). */
int cmd_send_rsp_fd(int sock, const struct cmd_rsp *rsp, int fd);
/* One request/response on a fresh connection. */
int cmd_call(const char *container_path, const char *name, const struct cmd_req *req,
	     struct cmd_rsp *ret);
/* The same, returning the connection for what follows the response, and
 * the fd that came with it in *ret_fd (-1: none; NULL: not wanted). */
int cmd_call_open(const char *container_path, const char *name, const struct cmd_req *req,
		  struct cmd_rsp *ret, int *ret_fd);
/* Read one response (e.g. a state update) from a subscribed connection
 * with a timeout in milliseconds (<0 forever): -ETIMEDOUT, -EPIPE on EOF. */
int cmd_read_rsp(int fd, struct cmd_rsp *ret, int timeout_ms);

#endif
