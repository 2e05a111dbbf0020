/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Parent/child synchronisation over a SOCK_SEQPACKET socketpair during start.
 * The child's end is close-on-exec, so end-of-file after SYNC_EXEC means init
 * was executed; an error is reported as a SYNC_ERROR message with errno and
 * a sentence naming what failed.
 */
#ifndef MGR_SYNC_H
#define MGR_SYNC_H

#include <stdarg.h>

#include "util/macro.h"

enum sync_kind {
	SYNC_GO = 1,   /* parent -> child: cgroup joined, carry on        */
	SYNC_EXEC,     /* never sent: the parent waits on it and gets EOF at exec */
	SYNC_ERROR,    /* child -> parent: failed; err and text say why   */
	SYNC_PID,      /* attach: the command's pid (in value)            */
	SYNC_PTY,      /* attach: the pty master, passed with the message */
	SYNC_ROOTFS,   /* child -> parent: the rootfs is mounted          */
	SYNC_IDMAP,    /* parent -> child: the user namespace has its maps */
};

struct sync_msg {
	int kind;
	int err; /* negative errno for SYNC_ERROR */
	int value;
	char text[500];
};

int sync_send(int fd, enum sync_kind kind);
/* Wait for kind; -EPIPE on end-of-file, -EPROTO on an unexpected message.
 * A SYNC_ERROR received instead is copied to *ret_msg and returns its err. */
int sync_expect(int fd, enum sync_kind kind, struct sync_msg *ret_msg);
/* Child side: report "<fmt>: <strerror(err)>" and return err. */
int sync_error(int fd, int err, const char *fmt, ...) _printf_(3, 4);

/* Child side: report a finished sentence msg with err, and return err. */
int sync_report(int fd, int err, const char *msg);

/* Send kind with value and, when pass_fd >= 0, that descriptor along. */
int sync_send_value(int fd, enum sync_kind kind, int value, int pass_fd);
/* Receive the next message, whatever its kind; *ret_fd is a descriptor
 * that came with it (close-on-exec) or -1.  -EPIPE on end-of-file. */
int sync_recv(int fd, struct sync_msg *ret, int *ret_fd);

#endif
