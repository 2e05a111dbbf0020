/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The container's console and ttys: pty pairs allocated on the host; the
 * slave side is bound into the container, the master stays with the
 * monitor.  The monitor keeps its slave fds open as well, so that a master
 * never reads end of file while no one inside has the terminal open (after
 * a logout, before init starts the next getty). */
#ifndef MGR_TERMINAL_H
#define MGR_TERMINAL_H

#include <stdbool.h>
#include <sys/types.h>

struct pty {
	int master;
	int slave;
	char slave_path[64]; /* /dev/pts/N on the host */
};

struct terminals {
	bool have_console;
	struct pty console;
	unsigned n_ttys;
	struct pty *ttys;
};

int terminals_alloc(struct terminals *t, bool console, unsigned n_ttys);
void terminals_free(struct terminals *t);
/* Give the slaves to uid:gid (the host ids of a user namespace's root), so
 * that the container's root owns its terminals. */
int terminals_chown(const struct terminals *t, uid_t uid, gid_t gid);

/* Put the terminal on fd into raw mode, saving the old settings; what was
 * typed ahead is kept. */
struct termios;
int terminal_raw(int fd, struct termios *saved);
void terminal_restore(int fd, const struct termios *saved);
/* Give the terminal on to the window size of the one on from (a no-op when
 * from is not a terminal). */
void terminal_winsize_copy(int from, int to);

#endif
