/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Shared by the files of src/lib/cgroups, not by the rest of libmgr.
 *
 * The host's hierarchies are found once per process (struct cgroup_host).
 * A struct cgroup is the container's directory in each of them, plus the
 * driver that knows how to use them:
 *   v1.c  legacy and hybrid hosts: every v1 hierarchy, and on a hybrid host
 *         the cgroup2 mount too, through the v2 helpers below;
 *   v2.c  pure v2 hosts: one cgroup2 hierarchy at /sys/fs/cgroup.
 * The v2 helpers take the directory they work on, so both drivers use them.
 * The other files:
 *   cgroup.c  the public entry points, which pick the driver;
 *   layout.c  the host's hierarchies, read from what is mounted;
 *   tree.c    one directory and its subtree, in any hierarchy;
 *   driver.c  what both drivers do alike over every hierarchy;
 *   mount.c   mounting the hierarchies inside the container.
 */
#ifndef MGR_CGROUP_INTERNAL_H
#define MGR_CGROUP_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgroups/cgroup.h"

#define CGROUP_MOUNT_ROOT "/sys/fs/cgroup"
#define CGROUP_DIR_PREFIX "mgr.payload."

#define USEC_PER_MSEC 1000ULL
#define USEC_PER_SEC 1000000ULL
/* How long killing (and removing) a container's cgroup may take. */
#define CGROUP_KILL_TIMEOUT_USEC (5 * USEC_PER_SEC)
/* How long a freeze inside the kill loop may take before we kill anyway. */
#define CGROUP_KILL_FREEZE_USEC (100 * USEC_PER_MSEC)
/* How long cgroup_freeze() waits for the freezer to report FROZEN. */
#define CGROUP_FREEZE_TIMEOUT_USEC (5 * USEC_PER_SEC)

/* One hierarchy the host has mounted. */
struct cgroup_hierarchy {
	char *mount;        /* its root on the host: "/sys/fs/cgroup/memory" */
	char *dir;          /* its directory in a container's v1 tmpfs: "memory",
	                     * "cpu,cpuacct", "systemd" (for name=systemd), "unified" */
	char *options;      /* v1 mount data, "cpu,cpuacct" or "none,name=systemd";
	                     * NULL for cgroup2 */
	char **controllers; /* v1: its controllers and "name=X"; cgroup2: the
	                     * root's cgroup.controllers */
	bool unified;       /* a cgroup2 hierarchy */
};

struct cgroup_host {
	enum cgroup_layout layout;
	struct cgroup_hierarchy *hier;
	size_t n_hier;
};

struct cgroup_ops;

struct cgroup {
	const struct cgroup_ops *ops;
	const struct cgroup_host *host;
	char *dir;    /* "mgr.payload.NAME" */
	char **paths; /* paths[i]: the container's cgroup in host->hier[i] */
	int unified;  /* index of the cgroup2 hierarchy, -1 when there is none */
	int freezer;  /* index of the v1 freezer hierarchy, -1 when there is none */
	bool unified_made; /* cgroup_create_begin made paths[unified] already */
	bool unified_view; /* the container sees only the cgroup2 hierarchy */
};

/*
 * What a driver does.  All return 0 or -errno.  Deadlines are absolute
 * CLOCK_MONOTONIC times in microseconds (cgroup_now()).
 */
struct cgroup_ops {
	const char *name;
	/* Make cg->paths (a leftover is already known to be empty) and
	 * prepare them for attach; on failure remove what was made. */
	int (*create)(struct cgroup *cg);
	int (*attach)(struct cgroup *cg, pid_t pid);
	bool (*is_empty)(struct cgroup *cg);
	/* SIGKILL everything until empty; -EBUSY past the deadline. */
	int (*kill_all)(struct cgroup *cg, uint64_t deadline);
	/* Remove the (empty) directories, children first; ENOENT is fine. */
	int (*destroy)(struct cgroup *cg, uint64_t deadline);
	/* Runs in the container's child: no logging, no allocation. */
	int (*mount_in_container)(struct cgroup *cg, int rootfs_fd, unsigned mount_auto);
	const char *(*path)(struct cgroup *cg, const char *controller);
	/* Ask for the frozen state and wait for it until deadline
	 * (-ETIMEDOUT, still freezing); -EOPNOTSUPP without a freezer. */
	int (*freeze)(struct cgroup *cg, uint64_t deadline);
	int (*thaw)(struct cgroup *cg);
	/* Write one interface file ("pids.max") of the container's cgroup. */
	int (*set)(struct cgroup *cg, const char *key, const char *value);
};

extern const struct cgroup_ops cgroup_v1_ops;
extern const struct cgroup_ops cgroup_v2_ops;

/* ---- layout.c: the host */
/* Detected on first use, then the same for the life of the process. */
int cgroup_host_get(const struct cgroup_host **ret);

/* ---- tree.c: time */
uint64_t cgroup_now(void);
/* Sleep *delay_usec (never past deadline), then double it up to 50 ms. */
void cgroup_backoff(unsigned *delay_usec, uint64_t deadline);

/* ---- tree.c: one directory and its subtree, any hierarchy */
int cgroup_write(const char *dir, const char *file, const char *value);
int cgroup_read(const char *dir, const char *file, char **ret);
/* 1 when a process is listed anywhere in the subtree, 0 when none (or the
 * directory is gone). */
int cgroup_tree_populated(const char *dir);
/* Send sig to every process in the subtree; adds their number to *count. */
int cgroup_tree_signal(const char *dir, int sig, unsigned *count);
/* Remove the subtree, children first; retries EBUSY until deadline. */
int cgroup_tree_remove(const char *dir, uint64_t deadline);

/* ---- driver.c: shared driver pieces */
/* mkdir cg->paths (removing empty leftovers); all undone on failure. */
/* Make one container cgroup directory, removing an empty leftover first. */
int cgroup_make_dir(const char *path, uint64_t deadline);
int cgroup_make_dirs(struct cgroup *cg);
int cgroup_attach_all(struct cgroup *cg, pid_t pid);
int cgroup_destroy_all(struct cgroup *cg, uint64_t deadline);
/* Freeze, SIGKILL every listed process, thaw; until is_empty or deadline. */
int cgroup_kill_loop(struct cgroup *cg, uint64_t deadline);
const char *cgroup_find_path(struct cgroup *cg, const char *controller);
int cgroup_set_file(struct cgroup *cg, const char *key, const char *value);

/* ---- mount.c: mounting inside the container (no allocation) */
enum {
	CGROUP_MOUNT_RO = 1 << 0,    /* everything read-only */
	CGROUP_MOUNT_MIXED = 1 << 1, /* the container's own cgroup writable */
	CGROUP_MOUNT_FULL = 1 << 2,  /* the whole tree, not only its own cgroup */
};
/* CGROUP_MOUNT_* from the MOUNT_AUTO_CGROUP_* flags; -1 for no mount. */
int cgroup_mount_mode(unsigned mount_auto);
/* True when we sit at the root of every hierarchy we can see, i.e. in a
 * cgroup namespace made after attach. */
bool cgroup_ns_is_own(void);
/* Open (O_PATH) the directory path below root_fd, resolved as if root_fd
 * were "/", creating missing components. */
int cgroup_open_beneath(int root_fd, const char *path, int *ret_fd);
/* "/proc/self/fd/N" into buf. */
const char *cgroup_fd_path(int fd, char buf[static 32]);
/* Mount hierarchy i on the directory name below parent_fd. */
int cgroup_mount_hierarchy(struct cgroup *cg, size_t i, int parent_fd, const char *name,
			   int mode, bool own_ns);

/* ---- delegation.c */
/* The directory of the caller's own cgroup in hierarchy h. */
int cgroup_own_dir(const struct cgroup_hierarchy *h, char **ret);
/* The same for process pid (0: the caller). */
int cgroup_dir_of(const struct cgroup_hierarchy *h, pid_t pid, char **ret);

/* ---- freezer.c */
/* Apply MGR_CGROUP_FREEZER to cg->freezer (-1: use cgroup.freeze). */
void cgroup_freezer_choose(struct cgroup *cg);

/* ---- v2.c: a cgroup2 directory, for both drivers */
/* The value of key in a "key value" per line file read through fd
 * (cgroup.events) from its start, which also re-arms poll(); -EOPNOTSUPP
 * when key is not there. */
int cgroup2_events_value(int fd, const char *key);
/* Write cgroup.kill; -EOPNOTSUPP when the kernel has none. */
int cgroup2_kill(const char *dir);
/* 1 populated, 0 empty or gone (cgroup.events, else the process lists). */
int cgroup2_populated(const char *dir);
/* Wait for "populated 0" in cgroup.events; -ETIMEDOUT past deadline. */
int cgroup2_wait_empty(const char *dir, uint64_t deadline);
/* cgroup.freeze; waits for "frozen 1" until deadline when freezing. */
int cgroup2_freeze(const char *dir, bool freeze, uint64_t deadline);

#endif
