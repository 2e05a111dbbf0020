/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The limits.* keys: how much memory, CPU, processes and I/O the container
 * may use, in terms that do not depend on the host's cgroup version.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "conf_keys.h"
#include "util/macro.h"

#define PIDS_MAX 4194304ULL /* the kernel's PID_MAX_LIMIT */

/* The number keys with "max": memory, swap, cpu, pids. */
static int parse_memory(const char *s, unsigned long long *ret, const char **ret_why)
{
	return conf_limit_size(s, false, ret, ret_why);
}

static int parse_swap(const char *s, unsigned long long *ret, const char **ret_why)
{
	return conf_limit_size(s, true, ret, ret_why);
}

static int parse_pids(const char *s, unsigned long long *ret, const char **ret_why)
{
	return conf_limit_count(s, PIDS_MAX, ret, ret_why);
}

static int format_count(unsigned long long v, char **ret)
{
	if (v == CONF_LIMIT_MAX)
		return conf_key_dup("max", ret);
	return asprintf(ret, "%llu", v) < 0 ? -ENOMEM : 0;
}

/* Parse a non-empty value into *field; an empty one gives 0. */
static int set_number(const char *key, const char *value, unsigned long long *field,
		      int (*parse)(const char *, unsigned long long *, const char **),
		      struct conf_error *err)
{
	unsigned long long v = 0;
	const char *why;
	int r;

	if (*value) {
		r = parse(value, &v, &why);
		if (r < 0)
			return r == -EINVAL ? conf_bad_value(err, key, value, "%s", why) : r;
	}
	*field = v;
	return 0;
}

static int get_number(unsigned long long v, bool set, int (*format)(unsigned long long, char **),
		      char **ret)
{
	if (!set) {
		*ret = NULL;
		return 0;
	}
	return format(v, ret);
}

/* A number key whose field is 0 when unset. */
#define LIMIT_KEY(id, fld, parse, format)                                                    \
	int key_set_##id(const char *key, const char *value, struct mgr_conf *conf,          \
			 struct conf_error *err)                                             \
	{                                                                                    \
		return set_number(key, value, &conf->limits.fld, parse, err);                \
	}                                                                                    \
	int key_get_##id(const char *key, const struct mgr_conf *conf, char **ret)           \
	{                                                                                    \
		return get_number(conf->limits.fld, conf->limits.fld != 0, format, ret);     \
	}                                                                                    \
	int key_clear_##id(const char *key, struct mgr_conf *conf)                           \
	{                                                                                    \
		conf->limits.fld = 0;                                                        \
		return 0;                                                                    \
	}

LIMIT_KEY(limits_memory, memory, parse_memory, conf_limit_size_format)
LIMIT_KEY(limits_cpu, cpu, conf_limit_cpu, conf_limit_cpu_format)
LIMIT_KEY(limits_pids, pids, parse_pids, format_count)

/* Swap may be 0: it has a flag. */
int key_set_limits_memory_swap(const char *key, const char *value, struct mgr_conf *conf,
			       struct conf_error *err)
{
	int r = set_number(key, value, &conf->limits.memory_swap, parse_swap, err);

	if (r == 0)
		conf->limits.memory_swap_set = *value;
	return r;
}

int key_get_limits_memory_swap(const char *key, const struct mgr_conf *conf, char **ret)
{
	return get_number(conf->limits.memory_swap, conf->limits.memory_swap_set,
			  conf_limit_size_format, ret);
}

int key_clear_limits_memory_swap(const char *key, struct mgr_conf *conf)
{
	conf->limits.memory_swap = 0;
	conf->limits.memory_swap_set = false;
	return 0;
}

NUMBER_KEY(limits_cpu_weight, limits.cpu_weight, 1, 10000, 0)

STRING_KEY(limits_cpuset, limits.cpuset, conf_check_cpu_list)

/* ------------------------------------------------------------ I/O, one list per kind */

static bool io_bytes(enum conf_io_kind kind)
{
	return kind == CONF_IO_READ_BPS || kind == CONF_IO_WRITE_BPS;
}

static int io_clear(const char *key, struct mgr_conf *conf, enum conf_io_kind kind)
{
	for (size_t i = 0; i < conf->limits.n_io[kind]; i++)
		free(conf->limits.io[kind][i].device);
	free(conf->limits.io[kind]);
	conf->limits.io[kind] = NULL;
	conf->limits.n_io[kind] = 0;
	return 0;
}

/* A device given again replaces its earlier limit. */
static int io_set(const char *key, const char *value, struct mgr_conf *conf,
		  enum conf_io_kind kind, struct conf_error *err)
{
	struct conf_io_limit *v = conf->limits.io[kind];
	size_t n = conf->limits.n_io[kind];
	_cleanup_free_ char *device = NULL;
	unsigned long long limit;
	const char *why;
	int r;

	if (!*value)
		return io_clear(key, conf, kind);
	r = conf_io_limit_parse(value, io_bytes(kind), &device, &limit, &why);
	if (r < 0)
		return r == -EINVAL ? conf_bad_value(err, key, value, "%s", why) : r;
	for (size_t i = 0; i < n; i++)
		if (streq(v[i].device, device)) {
			v[i].value = limit;
			return 0;
		}
	v = realloc(v, (n + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	v[n] = (struct conf_io_limit){ TAKE_PTR(device), limit };
	conf->limits.io[kind] = v;
	conf->limits.n_io[kind] = n + 1;
	return 0;
}

static int io_get(const char *key, const struct mgr_conf *conf, enum conf_io_kind kind,
		  char **ret)
{
	_cleanup_free_ char *text = NULL;

	for (size_t i = 0; i < conf->limits.n_io[kind]; i++) {
		_cleanup_free_ char *line = NULL;
		int r = conf_io_limit_format(&conf->limits.io[kind][i], io_bytes(kind), &line);

		if (r < 0)
			return r;
		r = conf_key_add_line(&text, line);
		if (r < 0)
			return r;
	}
	*ret = TAKE_PTR(text);
	return 0;
}

FORWARD_KEY(limits_io_read_bps, CONF_IO_READ_BPS, io_set, io_get, io_clear)
FORWARD_KEY(limits_io_write_bps, CONF_IO_WRITE_BPS, io_set, io_get, io_clear)
FORWARD_KEY(limits_io_read_iops, CONF_IO_READ_IOPS, io_set, io_get, io_clear)
FORWARD_KEY(limits_io_write_iops, CONF_IO_WRITE_IOPS, io_set, io_get, io_clear)
