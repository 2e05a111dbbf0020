/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Linux security modules: the label a container's init (and every command
 * mgr-attach runs in it) executes into.
 *
 * The host runs at most one of AppArmor and SELinux; the backend for it is
 * chosen once (lsm_host()), a no-op one where neither is active or mgr was
 * built without its library.  What the keys ask for:
 *
 *   apparmor.profile   NAME: that profile, loaded by the administrator;
 *                      "generated": a profile written from
 *                      config/apparmor-profile.in for this container,
 *                      loaded at start and removed when it stops;
 *                      "unconfined": no profile;
 *                      unset: "generated" where AppArmor is active, and
 *                      nothing where it is not (as LXC does).
 *   selinux.context    the context init executes into; unset: the one
 *                      the policy gives (a transition from the manager's).
 *
 * A label asked for on a host whose LSM cannot give it fails the start,
 * unless apparmor.allow_incomplete (selinux.allow_incomplete) says to
 * start without it.
 *
 * The label is applied in the process itself just before exec, by writing
 * /proc/thread-self/attr/.../exec (an attached command's AppArmor profile
 * at once, through .../current: see lsm_change_apply()).  That /proc must be the host's: by then
 * the container's own /proc is mounted over it, and a rootfs without one
 * (or with a fake one) would swallow the write.  So the host's /proc is
 * opened before the process enters the container, and the write goes
 * through it; libapparmor's aa_change_onexec() and libselinux's
 * setexeccon() would open whatever /proc is in view.
 */
#ifndef MGR_LSM_H
#define MGR_LSM_H

#include <stdbool.h>
#include <stddef.h>

#include "container.h"

enum lsm_kind {
	LSM_NONE,
	LSM_APPARMOR,
	LSM_SELINUX,
};

/* apparmor.profile words. */
#define LSM_PROFILE_GENERATED "generated"
#define LSM_PROFILE_UNCONFINED "unconfined"

struct lsm_ops {
	enum lsm_kind kind;
	const char *name;    /* "AppArmor", "SELinux", "none": for messages */
	const char *library; /* what mgr must be built with to use it */
	bool built;          /* mgr was built with it */
	/* Whether the LSM is active on this host. */
	bool (*enabled)(void);
	/* Files under /proc/PID/ holding a process's label and its label at
	 * the next exec, the LSM's own first; NULL-terminated. */
	const char *const *current_attrs;
	const char *const *exec_attrs;
	/* The text that asks the exec attribute for label. */
	int (*exec_text)(const char *label, char *buf, size_t size);
	/* The text that asks a current attribute for label at once (NULL:
	 * the LSM changes labels at exec only). */
	int (*change_text)(const char *label, char *buf, size_t size);
	/* A label as read from a current attribute, in place, to the label
	 * to execute into ("" when there is nothing to apply). */
	void (*label_from_current)(char *text);
	/* Ask the loaded policy whether label can be used (NULL: no check);
	 * err says why not. */
	int (*label_check)(const char *label, char *err, size_t errlen);
	/* AppArmor: load the profile in file, replacing one of its name, and
	 * remove it again (NULL for the other backends). */
	int (*profile_load)(const char *file, char *err, size_t errlen);
	int (*profile_unload)(const char *file);
};

extern const struct lsm_ops lsm_apparmor_ops;
extern const struct lsm_ops lsm_selinux_ops;
extern const struct lsm_ops lsm_nop_ops;

/* The backend of the host's active LSM, probed once. */
const struct lsm_ops *lsm_host(void);
/* The choice behind lsm_host(): the first of AppArmor and SELinux that is
 * built in and that probe (NULL: its enabled()) says is active, else the
 * no-op backend. */
const struct lsm_ops *lsm_backend_choose(bool (*probe)(const struct lsm_ops *ops));

/* What a start asks of the LSM on a host whose backend is active. */
struct lsm_plan {
	const struct lsm_ops *ops; /* the backend that labels init; NULL: none */
	const char *label;         /* from the config, or LSM_PROFILE_GENERATED */
	bool generate;             /* AppArmor: write and load the profile first */
	bool nesting;              /* ... with the rules for nested containers */
};

/* Decide from conf alone (no probe, nothing touched), for a caller that
 * may load AppArmor profiles or not (root or another user): fills *ret, or
 * returns -EOPNOTSUPP (-EPERM: a generated profile asked for by a user
 * other than root) with err naming the key, the label and why it cannot
 * be had here. */
int lsm_plan_make(const struct mgr_conf *conf, const struct lsm_ops *active, bool may_load,
		  struct lsm_plan *ret, char *err, size_t errlen);

/* The generated profile (apparmor_profile.c). */
/* "mgr-NAME_HASH": NAME with what is not plain replaced by '_', HASH of
 * the container's directory (PATH/NAME) telling apart the containers of
 * the same name under different paths. */
int lsm_profile_name(const char *name, const char *container_dir, char *buf, size_t size);
/* Fill template: @PROFILE@ and @NAME@ replaced, lines starting with
 * "@nesting@" kept (without the marker) only when nesting. */
int lsm_profile_render(const char *template, const char *profile, const char *name,
		       bool nesting, char **ret);
/* The template's path, in MGR_CONFIG_DIR (the environment's, else the
 * installed $(pkgdatadir)/config); NULL on ENOMEM. */
char *lsm_profile_template_path(void);

/* The label a process applies to itself before exec: made in the parent,
 * applied in the child, freed (which removes a generated profile) by the
 * parent once the process is gone. */
struct lsm_exec;

/* For init: the checks of lsm_plan_make() against this host, with the
 * error on c ("Failed to start ..."). */
int lsm_start_check(struct mgr_container *c);
/* ... and what the child needs, the generated profile loaded.  *ret is
 * NULL when there is nothing to apply. */
int lsm_start_prepare(struct mgr_container *c, struct lsm_exec **ret);
/* For an attached command: the label init runs with, read from its
 * /proc/PID directory proc_pid_fd. */
int lsm_attach_prepare(struct mgr_container *c, int proc_pid_fd, struct lsm_exec **ret);
/* In the child, no allocation: ask for the label at exec.  e NULL: 0. */
int lsm_exec_apply(const struct lsm_exec *e, char *err, size_t errlen);
/* ... or take it at once where the LSM can (AppArmor), else at exec.  The
 * exec that follows is then no change of label, which the kernel would
 * make a secure exec, clearing the parent-death signal an attached
 * command relies on. */
int lsm_change_apply(const struct lsm_exec *e, char *err, size_t errlen);
void lsm_exec_free(struct lsm_exec *e);

#endif
