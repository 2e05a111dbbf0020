/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Running as a container's root in a user namespace of its maps. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "userns_run.h"
#include "util/macro.h"

int userns_handshake_open(struct userns_handshake *h)
{
	h->to_child[0] = h->to_child[1] = -1;
	if (pipe2(h->to_parent, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(h->to_child, O_CLOEXEC) < 0) {
		int r = -errno;

		userns_handshake_close(h);
		return r;
	}
	return 0;
}

void userns_handshake_close(struct userns_handshake *h)
{
	for (int i = 0; i < 2; i++) {
		closep(&h->to_parent[i]);
		closep(&h->to_child[i]);
		h->to_parent[i] = h->to_child[i] = -1;
	}
}

int userns_child_enter(struct userns_handshake *h)
{
	char ok = 0;
	int r = unshare(CLONE_NEWUSER) < 0 ? -errno : 0;

	/* The parent learns the outcome either way. */
	if (write(h->to_parent[1], &ok, 1) != 1 || r < 0)
		return r < 0 ? r : -EIO;
	if (read(h->to_child[0], &ok, 1) != 1 || ok != 1)
		return -EPERM;
	if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		return -errno;
	(void)setgroups(0, NULL);
	return 0;
}

int userns_parent_map(struct userns_handshake *h, pid_t child, const struct conf_idmap *v,
		      size_t n)
{
	struct conf_idmap all[2 * IDMAP_MAX + 2];
	char ok;
	size_t k = 0;
	int r;

	if (read(h->to_parent[0], &ok, 1) != 1)
		return -ECHILD;
	for (size_t i = 0; i < n && k < ARRAY_SIZE(all) - 2; i++)
		all[k++] = v[i];
	/* The caller's own ids, just above the container's, unless mapped. */
	for (int t = 0; t < 2; t++) {
		char type = t == 0 ? 'u' : 'g';
		unsigned long own = t == 0 ? geteuid() : getegid(), top = 0;

		if (idmap_to_ns(v, n, type, own) != IDMAP_INVALID)
			continue;
		for (size_t i = 0; i < n; i++)
			if (v[i].type == type && v[i].nsid + v[i].range > top)
				top = v[i].nsid + v[i].range;
		all[k++] = (struct conf_idmap){ type, top, own, 1 };
	}
	r = idmap_write(child, all, k);
	ok = r == 0;
	if (write(h->to_child[1], &ok, 1) != 1 && r == 0)
		r = -EIO;
	return r;
}

int userns_run(const struct conf_idmap *v, size_t n, int (*fn)(void *arg), void *arg)
{
	struct userns_handshake h;
	int status, r;
	pid_t pid;

	r = userns_handshake_open(&h);
	if (r < 0)
		return r;
	pid = fork();
	if (pid < 0) {
		r = -errno;
		userns_handshake_close(&h);
		return r;
	}
	if (pid == 0) {
		r = userns_child_enter(&h);
		if (r == 0)
			r = fn(arg);
		_exit(r < 0 ? (-r & 0xff) : 0);
	}
	r = userns_parent_map(&h, pid, v, n);
	userns_handshake_close(&h);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (r < 0)
		return r;
	if (!WIFEXITED(status))
		return -EINTR;
	return WEXITSTATUS(status) ? -WEXITSTATUS(status) : 0;
}
