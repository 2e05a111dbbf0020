/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mgr_console() and mgr_console_log(): the client's side of the console
 * and the ttys (see commands.h for what the monitor does). */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/signalfd.h>
#include <termios.h>
#include <unistd.h>

#include "commands.h"
#include "container.h"
#include "last_stop.h"
#include "terminal.h"
#include "util/fileio.h"

struct session {
	int in, out; /* the user's side */
	int sock;    /* the connection that holds the tty */
	int master;  /* the tty's master (for the console: the window size only) */
	int peer;    /* where input goes and output comes from: master or sock */
	int escape;  /* -1: none */
	bool saw_escape;
	int sigfd;
};

static int monitor_unreachable(struct mgr_container *c, int r)
{
	if (cmd_no_monitor(r))
		return container_error(c, -ESRCH, "\"%s\" is not running", c->name);
	return container_error(c, r, "Failed to reach the monitor of \"%s\"", c->name);
}

/* Why the monitor did not give out the tty. */
static int tty_refused(struct mgr_container *c, int ttynum, const struct cmd_rsp *rsp)
{
	long long n_ttys = rsp->value64;
	char msg[256];

	switch (rsp->ret) {
	case -EBUSY:
		if (rsp->value > 0)
			snprintf(msg, sizeof(msg), "tty%d of \"%s\" is in use", rsp->value, c->name);
		else if (rsp->value == 0)
			snprintf(msg, sizeof(msg), "The console of \"%s\" is in use", c->name);
		else
			snprintf(msg, sizeof(msg), "All %lld ttys of \"%s\" are in use", n_ttys, c->name);
		break;
	case -ENXIO:
		if (ttynum == -1)
			snprintf(msg, sizeof(msg), "\"%s\" has no ttys (tty.max is 0)", c->name);
		else
			snprintf(msg, sizeof(msg), "\"%s\" has no tty%d (tty.max is %lld)", c->name,
				 ttynum, n_ttys);
		break;
	case -ENODEV:
		snprintf(msg, sizeof(msg), "\"%s\" has no console (console.path is none)", c->name);
		break;
	case -ESRCH:
		snprintf(msg, sizeof(msg), "\"%s\" is not running", c->name);
		break;
	default:
		return container_error(c, rsp->ret, "Failed to get tty%d of \"%s\"", ttynum, c->name);
	}
	return container_error_msg(c, rsp->ret, msg);
}

/* Ask the monitor for the tty; the connection and the master on success. */
static int tty_get(struct mgr_container *c, int ttynum, int *ret_sock, int *ret_master)
{
	struct cmd_req req = { .cmd = CMD_CONSOLE, .arg = ttynum };
	_cleanup_close_ int sock = -1, master = -1;
	struct cmd_rsp rsp;

	sock = cmd_call_open(c->path, c->name, &req, &rsp, &master);
	if (sock < 0)
		return monitor_unreachable(c, sock);
	if (rsp.ret < 0)
		return tty_refused(c, ttynum, &rsp);
	if (master < 0)
		return container_error(c, -EPROTO, "The monitor of \"%s\" sent no terminal", c->name);
	*ret_sock = TAKE_FD(sock);
	*ret_master = TAKE_FD(master);
	return 0;
}

#define INPUT_MAX 4096

/* Pass typed input (at most INPUT_MAX bytes) on, minding the escape; true
 * when the session is over: the user detached, or the write failed (*ret). */
static bool session_input(struct session *s, const char *buf, size_t n, int *ret)
{
	char out[2 * INPUT_MAX];
	size_t k = 0;
	bool detach = false;

	for (size_t i = 0; i < n; i++) {
		int ch = (unsigned char)buf[i];

		if (s->saw_escape) {
			s->saw_escape = false;
			detach = ch == 'q';
			if (detach)
				break;
			/* Escape twice: one literal escape; else both go on. */
			if (ch != s->escape)
				out[k++] = (char)s->escape;
			out[k++] = (char)ch;
		} else if (ch == s->escape)
			s->saw_escape = true;
		else
			out[k++] = (char)ch;
	}
	if (k > 0) {
		*ret = s->peer == s->sock ? cmd_send(s->sock, out, k) : write_all(s->peer, out, k);
		if (*ret < 0)
			return true;
	}
	return detach;
}

/* Returns true when the session is over, with the result in *ret. */
static bool session_signal(struct session *s, int *ret)
{
	struct signalfd_siginfo si;

	if (read(s->sigfd, &si, sizeof(si)) != (ssize_t)sizeof(si))
		return false;
	if (si.ssi_signo == SIGWINCH) {
		terminal_winsize_copy(s->in, s->master);
		return false;
	}
	if (si.ssi_signo == SIGPIPE)
		return false; /* the failed write says the rest */
	*ret = -EINTR;
	return true;
}

static int session_loop(struct session *s)
{
	char buf[INPUT_MAX];
	ssize_t n;
	int r = 0;

	for (;;) {
		struct pollfd p[] = {
			{ .fd = s->sigfd, .events = POLLIN },
			{ .fd = s->in, .events = POLLIN },
			{ .fd = s->peer, .events = POLLIN },
			/* A tty's connection says only when the monitor ends it. */
			{ .fd = s->peer == s->sock ? -1 : s->sock, .events = POLLIN },
		};

		if (poll(p, ARRAY_SIZE(p), -1) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (p[0].revents && session_signal(s, &r))
			return r;
		if (p[2].revents) {
			n = read(s->peer, buf, sizeof(buf));
			if (n < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (n <= 0)
				return 1; /* EIO or end of file: the container closed it */
			r = write_all(s->out, buf, n);
			if (r < 0)
				return r;
		}
		if (p[3].revents)
			return 1;
		if (p[1].revents) {
			n = read(s->in, buf, sizeof(buf));
			if (n < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (n <= 0)
				return n < 0 ? -errno : 0;
			if (session_input(s, buf, n, &r))
				return r;
		}
	}
}

/* Run the session with the terminal in raw mode and the signals that
 * would end the process read from a signalfd, and both restored after. */
static int session_run(struct session *s)
{
	struct termios saved;
	sigset_t set, old;
	bool raw;
	int r;

	sigemptyset(&set);
	sigaddset(&set, SIGWINCH);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGQUIT);
	sigaddset(&set, SIGPIPE);
	if (sigprocmask(SIG_BLOCK, &set, &old) < 0)
		return -errno;
	s->sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (s->sigfd < 0) {
		r = -errno;
		sigprocmask(SIG_SETMASK, &old, NULL);
		return r;
	}
	raw = isatty(s->in) && terminal_raw(s->in, &saved) == 0;
	terminal_winsize_copy(s->in, s->master);

	r = session_loop(s);

	if (raw)
		terminal_restore(s->in, &saved);
	/* Signals that came meanwhile were ours: none may fire after this. */
	while (read(s->sigfd, &(struct signalfd_siginfo){ 0 }, sizeof(struct signalfd_siginfo)) > 0)
		;
	close(s->sigfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return r;
}

_public_ int mgr_console(struct mgr_container *c, int ttynum, int stdin_fd, int stdout_fd,
			 int escape_char)
{
	_cleanup_close_ int sock = -1, master = -1;
	struct session s;
	int r;

	if (ttynum < -1)
		return container_error(c, -EINVAL, "Invalid tty number %d", ttynum);
	if (escape_char < -1 || escape_char > 255)
		return container_error(c, -EINVAL, "Invalid escape character %d", escape_char);
	r = tty_get(c, ttynum, &sock, &master);
	if (r < 0)
		return r;
	s = (struct session){
		.in = stdin_fd,
		.out = stdout_fd,
		.sock = sock,
		.master = master,
		/* The console's output comes through the monitor (see commands.h). */
		.peer = ttynum == 0 ? sock : master,
		.escape = escape_char,
		.sigfd = -1,
	};
	r = session_run(&s);
	if (r == -EINTR)
		return container_error(c, r, "The console session ended on a signal");
	if (r < 0)
		return container_error(c, r, "The console session of \"%s\" failed", c->name);
	return r;
}

_public_ int mgr_console_log(struct mgr_container *c, char **ret_buf, size_t *ret_len)
{
	struct cmd_req req = { .cmd = CMD_CONSOLE_LOG };
	_cleanup_close_ int sock = -1;
	_cleanup_free_ char *buf = NULL;
	struct cmd_rsp rsp;
	int r;

	sock = cmd_call_open(c->path, c->name, &req, &rsp, NULL);
	/* Stopped: what its last run printed, if it kept that. */
	if (cmd_no_monitor(sock)) {
		r = last_console_read(c, ret_buf, ret_len);
		if (r == -ENOENT)
			return container_error(c, -ESRCH, "\"%s\" is not running and its last run "
							  "left no console output", c->name);
		if (r < 0)
			return container_error(c, r, "Failed to read the console output of the last "
						     "run of \"%s\"", c->name);
		return 0;
	}
	if (sock < 0)
		return monitor_unreachable(c, sock);
	if (rsp.ret == -ENODATA)
		return container_error(c, -ENODATA,
				       "\"%s\" keeps no console buffer (console.buffer.size is 0)",
				       c->name);
	if (rsp.ret < 0)
		return container_error(c, rsp.ret, "Failed to read the console buffer of \"%s\"",
				       c->name);
	if (rsp.value64 < 0 || (unsigned long long)rsp.value64 >= SIZE_MAX)
		return container_error(c, -EPROTO, "Bad console buffer size from \"%s\"", c->name);
	buf = malloc((size_t)rsp.value64 + 1);
	if (!buf)
		return container_error(c, -ENOMEM, "Failed to read the console buffer");
	r = read_all(sock, buf, rsp.value64);
	if (r < 0)
		return container_error(c, r, "Failed to read the console buffer of \"%s\"", c->name);
	buf[rsp.value64] = 0;
	*ret_buf = TAKE_PTR(buf);
	*ret_len = rsp.value64;
	return 0;
}
