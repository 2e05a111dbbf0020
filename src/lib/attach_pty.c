/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The terminal of an interactive attach: a pty of the container's devpts,
 * its master passed out to the caller, which relays it to the user's
 * terminal. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "attach.h"
#include "sync.h"
#include "terminal.h"
#include "util/fileio.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

/* The slave of master, opened without a path lookup where the kernel can. */
static int pty_peer(int master)
{
	char path[64];
	int fd, n;

	fd = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd >= 0 || (errno != EINVAL && errno != ENOTTY))
		return fd < 0 ? -errno : fd;
	if (ioctl(master, TIOCGPTN, &n) < 0)
		return -errno;
	snprintf(path, sizeof(path), "/dev/pts/%d", n);
	fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int attach_pty_child(const struct attach_ctx *a)
{
	_cleanup_close_ int master = -1, slave = -1;
	int unlock = 0, r;

	/* The container's /dev/ptmx: its devpts instance, its pty numbers. */
	master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		return sync_error(a->sock, -errno, "Failed to open /dev/ptmx in \"%s\"", a->c->name);
	if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
		return sync_error(a->sock, -errno, "Failed to unlock a pty in \"%s\"", a->c->name);
	slave = pty_peer(master);
	if (slave < 0)
		return sync_error(a->sock, slave, "Failed to open a pty in \"%s\"", a->c->name);
	(void)tcsetattr(slave, TCSANOW, &a->tio);
	(void)ioctl(slave, TIOCSWINSZ, &a->ws);
	r = sync_send_value(a->sock, SYNC_PTY, 0, master);
	if (r < 0)
		return r;
	if (setsid() < 0 || ioctl(slave, TIOCSCTTY, 0) < 0)
		return sync_error(a->sock, -errno, "Failed to make the pty the controlling terminal");
	for (int i = 0; i <= (a->stderr_on_pty ? 2 : 1); i++)
		if (dup2(slave, i) < 0)
			return sync_error(a->sock, -errno, "Failed to put the pty on stdio");
	return 0;
}

/* --- the caller's side ---------------------------------------------------- */

struct relay {
	int master, log_fd, sigfd, pidfd;
	pid_t pid;
	bool in_open, master_open, hung_up;
	char in[4096]; /* read from stdin, not yet written to master */
	size_t in_len, in_off;
};

static void winsize_follow(int master)
{
	struct winsize ws;

	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
		(void)ioctl(master, TIOCSWINSZ, &ws);
}

/* Output of the pty: to the terminal and the log.  false at its end. */
static bool relay_output(struct relay *r)
{
	char buf[8192];
	ssize_t n = read(r->master, buf, sizeof(buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n <= 0)
		return false; /* EIO: no slave is open any more */
	(void)write_all(STDOUT_FILENO, buf, n);
	if (r->log_fd >= 0)
		(void)write_all(r->log_fd, buf, n);
	return true;
}

static void relay_input(struct relay *r, short revents)
{
	ssize_t n;

	if (r->in_len == 0 && (revents & (POLLIN | POLLHUP | POLLERR))) {
		n = read(STDIN_FILENO, r->in, sizeof(r->in));
		if (n <= 0 && !(n < 0 && (errno == EINTR || errno == EAGAIN)))
			r->in_open = false;
		r->in_len = n > 0 ? (size_t)n : 0;
		r->in_off = 0;
	}
	if (r->in_len > r->in_off) {
		n = write(r->master, r->in + r->in_off, r->in_len - r->in_off);
		if (n > 0)
			r->in_off += n;
		else if (n < 0 && errno != EAGAIN && errno != EINTR)
			r->in_off = r->in_len; /* the pty is going away */
		if (r->in_off == r->in_len)
			r->in_len = r->in_off = 0;
	}
}

/* A signal for the caller: follow the window; a request to end is passed
 * on as a hangup, and the second one as SIGKILL. */
static void relay_signal(struct relay *r)
{
	struct signalfd_siginfo si;

	if (read(r->sigfd, &si, sizeof(si)) != (ssize_t)sizeof(si))
		return;
	if (si.ssi_signo == SIGWINCH) {
		winsize_follow(r->master);
		return;
	}
	kill(r->pid, r->hung_up ? SIGKILL : SIGHUP);
	r->hung_up = true;
	r->in_open = false;
}

static bool command_exited(struct relay *r)
{
	siginfo_t si = { 0 };

	return waitid(P_PID, r->pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid == r->pid;
}

/* After the command's exit: what it wrote may still be on its way through
 * the pty; read until the slave side is gone or nothing comes for a while
 * (something it left behind may keep the slave open). */
static void relay_drain(struct relay *r)
{
	struct pollfd p = { .fd = r->master, .events = POLLIN };

	while (r->master_open && poll(&p, 1, 100) > 0)
		r->master_open = relay_output(r);
}

static int relay_loop(struct relay *r)
{
	for (;;) {
		struct pollfd p[4] = {
			{ .fd = r->sigfd, .events = POLLIN },
			{ .fd = r->pidfd, .events = POLLIN },
			{ .fd = r->master_open ? r->master : -1,
			  .events = POLLIN | (r->in_len ? POLLOUT : 0) },
			{ .fd = r->in_open && !r->in_len ? STDIN_FILENO : -1, .events = POLLIN },
		};
		/* Without a pidfd, look at the command every so often. */
		int n = poll(p, 4, r->pidfd >= 0 ? -1 : 100);

		if (n < 0 && errno != EINTR)
			return -errno;
		if (p[0].revents)
			relay_signal(r);
		if (p[2].revents & (POLLIN | POLLHUP | POLLERR))
			r->master_open = relay_output(r);
		if (p[3].revents || (p[2].revents & POLLOUT))
			relay_input(r, p[3].revents);
		if (p[1].revents || (r->pidfd < 0 && command_exited(r)))
			break;
	}
	relay_drain(r);
	return 0;
}

int attach_pty_relay(int master, pid_t pid, int log_fd)
{
	struct relay r = {
		.master = master, .log_fd = log_fd, .pid = pid,
		.in_open = true, .master_open = true,
	};
	sigset_t mask, saved_mask;
	struct termios saved;
	bool raw;
	int ret;

	/* Signals arrive on a signalfd, before the terminal goes raw, so that
	 * no ending leaves it raw. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGWINCH);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGQUIT);
	if (sigprocmask(SIG_BLOCK, &mask, &saved_mask) < 0)
		return -errno;
	r.sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	r.pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (r.sigfd < 0) {
		ret = -errno;
		goto out;
	}
	if (fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK) < 0) {
		ret = -errno;
		goto out;
	}
	raw = terminal_raw(STDIN_FILENO, &saved) == 0;
	winsize_follow(master);
	ret = relay_loop(&r);
	if (raw)
		(void)tcsetattr(STDIN_FILENO, TCSADRAIN, &saved);
out:
	closep(&r.sigfd);
	closep(&r.pidfd);
	sigprocmask(SIG_SETMASK, &saved_mask, NULL);
	return ret;
}
