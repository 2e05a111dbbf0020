/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Work on a container's files as its own root: in a child process in a new
 * user namespace with the container's maps, for a user other than root
 * whose containers' files belong to ids it cannot touch from outside.  The
 * caller's own uid and gid are mapped too (above the container's ids), so
 * that its own files (the container directory, the config) stay usable.
 */
#ifndef MGR_USERNS_RUN_H
#define MGR_USERNS_RUN_H

#include <stddef.h>
#include <sys/types.h>

#include "idmap.h"

struct userns_handshake {
	int to_parent[2], to_child[2];
};

int userns_handshake_open(struct userns_handshake *h);
void userns_handshake_close(struct userns_handshake *h);
/* In the child after fork(): a new user namespace; once the parent has
 * mapped it, become its root.  No allocation. */
int userns_child_enter(struct userns_handshake *h);
/* In the parent: wait for the child's namespace and write its maps. */
int userns_parent_map(struct userns_handshake *h, pid_t child, const struct conf_idmap *v,
		      size_t n);

/* fn(arg) as root of such a namespace; its negative errno comes back. */
int userns_run(const struct conf_idmap *v, size_t n, int (*fn)(void *arg), void *arg);

#endif
