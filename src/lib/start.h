/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Starting a container's init.  The order, in the monitor (parent) and the
 * new init (child), is:
 *
 *   parent: hook.pre-start, cgroup2 directory, the network checks, ptys,
 *           the child's hooks made ready, for a user namespace the rootfs
 *           as a detached mount (idmapped where rootfs.idmapped), socketpair,
 *           clone(new namespaces, into the cgroup2 directory)
 *   child:  make / a slave, hook.pre-mount, bind the rootfs (or move in the
 *           detached one), proc, sysctl,
 *           sys, /dev, console and ttys, /run with /run/host; wait for GO
 *   parent: meanwhile the network devices (made, moved in, addresses,
 *           up, routes) and the v1 cgroup directories; GO
 *   child:  move itself into the v1 cgroups, unshare(cgroup ns), the
 *           cgroup tree, mount.entry and mount.fstab, hostname,
 *           hook.mount, hook.autodev, pivot_root, rlimits, stdio on the
 *           console, hook.start, close fds, bounding set, seccomp, the LSM
 *           label at exec, identity, no_new_privs, exec init
 *   parent: end-of-file on the (close-on-exec) socket: init runs
 *
 * When init has exited the monitor runs hook.stop, tears down, and runs
 * hook.post-stop (monitor.c).
 */
#ifndef MGR_START_H
#define MGR_START_H

#include <stdbool.h>
#include <sys/types.h>

#include "cgroups/cgroup.h"
#include "container.h"
#include "hooks.h"
#include "lsm/lsm.h"
#include "seccomp_policy.h"
#include "terminal.h"

struct start_ctx {
	struct mgr_container *c;
	const struct mgr_start_options *opts;
	char **init_argv; /* what to exec (with mgr-init in front for execute) */
	int init_exe_fd;  /* mgr-init, opened on the host; -1 otherwise        */
	struct storage *storage; /* rootfs.path, parsed before clone          */
	/* pre-mount, mount, autodev and start, made ready before clone */
	struct hooks hooks[CONF_HOOK_MAX];

	/* While running: */
	struct cgroup *cg;
	struct seccomp_policy *seccomp; /* compiled before clone, loaded by init */
	struct lsm_exec *lsm; /* the label init executes into; NULL: none */
	struct terminals term;
	struct network *net; /* network.h; NULL: no network of its own */
	pid_t init_pid;
	int pidfd;
	int clone_flags; /* the namespaces init got */
	/* For a user namespace started by root: the rootfs mounted on the
	 * host side (idmapped with rootfs.idmapped), moved in by the child;
	 * -1 otherwise and once the child has it. */
	int rootfs_mnt;
};

/* Bring up init.  On failure everything made is removed again and the
 * reason is in c's error. */
int start_spawn(struct start_ctx *ctx);
/* What the container's hooks are told (in_container false). */
void start_hook_info(const struct start_ctx *ctx, struct hook_info *ret);
/* After init exited: remove the network devices and the cgroup, close the
 * ptys. */
void start_teardown(struct start_ctx *ctx);

/* The child side (child.c).  Never returns. */
struct child_args {
	const struct mgr_container *c;
	const struct start_ctx *ctx;
	int sync_fd;
	int clone_flags;
	bool in_unified; /* cloned into the cgroup2 directory already */
	bool in_cgroup;  /* moved into every cgroup by the parent */
	bool lo_up;      /* bring the loopback up itself (no one else may) */
};
_noreturn_ void child_run(const struct child_args *a);

#endif
