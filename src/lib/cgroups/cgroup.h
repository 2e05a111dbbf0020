/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A container's cgroup: one ops table, a v1 (hybrid) and a v2 (unified)
 * driver, picked once from what the host has mounted at /sys/fs/cgroup.
 *
 * Layout: the container's processes live in mgr.payload.NAME directly below
 * the root (for a user other than root: below its own, delegated, cgroup)
 * of every hierarchy the host has (every v1 hierarchy, including named
 * ones like name=systemd, plus the cgroup2 mount on a hybrid host).  The
 * directory is created before init is cloned and removed after the last
 * process is gone.
 */
#ifndef MGR_CGROUP_H
#define MGR_CGROUP_H

#include <stdbool.h>
#include <sys/types.h>

enum cgroup_layout {
	CGROUP_LAYOUT_V1 = 1, /* legacy or hybrid: v1 controllers (+ cgroup2 at unified/) */
	CGROUP_LAYOUT_V2,     /* pure v2 at /sys/fs/cgroup                             */
};

struct cgroup; /* opaque, one per running container */

/* What the host has; computed once per process from /proc/self/mountinfo. */
int cgroup_host_layout(enum cgroup_layout *ret);

/* Create mgr.payload.NAME in every hierarchy.  A leftover empty cgroup of
 * the same name is removed first; a populated one is -EBUSY (someone else
 * runs a container by that name).  On failure nothing is left created. */
int cgroup_create(const char *name, struct cgroup **ret);
/* The same in two steps, so that a start can clone init into the cgroup2
 * directory while the v1 ones are still being made: _begin does the checks
 * and makes the cgroup2 directory (if the host has one), _finish the rest.
 * After a failure of _finish, cgroup_destroy() removes what was made. */
int cgroup_create_begin(const char *name, struct cgroup **ret);
int cgroup_create_finish(struct cgroup *cg);
/* What the container sees at /sys/fs/cgroup: on a v1 or hybrid host the
 * host's layout (unified false: each hierarchy, and cgroup2 at "unified"
 * on a hybrid host) or only its cgroup2 cgroup (unified true: what a
 * systemd that dropped v1 needs; its limits stay in the v1 hierarchies).
 * A pure v2 host shows cgroup2 whatever is asked.  -EOPNOTSUPP when
 * unified is asked of a host without cgroup2. */
int cgroup_set_view(struct cgroup *cg, bool unified);
/* Does the host have v1 hierarchies (a legacy or hybrid layout)? */
bool cgroup_host_has_v1(void);
/* Look up an existing container cgroup (for stop/kill from another
 * process); -ENOENT when absent.  With init_pid > 0, the cgroup named for
 * the container above init's, in each hierarchy: where a user other than
 * root put it, below the cgroup delegated to the process that started it,
 * which need not be the caller's. */
int cgroup_open(const char *name, pid_t init_pid, struct cgroup **ret);
void cgroup_free(struct cgroup *cg);

/* Point cg, in each hierarchy, at the cgroup process pid is in where that
 * is below the container's own: where an attached process joins init (a
 * guest's systemd keeps itself in init.scope and enables controllers in
 * the container's cgroup, which on cgroup2 then takes no process).  Only
 * for entering: not for limits, freezing or removal. */
int cgroup_follow(struct cgroup *cg, pid_t pid);
/* Move pid into the container's cgroup in every hierarchy. */
int cgroup_attach(struct cgroup *cg, pid_t pid);
/*
 * Entering the cgroup without the kernel's global threadgroup lock, whose
 * first writer waits a whole RCU grace period (milliseconds):
 * cgroup_clone_fd() gives the cgroup2 directory for clone3's
 * CLONE_INTO_CGROUP (-ENOENT on a host without cgroup2), and the cloned
 * child, while single-threaded, calls cgroup_enter_self() to move itself
 * into every v1 hierarchy through "tasks" (and into the cgroup2 one through
 * cgroup.procs unless in_unified).  No allocation: safe after clone.
 */
int cgroup_clone_fd(struct cgroup *cg);
int cgroup_enter_self(struct cgroup *cg, bool in_unified);

/* For a user other than root: 0 when its own cgroup is writable in every
 * hierarchy (delegated to it), else -EACCES with why naming the first one
 * that is not. */
int cgroup_delegation_check(char *why, size_t whylen);
/* Hand the container's cgroup directories (and the files that move
 * processes and enable controllers below them) to uid:gid, the host ids of
 * a user namespace's root, so that its init can use them. */
int cgroup_delegate(struct cgroup *cg, uid_t uid, gid_t gid);

/* True when no process is left in the container's cgroup. */
bool cgroup_is_empty(struct cgroup *cg);
/* SIGKILL every process in the cgroup, repeating until it is empty
 * (cgroup.kill on v2 where available; freeze-kill-thaw on v1). */
int cgroup_kill_all(struct cgroup *cg);
/* Remove the container's cgroup directories (children first).  Kills
 * anything left first. */
int cgroup_destroy(struct cgroup *cg);

/* Freeze every process of the container and wait until the kernel reports
 * it frozen (-ETIMEDOUT after a few seconds, left freezing; -EOPNOTSUPP
 * when the host has no freezer).  Uses the v1 freezer where mounted, else
 * cgroup.freeze. */
int cgroup_freeze(struct cgroup *cg);
int cgroup_thaw(struct cgroup *cg);
/*
 * Freezing without waiting, for a caller with a loop of its own:
 * cgroup_freeze_begin() asks for the frozen state and sets *ret_fd to a
 * descriptor that signals a change with POLLPRI (cgroup.events), or to -1
 * when the kernel gives no notification (the v1 freezer: read again after a
 * short, growing delay).  cgroup_freeze_check() returns 1 once the kernel
 * reports every process frozen, 0 while freezing; fd is *ret_fd (closed by
 * the caller).  cgroup_thaw() undoes either.  The freezer is the v1
 * hierarchy's where there is one, else cgroup.freeze; the environment
 * variable MGR_CGROUP_FREEZER=v2 picks cgroup.freeze on a hybrid host too
 * (v1 or auto: the default).  cgroup_freezer_name() is the file used,
 * NULL without a freezer.
 */
int cgroup_freeze_begin(struct cgroup *cg, int *ret_fd);
int cgroup_freeze_check(struct cgroup *cg, int fd);
const char *cgroup_freezer_name(struct cgroup *cg);
/* True when the cgroup is frozen or freezing, by either freezer. */
bool cgroup_is_frozen(struct cgroup *cg);
/* What the container's cgroup has used: the cgroup figures of
 * mgr_get_stats() (stats.c), with their MGR_STATS_* bits in ret->have. */
struct mgr_stats;
int cgroup_get_stats(struct cgroup *cg, struct mgr_stats *ret);
/* Write value to the interface file key ("memory.max", "pids.max") of the
 * container's cgroup, in the hierarchy holding the controller named by the
 * key's prefix.  No translation between v1 and v2 names. */
int cgroup_set(struct cgroup *cg, const char *key, const char *value);

/*
 * Mount the cgroup tree inside the container at ROOTFS/sys/fs/cgroup,
 * called in the container's mount (and cgroup) namespace before
 * pivot_root.  mount_auto holds the MOUNT_AUTO_CGROUP_* flags from conf.h.
 * v1: a tmpfs with one directory per hierarchy; v2: one cgroup2 mount.
 * "mixed": the container's own cgroup writable, the rest read-only.
 * rootfs_fd is an O_PATH/O_DIRECTORY fd of the new root.
 * Outside a cgroup namespace the container's own cgroup is bind-mounted
 * instead (the whole tree for the FULL_* flags).  MOUNT_AUTO_CGROUP_FORCE is
 * the caller's business.  Does not allocate or log: safe after clone().
 */
int cgroup_mount_in_container(struct cgroup *cg, int rootfs_fd, unsigned mount_auto);

/* Path of the container's cgroup in the hierarchy holding controller
 * ("freezer", "memory", "" for the unified one), for later features. */
const char *cgroup_path(struct cgroup *cg, const char *controller);

/*
 * Limits (limits.c, devices.c, limits_item.c).  Messages go to err (a
 * sentence naming the config key and why); returns 0 or -errno.
 */
struct mgr_conf;
/* Apply conf's limits.*, cgroup.* and cgroup2.* settings and its device
 * rules to the container's new cgroup, before init runs.  Anything the host
 * cannot apply is an error: a missing controller or file, a refused value. */
int cgroup_apply_limits(struct cgroup *cg, const struct mgr_conf *conf, char *err, size_t errlen);
/* One setting of a running container: key is an interface file
 * ("pids.max"), in the hierarchy holding its controller, or a limits.* key
 * (with or without "mgr."/"lxc."), translated for the host as at start.
 * *ret has no trailing newline; a limits.* key reads back in its config
 * form ("64M"). */
int cgroup_item_get(struct cgroup *cg, const char *key, char **ret, char *err, size_t errlen);
int cgroup_item_set(struct cgroup *cg, const char *key, const char *value, char *err,
		    size_t errlen);

#endif
