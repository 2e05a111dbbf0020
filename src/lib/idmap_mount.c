/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Idmapped mounts: a rootfs that keeps the host's ids on disk (its root's
 * files owned by 0) is shown to a container through the container's maps,
 * so that its root owns them without a walk that rewrites every owner.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "idmap.h"
#include "util/macro.h"

int idmap_userns_fd(const struct conf_idmap *v, size_t n)
{
	int ready[2], fd, r;
	char path[64], c;
	pid_t pid;

	if (pipe2(ready, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		r = -errno;
		close(ready[0]);
		close(ready[1]);
		return r;
	}
	if (pid == 0) {
		/* Say when the namespace is there, then wait to be killed. */
		c = unshare(CLONE_NEWUSER) == 0;
		if (write(ready[1], &c, 1) == 1 && c)
			pause();
		_exit(0);
	}
	close(ready[1]);
	r = read(ready[0], &c, 1) == 1 && c ? 0 : -EPERM;
	close(ready[0]);
	if (r == 0)
		r = idmap_write(pid, v, n);
	if (r == 0) {
		snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		r = fd < 0 ? -errno : fd;
	}
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	return r;
}
