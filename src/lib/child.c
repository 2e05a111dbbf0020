/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The container's side of the start: from clone() to exec of init.  Errors
 * go back to the monitor over the sync socket, nothing is printed. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/close_range.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "caps.h"
#include "dev.h"
#include "hooks.h"
#include "mount_auto.h"
#include "rootfs.h"
#include "run_host.h"
#include "start.h"
#include "storage/storage.h"
#include "sync.h"
#include "util/exec.h"
#include "util/fileio.h"
#include "util/strv.h"

/* Where the rootfs goes: rootfs.mount, or its own mount point (a dir
 * onto itself). */
static const char *rootfs_target(const struct mgr_conf *conf, const struct storage *s)
{
	return conf->rootfs_mount ? conf->rootfs_mount : storage_mount_point(s);
}

/* Mount the rootfs from its storage onto its target and return an fd for
 * it; or move in the detached mount mnt the host side made, onto
 * target_fd, opened while this process still had the host's ids (the
 * root of a user namespace may not be able to walk the path). */
static int rootfs_prepare(const struct mgr_conf *conf, const struct storage *s, int mnt,
			  int target_fd, int sync_fd)
{
	const char *target = rootfs_target(conf, s);
	int fd, r;

	if (mnt >= 0) {
		r = move_mount(mnt, "", target_fd, "",
			       MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0 ? -errno : 0;
		fd = r < 0 ? -1 : openat(mnt, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	} else {
		r = s->ops->mount(s, target);
		fd = r < 0 ? -1 : open(target, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	if (r < 0)
		return sync_error(sync_fd, r, "Failed to mount the rootfs \"%s\" on \"%s\"",
				  s->spec, target);
	if (fd < 0)
		return sync_error(sync_fd, -errno, "Failed to open the rootfs \"%s\"", target);
	return fd;
}

static int rootfs_options_apply(int rootfd, const struct mgr_conf *conf, int sync_fd)
{
	struct mount_opts o;
	int r;

	if (!conf->rootfs_options)
		return 0;
	r = mount_opts_parse(conf->rootfs_options, &o);
	if (r == 0 && (o.flags & ~(MS_BIND | MS_REC)))
		r = mount_beneath(rootfd, NULL, "/", NULL, MS_REMOUNT | MS_BIND | o.flags, NULL, 0);
	if (r < 0)
		return sync_error(sync_fd, r, "Failed to apply rootfs.options \"%s\"",
				  conf->rootfs_options);
	return 0;
}

static int mounts_apply(int rootfd, const struct mgr_conf *conf, int sync_fd)
{
	char err[400] = "";
	int r;

	if (conf->mount_fstab) {
		_cleanup_free_ char *text = NULL;
		char *save = NULL;

		r = read_file(conf->mount_fstab, &text, NULL);
		if (r < 0)
			return sync_error(sync_fd, r, "Failed to read mount.fstab \"%s\"",
					  conf->mount_fstab);
		for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
			l += strspn(l, " \t");
			if (!*l || *l == '#')
				continue;
			r = mount_entry_apply(rootfd, conf->rootfs_mount, l, err, sizeof(err));
			if (r < 0)
				return sync_report(sync_fd, r, err);
		}
	}
	STRV_FOREACH(e, conf->mount_entries) {
		r = mount_entry_apply(rootfd, conf->rootfs_mount, *e, err, sizeof(err));
		if (r < 0)
			return sync_report(sync_fd, r, err);
	}
	return 0;
}

/* The console (or /dev/null) on 0, 1 and 2, as the controlling terminal
 * of a privileged init.  In a user namespace init leaves it free: a getty
 * on the console could not take it over (stealing a controlling terminal
 * takes CAP_SYS_ADMIN on the host), and systemd wants none anyway. */
static int stdio_setup(const struct start_ctx *ctx, int sync_fd)
{
	int fd;

	if (setsid() < 0)
		return sync_error(sync_fd, -errno, "Failed to start a session");
	if (ctx->opts && ctx->opts->stdio_to_init)
		return 0;
	if (ctx->term.have_console) {
		fd = open("/dev/console", O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (fd < 0)
			return sync_error(sync_fd, -errno, "Failed to open /dev/console");
		if (!(ctx->clone_flags & CLONE_NEWUSER))
			(void)ioctl(fd, TIOCSCTTY, 0);
	} else {
		fd = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (fd < 0)
			return sync_error(sync_fd, -errno, "Failed to open /dev/null");
	}
	for (int i = 0; i < 3; i++)
		if (dup2(fd, i) < 0)
			return sync_error(sync_fd, -errno, "Failed to set up stdio");
	if (fd > 2)
		close(fd);
	return 0;
}

static int rlimits_apply(const struct mgr_conf *conf, int sync_fd)
{
	for (size_t i = 0; i < conf->n_prlimits; i++) {
		struct rlimit rl = { conf->prlimits[i].soft, conf->prlimits[i].hard };

		if (setrlimit(conf->prlimits[i].resource, &rl) < 0)
			return sync_error(sync_fd, -errno, "Failed to set resource limit %d",
					  conf->prlimits[i].resource);
	}
	return 0;
}

static int identity_apply(const struct mgr_conf *conf, int sync_fd)
{
	if (conf->init_gid >= 0) {
		if (setgroups(0, NULL) < 0 || setresgid(conf->init_gid, conf->init_gid, conf->init_gid) < 0)
			return sync_error(sync_fd, -errno, "Failed to switch to gid %lld",
					  conf->init_gid);
	}
	if (conf->init_uid >= 0 &&
	    setresuid(conf->init_uid, conf->init_uid, conf->init_uid) < 0)
		return sync_error(sync_fd, -errno, "Failed to switch to uid %lld", conf->init_uid);
	if (chdir(conf->init_cwd ? conf->init_cwd : "/") < 0)
		return sync_error(sync_fd, -errno, "Failed to change to \"%s\"",
				  conf->init_cwd ? conf->init_cwd : "/");
	return 0;
}

/* init's environment: container=mgr, container_ttys, PATH, then the
 * environment keys (a bare KEY passes the host's value through). */
static char **env_build(const struct start_ctx *ctx)
{
	const struct mgr_conf *conf = ctx->c->conf;
	char **env = calloc(1, sizeof(char *));
	char buf[1024];
	size_t n = 0;

	if (!env)
		return NULL;
	if (strv_append(&env, "container=mgr") < 0 ||
	    strv_append(&env, "PATH=" EXEC_DEFAULT_PATH) < 0 || strv_append(&env, "TERM=linux") < 0)
		goto fail;
	buf[0] = 0;
	for (unsigned i = 0; i < ctx->term.n_ttys && n < sizeof(buf) - 16; i++)
		n += snprintf(buf + n, sizeof(buf) - n, "%s%s%s%u", i ? " " : "",
			      conf->tty_dir ? conf->tty_dir : "", conf->tty_dir ? "/tty" : "tty", i + 1);
	if (n) {
		char *s;

		if (asprintf(&s, "container_ttys=%s", buf) < 0 || strv_push(&env, s) < 0)
			goto fail;
	}
	STRV_FOREACH(e, conf->environment) {
		const char *eq = strchr(*e, '=');
		_cleanup_free_ char *kv = NULL;
		size_t klen = eq ? (size_t)(eq - *e) : strlen(*e);

		if (!eq) {
			const char *v = getenv(*e);

			if (!v)
				continue;
			if (asprintf(&kv, "%s=%s", *e, v) < 0)
				goto fail;
		} else if (!(kv = strdup(*e)))
			goto fail;
		/* A later value replaces an earlier one of the same name. */
		for (char **o = env; *o; o++)
			if (strncmp(*o, kv, klen + 1) == 0) {
				free(*o);
				*o = TAKE_PTR(kv);
				break;
			}
		if (kv && strv_push(&env, TAKE_PTR(kv)) < 0)
			goto fail;
	}
	return env;
fail:
	strv_free(env);
	return NULL;
}

/* Execute mgr-init from its fd, or init; a bare name is looked up in the
 * default PATH inside the container. */
static int exec_init(const struct start_ctx *ctx, char **env)
{
	if (ctx->init_exe_fd >= 0) {
		syscall(SYS_execveat, ctx->init_exe_fd, "", ctx->init_argv, env, AT_EMPTY_PATH);
		return -errno;
	}
	return exec_search(ctx->init_argv, env, EXEC_DEFAULT_PATH);
}

static int loopback_up(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), r = 0;

	if (fd < 0)
		return -errno;
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		r = -errno;
	ifr.ifr_flags |= IFF_UP;
	if (r == 0 && ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		r = -errno;
	close(fd);
	return r;
}

/* The hooks of one moment, made ready before clone; a failure goes to the
 * monitor with the hook's status and the end of its output. */
static int child_hooks_run(const struct start_ctx *ctx, enum conf_hook type, int sync_fd)
{
	char err[400];
	int r;

	if (ctx->hooks[type].n == 0)
		return 0;
	r = hooks_exec(&ctx->hooks[type], err, sizeof(err));
	return r < 0 ? sync_report(sync_fd, r, err) : 0;
}

/* In a new user namespace: wait for the maps, then become its root. */
static int userns_enter_root(int sync_fd)
{
	int r = sync_expect(sync_fd, SYNC_IDMAP, NULL);

	if (r < 0)
		return r;
	if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		return sync_error(sync_fd, -errno, "Failed to become root in the user namespace");
	/* newgidmap denies setgroups() where a user maps only its own gid. */
	if (setgroups(0, NULL) < 0 && errno != EPERM)
		return sync_error(sync_fd, -errno, "Failed to drop the supplementary groups");
	return 0;
}

static int child_setup(const struct child_args *a)
{
	const struct start_ctx *ctx = a->ctx;
	const struct mgr_conf *conf = a->c->conf;
	const char *rootfs = ctx->storage->spec;
	int fd = a->sync_fd, r;
	_cleanup_close_ int rootfd = -1, target_fd = -1;
	char err[400] = "";
	char **env;

	if (ctx->rootfs_mnt >= 0) {
		target_fd = open(rootfs_target(conf, ctx->storage), O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (target_fd < 0)
			return sync_error(fd, -errno, "Failed to open the rootfs mount point \"%s\"",
					  rootfs_target(conf, ctx->storage));
	}
	if (a->clone_flags & CLONE_NEWUSER) {
		r = userns_enter_root(fd);
		if (r < 0)
			return r;
	}
	if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		return sync_error(fd, -errno, "Failed to make the mount tree private");
	r = child_hooks_run(ctx, CONF_HOOK_PRE_MOUNT, fd);
	if (r < 0)
		return r;
	rootfd = rootfs_prepare(conf, ctx->storage, ctx->rootfs_mnt, target_fd, fd);
	if (rootfd < 0)
		return rootfd;
	/* The device rules may come now: a loop or LVM rootfs is open. */
	r = sync_send(fd, SYNC_ROOTFS);
	if (r < 0)
		return r;
	r = mount_auto_setup(rootfd, conf, err, sizeof(err));
	if (r == 0)
		r = dev_setup(rootfd, conf, &ctx->term, err, sizeof(err));
	if (r == 0)
		r = run_host_setup(rootfd, err, sizeof(err));
	if (r < 0)
		return sync_report(fd, r, err);

	/* The host's cgroup tree is still in view: join, then hide it. */
	r = sync_expect(fd, SYNC_GO, NULL);
	if (r < 0)
		return r;
	r = a->in_cgroup ? 0 : cgroup_enter_self(ctx->cg, a->in_unified);
	if (r < 0)
		return sync_error(fd, r, "Failed to enter the cgroup of \"%s\"", a->c->name);
	if ((a->clone_flags & CLONE_NEWCGROUP) && unshare(CLONE_NEWCGROUP) < 0)
		return sync_error(fd, -errno, "Failed to create a cgroup namespace");
	if (conf->mount_auto & MOUNT_AUTO_CGROUP_MASK) {
		r = cgroup_mount_in_container(ctx->cg, rootfd, conf->mount_auto);
		if (r < 0)
			return sync_error(fd, r, "Failed to mount the cgroup tree");
	}
	r = mounts_apply(rootfd, conf, fd);
	if (r < 0)
		return r;
	if (a->lo_up && (r = loopback_up()) < 0)
		return sync_error(fd, r, "Failed to bring lo up");
	if (a->clone_flags & CLONE_NEWUTS) {
		const char *host = conf->uts_name ? conf->uts_name : a->c->name;

		if (sethostname(host, strlen(host)) < 0)
			return sync_error(fd, -errno, "Failed to set the hostname \"%s\"", host);
	}
	r = child_hooks_run(ctx, CONF_HOOK_MOUNT, fd);
	if (r == 0 && conf->autodev != 0)
		r = child_hooks_run(ctx, CONF_HOOK_AUTODEV, fd);
	if (r < 0)
		return r;
	r = rootfs_options_apply(rootfd, conf, fd);
	if (r < 0)
		return r;
	r = rootfs_pivot(rootfd);
	if (r < 0)
		return sync_error(fd, r, "Failed to pivot_root into \"%s\"", rootfs);
	r = rlimits_apply(conf, fd);
	if (r < 0)
		return r;
	r = stdio_setup(ctx, fd);
	if (r < 0)
		return r;
	env = env_build(ctx);
	if (!env)
		return sync_error(fd, -ENOMEM, "Failed to build the environment");
	/* In the container's root, with every privilege still there. */
	r = child_hooks_run(ctx, CONF_HOOK_START, fd);
	if (r < 0)
		return r;
	/* Nothing of the monitor's reaches init: every fd above stdio, except
	 * the sync socket and mgr-init, closes at exec. */
	if (syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		for (int i = 3; i < 1024; i++)
			fcntl(i, F_SETFD, FD_CLOEXEC);
	r = caps_apply(conf, err, sizeof(err));
	if (r < 0)
		return sync_report(fd, r, err);
	/* The filter before the identity changes, while CAP_SYS_ADMIN still
	 * allows one without no_new_privs. */
	if (ctx->seccomp) {
		r = seccomp_policy_load(ctx->seccomp, conf->seccomp_allow_nesting);
		if (r < 0)
			return sync_error(fd, r, "Failed to load the seccomp policy \"%s\"",
					  conf->seccomp_profile);
	}
	/* Through the host's /proc opened before: the container's may lie. */
	r = lsm_exec_apply(ctx->lsm, err, sizeof(err));
	if (r < 0)
		return sync_report(fd, r, err);
	r = identity_apply(conf, fd);
	if (r < 0)
		return r;
	if (conf->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return sync_error(fd, -errno, "Failed to set no_new_privs");
	exec_signals_reset();
	r = exec_init(ctx, env);
	return sync_error(fd, r, "Failed to execute \"%s\"", ctx->init_argv[0]);
}

void child_run(const struct child_args *a)
{
	child_setup(a);
	_exit(1);
}
