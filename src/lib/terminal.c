/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "terminal.h"
#include "util/macro.h"

static int pty_open(struct pty *p)
{
	p->master = p->slave = -1;
	p->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (p->master < 0)
		return -errno;
	if (grantpt(p->master) < 0 || unlockpt(p->master) < 0 ||
	    ptsname_r(p->master, p->slave_path, sizeof(p->slave_path)) != 0)
		goto fail;
	p->slave = open(p->slave_path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (p->slave < 0)
		goto fail;
	return 0;
fail:;
	int r = negative_errno();
	closep(&p->master);
	p->master = -1;
	return r;
}

static void pty_close(struct pty *p)
{
	closep(&p->master);
	closep(&p->slave);
	p->master = p->slave = -1;
}

int terminals_alloc(struct terminals *t, bool console, unsigned n_ttys)
{
	int r;

	*t = (struct terminals){ .console = { -1, -1, "" } };
	if (console) {
		r = pty_open(&t->console);
		if (r < 0)
			return r;
		t->have_console = true;
	}
	if (n_ttys) {
		t->ttys = calloc(n_ttys, sizeof(*t->ttys));
		if (!t->ttys) {
			terminals_free(t);
			return -ENOMEM;
		}
		for (unsigned i = 0; i < n_ttys; i++) {
			r = pty_open(&t->ttys[i]);
			if (r < 0) {
				terminals_free(t);
				return r;
			}
			t->n_ttys++;
		}
	}
	return 0;
}

int terminals_chown(const struct terminals *t, uid_t uid, gid_t gid)
{
	if (t->have_console && fchown(t->console.slave, uid, gid) < 0)
		return -errno;
	for (unsigned i = 0; i < t->n_ttys; i++)
		if (fchown(t->ttys[i].slave, uid, gid) < 0)
			return -errno;
	return 0;
}

void terminals_free(struct terminals *t)
{
	if (t->have_console)
		pty_close(&t->console);
	for (unsigned i = 0; i < t->n_ttys; i++)
		pty_close(&t->ttys[i]);
	free(t->ttys);
	*t = (struct terminals){ .console = { -1, -1, "" } };
}

int terminal_raw(int fd, struct termios *saved)
{
	struct termios t;

	if (tcgetattr(fd, &t) < 0)
		return -errno;
	*saved = t;
	cfmakeraw(&t);
	if (tcsetattr(fd, TCSADRAIN, &t) < 0)
		return -errno;
	return 0;
}

void terminal_restore(int fd, const struct termios *saved)
{
	(void)tcsetattr(fd, TCSADRAIN, saved);
}

void terminal_winsize_copy(int from, int to)
{
	struct winsize ws;

	if (ioctl(from, TIOCGWINSZ, &ws) == 0)
		(void)ioctl(to, TIOCSWINSZ, &ws);
}
