/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The container's console and ttys: pty pairs allocated on the host; the
 * slave side is bound into the container, the master stays with the
 * monitor. */
#ifndef MGR_TERMINAL_H
#define MGR_TERMINAL_H

#include <stdbool.h>

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
/* Close the slaves (after init has its own copies). */
void terminals_close_slaves(struct terminals *t);
void terminals_free(struct terminals *t);

/* Put the terminal on fd into raw mode, saving the old settings. */
struct termios;
int terminal_raw(int fd, struct termios *saved);

#endif
