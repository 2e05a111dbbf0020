/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The host's LSM backend, chosen once, and the label a process asks for
 * at exec: prepared by the parent, applied by the child (see lsm.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "log.h"
#include "lsm/lsm.h"
#include "state.h"
#include "util/fileio.h"

#define LSM_TEXT_MAX 320

struct lsm_exec {
	const struct lsm_ops *ops;
	int procfd;                /* the host's /proc (O_PATH) */
	char label[LSM_TEXT_MAX];  /* for messages */
	char text[LSM_TEXT_MAX];   /* what goes into the exec attribute */
	char now[LSM_TEXT_MAX];    /* ... into a current one ("": cannot) */
	char *profile_file;        /* a generated profile loaded for this start */
};

/* --- the backend ---------------------------------------------------------- */

const struct lsm_ops *lsm_backend_choose(bool (*probe)(const struct lsm_ops *ops))
{
	static const struct lsm_ops *const backends[] = { &lsm_apparmor_ops, &lsm_selinux_ops };

	for (size_t i = 0; i < ARRAY_SIZE(backends); i++) {
		const struct lsm_ops *ops = backends[i];

		if (ops->built && (probe ? probe(ops) : ops->enabled()))
			return ops;
	}
	return &lsm_nop_ops;
}

static const struct lsm_ops *host_ops;

static void host_probe(void)
{
	host_ops = lsm_backend_choose(NULL);
	log_debug("LSM of this host: %s", host_ops->name);
}

const struct lsm_ops *lsm_host(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, host_probe);
	return host_ops;
}

/* --- preparing, in the parent ---------------------------------------------- */

void lsm_exec_free(struct lsm_exec *e)
{
	if (!e)
		return;
	if (e->profile_file) {
		int r = e->ops->profile_unload(e->profile_file);

		if (r < 0)
			log_debug_errno(r, "Failed to remove the AppArmor profile \"%s\": %m",
					e->label);
		(void)unlink(e->profile_file);
		free(e->profile_file);
	}
	closep(&e->procfd);
	free(e);
}

static inline void lsm_exec_freep(struct lsm_exec **e)
{
	lsm_exec_free(*e);
}
#define _cleanup_lsm_exec_free_ _cleanup_(lsm_exec_freep)

static struct lsm_exec *lsm_exec_new(const struct lsm_ops *ops)
{
	struct lsm_exec *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->ops = ops;
	e->procfd = -1;
	return e;
}

/* The host's /proc, checked to be a procfs: the child goes through it
 * after it entered the container. */
static int host_proc_open(void)
{
	_cleanup_close_ int fd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct statfs sfs;

	if (fd < 0)
		return -errno;
	if (fstatfs(fd, &sfs) < 0)
		return -errno;
	if (sfs.f_type != PROC_SUPER_MAGIC)
		return -ENODEV;
	return TAKE_FD(fd);
}

/* label and the text for the exec attribute, the host's /proc open. */
static int lsm_exec_finish(struct lsm_exec *e, const char *label)
{
	int r;

	if (strlen(label) >= sizeof(e->label))
		return -ENAMETOOLONG;
	strcpy(e->label, label);
	r = e->ops->exec_text(label, e->text, sizeof(e->text));
	if (r == 0 && e->ops->change_text)
		r = e->ops->change_text(label, e->now, sizeof(e->now));
	if (r < 0)
		return r;
	e->procfd = host_proc_open();
	return e->procfd < 0 ? e->procfd : 0;
}

/* The label of a process, from its /proc/PID directory dirfd, as its
 * exec label would be written ("" for none). */
static int label_read(const struct lsm_ops *ops, int dirfd, char *buf, size_t size)
{
	int r = -ENOENT;

	for (const char *const *a = ops->current_attrs; *a; a++) {
		_cleanup_free_ char *text = NULL;

		r = read_file_at(dirfd, *a, &text, NULL);
		if (r == -ENOENT || r == -EINVAL)
			continue;
		if (r < 0)
			return r;
		ops->label_from_current(text);
		if (strlen(text) >= size)
			return -ENAMETOOLONG;
		strcpy(buf, text);
		return 0;
	}
	return r;
}

/* "Failed to start "NAME": WHY" on c; returns r. */
static int start_fail(struct mgr_container *c, int r, const char *why)
{
	(void)container_error(c, 0, "Failed to start \"%s\": %s", c->name, why);
	return r;
}

int lsm_start_check(struct mgr_container *c)
{
	struct lsm_plan plan;
	char err[512];
	int r;

	r = lsm_plan_make(c->conf, lsm_host(), geteuid() == 0, &plan, err, sizeof(err));
	return r < 0 ? start_fail(c, r, err) : 0;
}

/* Write the generated profile to RUNTIME/HASH/NAME.apparmor and load it. */
static int profile_generate(struct mgr_container *c, const struct lsm_plan *plan,
			    struct lsm_exec *e)
{
	_cleanup_free_ char *template_path = lsm_profile_template_path();
	_cleanup_free_ char *template = NULL, *text = NULL, *file = NULL;
	_cleanup_close_ int fd = -1;
	char dir[256], why[1024];
	int r;

	r = lsm_profile_name(c->name, c->dir, e->label, sizeof(e->label));
	if (r < 0)
		return container_error(c, r, "Failed to name the AppArmor profile of \"%s\"",
				       c->name);
	if (!template_path)
		return container_error(c, -ENOMEM, "Failed to find the AppArmor profile template");
	r = read_file(template_path, &template, NULL);
	if (r < 0)
		return container_error(c, r, "Failed to read the AppArmor profile template \"%s\"",
				       template_path);
	r = lsm_profile_render(template, e->label, c->name, plan->nesting, &text);
	if (r < 0)
		return container_error(c, r, "Failed to make the AppArmor profile \"%s\"", e->label);
	r = runtime_dir(c->path, dir, sizeof(dir));
	if (r == 0)
		r = mkdir_p(dir, 0700);
	if (r == 0 && asprintf(&file, "%s/%s.apparmor", dir, c->name) < 0)
		r = -ENOMEM;
	if (r < 0)
		return container_error(c, r, "Failed to name the AppArmor profile file of \"%s\"",
				       c->name);
	fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return container_error(c, -errno, "Failed to create \"%s\"", file);
	r = write_all(fd, text, strlen(text));
	if (r < 0) {
		(void)unlink(file);
		return container_error(c, r, "Failed to write \"%s\"", file);
	}
	r = e->ops->profile_load(file, why, sizeof(why));
	if (r < 0) {
		(void)unlink(file);
		return container_error(c, 0, "Failed to load the AppArmor profile \"%s\" from \"%s\": %s",
				       e->label, file, why);
	}
	log_debug("AppArmor profile \"%s\" loaded from \"%s\"", e->label, file);
	e->profile_file = TAKE_PTR(file);
	return 0;
}

int lsm_start_prepare(struct mgr_container *c, struct lsm_exec **ret)
{
	_cleanup_lsm_exec_free_ struct lsm_exec *e = NULL;
	struct lsm_plan plan;
	char err[512], self[LSM_TEXT_MAX] = "";
	const char *label;
	int r;

	r = lsm_plan_make(c->conf, lsm_host(), geteuid() == 0, &plan, err, sizeof(err));
	if (r < 0)
		return start_fail(c, r, err);
	*ret = NULL;
	if (!plan.ops)
		return 0;
	e = lsm_exec_new(plan.ops);
	if (!e)
		return container_error(c, -ENOMEM, "Failed to prepare the %s label", plan.ops->name);
	if (plan.generate) {
		r = profile_generate(c, &plan, e);
		if (r < 0)
			return r;
		label = e->label;
	} else
		label = plan.label;
	/* "unconfined" for a manager that is unconfined: nothing to change. */
	if (plan.ops->kind == LSM_APPARMOR && streq(label, LSM_PROFILE_UNCONFINED)) {
		_cleanup_close_ int self_fd = open("/proc/self", O_PATH | O_DIRECTORY | O_CLOEXEC);

		if (self_fd >= 0 && label_read(plan.ops, self_fd, self, sizeof(self)) == 0 &&
		    !self[0])
			return 0;
	}
	if (plan.ops->label_check && plan.ops->label_check(label, err, sizeof(err)) < 0)
		return start_fail(c, -EINVAL, err);
	r = lsm_exec_finish(e, label);
	if (r < 0)
		return container_error(c, r, "Failed to prepare the %s label \"%s\"",
				       plan.ops->name, label);
	log_debug("init of \"%s\" executes into the %s label \"%s\"", c->name, plan.ops->name,
		  label);
	*ret = TAKE_PTR(e);
	return 0;
}

int lsm_attach_prepare(struct mgr_container *c, int proc_pid_fd, struct lsm_exec **ret)
{
	const struct lsm_ops *ops = lsm_host();
	_cleanup_lsm_exec_free_ struct lsm_exec *e = NULL;
	_cleanup_close_ int self_fd = -1;
	char init[LSM_TEXT_MAX], self[LSM_TEXT_MAX] = "";
	int r;

	*ret = NULL;
	if (ops->kind == LSM_NONE)
		return 0;
	r = label_read(ops, proc_pid_fd, init, sizeof(init));
	if (r < 0)
		return container_error(c, r, "Failed to read the %s label of init of \"%s\"",
				       ops->name, c->name);
	self_fd = open("/proc/self", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (self_fd >= 0)
		(void)label_read(ops, self_fd, self, sizeof(self));
	/* Unconfined, or the label this process has anyway. */
	if (!init[0] || streq(init, self))
		return 0;
	e = lsm_exec_new(ops);
	if (!e)
		return container_error(c, -ENOMEM, "Failed to prepare the %s label", ops->name);
	r = lsm_exec_finish(e, init);
	if (r < 0)
		return container_error(c, r, "Failed to prepare the %s label \"%s\"", ops->name,
				       init);
	log_debug("commands attached to \"%s\" execute into the %s label \"%s\"", c->name,
		  ops->name, init);
	*ret = TAKE_PTR(e);
	return 0;
}

/* --- applying, in the child --------------------------------------------------- */

/* Write text to the first of attrs (under the host's /proc/thread-self)
 * the kernel has: the LSM's own first, a kernel before 5.1 has only the
 * shared one. */
static int attr_write(const struct lsm_exec *e, const char *const *attrs, const char *text)
{
	size_t len = strlen(text);
	int r = -ENOENT;

	for (const char *const *a = attrs; *a; a++) {
		char path[64];
		int fd;

		snprintf(path, sizeof(path), "thread-self/%s", *a);
		fd = openat(e->procfd, path, O_WRONLY | O_CLOEXEC);
		if (fd < 0) {
			r = -errno;
			if (r == -ENOENT)
				continue;
			break;
		}
		r = write(fd, text, len) == (ssize_t)len ? 0 : negative_errno();
		close(fd);
		break;
	}
	return r;
}

int lsm_exec_apply(const struct lsm_exec *e, char *err, size_t errlen)
{
	int r;

	if (!e)
		return 0;
	r = attr_write(e, e->ops->exec_attrs, e->text);
	if (r < 0)
		snprintf(err, errlen, "Failed to ask for the %s label \"%s\" at exec: %s",
			 e->ops->name, e->label, strerror(-r));
	return r;
}

int lsm_change_apply(const struct lsm_exec *e, char *err, size_t errlen)
{
	int r;

	if (!e || !e->now[0])
		return lsm_exec_apply(e, err, errlen);
	r = attr_write(e, e->ops->current_attrs, e->now);
	if (r < 0)
		snprintf(err, errlen, "Failed to change to the %s label \"%s\": %s",
			 e->ops->name, e->label, strerror(-r));
	return r;
}
