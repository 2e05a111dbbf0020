/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The host's cgroup layout, the public entry points (which pick the driver
 * once) and the pieces both drivers share: walking a cgroup subtree,
 * the freeze-kill-thaw loop, and mounting a hierarchy into a container.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <linux/magic.h>
#include <linux/openat2.h>

#include "cgroups/cgroup-internal.h"
#include "conf.h"
#include "log.h"
#include "util/fileio.h"
#include "util/macro.h"
#include "util/strv.h"

static inline void closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}
#define _cleanup_closedir_ _cleanup_(closedirp)

/* asprintf that leaves nothing undefined: NULL on failure. */
_printf_(1, 2) static char *str_printf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	return n < 0 ? NULL : s;
}

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

/* ------------------------------------------------------------ host layout */

static void host_free(struct cgroup_host *host)
{
	if (!host)
		return;
	for (size_t i = 0; i < host->n_hier; i++) {
		free(host->hier[i].mount);
		free(host->hier[i].dir);
		free(host->hier[i].options);
		strv_free(host->hier[i].controllers);
	}
	free(host->hier);
	free(host);
}

static void host_freep(struct cgroup_host **host) { host_free(*host); }

/* Append *h, taking what it owns (also on failure). */
static int host_add(struct cgroup_host *host, struct cgroup_hierarchy *h)
{
	struct cgroup_hierarchy *n = realloc(host->hier, (host->n_hier + 1) * sizeof(*n));

	if (!n) {
		free(h->mount);
		free(h->dir);
		free(h->options);
		strv_free(h->controllers);
		*h = (struct cgroup_hierarchy){};
		return -ENOMEM;
	}
	host->hier = n;
	host->hier[host->n_hier++] = *h;
	*h = (struct cgroup_hierarchy){};
	return 0;
}

/* Controllers the kernel has, the first column of /proc/cgroups. */
static int kernel_controllers(char ***ret)
{
	_cleanup_free_ char *buf = NULL;
	_cleanup_strv_free_ char **lines = NULL, **names = NULL;
	int r;

	r = read_file("/proc/cgroups", &buf, NULL);
	if (r < 0)
		return r;
	r = strv_split(buf, "\n", &lines);
	if (r < 0)
		return r;
	STRV_FOREACH(l, lines) {
		size_t len = strcspn(*l, " \t");
		_cleanup_free_ char *name = NULL;

		if (**l == '#' || len == 0)
			continue;
		name = strndup(*l, len);
		if (!name)
			return -ENOMEM;
		r = strv_push(&names, TAKE_PTR(name));
		if (r < 0)
			return r;
	}
	*ret = TAKE_PTR(names);
	return 0;
}

/* The words of a cgroup.controllers file; an empty list when unreadable. */
static int unified_controllers(const char *mount, char ***ret)
{
	_cleanup_free_ char *buf = NULL;
	char **v = NULL;
	int r;

	r = cgroup_read(mount, "cgroup.controllers", &buf);
	if (r < 0)
		log_debug_errno(r, "Failed to read \"%s/cgroup.controllers\": %m", mount);
	r = strv_split(buf ? buf : "", " \n", &v);
	if (r < 0)
		return r;
	if (!v) {
		v = calloc(1, sizeof(char *));
		if (!v)
			return -ENOMEM;
	}
	*ret = v;
	return 0;
}

/* Without /proc/cgroups: the v1 super options that are not controllers. */
static bool is_mount_flag(const char *o)
{
	static const char *const flags[] = { "rw", "ro", "none", "all", "noprefix", "xattr",
					     "clone_children", "cpuset_v2_mode", "favordynmods" };

	if (strchr(o, '='))
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(flags); i++)
		if (streq(o, flags[i]))
			return true;
	return false;
}

/* A v1 hierarchy from the super options of its mount ("rw,cpu,cpuacct",
 * "rw,xattr,name=systemd"); -ENOENT when it holds nothing we can use. */
static int v1_hierarchy(const char *mount, const char *superopts, char *const *known,
			struct cgroup_hierarchy *ret)
{
	_cleanup_strv_free_ char **opts = NULL, **ctrl = NULL;
	_cleanup_free_ char *dir = NULL, *options = NULL, *mnt = NULL;
	const char *name = NULL;
	int r;

	r = strv_split(superopts, ",", &opts);
	if (r < 0)
		return r;
	STRV_FOREACH(o, opts) {
		bool is_ctrl = known ? strv_contains(known, *o) : !is_mount_flag(*o);

		if (strncmp(*o, "name=", 5) == 0 && (*o)[5])
			name = *o + 5;
		else if (is_ctrl && (r = strv_append(&ctrl, *o)) < 0)
			return r;
	}
	if (!name && !ctrl)
		return -ENOENT;

	dir = name ? strdup(name) : strv_join(ctrl, ",");
	if (!dir)
		return -ENOMEM;
	if (name) {
		_cleanup_free_ char *joined = ctrl ? strv_join(ctrl, ",") : strdup("none");
		_cleanup_free_ char *entry = str_printf("name=%s", name);

		options = joined ? str_printf("%s,name=%s", joined, name) : NULL;
		if (!options || !entry)
			return -ENOMEM;
		r = strv_push(&ctrl, TAKE_PTR(entry));
		if (r < 0)
			return r;
	} else {
		options = strv_join(ctrl, ",");
		if (!options)
			return -ENOMEM;
	}
	mnt = strdup(mount);
	if (!mnt)
		return -ENOMEM;
	*ret = (struct cgroup_hierarchy){
		.mount = TAKE_PTR(mnt),
		.dir = TAKE_PTR(dir),
		.options = TAKE_PTR(options),
		.controllers = TAKE_PTR(ctrl),
	};
	return 0;
}

/* mountinfo writes space, tab, newline and backslash as \ooo. */
static void unescape_octal(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*w++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0'));
			s += 3;
		} else
			*w++ = *s;
	}
	*w = 0;
}

static bool below_cgroup_root(const char *path)
{
	size_t len = strlen(CGROUP_MOUNT_ROOT);

	return strncmp(path, CGROUP_MOUNT_ROOT, len) == 0 && (path[len] == 0 || path[len] == '/');
}

/*
 * Every "cgroup" mount at or below /sys/fs/cgroup, once per hierarchy (the
 * first mount of a superblock wins), then the cgroup2 mount of a hybrid
 * host.  The root of a mount need not be the hierarchy's: a host that is
 * itself a container may only see its own subtree, and that is ours.
 */
static int parse_mountinfo(struct cgroup_host *host)
{
	_cleanup_free_ char *buf = NULL;
	_cleanup_strv_free_ char **lines = NULL, **known = NULL, **seen = NULL;
	struct cgroup_hierarchy unified = {};
	int r;

	r = read_file("/proc/self/mountinfo", &buf, NULL);
	if (r < 0)
		return r;
	r = kernel_controllers(&known);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		log_debug_errno(r, "Failed to read /proc/cgroups, guessing controllers: %m");
	r = strv_split(buf, "\n", &lines);
	if (r < 0)
		return r;

	STRV_FOREACH(l, lines) {
		_cleanup_strv_free_ char **f = NULL;
		struct cgroup_hierarchy h = {};
		size_t n, sep;

		r = strv_split(*l, " ", &f);
		if (r < 0)
			goto fail;
		n = strv_length(f);
		for (sep = 6; sep < n && !streq(f[sep], "-"); sep++)
			;
		if (sep + 3 >= n)
			continue;
		unescape_octal(f[4]);
		if (!below_cgroup_root(f[4]))
			continue;

		if (streq(f[sep + 1], "cgroup")) {
			if (strv_contains(seen, f[2]))
				continue;
			r = v1_hierarchy(f[4], f[sep + 3], known, &h);
			if (r == -ENOENT)
				continue;
			if (r < 0 || (r = host_add(host, &h)) < 0 || (r = strv_append(&seen, f[2])) < 0)
				goto fail;
		} else if (streq(f[sep + 1], "cgroup2") && !unified.mount) {
			unified.unified = true;
			unified.mount = strdup(f[4]);
			unified.dir = strdup("unified");
			if (!unified.mount || !unified.dir) {
				r = -ENOMEM;
				goto fail;
			}
			r = unified_controllers(unified.mount, &unified.controllers);
			if (r < 0)
				goto fail;
		}
	}
	if (unified.mount)
		return host_add(host, &unified);
	return 0;

fail:
	free(unified.mount);
	free(unified.dir);
	strv_free(unified.controllers);
	return r;
}

static int host_detect(struct cgroup_host **ret)
{
	_cleanup_(host_freep) struct cgroup_host *host = calloc(1, sizeof(*host));
	struct statfs sfs;
	int r;

	if (!host)
		return -ENOMEM;
	if (statfs(CGROUP_MOUNT_ROOT, &sfs) < 0)
		return log_debug_errno(negative_errno(), "Failed to statfs \"" CGROUP_MOUNT_ROOT "\": %m");

	if ((unsigned long)sfs.f_type == CGROUP2_SUPER_MAGIC) {
		struct cgroup_hierarchy h = { .unified = true };

		host->layout = CGROUP_LAYOUT_V2;
		h.mount = strdup(CGROUP_MOUNT_ROOT);
		h.dir = strdup("");
		r = h.mount && h.dir ? unified_controllers(h.mount, &h.controllers) : -ENOMEM;
		if (r < 0) {
			free(h.mount);
			free(h.dir);
			return r;
		}
		r = host_add(host, &h);
	} else {
		host->layout = CGROUP_LAYOUT_V1;
		r = parse_mountinfo(host);
	}
	if (r < 0)
		return r;
	if (host->n_hier == 0)
		return log_debug_errno(-EOPNOTSUPP, "No cgroup hierarchy is mounted");

	for (size_t i = 0; i < host->n_hier; i++)
		log_debug("cgroup hierarchy \"%s\" (%s)", host->hier[i].mount,
			  host->hier[i].unified ? "cgroup2" : host->hier[i].options);
	*ret = TAKE_PTR(host);
	return 0;
}

/* Detected once per process; the first thread to finish wins. */
static struct cgroup_host *host_cache;

static int host_get(const struct cgroup_host **ret)
{
	struct cgroup_host *host = __atomic_load_n(&host_cache, __ATOMIC_ACQUIRE);

	if (!host) {
		struct cgroup_host *expected = NULL;
		int r = host_detect(&host);

		if (r < 0)
			return r;
		if (!__atomic_compare_exchange_n(&host_cache, &expected, host, false,
						 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
			host_free(host);
			host = expected;
		}
	}
	*ret = host;
	return 0;
}

int cgroup_host_layout(enum cgroup_layout *ret)
{
	const struct cgroup_host *host;
	int r = host_get(&host);

	if (r < 0)
		return r;
	*ret = host->layout;
	return 0;
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

typedef int (*cgroup_visit_fn)(int dfd, void *userdata);

/* fn on dfd and then on every cgroup below it, parents first; stops at the
 * first result that is not 0.  Cgroups vanishing meanwhile are skipped. */
static int walk_at(int dfd, cgroup_visit_fn fn, void *userdata)
{
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;
	int fd, r;

	r = fn(dfd, userdata);
	if (r != 0)
		return r;
	fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -errno;
	}
	while ((errno = 0, de = readdir(d))) {
		_cleanup_close_ int sub = -1;

		if (de->d_type != DT_DIR || streq(de->d_name, ".") || streq(de->d_name, ".."))
			continue;
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
	int fd, r = 0;

	fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -errno;
	}
	while ((errno = 0, de = readdir(d))) {
		_cleanup_close_ int sub = -1;
		int k;

		if (de->d_type != DT_DIR || streq(de->d_name, ".") || streq(de->d_name, ".."))
			continue;
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

/* ------------------------------------------------------------ shared driver pieces */

int cgroup_make_dirs(struct cgroup *cg)
{
	uint64_t deadline = cgroup_now() + CGROUP_KILL_TIMEOUT_USEC;
	size_t i;
	int r = 0;

	for (i = 0; i < cg->host->n_hier; i++) {
		/* The caller found it empty: an old container's leftover. */
		r = cgroup_tree_remove(cg->paths[i], deadline);
		if (r < 0) {
			log_debug_errno(r, "Failed to remove leftover cgroup \"%s\": %m", cg->paths[i]);
			break;
		}
		if (mkdir(cg->paths[i], 0755) < 0) {
			r = log_debug_errno(negative_errno(), "Failed to create cgroup \"%s\": %m",
					    cg->paths[i]);
			break;
		}
	}
	if (r == 0)
		return 0;
	while (i-- > 0)
		(void)rmdir(cg->paths[i]);
	return r;
}

int cgroup_attach_all(struct cgroup *cg, pid_t pid)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%d", (int)pid);
	for (size_t i = 0; i < cg->host->n_hier; i++) {
		int r = cgroup_write(cg->paths[i], "cgroup.procs", buf);

		if (r < 0)
			return log_debug_errno(r, "Failed to move %d into \"%s\": %m", (int)pid,
					       cg->paths[i]);
	}
	return 0;
}

int cgroup_destroy_all(struct cgroup *cg, uint64_t deadline)
{
	int ret = 0;

	for (size_t i = 0; i < cg->host->n_hier; i++) {
		int r = cgroup_tree_remove(cg->paths[i], deadline);

		if (r < 0) {
			log_debug_errno(r, "Failed to remove cgroup \"%s\": %m", cg->paths[i]);
			if (ret == 0)
				ret = r;
		}
	}
	return ret;
}

int cgroup_kill_loop(struct cgroup *cg, uint64_t deadline)
{
	unsigned delay = USEC_PER_MSEC;

	for (;;) {
		unsigned count = 0;
		uint64_t freeze_until;
		int r = 0, fr;

		if (cg->ops->is_empty(cg))
			return 0;
		if (cgroup_now() >= deadline)
			return log_debug_errno(-EBUSY, "cgroup \"%s\" still has processes", cg->dir);

		/* Frozen, nothing can fork between reading the lists and the
		 * kill; SIGKILL reaches v1-frozen tasks once thawed. */
		freeze_until = cgroup_now() + CGROUP_KILL_FREEZE_USEC;
		fr = cg->ops->freeze(cg, freeze_until < deadline ? freeze_until : deadline);
		for (size_t i = 0; i < cg->host->n_hier && r >= 0; i++)
			r = cgroup_tree_signal(cg->paths[i], SIGKILL, &count);
		if (fr != -EOPNOTSUPP)
			(void)cg->ops->thaw(cg);
		if (r < 0)
			return log_debug_errno(r, "Failed to kill the processes of \"%s\": %m", cg->dir);
		log_debug("Sent %u SIGKILLs in \"%s\" (a process once per hierarchy)", count,
			  cg->dir);
		cgroup_backoff(&delay, deadline);
	}
}

/* Index of the hierarchy holding controller; "" is the cgroup2 one. */
static int find_hierarchy(struct cgroup *cg, const char *controller)
{
	if (!controller || !*controller)
		return cg->unified;
	for (size_t i = 0; i < cg->host->n_hier; i++) {
		const struct cgroup_hierarchy *h = &cg->host->hier[i];

		if (strv_contains(h->controllers, controller))
			return (int)i;
		/* "systemd" for name=systemd */
		if (!h->unified && strncmp(controller, "name=", 5) != 0 && h->options &&
		    strstr(h->options, ",name=") && streq(h->dir, controller))
			return (int)i;
	}
	return -1;
}

const char *cgroup_find_path(struct cgroup *cg, const char *controller)
{
	int i = find_hierarchy(cg, controller);

	return i < 0 ? NULL : cg->paths[i];
}

int cgroup_set_file(struct cgroup *cg, const char *key, const char *value)
{
	char controller[64];
	size_t len = strcspn(key, ".");
	const char *dir;
	int r;

	if (len == 0 || !key[len] || len >= sizeof(controller))
		return -EINVAL;
	memcpy(controller, key, len);
	controller[len] = 0;
	/* cgroup.* files: the cgroup2 hierarchy */
	dir = cgroup_find_path(cg, streq(controller, "cgroup") ? "" : controller);
	if (!dir)
		return log_debug_errno(-EOPNOTSUPP, "No cgroup hierarchy holds \"%s\"", controller);
	r = cgroup_write(dir, key, value);
	if (r < 0)
		return log_debug_errno(r, "Failed to write \"%s\" to \"%s/%s\": %m", value, dir, key);
	return 0;
}

/* ------------------------------------------------------------ mounting in the container */

int cgroup_mount_mode(unsigned mount_auto)
{
	unsigned m = mount_auto & MOUNT_AUTO_CGROUP_MASK;
	int mode = 0;

	if (!m)
		return -1;
	if (m & (MOUNT_AUTO_CGROUP_FULL_RO | MOUNT_AUTO_CGROUP_FULL_RW | MOUNT_AUTO_CGROUP_FULL_MIXED))
		mode |= CGROUP_MOUNT_FULL;
	if (m & (MOUNT_AUTO_CGROUP_RO | MOUNT_AUTO_CGROUP_FULL_RO))
		mode |= CGROUP_MOUNT_RO;
	else if (m & (MOUNT_AUTO_CGROUP_MIXED | MOUNT_AUTO_CGROUP_FULL_MIXED))
		mode |= CGROUP_MOUNT_MIXED;
	return mode;
}

bool cgroup_ns_is_own(void)
{
	char buf[4096];
	size_t len = 0;
	int fd = open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	while (len < sizeof(buf) - 1) {
		ssize_t n = read(fd, buf + len, sizeof(buf) - 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += n;
	}
	close(fd);
	if (len == 0 || len == sizeof(buf) - 1)
		return false;
	buf[len] = 0;
	/* "N:controllers:/path" per line; every path must be "/". */
	for (char *line = buf; *line;) {
		char *nl = strchrnul(line, '\n'), *c1 = memchr(line, ':', nl - line), *c2;

		if (!c1 || !(c2 = memchr(c1 + 1, ':', nl - c1 - 1)))
			return false;
		if (nl - c2 != 2 || c2[1] != '/')
			return false;
		line = *nl ? nl + 1 : nl;
	}
	return true;
}

const char *cgroup_fd_path(int fd, char buf[static 32])
{
	snprintf(buf, 32, "/proc/self/fd/%d", fd);
	return buf;
}

/* O_PATH fd of path below root_fd, resolved with root_fd as "/". */
static int open_in_root(int root_fd, char *path)
{
	static bool no_openat2;
	struct open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	int fd = -1;

	if (!no_openat2) {
		/* EAGAIN: a rename somewhere raced with the lookup. */
		for (int tries = 0; tries < 8; tries++) {
			fd = (int)syscall(SYS_openat2, root_fd, path, &how, sizeof(how));
			if (fd >= 0)
				return fd;
			if (errno != EAGAIN)
				break;
		}
		if (errno != ENOSYS)
			return -errno;
		no_openat2 = true;
		fd = -1;
	}
	/* No openat2: one component at a time, refusing symlinks and "..". */
	for (char *p = path, *next; *p; p = next) {
		size_t len = strcspn(p, "/");
		int sub;

		next = p + len + strspn(p + len, "/");
		if (len == 0 || (len == 1 && p[0] == '.'))
			continue;
		if (len == 2 && p[0] == '.' && p[1] == '.') {
			if (fd >= 0)
				close(fd);
			return -EINVAL;
		}
		char saved = p[len];
		p[len] = 0;
		sub = openat(fd >= 0 ? fd : root_fd, p, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		p[len] = saved;
		if (fd >= 0)
			close(fd);
		if (sub < 0)
			return -errno;
		fd = sub;
	}
	if (fd < 0)
		fd = openat(root_fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int cgroup_open_beneath(int root_fd, const char *path, int *ret_fd)
{
	char buf[PATH_MAX];
	size_t len = strlen(path);
	int fd, parent = -1;

	if (len >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, len + 1);
	fd = open_in_root(root_fd, buf);
	if (fd != -ENOENT)
		goto out;

	/* Create what is missing, one component at a time; every prefix is
	 * resolved beneath the root again. */
	for (char *end = buf; *end;) {
		char *comp, saved;

		end += strspn(end, "/");
		comp = end;
		end += strcspn(end, "/");
		if (comp == end)
			break;
		saved = *end;
		*end = 0;
		fd = open_in_root(root_fd, buf);
		if (fd == -ENOENT) {
			if (mkdirat(parent >= 0 ? parent : root_fd, comp, 0755) < 0 && errno != EEXIST)
				fd = -errno;
			else
				fd = open_in_root(root_fd, buf);
		}
		*end = saved;
		if (parent >= 0)
			close(parent);
		parent = -1;
		if (fd < 0)
			return fd;
		parent = fd;
	}
	fd = parent;
out:
	if (fd < 0)
		return fd;
	*ret_fd = fd;
	return 0;
}

static int open_child_dir(int parent_fd, const char *name)
{
	int fd = openat(parent_fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int cgroup_mount_hierarchy(struct cgroup *cg, size_t i, int parent_fd, const char *name,
			   int mode, bool own_ns)
{
	const struct cgroup_hierarchy *h = &cg->host->hier[i];
	const unsigned long nosx = MS_NOSUID | MS_NODEV | MS_NOEXEC;
	const char *fstype = h->unified ? "cgroup2" : "cgroup";
	bool full_no_ns = (mode & CGROUP_MOUNT_FULL) && !own_ns;
	bool ro = (mode & CGROUP_MOUNT_RO) || (full_no_ns && (mode & CGROUP_MOUNT_MIXED));
	_cleanup_close_ int target = -1, top = -1, own = -1;
	char p[32];

	if (mkdirat(parent_fd, name, 0755) < 0 && errno != EEXIST)
		return -errno;
	target = open_child_dir(parent_fd, name);
	if (target < 0)
		return target;

	if (own_ns || full_no_ns) {
		/* Inside a cgroup namespace the root of a new mount is the
		 * container's own cgroup; outside it, the host's whole tree. */
		if (mount(fstype, cgroup_fd_path(target, p), fstype, nosx | (ro ? MS_RDONLY : 0),
			  h->options) < 0)
			return -errno;
	} else {
		/* No namespace: show only the container's own cgroup. */
		if (mount(cg->paths[i], cgroup_fd_path(target, p), NULL, MS_BIND, NULL) < 0)
			return -errno;
		top = open_child_dir(parent_fd, name);
		if (top < 0)
			return top;
		if (mount(NULL, cgroup_fd_path(top, p), NULL,
			  MS_REMOUNT | MS_BIND | nosx | (ro ? MS_RDONLY : 0), NULL) < 0)
			return -errno;
	}

	if (full_no_ns && (mode & CGROUP_MOUNT_MIXED)) {
		/* The whole tree read-only, the container's cgroup writable. */
		if (top < 0 && (top = open_child_dir(parent_fd, name)) < 0)
			return top;
		own = open_child_dir(top, cg->dir);
		if (own < 0)
			return own;
		if (mount(cg->paths[i], cgroup_fd_path(own, p), NULL, MS_BIND, NULL) < 0)
			return -errno;
	}
	return 0;
}

/* ------------------------------------------------------------ the interface */

void cgroup_free(struct cgroup *cg)
{
	if (!cg)
		return;
	if (cg->paths)
		for (size_t i = 0; i < cg->host->n_hier; i++)
			free(cg->paths[i]);
	free(cg->paths);
	free(cg->dir);
	free(cg);
}

static void cgroup_freep(struct cgroup **cg) { cgroup_free(*cg); }

static int cgroup_new(const char *name, struct cgroup **ret)
{
	_cleanup_(cgroup_freep) struct cgroup *cg = NULL;
	const struct cgroup_host *host;
	int r;

	if (!name || !*name || strchr(name, '/') || streq(name, ".") || streq(name, "..") ||
	    strlen(name) > NAME_MAX - strlen(CGROUP_DIR_PREFIX))
		return -EINVAL;
	r = host_get(&host);
	if (r < 0)
		return r;

	cg = calloc(1, sizeof(*cg));
	if (!cg)
		return -ENOMEM;
	cg->host = host;
	cg->ops = host->layout == CGROUP_LAYOUT_V2 ? &cgroup_v2_ops : &cgroup_v1_ops;
	cg->unified = cg->freezer = -1;
	cg->dir = str_printf(CGROUP_DIR_PREFIX "%s", name);
	cg->paths = calloc(host->n_hier, sizeof(char *));
	if (!cg->dir || !cg->paths)
		return -ENOMEM;
	for (size_t i = 0; i < host->n_hier; i++) {
		cg->paths[i] = path_join(host->hier[i].mount, cg->dir);
		if (!cg->paths[i])
			return -ENOMEM;
		if (host->hier[i].unified && cg->unified < 0)
			cg->unified = (int)i;
		else if (!host->hier[i].unified && cg->freezer < 0 &&
			 strv_contains(host->hier[i].controllers, "freezer"))
			cg->freezer = (int)i;
	}
	*ret = TAKE_PTR(cg);
	return 0;
}

int cgroup_create(const char *name, struct cgroup **ret)
{
	_cleanup_(cgroup_freep) struct cgroup *cg = NULL;
	int r;

	r = cgroup_new(name, &cg);
	if (r < 0)
		return r;
	/* Touch nothing while a container of that name has processes. */
	for (size_t i = 0; i < cg->host->n_hier; i++) {
		r = cgroup_tree_populated(cg->paths[i]);
		if (r < 0)
			return log_debug_errno(r, "Failed to read \"%s\": %m", cg->paths[i]);
		if (r > 0)
			return log_debug_errno(-EBUSY, "cgroup \"%s\" is in use", cg->paths[i]);
	}
	r = cg->ops->create(cg);
	if (r < 0)
		return r;
	log_debug("Created cgroup \"%s\" (%s driver)", cg->dir, cg->ops->name);
	*ret = TAKE_PTR(cg);
	return 0;
}

int cgroup_open(const char *name, struct cgroup **ret)
{
	_cleanup_(cgroup_freep) struct cgroup *cg = NULL;
	int r;

	r = cgroup_new(name, &cg);
	if (r < 0)
		return r;
	for (size_t i = 0; i < cg->host->n_hier; i++) {
		struct stat st;

		if (stat(cg->paths[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			*ret = TAKE_PTR(cg);
			return 0;
		}
	}
	return -ENOENT;
}

int cgroup_attach(struct cgroup *cg, pid_t pid)
{
	return cg->ops->attach(cg, pid);
}

bool cgroup_is_empty(struct cgroup *cg)
{
	return cg->ops->is_empty(cg);
}

int cgroup_kill_all(struct cgroup *cg)
{
	return cg->ops->kill_all(cg, cgroup_now() + CGROUP_KILL_TIMEOUT_USEC);
}

int cgroup_destroy(struct cgroup *cg)
{
	uint64_t deadline = cgroup_now() + CGROUP_KILL_TIMEOUT_USEC;
	int r;

	if (!cg->ops->is_empty(cg)) {
		r = cg->ops->kill_all(cg, deadline);
		if (r < 0)
			return r;
	}
	/* Give the removal its own time: the kill may have used it all. */
	return cg->ops->destroy(cg, cgroup_now() + CGROUP_KILL_TIMEOUT_USEC);
}

int cgroup_freeze(struct cgroup *cg)
{
	return cg->ops->freeze(cg, cgroup_now() + CGROUP_FREEZE_TIMEOUT_USEC);
}

int cgroup_thaw(struct cgroup *cg)
{
	return cg->ops->thaw(cg);
}

int cgroup_set(struct cgroup *cg, const char *key, const char *value)
{
	if (!key || !value || strchr(key, '/'))
		return -EINVAL;
	return cg->ops->set(cg, key, value);
}

int cgroup_mount_in_container(struct cgroup *cg, int rootfs_fd, unsigned mount_auto)
{
	if (cgroup_mount_mode(mount_auto) < 0)
		return 0;
	return cg->ops->mount_in_container(cg, rootfs_fd, mount_auto);
}

const char *cgroup_path(struct cgroup *cg, const char *controller)
{
	return cg->ops->path(cg, controller);
}
