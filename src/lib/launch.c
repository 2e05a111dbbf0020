/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mgr_start(): checks, the lock, the control socket, and the monitor
 * (daemonized, or in the caller's process for -F and execute). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "commands.h"
#include "idmap.h"
#include "log.h"
#include "lsm/lsm.h"
#include "monitor.h"
#include "state.h"
#include "storage/storage.h"
#include "util/fileio.h"
#include "util/strv.h"

/* A user namespace's root must own its rootfs: on disk (shifted) or
 * through an idmapped mount (rootfs.idmapped, owned by the host's root on
 * disk).  A filesystem on a block device is mounted by the host side,
 * which a user other than root cannot do. */
static int userns_rootfs_check(struct mgr_container *c, const struct storage *s)
{
	long long uid = c->conf->rootfs_idmapped == 1
				? 0
				: idmap_to_host(c->conf->idmaps, c->conf->n_idmaps, 'u', 0);
	_cleanup_close_ int fd = -1;
	struct stat st;

	if (c->conf->rootfs_idmapped == 1 && geteuid() != 0)
		return container_error(c, -EPERM,
				       "The rootfs \"%s\" is to be mounted idmapped "
				       "(mgr.rootfs.idmapped = 1), which only root can do",
				       s->spec);
	if (storage_is_block(s) && geteuid() != 0)
		return container_error(c, -EOPNOTSUPP,
				       "The rootfs \"%s\" is a filesystem on a block device, which only "
				       "root can mount for a container with a user namespace",
				       s->spec);
	fd = s->ops->open_root(s);
	if (fd < 0)
		return container_error(c, fd, "Failed to open the rootfs \"%s\"", s->spec);
	if (fstat(fd, &st) < 0)
		return container_error(c, -errno, "Failed to open the rootfs \"%s\"", s->spec);
	if ((long long)st.st_uid != uid)
		return container_error(c, -EPERM,
				       "The rootfs \"%s\" belongs to uid %u on the host, but %s the "
				       "container's root is %lld there: its files were not shifted "
				       "into the container's range (mgr-shift does that)",
				       s->spec, (unsigned)st.st_uid,
				       c->conf->rootfs_idmapped == 1 ? "with mgr.rootfs.idmapped = 1"
								: "through mgr.idmap",
				       uid);
	return 0;
}

static int check_startable(struct mgr_container *c, struct storage **ret_storage)
{
	_cleanup_storage_free_ struct storage *s = NULL;
	struct conf_error err = { "" };
	int r;

	if (!c->conf) {
		r = mgr_load_config(c);
		if (r < 0)
			return r;
	}
	r = conf_validate(c->conf, &err);
	if (r < 0)
		return container_error_msg(c, r, err.message);
	r = rootless_check_start(c);
	if (r < 0)
		return r;
	/* A label this host cannot give fails here, before anything is made. */
	r = lsm_start_check(c);
	if (r < 0)
		return r;
	r = container_storage(c, &s);
	if (r < 0)
		return r;
	r = s->ops->check(s);
	if (r == -ENOENT)
		return container_error(c, r, "The rootfs \"%s\" is missing", s->spec);
	if (r < 0)
		return container_error(c, r, "The rootfs \"%s\" is not usable", s->spec);
	if (c->conf->n_idmaps > 0) {
		r = userns_rootfs_check(c, s);
		if (r < 0)
			return r;
	}
	/* loop and lvm are mounted on a directory of the runtime path. */
	if (storage_is_block(s) && (r = mkdir_p(storage_mount_point(s), 0755)) < 0)
		return container_error(c, r, "Failed to create \"%s\"", storage_mount_point(s));
	*ret_storage = TAKE_PTR(s);
	return 0;
}

/* The container's log: log.file, or DIR/mgr.log at level info unless
 * log.level says otherwise; a default log grown past LOG_ROTATE_SIZE is
 * moved to mgr.log.1 first (one old file kept). */
#define LOG_ROTATE_SIZE (1 << 20)
static void container_log_open(struct mgr_container *c)
{
	_cleanup_free_ char *path = NULL, *old = NULL;
	struct stat st;

	if (c->conf->log_file) {
		(void)log_set_file(c->conf->log_file);
		if (c->conf->log_level >= 0)
			log_set_level(c->conf->log_level);
		return;
	}
	path = path_join(c->dir, "mgr.log");
	if (!path || asprintf(&old, "%s.1", path) < 0)
		return;
	if (stat(path, &st) == 0 && st.st_size > LOG_ROTATE_SIZE)
		(void)rename(path, old);
	if (log_set_file(path) == 0)
		log_set_level(c->conf->log_level >= 0 ? c->conf->log_level : MGR_LOG_INFO);
}

/* argv for init: the override, init.cmd, or /sbin/init; with mgr-init in
 * front for an application container. */
static int init_argv_build(struct mgr_container *c, const struct mgr_start_options *o,
			   char ***ret, int *ret_exe_fd)
{
	char *const *cmd = o->init_argv && o->init_argv[0] ? o->init_argv : c->conf->init_cmd;
	_cleanup_strv_free_ char **argv = NULL;
	int fd = -1;

	if (o->use_mgr_init) {
		fd = open(mgr_init_path(), O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return container_error(c, -errno, "Failed to open mgr-init at \"%s\"",
					       mgr_init_path());
		if (strv_append(&argv, "mgr-init") < 0 || strv_append(&argv, "--") < 0)
			goto nomem;
	}
	if (!cmd || !cmd[0]) {
		if (strv_append(&argv, "/sbin/init") < 0)
			goto nomem;
	} else
		STRV_FOREACH(a, cmd)
			if (strv_append(&argv, *a) < 0)
				goto nomem;
	*ret = TAKE_PTR(argv);
	*ret_exe_fd = fd;
	return 0;
nomem:
	if (fd >= 0)
		close(fd);
	return container_error(c, -ENOMEM, "Failed to prepare init");
}

/* Bind under a temporary name and rename into place once listening, so a
 * socket that exists always answers. */
static int control_socket(struct mgr_container *c, char *path, size_t size)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char dir[256];
	_cleanup_close_ int fd = -1;
	int r;

	r = runtime_dir(c->path, dir, sizeof(dir));
	if (r == 0)
		r = runtime_socket(c->path, c->name, path, size);
	if (r == 0 && strlen(path) + 8 >= sizeof(sa.sun_path))
		r = -ENAMETOOLONG;
	if (r < 0)
		return container_error(c, r, "Failed to name the control socket");
	r = mkdir_p(dir, 0700);
	if (r < 0)
		return container_error(c, r, "Failed to create \"%s\"", dir);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return container_error(c, -errno, "Failed to create the control socket");
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s.new", path);
	(void)unlink(sa.sun_path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || chmod(sa.sun_path, 0600) < 0 ||
	    listen(fd, 16) < 0 || rename(sa.sun_path, path) < 0) {
		r = -errno;
		(void)unlink(sa.sun_path);
		return container_error(c, r, "Failed to set up the control socket \"%s\"", path);
	}
	return TAKE_FD(fd);
}

/* Close every fd but the ones listed (the daemonized monitor must not hold
 * on to the caller's pipes). */
static void fds_close_except(const int *keep, size_t n)
{
	int from = 3;

	for (;;) {
		int next = -1;

		for (size_t i = 0; i < n; i++)
			if (keep[i] >= from && (next < 0 || keep[i] < next))
				next = keep[i];
		if (next < 0) {
			syscall(SYS_close_range, from, ~0U, 0);
			return;
		}
		if (next > from)
			syscall(SYS_close_range, from, next - 1, 0);
		from = next + 1;
	}
}

static void stdio_to_null(void)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return;
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	close(fd);
}

/* Fork twice so the monitor is nobody's child and has no terminal, and
 * wait for its word on the start. */
static int daemonize(struct monitor_setup *m)
{
	struct mgr_container *c = m->ctx.c;
	struct monitor_status st = { .ret = -EIO };
	int pipefd[2], status, r;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return container_error(c, -errno, "Failed to create a pipe");
	pid = fork();
	if (pid < 0) {
		r = -errno;
		close(pipefd[0]);
		close(pipefd[1]);
		return container_error(c, r, "Failed to fork the monitor");
	}
	if (pid == 0) {
		int keep[] = { m->listen_fd, pipefd[1], m->lock_fd, log_get_fd(),
			       m->ctx.init_exe_fd };

		close(pipefd[0]);
		if (setsid() < 0 || (pid = fork()) < 0)
			_exit(1);
		if (pid > 0)
			_exit(0);
		/* The monitor. */
		stdio_to_null();
		fds_close_except(keep, ARRAY_SIZE(keep));
		if (chdir("/") < 0)
			_exit(1);
		m->status_fd = pipefd[1];
		r = monitor_exec(m);
		/* Without mgr-monitord, the monitor goes on in this copy. */
		log_warn("Failed to execute \"%s\" (%s): the monitor runs in a copy of the "
			 "starting process", mgr_monitor_path(), strerror(-r));
		monitor_run(m);
		_exit(0);
	}
	close(pipefd[1]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	r = read_all(pipefd[0], &st, sizeof(st));
	close(pipefd[0]);
	if (r < 0)
		return container_error(c, -EIO, "The monitor of \"%s\" died while starting it",
				       c->name);
	if (st.ret < 0)
		return container_error_msg(c, st.ret, st.message);
	return 0;
}

_public_ int mgr_start(struct mgr_container *c, const struct mgr_start_options *opts)
{
	static const struct mgr_start_options defaults = { 0 };
	struct monitor_setup m = { .listen_fd = -1, .status_fd = -1, .lock_fd = -1 };
	_cleanup_strv_free_ char **argv = NULL;
	bool opened_log = false;
	enum mgr_log_level level;
	int probe, r;

	m.ctx.c = c;
	m.ctx.opts = opts ? opts : &defaults;
	m.ctx.init_exe_fd = -1;
	m.ctx.pidfd = -1;
	m.ctx.rootfs_mnt = -1;
	m.foreground = m.ctx.opts->foreground;

	if (!mgr_defined(c))
		return container_error(c, -ENOENT, "Container \"%s\" is not defined in \"%s\"",
				       c->name, c->path);
	r = check_startable(c, &m.ctx.storage);
	if (r < 0)
		return r;
	m.lock_fd = container_lock_for(c);
	if (m.lock_fd < 0)
		return m.lock_fd;
	probe = cmd_connect(c->path, c->name);
	if (probe >= 0) {
		close(probe);
		r = container_error(c, -EBUSY, "\"%s\" is already running", c->name);
		goto out;
	}
	r = init_argv_build(c, m.ctx.opts, &argv, &m.ctx.init_exe_fd);
	if (r < 0)
		goto out;
	m.ctx.init_argv = argv;
	opened_log = log_get_fd() < 0;
	level = log_get_level();
	if (opened_log)
		container_log_open(c);
	log_set_prefix(c->name);
	log_debug("starting \"%s\"", c->name);
	m.listen_fd = control_socket(c, m.socket_path, sizeof(m.socket_path));
	if (m.listen_fd < 0) {
		r = m.listen_fd;
		goto out;
	}
	if (m.foreground) {
		r = monitor_run(&m);
		m.lock_fd = -1; /* released by the monitor */
	} else {
		r = daemonize(&m);
		if (r < 0) {
			/* The monitor never got going: the socket is ours to remove. */
			probe = cmd_connect(c->path, c->name);
			if (probe < 0)
				(void)unlink(m.socket_path);
			else
				close(probe);
		}
		close(m.listen_fd);
	}
out:
	if (m.lock_fd >= 0)
		close(m.lock_fd);
	if (m.ctx.init_exe_fd >= 0)
		close(m.ctx.init_exe_fd);
	storage_free(m.ctx.storage);
	runtime_dir_tidy(c->path);
	/* The monitor has its own; a caller that starts others logs to theirs. */
	if (opened_log) {
		(void)log_set_file(NULL);
		log_set_level(level);
	}
	return r;
}
