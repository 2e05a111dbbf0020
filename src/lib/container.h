/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The handle behind the public API. */
#ifndef MGR_CONTAINER_H
#define MGR_CONTAINER_H

#include "mgr/mgr.h"
#include "conf.h"
#include "util/macro.h"

/* Present in a container's directory while mgr_create() is building it;
 * such a container is not defined. */
#define CREATING_MARKER ".creating"

struct mgr_container {
	char name[MGR_NAME_MAX + 1];
	char *path;        /* container path (-P), absolute */
	char *dir;         /* path/name */
	char *config_file; /* dir/config */
	struct mgr_conf *conf;
	char error[1024];
};

/* Record the failure on the handle: "<fmt>: <strerror(-err)>" and return
 * err.  With err == 0 the message stands alone and -EINVAL is returned. */
int container_error(struct mgr_container *c, int err, const char *fmt, ...) _printf_(3, 4);
/* Keep a message built elsewhere (e.g. a conf_error or the child's report). */
int container_error_msg(struct mgr_container *c, int err, const char *msg);

/* Make c's directory, marked CREATING_MARKER, clearing a half-made one
 * left by a killed create; returns the held lock's fd.  On failure
 * nothing is left and the error is recorded. */
int container_create_begin(struct mgr_container *c);
/* Remove the marker: c is defined from now on. */
int container_create_finish(struct mgr_container *c);
/* Write c->conf to c's config file (0640, atomically). */
int container_config_write(struct mgr_container *c);
/* rootless.c: for a caller other than root, what the host lacks for it to
 * start c, as c's error; 0 for root. */
int rootless_check_start(struct mgr_container *c);
struct storage;
/* create_userns.c: a container with mgr.idmap.  _check refuses what cannot
 * work before anything is made; _finish (config loaded, rootfs filled)
 * picks the range of "idmap = auto" and, unless the rootfs can be mounted
 * idmapped (rootfs.idmapped), shifts it into the range. */
int create_userns_check(struct mgr_container *c, const struct storage *s);
/* The maps of "idmap = auto" now (c->conf loaded): for a user other than
 * root, whose template runs under them. */
int create_userns_settle(struct mgr_container *c);
int create_userns_finish(struct mgr_container *c, const struct storage *s);
/* A copy n of a container with mgr.idmap, its rootfs s filled: a range of
 * its own, and s shifted from the source's range into it (unless idmapped). */
int clone_userns_settle(struct mgr_container *n, const struct storage *s);
/* Set c->conf's maps (not written) to a range of ids that no container
 * under c's path maps; *ret_lock keeps the path locked until the caller
 * has written the config, so that no other container picks it too. */
int idmap_range_set(struct mgr_container *c, int *ret_lock);
/* Can s be shown to a container through an idmapped mount of c's maps? */
bool idmapped_usable(const struct mgr_container *c, const struct storage *s);
/* rootfs.idmapped unset: 1 where s can be mounted idmapped through c's
 * maps, else 0, written to the config; set to 1 where it cannot: an error. */
int rootfs_idmapped_choose(struct mgr_container *c, const struct storage *s);

/* An internal mgr_clone() flag, with MGR_CLONE_KEEPNAME and
 * MGR_CLONE_KEEPMACADDR for a snapshot (mgr_snapshot()) that is the same
 * machine: the new rootfs keeps /etc/hostname, /etc/hosts, the SSH host
 * keys and the machine ID. */
#define CLONE_KEEP_IDENTITY (1u << 31)

/* The directories of c's snapshots (mgr_snapshot(): DIR/snaps/NAME),
 * snap2 before snap10; NULL when there are none.  Returns the count. */
int snapshot_dirs(struct mgr_container *c, char ***ret);

/* The containers (their directories) that are overlay snapshots of c's
 * rootfs and still exist; NULL when there are none.  Returns the count. */
int clone_snapshots(struct mgr_container *c, char ***ret);
/* In the rootfs at root: /etc/hostname says newname, and /etc/hosts has
 * newname where it had c's name. */
int clone_hostname_set(struct mgr_container *c, int root, const char *newname);

struct storage;
/* The storage of c's rootfs.path (storage/storage.h); -EINVAL with the
 * error recorded when it has none or a bad one. */
int container_storage(struct mgr_container *c, struct storage **ret);
/* c is defined and newname is a usable name: 0, or the error recorded. */
int container_check_new_name(struct mgr_container *c, const char *newname);
/* Record that the storage step what ("create", "copy ... to") failed on
 * s with r, saying why in the words of its backend. */
int storage_fail(struct mgr_container *c, int r, const struct storage *s, const char *what);
/* 0 when mgr can make storage of backend name, or an error saying why not. */
int storage_backend_usable(struct mgr_container *c, const char *name);

/* Take the per-container lock (flock on the container directory).  Returns
 * an fd to close to release it; -EWOULDBLOCK when another operation holds
 * it and wait is false. */
int container_lock(struct mgr_container *c, bool wait);
/* The same without waiting, for an operation: -EBUSY with c's error
 * saying that another one holds it. */
int container_lock_for(struct mgr_container *c);
/* 0 when c is STOPPED, else -EBUSY with c's error naming its state. */
int container_require_stopped(struct mgr_container *c);

/* Where library data lives; each can be overridden by an environment
 * variable (MGR_TEMPLATE_DIR, MGR_INIT_PATH, MGR_GLOBAL_CONFIG,
 * MGR_RUNTIME_PATH, MGR_CACHE_PATH) so the test suite can run from the build tree. */
const char *mgr_template_dir(void);
const char *mgr_init_path(void);
/* mgr-monitord, which a daemonized monitor executes (MGR_MONITOR_PATH). */
const char *mgr_monitor_path(void);
/* mgr_container_new() without reading the config (c->conf NULL). */
struct mgr_container *container_new_unloaded(const char *name, const char *path);
const char *mgr_global_config(void);
const char *mgr_runtime_path(void);
const char *mgr_cache_path(void);

#endif
