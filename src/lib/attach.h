/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mgr_attach(): a command in a running container.  The processes:
 *
 *   caller   checks the state, opens init (pidfd, /proc/PID), the cgroup,
 *            looks the user up in the container's /etc/passwd and builds
 *            argv and the environment, then forks
 *   joiner   forked into the container's cgroup2 directory (clone3), enters
 *            its v1 cgroups (while it still sees the host's /sys/fs/cgroup),
 *            joins the namespaces (setns on the pidfd, else the /proc/PID/ns
 *            files) and clones the command as the caller's own child
 *            (CLONE_PARENT), in the container's PID namespace; reports the
 *            command's pid and exits
 *   command  pty of the container (interactive), working directory,
 *            bounding set, seccomp filter, init's LSM label (at exec), uid/gid,
 *            no_new_privs, exec
 *   caller   end-of-file on the (close-on-exec) socket: the command runs;
 *            relays the pty or just waits, and returns its exit code
 *
 * The children report failures over the socket (sync.h) and print nothing.
 */
#ifndef MGR_ATTACH_H
#define MGR_ATTACH_H

#include <stdbool.h>
#include <sys/ioctl.h>
#include <sys/types.h>
#include <termios.h>

#include "cgroups/cgroup.h"
#include "container.h"
#include "lsm/lsm.h"
#include "seccomp_policy.h"

/* The user the command runs as, from the container's /etc/passwd. */
struct attach_user {
	bool found;
	char *name, *home, *shell;
	gid_t gid;
};

struct attach_ctx {
	struct mgr_container *c;
	const struct mgr_attach_options *opts;

	pid_t init_pid;
	int pidfd;  /* init's, -1 where the kernel has none */
	int procfd; /* /proc/PID of init */
	int ns_flags; /* CLONE_NEW* to join */
	struct cgroup *cg;
	struct seccomp_policy *seccomp; /* the container's, unless elevated */
	struct lsm_exec *lsm;           /* init's label, unless elevated */

	uid_t uid;
	gid_t gid;
	struct attach_user user;
	char **argv;
	char **env;
	const char *cwd;   /* NULL: the home directory, falling back to / */
	const char *home;

	/* Interactive: a pty of the container relayed to the terminal. */
	bool interactive;
	bool stderr_on_pty;  /* the caller's stderr is a terminal too */
	struct termios tio;  /* the caller's terminal settings, for the pty */
	struct winsize ws;

	int sock; /* the children's end of the socketpair */
};

/* attach_env.c: the user's passwd entry beneath rootfd ("/" of the
 * container); found is false when there is none. */
int attach_user_lookup(int rootfd, uid_t uid, struct attach_user *ret);
void attach_user_done(struct attach_user *u);
/* The command's environment by the options' policy; NULL on ENOMEM. */
char **attach_env_build(const struct mgr_attach_options *o, const struct attach_user *u,
			const char *home);

/* attach_pty.c, command side: open a pty in the container's devpts, send
 * the master to the caller and make the slave the controlling terminal on
 * stdin, stdout (and stderr).  Reports failures on a->sock. */
int attach_pty_child(const struct attach_ctx *a);
/* Caller side: relay between the terminal and master until the command
 * pid exits (terminal in raw mode, window size followed, pty output also
 * appended to log_fd when >= 0); returns 0 or -errno.  The command is
 * not reaped. */
int attach_pty_relay(int master, pid_t pid, int log_fd);

#endif
