/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The monitor's side of the container's console.  The monitor is the only
 * reader of the console's pty master; what it reads goes to the ring
 * buffer (console.buffer.size), the log file (console.logfile or -L,
 * rotated at console.size), the console file (-c) and, live, to at most
 * one peer: the terminal of mgr-start -F or an mgr-console connection.
 * What the peer types goes the other way, to the master.
 */
#ifndef MGR_CONSOLE_H
#define MGR_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>

#include "conf.h"
#include "mgr/mgr.h"
#include "util/ring.h"

#define CONSOLE_BUFFER_DEFAULT (128 * 1024)

struct console {
	int master;   /* the pty master while init runs, else -1 (not ours) */
	bool hung_up; /* the master reported end of file: stop reading it */
	struct ring ring;
	char *log_path;
	int log_fd;
	unsigned long long log_size; /* bytes in the current log file */
	unsigned long long log_max;  /* rotate to LOG.1 at this size; 0: never */
	int file_fd;                 /* -c */
	int peer_fd;                 /* where the output goes live; -1: none */
	bool peer_is_socket;
	/* Input that the master did not take yet; no more is read meanwhile. */
	char pending[4096];
	size_t n_pending;
};

#define CONSOLE_NONE { .master = -1, .log_fd = -1, .file_fd = -1, .peer_fd = -1 }

/* Set up the buffer and open the files for the container's config and the
 * start options.  Failing to open a file is logged, not fatal. */
int console_open(struct console *con, const struct mgr_conf *conf,
		 const struct mgr_start_options *opts);
void console_close(struct console *con);

/* The master of a new init's console (-1: none); made non-blocking. */
void console_set_master(struct console *con, int master);
/* The fd to poll for the console and the events wanted, -1 when none. */
int console_poll_fd(const struct console *con, short *ret_events);
/* The master is ready: read its output and pass it on, write pending input. */
void console_ready(struct console *con, short revents);

/* Make fd the peer (a socket when is_socket): -EBUSY when there is one. */
int console_attach(struct console *con, int fd, bool is_socket);
void console_detach(struct console *con);
/* Whether input from the peer may be read now (none is pending). */
bool console_wants_input(const struct console *con);
/* Read the peer's input from fd and write it to the master; -EPIPE at end
 * of file. */
int console_input(struct console *con, int fd);

/* Send the buffer on fd as the answer to CMD_CONSOLE_LOG. */
int console_buffer_send(const struct console *con, int fd);

#endif
