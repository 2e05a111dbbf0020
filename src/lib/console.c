/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The console in the monitor: buffer, log, file and the live peer. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "console.h"
#include "log.h"
#include "util/fileio.h"

static int append_open(const char *path, const char *what)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY, 0600);

	if (fd < 0)
		log_error_errno(-errno, "Failed to open the console %s \"%s\": %m", what, path);
	return fd;
}

static void log_open(struct console *con)
{
	struct stat st;

	con->log_fd = append_open(con->log_path, "log");
	con->log_size = con->log_fd >= 0 && fstat(con->log_fd, &st) == 0 ? st.st_size : 0;
}

int console_open(struct console *con, const struct mgr_conf *conf,
		 const struct mgr_start_options *opts)
{
	const char *log = opts && opts->console_log ? opts->console_log : conf->console_logfile;
	const char *file = opts ? opts->console_path : NULL;
	size_t size = conf->console_buffer_size_set ? conf->console_buffer_size
						    : CONSOLE_BUFFER_DEFAULT;
	int r;

	*con = (struct console)CONSOLE_NONE;
	r = ring_init(&con->ring, size);
	if (r < 0)
		return r;
	if (log) {
		con->log_path = strdup(log);
		if (!con->log_path) {
			ring_free(&con->ring);
			return -ENOMEM;
		}
		con->log_max = conf->console_size;
		log_open(con);
	}
	if (file)
		con->file_fd = append_open(file, "file");
	return 0;
}

void console_close(struct console *con)
{
	closep(&con->log_fd);
	closep(&con->file_fd);
	free(con->log_path);
	ring_free(&con->ring);
	*con = (struct console)CONSOLE_NONE;
}

/* The full log moves to LOG.1 and a new one begins. */
static void log_rotate(struct console *con)
{
	_cleanup_free_ char *old = NULL;

	if (asprintf(&old, "%s.1", con->log_path) < 0)
		return;
	if (rename(con->log_path, old) < 0) {
		log_error_errno(-errno, "Failed to rotate the console log \"%s\": %m", con->log_path);
		return;
	}
	closep(&con->log_fd);
	log_open(con);
}

/* Append to the log, rotating it so that it never grows past log_max. */
static void log_write(struct console *con, const char *buf, size_t n)
{
	while (n > 0 && con->log_fd >= 0) {
		size_t chunk = n;

		if (con->log_max) {
			if (con->log_size >= con->log_max) {
				log_rotate(con);
				continue;
			}
			if (chunk > con->log_max - con->log_size)
				chunk = con->log_max - con->log_size;
		}
		if (write_all(con->log_fd, buf, chunk) < 0)
			return;
		con->log_size += chunk;
		buf += chunk;
		n -= chunk;
	}
}

/* A socket peer that cannot keep up loses output (the buffer and the log
 * still have it) rather than stalling the monitor. */
static void peer_write(struct console *con, const char *buf, size_t n)
{
	if (con->peer_fd < 0)
		return;
	if (!con->peer_is_socket) {
		(void)write_all(con->peer_fd, buf, n);
		return;
	}
	while (n > 0) {
		ssize_t k = send(con->peer_fd, buf, n, MSG_DONTWAIT | MSG_NOSIGNAL);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return;
		buf += k;
		n -= k;
	}
}

static void output(struct console *con)
{
	char buf[16384];
	ssize_t n = read(con->master, buf, sizeof(buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		/* EIO: no one has the console open inside. */
		con->hung_up = true;
		return;
	}
	ring_write(&con->ring, buf, n);
	log_write(con, buf, n);
	if (con->file_fd >= 0)
		(void)write_all(con->file_fd, buf, n);
	peer_write(con, buf, n);
}

static void pending_flush(struct console *con)
{
	ssize_t n;

	if (con->master < 0 || con->hung_up) {
		con->n_pending = 0; /* no one to type to */
		return;
	}
	do
		n = write(con->master, con->pending, con->n_pending);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		if (errno != EAGAIN)
			con->n_pending = 0;
		return;
	}
	memmove(con->pending, con->pending + n, con->n_pending - n);
	con->n_pending -= n;
}

void console_set_master(struct console *con, int master)
{
	int flags;

	con->master = master;
	con->hung_up = false;
	con->n_pending = 0;
	if (master >= 0 && (flags = fcntl(master, F_GETFL)) >= 0)
		(void)fcntl(master, F_SETFL, flags | O_NONBLOCK);
}

int console_poll_fd(const struct console *con, short *ret_events)
{
	if (con->master < 0 || con->hung_up)
		return -1;
	*ret_events = POLLIN | (con->n_pending ? POLLOUT : 0);
	return con->master;
}

void console_ready(struct console *con, short revents)
{
	if (revents & ~POLLOUT)
		output(con);
	if ((revents & POLLOUT) && con->n_pending)
		pending_flush(con);
}

int console_attach(struct console *con, int fd, bool is_socket)
{
	if (con->peer_fd >= 0)
		return -EBUSY;
	con->peer_fd = fd;
	con->peer_is_socket = is_socket;
	return 0;
}

void console_detach(struct console *con)
{
	con->peer_fd = -1;
	con->n_pending = 0;
}

bool console_wants_input(const struct console *con)
{
	return con->n_pending == 0;
}

int console_input(struct console *con, int fd)
{
	size_t room = sizeof(con->pending) - con->n_pending;
	ssize_t n;

	if (room == 0)
		return 0;
	n = read(fd, con->pending + con->n_pending, room);
	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -errno;
	if (n == 0)
		return -EPIPE;
	con->n_pending += n;
	pending_flush(con);
	return 0;
}

int console_buffer_send(const struct console *con, int fd)
{
	_cleanup_free_ char *buf = NULL;
	struct cmd_rsp rsp = { .ret = con->ring.size ? 0 : -ENODATA };
	size_t len = 0;
	int r;

	if (rsp.ret == 0) {
		rsp.ret = ring_copy(&con->ring, &buf, &len);
		rsp.value64 = len;
	}
	r = cmd_send(fd, &rsp, sizeof(rsp));
	if (r < 0 || rsp.ret < 0)
		return r;
	return cmd_send(fd, buf, len);
}
