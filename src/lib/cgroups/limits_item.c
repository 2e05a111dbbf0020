/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One setting of a running container's cgroup, read or changed by name:
 * an interface file as the kernel names it ("pids.max"), or a limits.* key,
 * which is changed through the same translation as at start and read back
 * from the host's files into its config form.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroups/cgroup-internal.h"
#include "cgroups/limits.h"
#include "util/macro.h"
#include "util/strv.h"

/* v1 prints an unlimited memory limit as a page-aligned number near 2^63. */
#define V1_UNLIMITED (1ULL << 62)

/* key without "mgr."/"lxc."; whether it is a limits.* key. */
static const char *bare_key(const char *key, bool *ret_limits)
{
	const char *s = conf_key_strip_prefix(key);

	s = s ? s : key;
	*ret_limits = strncmp(s, "limits.", 7) == 0;
	return s;
}

/* The directory holding an interface file: its controller's v1 hierarchy,
 * else the cgroup2 one. */
static const char *file_dir(struct cgroup *cg, const char *file)
{
	char controller[64];
	const char *dir;

	snprintf(controller, sizeof(controller), "%.*s", (int)strcspn(file, "."), file);
	dir = limits_dir(cg, controller, 1);
	return dir ? dir : limits_dir(cg, controller, 2);
}

static bool file_name_ok(const char *file)
{
	return *file && *file != '.' && strchr(file, '.') && !strchr(file, '/');
}

/* The file's contents without the trailing newline. */
static int read_file_value(struct cgroup *cg, const char *file, char **ret, char *err,
			   size_t errlen)
{
	const char *dir = file_name_ok(file) ? file_dir(cg, file) : NULL;
	char *s = NULL;
	int r;

	if (!dir) {
		snprintf(err, errlen, "No cgroup hierarchy of the host holds \"%s\"", file);
		return -ENOENT;
	}
	r = cgroup_read(dir, file, &s);
	if (r < 0) {
		snprintf(err, errlen, "Failed to read \"%s\" of the container's cgroup: %s", file,
			 strerror(-r));
		return r;
	}
	s[strcspn(s, "\n")] = 0;
	*ret = s;
	return 0;
}

/* ------------------------------------------------------------ reading limits.* */

/* "max", a number near 2^63 (v1's unlimited) or -1: CONF_LIMIT_MAX. */
static unsigned long long number_or_max(const char *s)
{
	unsigned long long v;

	if (streq(s, "max") || streq(s, "-1") || conf_parse_ull(s, ULLONG_MAX, &v) < 0 ||
	    v >= V1_UNLIMITED)
		return CONF_LIMIT_MAX;
	return v;
}

static int read_number(struct cgroup *cg, const char *file, unsigned long long *ret, char *err,
		       size_t errlen)
{
	_cleanup_free_ char *s = NULL;
	int r = read_file_value(cg, file, &s, err, errlen);

	if (r < 0)
		return r;
	*ret = number_or_max(s);
	return 0;
}

static int get_memory(struct cgroup *cg, bool swap, char **ret, char *err, size_t errlen)
{
	unsigned long long mem, memsw;
	int v = limits_host_version("memory", cg), r;

	if (v == 2) {
		r = read_number(cg, swap ? "memory.swap.max" : "memory.max", &mem, err, errlen);
		return r < 0 ? r : conf_limit_size_format(mem, ret);
	}
	r = read_number(cg, "memory.limit_in_bytes", &mem, err, errlen);
	if (r < 0 || !swap)
		return r < 0 ? r : conf_limit_size_format(mem, ret);
	r = read_number(cg, "memory.memsw.limit_in_bytes", &memsw, err, errlen);
	if (r < 0)
		return r;
	return conf_limit_size_format(memsw == CONF_LIMIT_MAX ? memsw : memsw - mem, ret);
}

static int get_cpu(struct cgroup *cg, char **ret, char *err, size_t errlen)
{
	_cleanup_free_ char *text = NULL;
	unsigned long long quota, period;
	int r;

	if (limits_host_version("cpu", cg) == 2) {
		char q[32];

		r = read_file_value(cg, "cpu.max", &text, err, errlen);
		if (r < 0)
			return r;
		if (sscanf(text, "%31s %llu", q, &period) != 2 || period == 0)
			return -EIO;
		quota = number_or_max(q);
	} else {
		r = read_number(cg, "cpu.cfs_quota_us", &quota, err, errlen);
		if (r == 0)
			r = read_number(cg, "cpu.cfs_period_us", &period, err, errlen);
		if (r < 0)
			return r;
		if (period == 0 || period == CONF_LIMIT_MAX)
			return -EIO;
	}
	if (quota != CONF_LIMIT_MAX)
		quota = quota * CONF_CPU_PERIOD_USEC / period;
	return conf_limit_cpu_format(quota, ret);
}

static int get_cpu_weight(struct cgroup *cg, char **ret, char *err, size_t errlen)
{
	unsigned long long v;
	bool v2 = limits_host_version("cpu", cg) == 2;
	int r = read_number(cg, v2 ? "cpu.weight" : "cpu.shares", &v, err, errlen);

	if (r < 0)
		return r;
	if (!v2)
		v = (v * 100 + 512) / 1024;
	return asprintf(ret, "%llu", v) < 0 ? -ENOMEM : 0;
}

/* "MAJ:MIN VALUE" lines, in the config's form. */
static int get_io(struct cgroup *cg, enum conf_io_kind kind, char **ret, char *err, size_t errlen)
{
	const struct limit_io_kind *k = &limit_io_kinds[kind];
	bool v1 = limits_host_version("blkio", cg) == 1;
	_cleanup_free_ char *text = NULL, *out = NULL;
	_cleanup_strv_free_ char **lines = NULL;
	size_t wlen = v1 ? 0 : strlen(k->v2_word) + 1;
	int r;

	r = read_file_value(cg, v1 ? k->v1_file : "io.max", &text, err, errlen);
	if (r < 0)
		return r;
	if (strv_split(text, "\n", &lines) < 0)
		return -ENOMEM;
	STRV_FOREACH(l, lines) {
		_cleanup_free_ char *line = NULL;
		char dev[32], value[32], *word, *t;
		struct conf_io_limit limit;

		/* v1 "8:0 1048576", v2 "8:0 rbps=1048576 wbps=max ..." */
		if (sscanf(*l, "%31s", dev) != 1)
			continue;
		word = v1 ? *l + strlen(dev) : strstr(*l, k->v2_word);
		if (!word || (wlen && word[wlen - 1] != '=') || sscanf(word + wlen, "%31s", value) != 1)
			continue;
		limit = (struct conf_io_limit){ dev, number_or_max(value) };
		if (limit.value == CONF_LIMIT_MAX || limit.value == 0)
			continue;
		if (conf_io_limit_format(&limit, kind <= CONF_IO_WRITE_BPS, &line) < 0 ||
		    asprintf(&t, "%s%s%s", out ? out : "", out ? "\n" : "", line) < 0)
			return -ENOMEM;
		free(out);
		out = t;
	}
	*ret = TAKE_PTR(out);
	return 0;
}

static int get_limit(struct cgroup *cg, const char *key, char **ret, char *err, size_t errlen)
{
	if (streq(key, "limits.memory") || streq(key, "limits.memory.swap"))
		return get_memory(cg, streq(key, "limits.memory.swap"), ret, err, errlen);
	if (streq(key, "limits.cpu"))
		return get_cpu(cg, ret, err, errlen);
	if (streq(key, "limits.cpu.weight"))
		return get_cpu_weight(cg, ret, err, errlen);
	if (streq(key, "limits.cpuset"))
		return read_file_value(cg, "cpuset.cpus", ret, err, errlen);
	if (streq(key, "limits.pids"))
		return read_file_value(cg, "pids.max", ret, err, errlen);
	for (int kind = 0; kind < _CONF_IO_MAX; kind++)
		if (streq(key, limit_io_kinds[kind].key))
			return get_io(cg, kind, ret, err, errlen);
	snprintf(err, errlen, "Unknown key \"%s\"", key);
	return -EINVAL;
}

int cgroup_item_get(struct cgroup *cg, const char *key, char **ret, char *err, size_t errlen)
{
	bool limits;
	const char *bare = bare_key(key, &limits);
	char *s = NULL;
	int r;

	err[0] = 0;
	r = limits ? get_limit(cg, bare, &s, err, errlen) : read_file_value(cg, key, &s, err, errlen);
	if (r == -EIO)
		snprintf(err, errlen, "Failed to read \"%s\": unexpected contents", key);
	else if (r < 0 && !err[0])
		snprintf(err, errlen, "Failed to read \"%s\": %s", key, strerror(-r));
	if (r < 0)
		return r;
	*ret = s ? s : strdup("");
	return *ret ? 0 : -ENOMEM;
}

/* ------------------------------------------------------------ changing */

/* A limits.* key through the translation of the start. */
static int set_limit(struct cgroup *cg, const char *key, const char *value, char *err,
		     size_t errlen)
{
	_cleanup_conf_free_ struct mgr_conf *conf = conf_new();
	struct conf_error cerr = { "" };
	struct limit_plan plan = { 0 };
	int r;

	if (!conf)
		return -ENOMEM;
	r = conf_apply(conf, key, value, &cerr);
	if (r < 0) {
		snprintf(err, errlen, "%s", cerr.message[0] ? cerr.message : strerror(-r));
		return r;
	}
	/* v1 limits memory and swap together: keep the memory limit. */
	if (streq(key, "limits.memory.swap") && limits_host_version("memory", cg) == 1) {
		r = read_number(cg, "memory.limit_in_bytes", &conf->limits.memory, err, errlen);
		if (r < 0)
			return r;
	}
	r = limits_plan(conf, limits_host_version, cg, &plan, err, errlen);
	if (r < 0)
		return r;
	r = limits_plan_apply(cg, &plan, err, errlen);
	limits_plan_free(&plan);
	return r;
}

int cgroup_item_set(struct cgroup *cg, const char *key, const char *value, char *err,
		    size_t errlen)
{
	bool limits;
	const char *bare = bare_key(key, &limits), *dir;
	int r;

	if (!*value) {
		snprintf(err, errlen, "No value for \"%s\"", key);
		return -EINVAL;
	}
	err[0] = 0;
	if (limits) {
		r = set_limit(cg, bare, value, err, errlen);
		if (r < 0 && !err[0])
			snprintf(err, errlen, "Failed to set \"%s\": %s", key, strerror(-r));
		return r;
	}
	dir = file_name_ok(key) ? file_dir(cg, key) : NULL;
	if (!dir) {
		snprintf(err, errlen, "No cgroup hierarchy of the host holds \"%s\"", key);
		return -ENOENT;
	}
	r = cgroup_write(dir, key, value);
	if (r < 0)
		snprintf(err, errlen, "Failed to write \"%s\" to \"%s\" of the container's cgroup: %s",
			 value, key, strerror(-r));
	return r;
}
