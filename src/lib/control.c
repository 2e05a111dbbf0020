/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Talking to a running container's monitor: state, stop, wait, watch. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "container.h"
#include "state.h"
#include "util/fileio.h"
#include "util/strv.h"

static int query(struct mgr_container *c, enum cmd_kind kind, struct cmd_rsp *ret)
{
	struct cmd_req req = { .cmd = kind };

	return cmd_call(c->path, c->name, &req, ret);
}

_public_ int mgr_get_state(struct mgr_container *c, enum mgr_state *ret)
{
	struct cmd_rsp rsp;
	int r = query(c, CMD_GET_STATE, &rsp);

	if (cmd_no_monitor(r)) {
		*ret = MGR_STOPPED;
		return 0;
	}
	if (r < 0 || rsp.ret < 0)
		return container_error(c, r < 0 ? r : rsp.ret, "Failed to get the state");
	*ret = rsp.value;
	return 0;
}

_public_ int mgr_get_init_pid(struct mgr_container *c, pid_t *ret)
{
	struct cmd_rsp rsp;
	int r = query(c, CMD_GET_INIT_PID, &rsp);

	if (cmd_no_monitor(r) || (r == 0 && rsp.ret == -ESRCH))
		return container_error(c, -ESRCH, "\"%s\" is not running", c->name);
	if (r < 0 || rsp.ret < 0)
		return container_error(c, r < 0 ? r : rsp.ret, "Failed to get the init pid");
	*ret = rsp.value;
	return 0;
}

_public_ int mgr_get_uptime(struct mgr_container *c, double *ret)
{
	struct cmd_rsp rsp;
	int r = query(c, CMD_GET_UPTIME_MS, &rsp);

	if (cmd_no_monitor(r) || (r == 0 && rsp.ret == -ESRCH))
		return container_error(c, -ESRCH, "\"%s\" is not running", c->name);
	if (r < 0 || rsp.ret < 0)
		return container_error(c, r < 0 ? r : rsp.ret, "Failed to get the uptime");
	*ret = rsp.value64 / 1000.0;
	return 0;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static int remaining_ms(long long deadline)
{
	long long left;

	if (deadline < 0)
		return -1;
	left = deadline - now_ms();
	return left > 0 ? (int)left : 0;
}

/* Subscribe to the monitor's state stream; -ENOENT etc. when none.  With
 * history, the states so far come first. */
static int subscribe(const char *path, const char *name, bool history)
{
	struct cmd_req req = { .cmd = CMD_SUBSCRIBE, .arg = history };
	int fd = cmd_connect(path, name), r;

	if (fd < 0)
		return fd;
	r = cmd_send(fd, &req, sizeof(req));
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
}

/* An inotify watch on the runtime directory, so that a monitor appearing
 * is seen without polling.  The directory is created if needed. */
static int watch_runtime_dir(const char *path)
{
	char dir[256];
	int fd, r;

	r = runtime_dir(path, dir, sizeof(dir));
	if (r < 0)
		return r;
	r = mkdir_p(dir, 0700);
	if (r < 0)
		return r;
	fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (inotify_add_watch(fd, dir, IN_CREATE | IN_MOVED_TO) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	return fd;
}

static void drain(int fd)
{
	char buf[4096];

	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

static int wait_states(struct mgr_container *c, unsigned state_mask, int timeout,
		       enum mgr_state *ret)
{
	long long deadline = timeout < 0 ? -1 : now_ms() + timeout * 1000LL;
	_cleanup_close_ int ino = -1;
	int r;

	for (;;) {
		_cleanup_close_ int fd = subscribe(c->path, c->name, false);
		struct cmd_rsp rsp;

		if (fd >= 0) {
			/* Follow the stream until a wanted state or the end. */
			for (;;) {
				r = cmd_read_rsp(fd, &rsp, remaining_ms(deadline));
				if (r == -ETIMEDOUT)
					goto timeout;
				if (r < 0)
					break; /* monitor gone: stopped */
				if (state_mask & MGR_STATE_BIT(rsp.value)) {
					if (ret)
						*ret = rsp.value;
					return 0;
				}
			}
		} else if (!cmd_no_monitor(fd))
			return container_error(c, fd, "Failed to reach the monitor of \"%s\"", c->name);

		if (state_mask & MGR_STATE_BIT(MGR_STOPPED)) {
			if (ret)
				*ret = MGR_STOPPED;
			return 0;
		}
		if (ino < 0) {
			/* Watch first, then look again, so a start in between is not missed. */
			ino = watch_runtime_dir(c->path);
			if (ino < 0)
				return container_error(c, ino, "Failed to watch for \"%s\"", c->name);
			continue;
		}
		struct pollfd p = { .fd = ino, .events = POLLIN };
		r = poll(&p, 1, remaining_ms(deadline));
		if (r == 0)
			goto timeout;
		drain(ino);
	}
timeout:
	return container_error(c, -ETIMEDOUT, "\"%s\" did not reach the state in %d s", c->name,
			       timeout);
}

_public_ int mgr_wait(struct mgr_container *c, unsigned state_mask, int timeout,
		      enum mgr_state *ret)
{
	int r = wait_states(c, state_mask, timeout, ret);

	/* The watch may have made the runtime directory: leave none behind. */
	runtime_dir_tidy(c->path);
	return r;
}

/* After the reboot signal: until a new init runs (not old_pid), or the
 * container stopped, or timeout seconds (< 0: no end) went by. */
static int reboot_wait(struct mgr_container *c, pid_t old_pid, int timeout)
{
	struct timespec start, now;
	enum mgr_state state;
	pid_t pid;
	int r;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		r = mgr_get_state(c, &state);
		if (r < 0)
			return r;
		if (state == MGR_STOPPED)
			return container_error(c, -ECHILD, "\"%s\" stopped instead of rebooting",
					       c->name);
		if (state == MGR_RUNNING && mgr_get_init_pid(c, &pid) == 0 && pid != old_pid)
			return 0;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (timeout >= 0 && now.tv_sec - start.tv_sec >= timeout)
			return container_error(c, -ETIMEDOUT,
					       "\"%s\" was not running again within %d s of the reboot "
					       "signal",
					       c->name, timeout);
		usleep(20 * 1000);
	}
}

_public_ int mgr_stop(struct mgr_container *c, enum mgr_stop_mode mode, int timeout, bool nowait)
{
	pid_t old_pid = 0;
	struct cmd_req req = { .cmd = CMD_STOP };
	struct cmd_rsp rsp;
	enum mgr_state state;
	int r;

	r = mgr_get_state(c, &state);
	if (r < 0)
		return r;
	if (state == MGR_STOPPED)
		return container_error(c, -ESRCH, "\"%s\" is not running", c->name);

	if (mode == MGR_STOP_KILL || (mode == MGR_STOP_CLEAN && timeout == 0))
		req.cmd = CMD_KILL;
	else if (mode == MGR_STOP_REBOOT) {
		r = mgr_get_init_pid(c, &old_pid);
		if (r < 0)
			return r == -ESRCH ? container_error(c, r, "\"%s\" is not running", c->name) : r;
		req.cmd = CMD_REBOOT;
		req.arg = c->conf && c->conf->signal_reboot ? c->conf->signal_reboot : SIGINT;
	} else
		req.arg = c->conf && c->conf->signal_halt ? c->conf->signal_halt : SIGPWR;

	r = cmd_call(c->path, c->name, &req, &rsp);
	if (cmd_no_monitor(r))
		return 0; /* it stopped by itself meanwhile */
	if (r < 0 || rsp.ret < 0)
		return container_error(c, r < 0 ? r : rsp.ret, "Failed to stop \"%s\"", c->name);
	if (nowait || (mode == MGR_STOP_REBOOT && timeout == 0))
		return 0;
	if (mode == MGR_STOP_REBOOT)
		return reboot_wait(c, old_pid, timeout);

	r = mgr_wait(c, MGR_STATE_BIT(MGR_STOPPED), timeout, NULL);
	if (r != -ETIMEDOUT)
		return r;
	/* Not down in time: kill it. */
	req.cmd = CMD_KILL;
	r = cmd_call(c->path, c->name, &req, &rsp);
	if (r < 0 && !cmd_no_monitor(r))
		return container_error(c, r, "Failed to kill \"%s\"", c->name);
	return mgr_wait(c, MGR_STATE_BIT(MGR_STOPPED), 10, NULL);
}

/* --- freezing ------------------------------------------------------------ */

/* A message for a freeze or thaw that the monitor refused. */
static int freeze_failed(struct mgr_container *c, const char *verb, const struct cmd_rsp *rsp,
			 int timeout)
{
	char msg[256];

	switch (rsp->ret) {
	case -ETIMEDOUT:
		snprintf(msg, sizeof(msg), "\"%s\" did not freeze within %d s; it was thawed again",
			 c->name, timeout);
		break;
	case -EBUSY:
		snprintf(msg, sizeof(msg), "Cannot %s \"%s\": it is %s", verb, c->name,
			 mgr_state_name(rsp->value));
		break;
	case -ECANCELED:
		snprintf(msg, sizeof(msg),
			 "The freeze of \"%s\" was cancelled: it was thawed or stopped meanwhile",
			 c->name);
		break;
	case -EOPNOTSUPP:
		snprintf(msg, sizeof(msg),
			 "Cannot %s \"%s\": the host has no freezer (neither a v1 freezer "
			 "hierarchy nor cgroup.freeze)",
			 verb, c->name);
		break;
	default:
		return container_error(c, rsp->ret, "Failed to %s \"%s\"", verb, c->name);
	}
	return container_error_msg(c, rsp->ret, msg);
}

static int freeze_call(struct mgr_container *c, enum cmd_kind kind, int timeout)
{
	struct cmd_req req = { .cmd = kind, .arg = timeout < 0 ? -1 : timeout };
	const char *verb = kind == CMD_FREEZE ? "freeze" : "thaw";
	struct cmd_rsp rsp;
	int r = cmd_call(c->path, c->name, &req, &rsp);

	if (cmd_no_monitor(r))
		return container_error(c, -ESRCH, "\"%s\" is not running", c->name);
	if (r < 0)
		return container_error(c, r, "Failed to %s \"%s\"", verb, c->name);
	if (rsp.ret < 0)
		return freeze_failed(c, verb, &rsp, timeout);
	return 0;
}

_public_ int mgr_freeze(struct mgr_container *c, int timeout)
{
	return freeze_call(c, CMD_FREEZE, timeout);
}

_public_ int mgr_unfreeze(struct mgr_container *c)
{
	return freeze_call(c, CMD_THAW, 0);
}

/* --- watching many containers ------------------------------------------- */

struct watched {
	char *name;
	int fd;
	enum mgr_state last;
};

static int watch_add(struct watched **w, size_t *n, const char *path, const char *name,
		     bool skip_current)
{
	struct watched *nw;
	int fd;

	for (size_t i = 0; i < *n; i++)
		if (streq((*w)[i].name, name))
			return 0;
	/* Already there when the watch began: report changes only; else
	 * everything from its start. */
	fd = subscribe(path, name, !skip_current);
	if (fd < 0)
		return cmd_no_monitor(fd) ? 0 : fd;
	if (skip_current) {
		struct cmd_rsp rsp;

		if (cmd_read_rsp(fd, &rsp, 1000) < 0) {
			close(fd);
			return 0;
		}
	}
	nw = realloc(*w, (*n + 1) * sizeof(**w));
	if (!nw) {
		close(fd);
		return -ENOMEM;
	}
	*w = nw;
	nw[*n].name = strdup(name);
	nw[*n].fd = fd;
	nw[*n].last = _MGR_STATE_MAX;
	if (!nw[*n].name) {
		close(fd);
		return -ENOMEM;
	}
	(*n)++;
	return 0;
}

/* Subscribe to every monitor socket in the runtime directory whose name
 * matches. */
static int watch_scan(struct watched **w, size_t *n, const char *path, regex_t *re,
		      bool skip_current)
{
	char dir[256];
	struct dirent *de;
	DIR *d;
	int r;

	r = runtime_dir(path, dir, sizeof(dir));
	if (r < 0)
		return r;
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		char name[MGR_NAME_MAX + 1];

		/* NAME.sock; NAME.sock.new is one being set up. */
		if (len <= 5 || len - 5 > MGR_NAME_MAX || !streq(de->d_name + len - 5, ".sock"))
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)(len - 5), de->d_name);
		if (re && regexec(re, name, 0, NULL, 0) != 0)
			continue;
		r = watch_add(w, n, path, name, skip_current);
		if (r < 0)
			break;
	}
	closedir(d);
	return r;
}

_public_ int mgr_monitor_states(const char *path, const char *name_regex, int timeout,
				mgr_monitor_cb cb, void *userdata)
{
	long long deadline = timeout < 0 ? -1 : now_ms() + timeout * 1000LL;
	struct watched *w = NULL;
	size_t n = 0;
	regex_t re;
	bool have_re = false;
	int ino = -1, r;

	path = path ? path : mgr_default_path();
	if (name_regex) {
		_cleanup_free_ char *anchored = NULL;

		if (asprintf(&anchored, "^(%s)$", name_regex) < 0)
			return -ENOMEM;
		if (regcomp(&re, anchored, REG_EXTENDED | REG_NOSUB) != 0)
			return -EINVAL;
		have_re = true;
	}
	ino = watch_runtime_dir(path);
	if (ino < 0) {
		r = ino;
		goto out;
	}
	r = watch_scan(&w, &n, path, have_re ? &re : NULL, true);
	while (r == 0) {
		_cleanup_free_ struct pollfd *p = calloc(n + 1, sizeof(*p));
		int t = remaining_ms(deadline);

		if (!p) {
			r = -ENOMEM;
			break;
		}
		p[0] = (struct pollfd){ .fd = ino, .events = POLLIN };
		for (size_t i = 0; i < n; i++)
			p[i + 1] = (struct pollfd){ .fd = w[i].fd, .events = POLLIN };
		if (t == 0 && deadline >= 0)
			break;
		r = poll(p, n + 1, t);
		if (r < 0 && errno == EINTR) {
			r = 0;
			continue;
		}
		if (r < 0) {
			r = -errno;
			break;
		}
		if (r == 0)
			break;
		/* Only the watchers p[] was built for; new ones come next round. */
		size_t polled = n;

		r = 0;
		if (p[0].revents) {
			drain(ino);
			r = watch_scan(&w, &n, path, have_re ? &re : NULL, false);
		}
		for (size_t i = 0; r == 0 && i < polled; i++) {
			struct cmd_rsp rsp;

			if (!p[i + 1].revents)
				continue;
			if (cmd_read_rsp(w[i].fd, &rsp, 0) < 0) {
				/* The monitor is gone: the container stopped. */
				if (w[i].last != MGR_STOPPED)
					r = cb(w[i].name, MGR_STOPPED, userdata);
				close(w[i].fd);
				free(w[i].name);
				w[i] = w[--n];
				/* p[] no longer matches w[]: rescan on the next round. */
				break;
			}
			w[i].last = rsp.value;
			r = cb(w[i].name, rsp.value, userdata);
		}
	}
out:
	for (size_t i = 0; i < n; i++) {
		close(w[i].fd);
		free(w[i].name);
	}
	free(w);
	if (ino >= 0)
		close(ino);
	runtime_dir_tidy(path);
	if (have_re)
		regfree(&re);
	return r;
}
