/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The daemonized monitor as a program of its own (mgr-monitord).
 *
 * mgr_start() forks the monitor from its caller, which may be a large,
 * long-lived program (a Python interpreter with a fleet's worth of
 * objects): a monitor that went on in that copy would hold on to all of
 * the caller's memory for the life of the container, and show up in ps as
 * the caller.  So the forked monitor executes mgr-monitord, passing the
 * descriptors it holds (control socket, lock, status pipe, log, mgr-init)
 * by number, the config the caller had loaded (it may differ from the
 * file) in a memfd, and the start options as arguments.
 *
 *   mgr-monitord NAME PATH --config-fd=N --listen-fd=N --lock-fd=N
 *       --status-fd=N --socket=PATH [--log-fd=N --log-level=N]
 *       [--init-exe-fd=N] [--use-mgr-init] [--console=FILE]
 *       [--console-log=FILE] -- INIT ARGV...
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "container.h"
#include "log.h"
#include "monitor.h"
#include "storage/storage.h"
#include "util/fileio.h"
#include "util/strv.h"

/* The loaded config as text, in a memfd. */
static int config_memfd(const struct mgr_conf *conf)
{
	_cleanup_close_ int fd = memfd_create("mgr-config", MFD_CLOEXEC);
	FILE *f;
	int dup_fd, r;

	if (fd < 0)
		return -errno;
	dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (dup_fd < 0)
		return -errno;
	f = fdopen(dup_fd, "w");
	if (!f) {
		r = -errno;
		close(dup_fd);
		return r;
	}
	r = conf_write(conf, f);
	if (fclose(f) != 0 && r >= 0)
		r = -errno;
	if (r < 0)
		return r;
	return TAKE_FD(fd);
}

/* mgr-monitord's command line, built up; after the first failure (r < 0)
 * nothing more is added. */
struct args {
	char **v;
	int r;
};

static void arg(struct args *a, const char *fmt, ...) _printf_(2, 3);
static void arg(struct args *a, const char *fmt, ...)
{
	char *s;
	va_list ap;

	if (a->r < 0)
		return;
	va_start(ap, fmt);
	a->r = vasprintf(&s, fmt, ap) < 0 ? -ENOMEM : 0;
	va_end(ap);
	if (a->r == 0) {
		a->r = strv_append(&a->v, s);
		free(s);
	}
}

/* The fds mgr-monitord takes over, not closed by its exec. */
static int keep_open(int fd)
{
	int flags = fd < 0 ? 0 : fcntl(fd, F_GETFD);

	if (fd < 0)
		return 0;
	if (flags < 0 || fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC) < 0)
		return -errno;
	return 0;
}

int monitor_exec(struct monitor_setup *m)
{
	const struct mgr_start_options *o = m->ctx.opts;
	struct mgr_container *c = m->ctx.c;
	_cleanup_close_ int config_fd = -1;
	struct args a = { 0 };
	int fds[] = { m->listen_fd, m->lock_fd, m->status_fd, log_get_fd(), m->ctx.init_exe_fd };
	int r;

	config_fd = config_memfd(c->conf);
	if (config_fd < 0)
		return config_fd;
	arg(&a, "mgr-monitord");
	arg(&a, "%s", c->name);
	arg(&a, "%s", c->path);
	arg(&a, "--config-fd=%d", config_fd);
	arg(&a, "--listen-fd=%d", m->listen_fd);
	arg(&a, "--lock-fd=%d", m->lock_fd);
	arg(&a, "--status-fd=%d", m->status_fd);
	arg(&a, "--socket=%s", m->socket_path);
	if (log_get_fd() >= 0)
		arg(&a, "--log-fd=%d", log_get_fd());
	arg(&a, "--log-level=%d", (int)log_get_level());
	if (m->ctx.init_exe_fd >= 0)
		arg(&a, "--init-exe-fd=%d", m->ctx.init_exe_fd);
	if (o->use_mgr_init)
		arg(&a, "--use-mgr-init");
	if (o->console_path)
		arg(&a, "--console=%s", o->console_path);
	if (o->console_log)
		arg(&a, "--console-log=%s", o->console_log);
	arg(&a, "--");
	STRV_FOREACH(i, m->ctx.init_argv)
		arg(&a, "%s", *i);
	_cleanup_strv_free_ char **argv = TAKE_PTR(a.v);
	if (a.r < 0)
		return a.r;
	r = keep_open(config_fd);
	for (size_t i = 0; r >= 0 && i < ARRAY_SIZE(fds); i++)
		r = keep_open(fds[i]);
	if (r < 0)
		return r;
	execv(mgr_monitor_path(), argv);
	r = -errno;
	/* Back as it was: the caller goes on in this process. */
	for (size_t i = 0; i < ARRAY_SIZE(fds); i++)
		if (fds[i] >= 0)
			(void)fcntl(fds[i], F_SETFD, FD_CLOEXEC);
	return r;
}

/* --- mgr-monitord ---------------------------------------------------------- */

struct handover {
	const char *name, *path, *socket, *console, *console_log;
	int config_fd, listen_fd, lock_fd, status_fd, log_fd, log_level, init_exe_fd;
	bool use_mgr_init;
	char **init_argv;
};

static bool option_fd(const char *arg, const char *name, int *ret)
{
	size_t n = strlen(name);
	char *end;
	long v;

	if (strncmp(arg, name, n) != 0 || arg[n] != '=')
		return false;
	errno = 0;
	v = strtol(arg + n + 1, &end, 10);
	*ret = errno || *end || v < -1 || v > 65535 ? -2 : (int)v;
	return true;
}

static bool option_str(const char *arg, const char *name, const char **ret)
{
	size_t n = strlen(name);

	if (strncmp(arg, name, n) != 0 || arg[n] != '=')
		return false;
	*ret = arg + n + 1;
	return true;
}

static int handover_parse(int argc, char **argv, struct handover *h)
{
	int i;

	if (argc < 3)
		return -EINVAL;
	h->name = argv[1];
	h->path = argv[2];
	for (i = 3; i < argc && strcmp(argv[i], "--") != 0; i++) {
		const char *a = argv[i];

		if (option_fd(a, "--config-fd", &h->config_fd) ||
		    option_fd(a, "--listen-fd", &h->listen_fd) ||
		    option_fd(a, "--lock-fd", &h->lock_fd) ||
		    option_fd(a, "--status-fd", &h->status_fd) ||
		    option_fd(a, "--log-fd", &h->log_fd) ||
		    option_fd(a, "--log-level", &h->log_level) ||
		    option_fd(a, "--init-exe-fd", &h->init_exe_fd) ||
		    option_str(a, "--socket", &h->socket) ||
		    option_str(a, "--console", &h->console) ||
		    option_str(a, "--console-log", &h->console_log))
			continue;
		if (strcmp(a, "--use-mgr-init") == 0) {
			h->use_mgr_init = true;
			continue;
		}
		return -EINVAL;
	}
	if (i >= argc - 1 || h->config_fd < 0 || h->listen_fd < 0 || h->lock_fd < 0 ||
	    h->status_fd < 0 || !h->socket || h->log_fd < -1 || h->init_exe_fd < -1 ||
	    h->log_level < 0 || h->log_level > MGR_LOG_FATAL ||
	    strlen(h->socket) >= sizeof(((struct monitor_setup *)NULL)->socket_path))
		return -EINVAL;
	h->init_argv = argv + i + 1;
	return 0;
}

/* The config monitor_exec() wrote to fd, read as if from c's config file
 * (includes relative to it). */
static int config_take(struct mgr_container *c, int fd)
{
	_cleanup_conf_free_ struct mgr_conf *conf = conf_new();
	_cleanup_free_ char *text = NULL;
	struct conf_error err = { "" };
	char path[64];
	int r;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	r = read_file(path, &text, NULL);
	close(fd);
	if (r < 0)
		return container_error(c, r, "Failed to read the config handed over");
	if (!conf)
		return container_error(c, -ENOMEM, "Failed to read the config handed over");
	r = conf_read_string(conf, text, c->config_file, &err);
	if (r < 0)
		return container_error_msg(c, r, err.message[0] ? err.message : strerror(-r));
	conf_free(c->conf);
	c->conf = TAKE_PTR(conf);
	return 0;
}

/* Tell whoever started us that the start failed before it began. */
static void report_failure(int status_fd, int r, const char *message)
{
	struct monitor_status st = { .ret = r };

	snprintf(st.message, sizeof(st.message), "%s", message);
	(void)!write(status_fd, &st, sizeof(st));
}

int monitor_exec_main(int argc, char **argv)
{
	struct handover h = { .config_fd = -1, .listen_fd = -1, .lock_fd = -1, .status_fd = -1,
			      .log_fd = -1, .log_level = MGR_LOG_ERROR, .init_exe_fd = -1 };
	struct mgr_start_options opts = { 0 };
	struct monitor_setup m = { .foreground = false };
	_cleanup_strv_free_ char **init_argv = NULL;
	int r;

	if (handover_parse(argc, argv, &h) < 0) {
		fprintf(stderr, "mgr-monitord: runs the monitor of a container mgr_start() "
				"started; not for running by hand\n");
		return 2;
	}
	log_set_fd(h.log_fd);
	log_set_level(h.log_level);
	log_set_prefix(h.name);
	(void)prctl(PR_SET_NAME, "mgr-monitord");

	/* Its config is the one handed over, not the file's. */
	m.ctx.c = container_new_unloaded(h.name, h.path);
	if (!m.ctx.c) {
		report_failure(h.status_fd, -errno, "mgr-monitord: bad container name or path");
		return 1;
	}
	r = config_take(m.ctx.c, h.config_fd);
	if (r >= 0)
		r = container_storage(m.ctx.c, &m.ctx.storage);
	if (r >= 0 && !(init_argv = strv_copy(h.init_argv)))
		r = container_error(m.ctx.c, -ENOMEM, "Failed to prepare init");
	if (r < 0) {
		report_failure(h.status_fd, r, mgr_last_error(m.ctx.c));
		mgr_container_free(m.ctx.c);
		return 1;
	}
	int handed[] = { h.listen_fd, h.lock_fd, h.status_fd, h.log_fd, h.init_exe_fd };

	opts.use_mgr_init = h.use_mgr_init;
	opts.console_path = h.console;
	opts.console_log = h.console_log;
	m.ctx.opts = &opts;
	m.ctx.init_argv = init_argv;
	m.ctx.init_exe_fd = h.init_exe_fd;
	m.ctx.pidfd = -1;
	m.ctx.rootfs_mnt = -1;
	m.listen_fd = h.listen_fd;
	m.lock_fd = h.lock_fd;
	m.status_fd = h.status_fd;
	snprintf(m.socket_path, sizeof(m.socket_path), "%s", h.socket);
	/* What was handed over closes on exec from now on, as in any monitor. */
	for (size_t i = 0; i < ARRAY_SIZE(handed); i++)
		if (handed[i] >= 0)
			(void)fcntl(handed[i], F_SETFD, FD_CLOEXEC);
	monitor_run(&m);
	if (m.ctx.init_exe_fd >= 0)
		close(m.ctx.init_exe_fd);
	storage_free(m.ctx.storage);
	mgr_container_free(m.ctx.c);
	return 0;
}
