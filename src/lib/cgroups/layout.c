/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The host's cgroup hierarchies: found once per process from what is
 * mounted at /sys/fs/cgroup (statfs for a pure v2 host, else every cgroup
 * mount in /proc/self/mountinfo, with /proc/cgroups naming the controllers).
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <linux/magic.h>

#include "cgroups/cgroup-internal.h"
#include "log.h"
#include "util/fileio.h"
#include "util/macro.h"
#include "util/strv.h"

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

int cgroup_host_get(const struct cgroup_host **ret)
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
	int r = cgroup_host_get(&host);

	if (r < 0)
		return r;
	*ret = host->layout;
	return 0;
}
