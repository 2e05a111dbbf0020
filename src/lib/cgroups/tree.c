/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One cgroup directory and the cgroups below it, in any hierarchy: reading
 * and writing its files, walking the subtree to see whether it holds
 * processes, to signal them or to remove it; and the clock and back-off
 * that the retrying loops here and in the drivers share.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgroups/cgroup-internal.h"
#include "log.h"
#include "util/fileio.h"
#include "util/macro.h"

static inline void closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}
#define _cleanup_closedir_ _cleanup_(closedirp)

/* ------------------------------------------------------------ time */

uint64_t cgroup_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * USEC_PER_SEC + (uint64_t)ts.tv_nsec / 1000;
}

void cgroup_backoff(unsigned *delay_usec, uint64_t deadline)
{
	uint64_t now = cgroup_now(), d = *delay_usec;
	struct timespec ts;

	if (now >= deadline)
		return;
	if (d > deadline - now)
		d = deadline - now;
	ts.tv_sec = d / USEC_PER_SEC;
	ts.tv_nsec = (d % USEC_PER_SEC) * 1000;
	nanosleep(&ts, NULL);
	*delay_usec = *delay_usec >= 25 * USEC_PER_MSEC ? 50 * USEC_PER_MSEC : *delay_usec * 2;
}

/* ------------------------------------------------------------ files and subtrees */

static int open_dir(const char *dir, int flags)
{
	int fd = open(dir, flags | O_DIRECTORY | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int cgroup_write(const char *dir, const char *file, const char *value)
{
	_cleanup_close_ int dfd = open_dir(dir, O_PATH);

	if (dfd < 0)
		return dfd;
	return write_file_at(dfd, file, value);
}

int cgroup_read(const char *dir, const char *file, char **ret)
{
	_cleanup_close_ int dfd = open_dir(dir, O_PATH);

	if (dfd < 0)
		return dfd;
	return read_file_at(dfd, file, ret, NULL);
}

/* The processes of one cgroup; threaded v2 cgroups only list threads. */
static int read_procs_at(int dfd, char **ret)
{
	int r = read_file_at(dfd, "cgroup.procs", ret, NULL);

	if (r == -EOPNOTSUPP)
		r = read_file_at(dfd, "cgroup.threads", ret, NULL);
	return r;
}

/* A stream over the entries of dfd, on a descriptor of its own. */
static int open_children(int dfd, DIR **ret)
{
	DIR *d;
	int fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -errno;
	}
	*ret = d;
	return 0;
}

/* The next child cgroup in d; NULL at the end, errno set when reading failed. */
static struct dirent *next_child(DIR *d)
{
	struct dirent *de;

	while ((errno = 0, de = readdir(d)))
		if (de->d_type == DT_DIR && !streq(de->d_name, ".") && !streq(de->d_name, ".."))
			return de;
	return NULL;
}

typedef int (*cgroup_visit_fn)(int dfd, void *userdata);

/* fn on dfd and then on every cgroup below it, parents first; stops at the
 * first result that is not 0.  Cgroups vanishing meanwhile are skipped. */
static int walk_at(int dfd, cgroup_visit_fn fn, void *userdata)
{
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;
	int r;

	r = fn(dfd, userdata);
	if (r != 0)
		return r;
	r = open_children(dfd, &d);
	if (r < 0)
		return r;
	while ((de = next_child(d))) {
		_cleanup_close_ int sub = -1;

		sub = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0) {
			if (errno == ENOENT)
				continue;
			return -errno;
		}
		r = walk_at(sub, fn, userdata);
		if (r != 0)
			return r;
	}
	return errno > 0 ? -errno : 0;
}

static int walk(const char *dir, cgroup_visit_fn fn, void *userdata)
{
	_cleanup_close_ int dfd = open_dir(dir, O_RDONLY);

	if (dfd == -ENOENT)
		return 0;
	if (dfd < 0)
		return dfd;
	return walk_at(dfd, fn, userdata);
}

static int visit_populated(int dfd, void *userdata)
{
	_cleanup_free_ char *procs = NULL;
	int r = read_procs_at(dfd, &procs);

	if (r == -ENOENT || r == -ENODEV) /* removed meanwhile */
		return 0;
	if (r < 0)
		return r;
	return procs[strspn(procs, " \n")] != 0;
}

int cgroup_tree_populated(const char *dir)
{
	return walk(dir, visit_populated, NULL);
}

struct signal_ctx {
	int sig;
	unsigned count;
};

static int visit_signal(int dfd, void *userdata)
{
	struct signal_ctx *ctx = userdata;
	_cleanup_free_ char *procs = NULL;
	pid_t self = getpid();
	char *p, *end;
	int r = read_procs_at(dfd, &procs);

	if (r == -ENOENT || r == -ENODEV)
		return 0;
	if (r < 0)
		return r;
	for (p = procs;; p = end) {
		long pid;

		errno = 0;
		pid = strtol(p, &end, 10);
		if (end == p || errno != 0)
			break;
		/* 0: a process outside our pid namespace; never ourselves. */
		if (pid <= 0 || pid > INT_MAX || pid == self)
			continue;
		if (kill((pid_t)pid, ctx->sig) == 0)
			ctx->count++;
		else if (errno != ESRCH)
			log_debug_errno(negative_errno(), "Failed to signal %ld: %m", pid);
	}
	return 0;
}

int cgroup_tree_signal(const char *dir, int sig, unsigned *count)
{
	struct signal_ctx ctx = { .sig = sig };
	int r = walk(dir, visit_signal, &ctx);

	*count += ctx.count;
	return r;
}

/* Remove every cgroup below dfd, deepest first. */
static int remove_children_at(int dfd)
{
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;
	int r;

	r = open_children(dfd, &d);
	if (r < 0)
		return r;
	while ((de = next_child(d))) {
		_cleanup_close_ int sub = -1;
		int k;

		sub = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0) {
			if (errno != ENOENT && r == 0)
				r = -errno;
			continue;
		}
		k = remove_children_at(sub);
		if (k == 0 && unlinkat(dirfd(d), de->d_name, AT_REMOVEDIR) < 0 && errno != ENOENT)
			k = -errno;
		if (k < 0 && r == 0)
			r = k;
	}
	return r;
}

int cgroup_tree_remove(const char *dir, uint64_t deadline)
{
	unsigned delay = USEC_PER_MSEC;

	for (;;) {
		_cleanup_close_ int dfd = open_dir(dir, O_RDONLY);
		int r;

		if (dfd == -ENOENT)
			return 0;
		if (dfd < 0)
			return dfd;
		r = remove_children_at(dfd);
		if (r == 0 && rmdir(dir) < 0 && errno != ENOENT)
			r = -errno;
		/* A process that just died may still be accounted for a moment;
		 * a child the walk missed shows up as ENOTEMPTY. */
		if ((r != -EBUSY && r != -ENOTEMPTY) || cgroup_now() >= deadline)
			return r;
		cgroup_backoff(&delay, deadline);
	}
}
