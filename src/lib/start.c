/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The monitor's side of starting init (see start.h for the sequence). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "guest_systemd.h"
#include "idmap.h"
#include "log.h"
#include "network.h"
#include "start.h"
#include "storage/storage.h"
#include "sync.h"
#include "userns_run.h"

#define DEFAULT_NAMESPACES \
	(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWCGROUP)

static int namespaces_wanted(const struct mgr_conf *conf)
{
	int flags = conf->namespace_clone ? conf->namespace_clone | CLONE_NEWNS : DEFAULT_NAMESPACES;

	if (conf->n_idmaps > 0)
		flags |= CLONE_NEWUSER; /* made first: it owns the others */
	flags &= ~conf->namespace_keep;
	/* net.N.type = none: the host's network namespace. */
	for (size_t i = 0; i < conf->n_nets; i++)
		if (conf->nets[i].type == NET_TYPE_NONE)
			flags &= ~CLONE_NEWNET;
	return flags | CLONE_NEWNS; /* the mount namespace is not optional */
}

/* A fork-like clone into new namespaces, with a pidfd, straight into the
 * container's cgroup2 directory where the kernel can (clone3 with
 * CLONE_INTO_CGROUP); *ret_in_unified says whether that happened.  The
 * cgroup namespace is made by the child once it is in all its cgroups, so
 * that they become its root. */
static pid_t clone_ns(int flags, int cgroup_fd, int *ret_pidfd, bool *ret_in_unified)
{
	struct clone_args args = {
		.flags = (uint64_t)(flags & ~CLONE_NEWCGROUP) | CLONE_PIDFD,
		.pidfd = (uint64_t)(uintptr_t)ret_pidfd,
		.exit_signal = SIGCHLD,
	};
	pid_t pid;

	if (cgroup_fd >= 0) {
		args.flags |= CLONE_INTO_CGROUP;
		args.cgroup = cgroup_fd;
		pid = syscall(SYS_clone3, &args, sizeof(args));
		if (pid >= 0) {
			*ret_in_unified = true;
			return pid;
		}
		args.flags &= ~CLONE_INTO_CGROUP;
	}
	*ret_in_unified = false;
	pid = syscall(SYS_clone3, &args, sizeof(args));
	if (pid < 0 && errno == ENOSYS) {
		*ret_pidfd = -1;
		pid = syscall(SYS_clone, (unsigned long)(flags & ~CLONE_NEWCGROUP) | SIGCHLD, NULL,
			      NULL, NULL, NULL);
	}
	return pid;
}

/* The host ids of the container's root (with maps: checked to exist). */
static uid_t root_uid(const struct mgr_conf *conf)
{
	return (uid_t)idmap_to_host(conf->idmaps, conf->n_idmaps, 'u', 0);
}

static gid_t root_gid(const struct mgr_conf *conf)
{
	return (gid_t)idmap_to_host(conf->idmaps, conf->n_idmaps, 'g', 0);
}

static int terminals_to_root(void *term)
{
	return terminals_chown(term, 0, 0);
}

/* For a user other than root: the ptys go to the container's root from
 * inside a user namespace of its maps, which maps the user's own ids too.
 * A devpts mounted with gid=5 (most hosts) gives them the group tty,
 * which it does not map: the user's own group first. */
static int terminals_to_root_as_user(struct start_ctx *ctx)
{
	const struct mgr_conf *conf = ctx->c->conf;
	int r = terminals_chown(&ctx->term, (uid_t)-1, getegid());

	if (r < 0)
		return r;
	return userns_run(conf->idmaps, conf->n_idmaps, terminals_to_root, &ctx->term);
}

void start_hook_info(const struct start_ctx *ctx, struct hook_info *ret)
{
	const struct mgr_container *c = ctx->c;

	*ret = (struct hook_info){
		.name = c->name,
		.config_file = c->config_file,
		.rootfs_mount = c->conf->rootfs_mount ? c->conf->rootfs_mount
						      : storage_mount_point(ctx->storage),
	};
}

/* A container with a user namespace cannot mount a filesystem on a block
 * device, nor make an idmapped mount: the host side mounts its rootfs,
 * detached, and the child moves it into place. */
static int rootfs_mount_prepare(struct start_ctx *ctx)
{
	const struct mgr_conf *conf = ctx->c->conf;
	_cleanup_close_ int userns = -1;
	int mnt;

	if (conf->rootfs_idmapped == 1) {
		userns = idmap_userns_fd(conf->idmaps, conf->n_idmaps);
		if (userns < 0)
			return container_error(ctx->c, userns, "Failed to make a user namespace for "
							       "the idmapped rootfs");
		mnt = storage_open_mount_idmapped(ctx->storage, userns);
	} else
		mnt = storage_open_mount(ctx->storage);
	if (mnt < 0)
		return container_error(ctx->c, mnt,
				       conf->rootfs_idmapped == 1
					       ? "Failed to make an idmapped mount of the rootfs \"%s\" "
						 "(mgr.rootfs.idmapped = 1 needs a kernel and a "
						 "filesystem that allow them; mgr-shift --chown "
						 "shifts its files instead)"
					       : "Failed to mount the rootfs \"%s\"",
				       ctx->storage->spec);
	ctx->rootfs_mnt = mnt;
	return 0;
}

/* What the guest sees at /sys/fs/cgroup on a v1 or hybrid host: what
 * cgroup.view says, or for auto, cgroup2 alone where its systemd no longer
 * runs on v1 (the host's layout otherwise). */
static int cgroup_view_choose(struct start_ctx *ctx)
{
	const struct mgr_conf *conf = ctx->c->conf;
	bool unified = conf->cgroup_view == CGROUP_VIEW_UNIFIED;
	int version = 0, r;

	if (!cgroup_host_has_v1())
		return 0; /* a pure v2 host shows cgroup2 to every guest */
	if (conf->cgroup_view == CGROUP_VIEW_AUTO) {
		_cleanup_close_ int rootfd = ctx->storage->ops->open_root(ctx->storage);

		if (rootfd >= 0)
			version = guest_systemd_version(rootfd);
		unified = version >= GUEST_SYSTEMD_NO_V1;
	}
	r = cgroup_set_view(ctx->cg, unified);
	if (r == -EOPNOTSUPP && version)
		return container_error(ctx->c, r, "The guest's systemd %d runs only on cgroup2, "
						  "which this host has not mounted", version);
	if (r == -EOPNOTSUPP)
		return container_error(ctx->c, r, "mgr.cgroup.view = unified, but this host has no "
						  "cgroup2 hierarchy");
	if (r < 0)
		return container_error(ctx->c, r, "Failed to choose the cgroup view");
	if (unified)
		log_debug("\"%s\" sees cgroup2 alone%s", ctx->c->name,
			  version ? " (its systemd does not run on v1)" : "");
	return 0;
}

/* The hooks the child runs, ready before clone: it must not allocate. */
static int child_hooks_prepare(struct start_ctx *ctx)
{
	static const enum conf_hook types[] = { CONF_HOOK_PRE_MOUNT, CONF_HOOK_MOUNT,
						CONF_HOOK_AUTODEV, CONF_HOOK_START };
	struct hook_info info;
	int r;

	start_hook_info(ctx, &info);
	for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
		info.in_container = types[i] == CONF_HOOK_START;
		r = hooks_prepare(ctx->c->conf, types[i], &info, &ctx->hooks[types[i]]);
		if (r < 0)
			return container_error(ctx->c, r, "Failed to prepare hook.%s of \"%s\"",
					       conf_hook_names[types[i]], ctx->c->name);
	}
	return 0;
}

static int start_fail(struct start_ctx *ctx, int r)
{
	start_teardown(ctx);
	return r;
}

int start_spawn(struct start_ctx *ctx)
{
	struct mgr_container *c = ctx->c;
	const struct mgr_conf *conf = c->conf;
	bool console = !(conf->console_path && streq(conf->console_path, "none"));
	int sv[2], flags = namespaces_wanted(conf), status, r, cgroup_fd;
	struct sync_msg msg = { 0 };
	bool in_unified, rootless = geteuid() != 0;
	char why[512];

	ctx->init_pid = 0;
	ctx->pidfd = -1;
	ctx->rootfs_mnt = -1;
	ctx->net = NULL;
	ctx->clone_flags = flags;
	/* Before anything is made: a failure leaves nothing to undo. */
	{
		struct hook_info info;

		start_hook_info(ctx, &info);
		r = hooks_run(c, c->conf, CONF_HOOK_PRE_START, &info);
		if (r < 0)
			return start_fail(ctx, r);
	}
	r = cgroup_create_begin(c->name, &ctx->cg);
	/* A user other than root moves init into its cgroups itself, before
	 * init's ids change: all of them are made first. */
	if (r == 0 && rootless)
		r = cgroup_create_finish(ctx->cg);
	if (r < 0)
		return start_fail(ctx, container_error(c, r, r == -EBUSY ? "The cgroup of \"%s\" is in use"
									: "Failed to create the cgroup of \"%s\"",
						       c->name));
	r = cgroup_view_choose(ctx);
	if (r < 0)
		return start_fail(ctx, r);
	r = network_prepare(ctx);
	if (r < 0)
		return start_fail(ctx, r);
	if (conf->seccomp_profile) {
		char err[512];

		r = seccomp_policy_compile(conf->seccomp_profile, &ctx->seccomp, err, sizeof(err));
		if (r < 0)
			return start_fail(ctx, container_error_msg(c, r, err));
	}
	r = lsm_start_prepare(c, &ctx->lsm);
	if (r < 0)
		return start_fail(ctx, r);
	r = terminals_alloc(&ctx->term, console, conf->tty_max);
	if (r < 0)
		return start_fail(ctx, container_error(c, r, "Failed to allocate the console ptys"));
	if (flags & CLONE_NEWUSER) {
		/* A user other than root does it as the container's root. */
		r = rootless ? terminals_to_root_as_user(ctx)
			     : terminals_chown(&ctx->term, root_uid(conf), root_gid(conf));
		if (r < 0)
			return start_fail(ctx, container_error(c, r, "Failed to give the console "
								     "ptys to the container's root"));
	}
	r = child_hooks_prepare(ctx);
	if (r < 0)
		return start_fail(ctx, r);
	if ((flags & CLONE_NEWUSER) && !rootless) {
		r = rootfs_mount_prepare(ctx);
		if (r < 0)
			return start_fail(ctx, r);
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return start_fail(ctx, container_error(c, -errno, "Failed to create a socketpair"));

	cgroup_fd = cgroup_clone_fd(ctx->cg);
	ctx->init_pid = clone_ns(flags, cgroup_fd, &ctx->pidfd, &in_unified);
	r = -errno;
	if (cgroup_fd >= 0 && ctx->init_pid != 0)
		close(cgroup_fd);
	if (ctx->init_pid < 0) {
		close(sv[0]);
		close(sv[1]);
		ctx->init_pid = 0;
		return start_fail(ctx, container_error(c, r, "Failed to clone into new namespaces"));
	}
	if (ctx->init_pid == 0) {
		struct child_args a = {
			.c = c, .ctx = ctx, .sync_fd = sv[1], .clone_flags = flags,
			.in_unified = in_unified, .in_cgroup = rootless,
			.lo_up = rootless && (flags & CLONE_NEWNET),
		};

		close(sv[0]);
		child_run(&a);
	}
	close(sv[1]);
	closep(&ctx->rootfs_mnt); /* the child's now */
	ctx->rootfs_mnt = -1;
	log_debug("init of \"%s\" cloned as %d", c->name, (int)ctx->init_pid);
	if (rootless) {
		r = cgroup_attach(ctx->cg, ctx->init_pid);
		if (r < 0) {
			container_error(c, r, "Failed to move init of \"%s\" into its cgroup", c->name);
			goto kill;
		}
	}
	if (flags & CLONE_NEWUSER) {
		r = idmap_write(ctx->init_pid, conf->idmaps, conf->n_idmaps);
		if (r < 0) {
			container_error(c, r, "Failed to write the idmap of \"%s\"", c->name);
			goto kill;
		}
		r = sync_send(sv[0], SYNC_IDMAP);
		if (r < 0) {
			container_error(c, r, "Failed to start \"%s\"", c->name);
			goto kill;
		}
	}

	/* The network and the other cgroups, while the child mounts what
	 * needs neither. */
	r = network_create(ctx);
	if (r < 0)
		goto kill;
	r = rootless ? 0 : cgroup_create_finish(ctx->cg);
	if (r < 0) {
		container_error(c, r, "Failed to create the cgroup of \"%s\"", c->name);
		goto kill;
	}
	if ((flags & CLONE_NEWUSER) && !rootless) {
		r = cgroup_delegate(ctx->cg, root_uid(conf), root_gid(conf));
		if (r < 0) {
			container_error(c, r, "Failed to delegate the cgroup of \"%s\"", c->name);
			goto kill;
		}
	}
	/* Limits and device rules before init runs, and after the rootfs is
	 * mounted: the rules would deny the child its loop or LVM device. */
	r = sync_expect(sv[0], SYNC_ROOTFS, &msg);
	if (r < 0) {
		if (msg.text[0])
			container_error_msg(c, r, msg.text);
		else
			container_error(c, r, "Failed to start \"%s\"", c->name);
		goto kill;
	}
	r = cgroup_apply_limits(ctx->cg, conf, why, sizeof(why));
	if (r < 0) {
		container_error_msg(c, r, why);
		goto kill;
	}
	r = sync_send(sv[0], SYNC_GO);
	if (r == 0)
		r = sync_expect(sv[0], SYNC_EXEC, &msg);
	if (r != -EPIPE) {
		/* Anything but end-of-file is a failure the child reported. */
		if (msg.text[0])
			container_error_msg(c, r, msg.text);
		else
			container_error(c, r, "Failed to start \"%s\"", c->name);
		goto kill;
	}
	/* End-of-file: either exec happened or the child died without a word. */
	if (waitpid(ctx->init_pid, &status, WNOHANG) == ctx->init_pid) {
		ctx->init_pid = 0;
		r = container_error(c, -ECHILD, "init of \"%s\" died while starting", c->name);
		goto out;
	}
	close(sv[0]);
	log_debug("init of \"%s\" executed", c->name);
	return 0;
kill:
	kill(ctx->init_pid, SIGKILL);
	while (waitpid(ctx->init_pid, &status, 0) < 0 && errno == EINTR)
		;
	ctx->init_pid = 0;
out:
	close(sv[0]);
	return start_fail(ctx, r < 0 ? r : -EIO);
}

void start_teardown(struct start_ctx *ctx)
{
	network_teardown(ctx);
	if (ctx->cg) {
		int r = cgroup_destroy(ctx->cg);

		if (r < 0)
			log_error_errno(r, "Failed to remove the cgroup of \"%s\": %m", ctx->c->name);
		cgroup_free(ctx->cg);
		ctx->cg = NULL;
	}
	terminals_free(&ctx->term);
	for (size_t i = 0; i < ARRAY_SIZE(ctx->hooks); i++)
		hooks_free(&ctx->hooks[i]);
	seccomp_policy_free(ctx->seccomp);
	ctx->seccomp = NULL;
	lsm_exec_free(ctx->lsm); /* after init: a generated profile goes */
	ctx->lsm = NULL;
	if (ctx->pidfd >= 0)
		close(ctx->pidfd);
	ctx->pidfd = -1;
	closep(&ctx->rootfs_mnt);
	ctx->rootfs_mnt = -1;
}
