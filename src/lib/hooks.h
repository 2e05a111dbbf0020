/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * hook.*: an operator's commands, run at fixed moments of a container's
 * life.  Each runs as "COMMAND... NAME mgr TYPE" with the container's
 * name, config file, rootfs and console in its environment, under MGR_*
 * names and under the LXC_* names LXC's hooks read.  Where each runs:
 *
 *   pre-start  on the host, before anything of the start is made
 *   pre-mount  in the container's namespaces, before the rootfs is mounted
 *   mount      there, once the rootfs, mount.entry and mount.fstab are
 *   autodev    there, after mount, with /dev populated (autodev not 0)
 *   start      inside, after pivot_root, before the capabilities, seccomp
 *              and the identity change and the exec of init
 *   stop       on the host when init has exited, before the teardown
 *   post-stop  on the host after the teardown
 *   clone      on the host after a copy, for the new container, its rootfs
 *              mounted where MGR_ROOTFS_MOUNT says
 *   destroy    on the host before the rootfs is removed, likewise
 *
 * A hook's stdin is /dev/null; its output is captured, and the end of it
 * is in the error when it fails.
 */
#ifndef MGR_HOOKS_H
#define MGR_HOOKS_H

#include <stdbool.h>
#include <stddef.h>

#include "conf.h"
#include "container.h"

struct storage;

/* What a hook is told. */
struct hook_info {
	const char *name;
	const char *config_file;
	const char *rootfs_mount; /* where the rootfs is mounted (NULL: not)  */
	const char *src_name;     /* clone: the container copied             */
	const char *target;       /* stop, post-stop: "stop" or "reboot"     */
	bool in_container;        /* start: the container's environment, not
				     the caller's */
	/* clone, destroy: mounted on rootfs_mount in a mount namespace of
	 * the hook's own when it is not a plain directory. */
	const struct storage *storage;
};

/* One command, ready to execute: made before clone(), so that the child
 * runs it without allocating. */
struct hook_cmd {
	char *line; /* as written, for messages */
	char **argv;
	char **env;
};

struct hooks {
	enum conf_hook type;
	struct hook_cmd *cmds;
	size_t n;
	const struct storage *storage; /* from hook_info */
	const char *mount_point;
};

int hooks_prepare(const struct mgr_conf *conf, enum conf_hook type, const struct hook_info *info,
		  struct hooks *ret);
void hooks_free(struct hooks *h);

/* hooks_exec.c.  Run one command and wait for it; out gets the last
 * size - 1 bytes of what it wrote (stdout and stderr), *ret_status its
 * wait status.  Allocates nothing.  -errno when it could not be run. */
int hook_cmd_exec(const struct hooks *h, const struct hook_cmd *cmd, char *out, size_t size,
		  int *ret_status);
/* "hook.TYPE "LINE" failed with exit status N: OUTPUT" into err. */
void hook_failure_format(const struct hooks *h, const struct hook_cmd *cmd, int status,
			 const char *out, char *err, size_t size);
/* Every command in order, up to the first that fails (-ECANCELED, err
 * says which and why).  Allocates nothing: for the child after clone. */
int hooks_exec(const struct hooks *h, char *err, size_t size);

/* On the host: prepare and run the hooks of type in conf, their output
 * logged at debug level; a failure is c's error. */
int hooks_run(struct mgr_container *c, const struct mgr_conf *conf, enum conf_hook type,
	      const struct hook_info *info);

#endif
