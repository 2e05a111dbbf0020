/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The key table: for every key a set, get and clear function over its
 * field in struct mgr_conf.  Values are checked with the parsers in
 * conf_values.c; a bad value leaves the field as it was.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf.h"
#include "mgr/mgr.h"
#include "util/macro.h"
#include "util/strv.h"

const char *conf_key_strip_prefix(const char *key)
{
	if (strncmp(key, "mgr.", 4) == 0 || strncmp(key, "lxc.", 4) == 0)
		return key + 4;
	return NULL;
}

static const char *bare(const char *key)
{
	const char *s = conf_key_strip_prefix(key);

	return s ? s : key;
}

/* "N.rest": N in 0..CONF_NET_MAX-1 without leading zeros; *ret_rest = "rest". */
static int parse_index(const char *s, unsigned *ret_index, const char **ret_rest)
{
	size_t n = strspn(s, "0123456789");
	unsigned v = 0;

	if (n == 0 || n > 4 || s[n] != '.' || (n > 1 && *s == '0'))
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (unsigned)(s[i] - '0');
	if (v >= CONF_NET_MAX)
		return -EINVAL;
	*ret_index = v;
	*ret_rest = s + n + 1;
	return 0;
}

/* ------------------------------------------------------------ generic helpers */

static int dup_or_null(const char *s, char **ret)
{
	char *c = NULL;

	if (s && !(c = strdup(s)))
		return -ENOMEM;
	*ret = c;
	return 0;
}

static int replace_string(char **field, const char *value)
{
	char *s = NULL;

	if (*value && !(s = strdup(value)))
		return -ENOMEM;
	free(*field);
	*field = s;
	return 0;
}

static int set_checked_string(const char *key, const char *value, char **field,
			      int (*check)(const char *, const char **), struct conf_error *err)
{
	const char *why = NULL;
	int r;

	if (*value && check) {
		r = check(value, &why);
		if (r == -EINVAL)
			return conf_bad_value(err, key, value, "%s", why);
		if (r < 0)
			return r;
	}
	return replace_string(field, value);
}

static int get_strv(char *const *v, char **ret)
{
	char *s = NULL;

	if (strv_length(v) > 0 && !(s = strv_join(v, "\n")))
		return -ENOMEM;
	*ret = s;
	return 0;
}

static void clear_strv(char ***v)
{
	strv_free(*v);
	*v = NULL;
}

static int parse_number(const char *key, const char *value, long long min, long long max,
			long long *ret, struct conf_error *err)
{
	int r = conf_parse_ll(value, min, max, ret);

	if (r == -ERANGE)
		return conf_bad_value(err, key, value, "out of range (%lld to %lld)", min, max);
	if (r < 0)
		return conf_bad_value(err, key, value, "not a number");
	return 0;
}

static int format_number(long long v, long long unset, char **ret)
{
	char *s = NULL;

	if (v != unset && asprintf(&s, "%lld", v) < 0)
		return -ENOMEM;
	*ret = s;
	return 0;
}

/* Add the words not yet in *v; takes nothing from words. */
static int strv_merge_unique(char ***v, char *const *words)
{
	STRV_FOREACH(w, words)
		if (!strv_contains(*v, *w) && strv_append(v, *w) < 0)
			return -ENOMEM;
	return 0;
}

/* A key with a string field and an optional check. */
#define STRING_KEY(id, field, check)                                                         \
	static int set_##id(const char *key, const char *value, struct mgr_conf *conf,      \
			    struct conf_error *err)                                          \
	{                                                                                    \
		return set_checked_string(key, value, &conf->field, check, err);            \
	}                                                                                    \
	static int get_##id(const char *key, const struct mgr_conf *conf, char **ret)       \
	{                                                                                    \
		return dup_or_null(conf->field, ret);                                        \
	}                                                                                    \
	static int clear_##id(const char *key, struct mgr_conf *conf)                       \
	{                                                                                    \
		free(conf->field);                                                           \
		conf->field = NULL;                                                          \
		return 0;                                                                    \
	}

/* A key with an integer field in min..max, unset when equal to unset. */
#define NUMBER_KEY(id, field, min, max, unset)                                              \
	static int set_##id(const char *key, const char *value, struct mgr_conf *conf,      \
			    struct conf_error *err)                                          \
	{                                                                                    \
		long long v = (unset);                                                       \
		int r;                                                                       \
                                                                                             \
		if (*value) {                                                                \
			r = parse_number(key, value, (min), (max), &v, err);                 \
			if (r < 0)                                                           \
				return r;                                                    \
		}                                                                            \
		conf->field = (__typeof__(conf->field))v;                                    \
		return 0;                                                                    \
	}                                                                                    \
	static int get_##id(const char *key, const struct mgr_conf *conf, char **ret)       \
	{                                                                                    \
		return format_number((long long)conf->field, (unset), ret);                 \
	}                                                                                    \
	static int clear_##id(const char *key, struct mgr_conf *conf)                       \
	{                                                                                    \
		conf->field = (__typeof__(conf->field))(unset);                              \
		return 0;                                                                    \
	}

/* A signal key: "SIGPWR", "PWR", "30", "SIGRTMIN+3"; 0 is unset. */
#define SIGNAL_KEY(id, field)                                                               \
	static int set_##id(const char *key, const char *value, struct mgr_conf *conf,      \
			    struct conf_error *err)                                          \
	{                                                                                    \
		int sig = 0;                                                                 \
                                                                                             \
		if (*value && (sig = conf_signal_from_name(value)) < 0)                      \
			return conf_bad_value(err, key, value, "unknown signal");            \
		conf->field = sig;                                                           \
		return 0;                                                                    \
	}                                                                                    \
	static int get_##id(const char *key, const struct mgr_conf *conf, char **ret)       \
	{                                                                                    \
		if (conf->field == 0) {                                                      \
			*ret = NULL;                                                         \
			return 0;                                                            \
		}                                                                            \
		return conf_signal_name(conf->field, ret);                                   \
	}                                                                                    \
	static int clear_##id(const char *key, struct mgr_conf *conf)                       \
	{                                                                                    \
		conf->field = 0;                                                             \
		return 0;                                                                    \
	}

/* ------------------------------------------------------------ simple keys */

STRING_KEY(uts_name, uts_name, conf_check_hostname)
STRING_KEY(arch, arch, conf_check_arch)
STRING_KEY(rootfs_mount, rootfs_mount, conf_check_absolute_path)
STRING_KEY(rootfs_options, rootfs_options, conf_check_mount_options)
STRING_KEY(mount_fstab, mount_fstab, conf_check_absolute_path)
STRING_KEY(tty_dir, tty_dir, conf_check_dir_name)
STRING_KEY(console_logfile, console_logfile, conf_check_absolute_path)
STRING_KEY(init_cwd, init_cwd, conf_check_absolute_path)
STRING_KEY(log_file, log_file, conf_check_absolute_path)

NUMBER_KEY(autodev, autodev, 0, 1, -1)
NUMBER_KEY(tty_max, tty_max, 0, 64, 0)
NUMBER_KEY(pty_max, pty_max, 0, 65536, 0)
NUMBER_KEY(init_uid, init_uid, 0, 4294967294LL, -1)
NUMBER_KEY(init_gid, init_gid, 0, 4294967294LL, -1)
NUMBER_KEY(start_auto, start_auto, 0, 1, 0)
NUMBER_KEY(start_delay, start_delay, 0, INT_MAX, 0)
NUMBER_KEY(start_order, start_order, INT_MIN, INT_MAX, 0)

SIGNAL_KEY(signal_halt, signal_halt)
SIGNAL_KEY(signal_reboot, signal_reboot)
SIGNAL_KEY(signal_stop, signal_stop)

/* ------------------------------------------------------------ rootfs.path */

static int set_rootfs_path(const char *key, const char *value, struct mgr_conf *conf,
			   struct conf_error *err)
{
	const char *p = value;
	size_t n = strspn(value, "abcdefghijklmnopqrstuvwxyz0123456789_-");

	/* "backend:path"; only the plain directory backend is known here. */
	if (n > 0 && value[n] == ':') {
		if (n != 3 || strncmp(value, "dir", 3) != 0)
			return conf_bad_value(err, key, value,
					      "storage backend \"%.*s\" is not supported", (int)n, value);
		p = value + 4;
	}
	if (*value && *p != '/')
		return conf_bad_value(err, key, value, "not an absolute path");
	return replace_string(&conf->rootfs_path, value);
}

static int get_rootfs_path(const char *key, const struct mgr_conf *conf, char **ret)
{
	return dup_or_null(conf->rootfs_path, ret);
}

static int clear_rootfs_path(const char *key, struct mgr_conf *conf)
{
	return replace_string(&conf->rootfs_path, "");
}

/* ------------------------------------------------------------ console */

static int set_console_path(const char *key, const char *value, struct mgr_conf *conf,
			    struct conf_error *err)
{
	if (*value && !streq(value, "none") && *value != '/')
		return conf_bad_value(err, key, value, "expected an absolute path or \"none\"");
	return replace_string(&conf->console_path, value);
}

static int get_console_path(const char *key, const struct mgr_conf *conf, char **ret)
{
	return dup_or_null(conf->console_path, ret);
}

static int clear_console_path(const char *key, struct mgr_conf *conf)
{
	return replace_string(&conf->console_path, "");
}

static int parse_size(const char *key, const char *value, unsigned long long *ret,
		      struct conf_error *err)
{
	int r = conf_size_from_string(value, ret);

	if (r == -ERANGE)
		return conf_bad_value(err, key, value, "too large");
	if (r < 0)
		return conf_bad_value(err, key, value, "not a size (e.g. 100, 64K, 1M, 1G)");
	return 0;
}

static int set_console_size(const char *key, const char *value, struct mgr_conf *conf,
			    struct conf_error *err)
{
	unsigned long long v = 0;
	bool is_auto = streq(value, "auto");
	int r;

	if (*value && !is_auto) {
		r = parse_size(key, value, &v, err);
		if (r < 0)
			return r;
		if (v == 0)
			return conf_bad_value(err, key, value, "the size must be above 0");
	}
	conf->console_size = v;
	conf->console_size_auto = is_auto;
	return 0;
}

static int get_console_size(const char *key, const struct mgr_conf *conf, char **ret)
{
	if (conf->console_size_auto)
		return dup_or_null("auto", ret);
	if (conf->console_size == 0) {
		*ret = NULL;
		return 0;
	}
	return conf_size_format(conf->console_size, ret);
}

static int clear_console_size(const char *key, struct mgr_conf *conf)
{
	conf->console_size = 0;
	conf->console_size_auto = false;
	return 0;
}

static int set_console_buffer_size(const char *key, const char *value, struct mgr_conf *conf,
				   struct conf_error *err)
{
	unsigned long long v = 0;
	int r;

	if (*value) {
		r = parse_size(key, value, &v, err);
		if (r < 0)
			return r;
	}
	conf->console_buffer_size = v;
	conf->console_buffer_size_set = *value != 0;
	return 0;
}

static int get_console_buffer_size(const char *key, const struct mgr_conf *conf, char **ret)
{
	if (!conf->console_buffer_size_set) {
		*ret = NULL;
		return 0;
	}
	return conf_size_format(conf->console_buffer_size, ret);
}

static int clear_console_buffer_size(const char *key, struct mgr_conf *conf)
{
	conf->console_buffer_size = 0;
	conf->console_buffer_size_set = false;
	return 0;
}

/* ------------------------------------------------------------ mounts */

static int set_mount_entry(const char *key, const char *value, struct mgr_conf *conf,
			   struct conf_error *err)
{
	const char *why;
	int r;

	if (!*value) {
		clear_strv(&conf->mount_entries);
		return 0;
	}
	r = conf_check_mount_entry(value, &why);
	if (r == -EINVAL)
		return conf_bad_value(err, key, value, "%s", why);
	if (r < 0)
		return r;
	return strv_append(&conf->mount_entries, value);
}

static int get_mount_entry(const char *key, const struct mgr_conf *conf, char **ret)
{
	return get_strv(conf->mount_entries, ret);
}

static int clear_mount_entry(const char *key, struct mgr_conf *conf)
{
	clear_strv(&conf->mount_entries);
	return 0;
}

static int set_mount_auto(const char *key, const char *value, struct mgr_conf *conf,
			  struct conf_error *err)
{
	_cleanup_strv_free_ char **words = NULL;
	unsigned mask = conf->mount_auto;

	if (!*value) {
		conf->mount_auto = 0;
		return 0;
	}
	if (strv_split(value, " \t", &words) < 0)
		return -ENOMEM;
	STRV_FOREACH(w, words)
		if (conf_mount_auto_apply(*w, &mask) < 0)
			return conf_bad_value(err, key, value, "unknown word \"%s\"", *w);
	conf->mount_auto = mask;
	return 0;
}

static int get_mount_auto(const char *key, const struct mgr_conf *conf, char **ret)
{
	if (conf->mount_auto == 0) {
		*ret = NULL;
		return 0;
	}
	return conf_mount_auto_format(conf->mount_auto, ret);
}

static int clear_mount_auto(const char *key, struct mgr_conf *conf)
{
	conf->mount_auto = 0;
	return 0;
}

/* ------------------------------------------------------------ init */

static int set_init_cmd(const char *key, const char *value, struct mgr_conf *conf,
			struct conf_error *err)
{
	char **argv = NULL;
	int r;

	if (*value) {
		r = strv_split_quoted(value, &argv);
		if (r == -EINVAL)
			return conf_bad_value(err, key, value, "unterminated quote");
		if (r < 0)
			return r;
		if (strv_length(argv) == 0) {
			strv_free(argv);
			return conf_bad_value(err, key, value, "empty command");
		}
	}
	strv_free(conf->init_cmd);
	conf->init_cmd = argv;
	return 0;
}

static int get_init_cmd(const char *key, const struct mgr_conf *conf, char **ret)
{
	if (!conf->init_cmd) {
		*ret = NULL;
		return 0;
	}
	return conf_join_quoted(conf->init_cmd, ret);
}

static int clear_init_cmd(const char *key, struct mgr_conf *conf)
{
	clear_strv(&conf->init_cmd);
	return 0;
}

/* KEY=VALUE replaces an earlier KEY, so that get shows what init gets. */
static int set_environment(const char *key, const char *value, struct mgr_conf *conf,
			   struct conf_error *err)
{
	const char *why;
	size_t n = strcspn(value, "=");
	char *s;

	if (!*value) {
		clear_strv(&conf->environment);
		return 0;
	}
	if (conf_check_env(value, &why) < 0)
		return conf_bad_value(err, key, value, "%s", why);
	s = strdup(value);
	if (!s)
		return -ENOMEM;
	for (char **e = conf->environment; e && *e; e++)
		if (strncmp(*e, value, n) == 0 && ((*e)[n] == '=' || (*e)[n] == 0)) {
			free(*e);
			*e = s;
			return 0;
		}
	return strv_push(&conf->environment, s);
}

static int get_environment(const char *key, const struct mgr_conf *conf, char **ret)
{
	return get_strv(conf->environment, ret);
}

static int clear_environment(const char *key, struct mgr_conf *conf)
{
	clear_strv(&conf->environment);
	return 0;
}

/* ------------------------------------------------------------ capabilities */

static int parse_caps(const char *key, const char *value, bool allow_none, char ***ret,
		      struct conf_error *err)
{
	_cleanup_strv_free_ char **words = NULL, **caps = NULL;

	if (strv_split(value, " \t", &words) < 0)
		return -ENOMEM;
	if (allow_none && strv_length(words) == 1 && strcasecmp(words[0], "none") == 0) {
		if (strv_append(&caps, "none") < 0)
			return -ENOMEM;
		*ret = TAKE_PTR(caps);
		return 0;
	}
	STRV_FOREACH(w, words) {
		int cap = conf_capability_from_name(*w);
		const char *name = conf_capability_name(cap);
		char *s = NULL;

		if (allow_none && strcasecmp(*w, "none") == 0)
			return conf_bad_value(err, key, value, "\"none\" must stand alone");
		if (cap < 0)
			return conf_bad_value(err, key, value, "unknown capability \"%s\"", *w);
		if (name ? !(s = strdup(name)) : asprintf(&s, "%d", cap) < 0)
			return -ENOMEM;
		if (strv_contains(caps, s))
			free(s);
		else if (strv_push(&caps, s) < 0)
			return -ENOMEM;
	}
	*ret = TAKE_PTR(caps);
	return 0;
}

static int set_caps(const char *key, const char *value, char ***field, bool allow_none,
		    struct conf_error *err)
{
	_cleanup_strv_free_ char **caps = NULL;
	int r;

	if (!*value) {
		clear_strv(field);
		return 0;
	}
	r = parse_caps(key, value, allow_none, &caps, err);
	if (r < 0)
		return r;
	/* "none" replaces the list, and a name replaces "none". */
	if ((caps && caps[0] && streq(caps[0], "none")) ||
	    (*field && (*field)[0] && streq((*field)[0], "none"))) {
		strv_free(*field);
		*field = TAKE_PTR(caps);
		return 0;
	}
	return strv_merge_unique(field, caps);
}

static int set_cap_drop(const char *key, const char *value, struct mgr_conf *conf,
			struct conf_error *err)
{
	return set_caps(key, value, &conf->cap_drop, false, err);
}

static int get_cap_drop(const char *key, const struct mgr_conf *conf, char **ret)
{
	return get_strv(conf->cap_drop, ret);
}

static int clear_cap_drop(const char *key, struct mgr_conf *conf)
{
	clear_strv(&conf->cap_drop);
	return 0;
}

static int set_cap_keep(const char *key, const char *value, struct mgr_conf *conf,
			struct conf_error *err)
{
	return set_caps(key, value, &conf->cap_keep, true, err);
}

static int get_cap_keep(const char *key, const struct mgr_conf *conf, char **ret)
{
	return get_strv(conf->cap_keep, ret);
}

static int clear_cap_keep(const char *key, struct mgr_conf *conf)
{
	clear_strv(&conf->cap_keep);
	return 0;
}

/* ------------------------------------------------------------ namespaces */

static int set_namespaces(const char *key, const char *value, int *field,
			  struct conf_error *err)
{
	_cleanup_strv_free_ char **words = NULL;
	int mask = 0;

	if (!*value) {
		*field = 0;
		return 0;
	}
	if (strv_split(value, " \t", &words) < 0)
		return -ENOMEM;
	STRV_FOREACH(w, words) {
		int flag = conf_namespace_from_name(*w);

		if (flag < 0)
			return conf_bad_value(err, key, value, "unknown namespace \"%s\"", *w);
		mask |= flag;
	}
	*field |= mask;
	return 0;
}

static int get_namespaces(int mask, char **ret)
{
	if (mask == 0) {
		*ret = NULL;
		return 0;
	}
	return conf_namespaces_format(mask, ret);
}

static int set_namespace_clone(const char *key, const char *value, struct mgr_conf *conf,
			       struct conf_error *err)
{
	return set_namespaces(key, value, &conf->namespace_clone, err);
}

static int get_namespace_clone(const char *key, const struct mgr_conf *conf, char **ret)
{
	return get_namespaces(conf->namespace_clone, ret);
}

static int clear_namespace_clone(const char *key, struct mgr_conf *conf)
{
	conf->namespace_clone = 0;
	return 0;
}

static int set_namespace_keep(const char *key, const char *value, struct mgr_conf *conf,
			      struct conf_error *err)
{
	return set_namespaces(key, value, &conf->namespace_keep, err);
}

static int get_namespace_keep(const char *key, const struct mgr_conf *conf, char **ret)
{
	return get_namespaces(conf->namespace_keep, ret);
}

static int clear_namespace_keep(const char *key, struct mgr_conf *conf)
{
	conf->namespace_keep = 0;
	return 0;
}

/* ------------------------------------------------------------ networks */

static int net_index(const char *key, unsigned *ret)
{
	const char *rest;

	key = bare(key);
	if (strncmp(key, "net.", 4) != 0)
		return -EINVAL;
	return parse_index(key + 4, ret, &rest);
}

/* Position of index in the sorted array, or where it would go. */
static size_t net_position(const struct mgr_conf *conf, unsigned index, bool *ret_found)
{
	size_t i = 0;

	while (i < conf->n_nets && conf->nets[i].index < index)
		i++;
	*ret_found = i < conf->n_nets && conf->nets[i].index == index;
	return i;
}

static void net_remove(struct mgr_conf *conf, unsigned index)
{
	bool found;
	size_t i = net_position(conf, index, &found);

	if (!found)
		return;
	memmove(conf->nets + i, conf->nets + i + 1, (conf->n_nets - i - 1) * sizeof(*conf->nets));
	conf->n_nets--;
	if (conf->n_nets == 0) {
		free(conf->nets);
		conf->nets = NULL;
	}
}

static int set_net_type(const char *key, const char *value, struct mgr_conf *conf,
			struct conf_error *err)
{
	static const char *const later[] = { "veth", "macvlan", "ipvlan", "vlan", "phys" };
	enum net_type type;
	struct conf_net *nets;
	unsigned index;
	bool found;
	size_t i;

	if (net_index(key, &index) < 0)
		return conf_errorf(err, -EINVAL, "unknown key \"%s\"", key);
	if (!*value) {
		net_remove(conf, index);
		return 0;
	}
	if (streq(value, "empty"))
		type = NET_TYPE_EMPTY;
	else if (streq(value, "none"))
		type = NET_TYPE_NONE;
	else {
		for (size_t j = 0; j < ARRAY_SIZE(later); j++)
			if (streq(value, later[j]))
				return conf_bad_value(err, key, value,
						      "network type \"%s\" is not supported yet", value);
		return conf_bad_value(err, key, value, "unknown network type");
	}
	i = net_position(conf, index, &found);
	if (!found) {
		nets = realloc(conf->nets, (conf->n_nets + 1) * sizeof(*nets));
		if (!nets)
			return -ENOMEM;
		memmove(nets + i + 1, nets + i, (conf->n_nets - i) * sizeof(*nets));
		nets[i] = (struct conf_net){ .index = index };
		conf->nets = nets;
		conf->n_nets++;
	}
	conf->nets[i].type = type;
	return 0;
}

static int get_net_type(const char *key, const struct mgr_conf *conf, char **ret)
{
	unsigned index;
	bool found;
	size_t i;

	if (net_index(key, &index) < 0)
		return -EINVAL;
	i = net_position(conf, index, &found);
	if (!found || conf->nets[i].type == NET_TYPE_UNSET) {
		*ret = NULL;
		return 0;
	}
	return dup_or_null(conf->nets[i].type == NET_TYPE_EMPTY ? "empty" : "none", ret);
}

static int clear_net_type(const char *key, struct mgr_conf *conf)
{
	unsigned index;

	if (net_index(key, &index) < 0)
		return -EINVAL;
	net_remove(conf, index);
	return 0;
}

static int instances_net_type(const struct mgr_conf *conf, char ***ret)
{
	_cleanup_strv_free_ char **v = calloc(1, sizeof(char *));

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < conf->n_nets; i++) {
		char *s;

		if (asprintf(&s, "net.%u.type", conf->nets[i].index) < 0 || strv_push(&v, s) < 0)
			return -ENOMEM;
	}
	*ret = TAKE_PTR(v);
	return 0;
}

/* "net" itself: only an empty value, clearing every network. */
static int clear_net(const char *key, struct mgr_conf *conf)
{
	free(conf->nets);
	conf->nets = NULL;
	conf->n_nets = 0;
	return 0;
}

static int set_net(const char *key, const char *value, struct mgr_conf *conf,
		   struct conf_error *err)
{
	if (*value)
		return conf_bad_value(err, key, value,
				      "only an empty value is accepted, to remove every network");
	return clear_net(key, conf);
}

/* The indices of the networks, one per line. */
static int get_net(const char *key, const struct mgr_conf *conf, char **ret)
{
	_cleanup_strv_free_ char **v = NULL;

	for (size_t i = 0; i < conf->n_nets; i++) {
		char *s;

		if (asprintf(&s, "%u", conf->nets[i].index) < 0 || strv_push(&v, s) < 0)
			return -ENOMEM;
	}
	return get_strv(v, ret);
}

/* ------------------------------------------------------------ log */

static int set_log_level(const char *key, const char *value, struct mgr_conf *conf,
			 struct conf_error *err)
{
	int level = -1;

	if (*value && (level = conf_log_level_from_string(value)) < 0)
		return conf_bad_value(err, key, value,
				      "expected trace, debug, info, notice, warn, error, crit, alert, fatal or 0 to 8");
	conf->log_level = level;
	return 0;
}

static int get_log_level(const char *key, const struct mgr_conf *conf, char **ret)
{
	return dup_or_null(conf_log_level_name(conf->log_level), ret);
}

static int clear_log_level(const char *key, struct mgr_conf *conf)
{
	conf->log_level = -1;
	return 0;
}

/* ------------------------------------------------------------ groups */

static int set_group(const char *key, const char *value, struct mgr_conf *conf,
		     struct conf_error *err)
{
	_cleanup_strv_free_ char **names = NULL;
	const char *why;

	if (!*value) {
		clear_strv(&conf->groups);
		return 0;
	}
	if (strv_split(value, ", \t", &names) < 0)
		return -ENOMEM;
	STRV_FOREACH(n, names)
		if (conf_check_group_name(*n, &why) < 0)
			return conf_bad_value(err, key, value, "%s", why);
	return strv_merge_unique(&conf->groups, names);
}

static int get_group(const char *key, const struct mgr_conf *conf, char **ret)
{
	return get_strv(conf->groups, ret);
}

static int clear_group(const char *key, struct mgr_conf *conf)
{
	clear_strv(&conf->groups);
	return 0;
}

/* ------------------------------------------------------------ prlimit.NAME */

static int prlimit_resource(const char *key)
{
	key = bare(key);
	if (strncmp(key, "prlimit.", 8) != 0)
		return -EINVAL;
	return conf_prlimit_resource_from_name(key + 8);
}

static struct conf_prlimit *prlimit_find(const struct mgr_conf *conf, int resource)
{
	for (size_t i = 0; i < conf->n_prlimits; i++)
		if (conf->prlimits[i].resource == resource)
			return &conf->prlimits[i];
	return NULL;
}

static int clear_prlimit(const char *key, struct mgr_conf *conf)
{
	struct conf_prlimit *p = prlimit_find(conf, prlimit_resource(key));

	if (!p)
		return 0;
	*p = conf->prlimits[--conf->n_prlimits];
	if (conf->n_prlimits == 0) {
		free(conf->prlimits);
		conf->prlimits = NULL;
	}
	return 0;
}

static int set_prlimit(const char *key, const char *value, struct mgr_conf *conf,
		       struct conf_error *err)
{
	int resource = prlimit_resource(key);
	struct conf_prlimit *p;
	const char *why;
	rlim_t soft, hard;
	int r;

	if (resource < 0)
		return conf_errorf(err, -EINVAL, "unknown resource limit in \"%s\"", key);
	if (!*value)
		return clear_prlimit(key, conf);
	r = conf_prlimit_from_string(value, &soft, &hard, &why);
	if (r == -EINVAL)
		return conf_bad_value(err, key, value, "%s", why);
	if (r < 0)
		return r;
	p = prlimit_find(conf, resource);
	if (!p) {
		p = realloc(conf->prlimits, (conf->n_prlimits + 1) * sizeof(*p));
		if (!p)
			return -ENOMEM;
		conf->prlimits = p;
		p = &conf->prlimits[conf->n_prlimits++];
		p->resource = resource;
	}
	p->soft = soft;
	p->hard = hard;
	return 0;
}

static int get_prlimit(const char *key, const struct mgr_conf *conf, char **ret)
{
	const struct conf_prlimit *p = prlimit_find(conf, prlimit_resource(key));

	if (!p) {
		*ret = NULL;
		return 0;
	}
	return conf_prlimit_format(p->soft, p->hard, ret);
}

static int instances_prlimit(const struct mgr_conf *conf, char ***ret)
{
	_cleanup_strv_free_ char **v = calloc(1, sizeof(char *));

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < conf->n_prlimits; i++) {
		char *s;

		if (asprintf(&s, "prlimit.%s",
			     conf_prlimit_resource_name(conf->prlimits[i].resource)) < 0 ||
		    strv_push(&v, s) < 0)
			return -ENOMEM;
	}
	*ret = TAKE_PTR(v);
	return 0;
}

/* ------------------------------------------------------------ sysctl.NAME */

static struct conf_pair *sysctl_find(const struct mgr_conf *conf, const char *key)
{
	const char *name = bare(key) + strlen("sysctl.");

	for (size_t i = 0; i < conf->n_sysctls; i++)
		if (streq(conf->sysctls[i].key, name))
			return &conf->sysctls[i];
	return NULL;
}

static int clear_sysctl(const char *key, struct mgr_conf *conf)
{
	struct conf_pair *p = sysctl_find(conf, key);
	size_t i;

	if (!p)
		return 0;
	i = (size_t)(p - conf->sysctls);
	free(p->key);
	free(p->value);
	/* keep the order the user wrote them in */
	memmove(p, p + 1, (conf->n_sysctls - i - 1) * sizeof(*p));
	if (--conf->n_sysctls == 0) {
		free(conf->sysctls);
		conf->sysctls = NULL;
	}
	return 0;
}

static int set_sysctl(const char *key, const char *value, struct mgr_conf *conf,
		      struct conf_error *err)
{
	const char *name = bare(key) + strlen("sysctl."), *why;
	_cleanup_free_ char *k = NULL, *v = NULL;
	struct conf_pair *p;

	if (conf_check_sysctl_name(name, &why) < 0)
		return conf_errorf(err, -EINVAL, "unknown key \"%s\": %s", key, why);
	if (!*value)
		return clear_sysctl(key, conf);
	v = strdup(value);
	if (!v)
		return -ENOMEM;
	p = sysctl_find(conf, key);
	if (p) {
		free(p->value);
		p->value = TAKE_PTR(v);
		return 0;
	}
	k = strdup(name);
	if (!k)
		return -ENOMEM;
	p = realloc(conf->sysctls, (conf->n_sysctls + 1) * sizeof(*p));
	if (!p)
		return -ENOMEM;
	conf->sysctls = p;
	conf->sysctls[conf->n_sysctls++] = (struct conf_pair){ TAKE_PTR(k), TAKE_PTR(v) };
	return 0;
}

static int get_sysctl(const char *key, const struct mgr_conf *conf, char **ret)
{
	const struct conf_pair *p = sysctl_find(conf, key);

	return dup_or_null(p ? p->value : NULL, ret);
}

static int instances_sysctl(const struct mgr_conf *conf, char ***ret)
{
	_cleanup_strv_free_ char **v = calloc(1, sizeof(char *));

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < conf->n_sysctls; i++) {
		char *s;

		if (asprintf(&s, "sysctl.%s", conf->sysctls[i].key) < 0 || strv_push(&v, s) < 0)
			return -ENOMEM;
	}
	*ret = TAKE_PTR(v);
	return 0;
}

/* ------------------------------------------------------------ the table */

#define KEY(n, id, fl) { n, set_##id, get_##id, clear_##id, fl, NULL }
#define KEY_MANY(n, id) { n, set_##id, get_##id, clear_##id, 0, instances_##id }

static const struct conf_key keys[] = {
	KEY("uts.name", uts_name, 0),
	KEY("arch", arch, 0),
	KEY("rootfs.path", rootfs_path, 0),
	KEY("rootfs.mount", rootfs_mount, 0),
	KEY("rootfs.options", rootfs_options, 0),
	KEY("mount.entry", mount_entry, CONF_KEY_LIST),
	KEY("mount.fstab", mount_fstab, 0),
	KEY("mount.auto", mount_auto, CONF_KEY_LIST),
	KEY("autodev", autodev, 0),
	KEY("tty.max", tty_max, 0),
	KEY("tty.dir", tty_dir, 0),
	KEY("pty.max", pty_max, 0),
	KEY("console.path", console_path, 0),
	KEY("console.logfile", console_logfile, 0),
	KEY("console.size", console_size, 0),
	KEY("console.buffer.size", console_buffer_size, 0),
	KEY("init.cmd", init_cmd, 0),
	KEY("init.cwd", init_cwd, 0),
	KEY("init.uid", init_uid, 0),
	KEY("init.gid", init_gid, 0),
	KEY("environment", environment, CONF_KEY_LIST),
	KEY("signal.halt", signal_halt, 0),
	KEY("signal.reboot", signal_reboot, 0),
	KEY("signal.stop", signal_stop, 0),
	KEY("cap.drop", cap_drop, CONF_KEY_LIST),
	KEY("cap.keep", cap_keep, CONF_KEY_LIST),
	KEY("namespace.clone", namespace_clone, CONF_KEY_LIST),
	KEY("namespace.keep", namespace_keep, CONF_KEY_LIST),
	KEY("net", net, CONF_KEY_CLEAR_ONLY),
	KEY_MANY("net.N.type", net_type),
	KEY("log.file", log_file, 0),
	KEY("log.level", log_level, 0),
	KEY("start.auto", start_auto, 0),
	KEY("start.delay", start_delay, 0),
	KEY("start.order", start_order, 0),
	KEY("group", group, CONF_KEY_LIST),
	KEY_MANY("prlimit.", prlimit),
	KEY_MANY("sysctl.", sysctl),
};

/* Every key with its "mgr." prefix, in table order, plus include. */
static const char *const key_names[] = {
	"mgr.uts.name",
	"mgr.arch",
	"mgr.rootfs.path",
	"mgr.rootfs.mount",
	"mgr.rootfs.options",
	"mgr.mount.entry",
	"mgr.mount.fstab",
	"mgr.mount.auto",
	"mgr.autodev",
	"mgr.tty.max",
	"mgr.tty.dir",
	"mgr.pty.max",
	"mgr.console.path",
	"mgr.console.logfile",
	"mgr.console.size",
	"mgr.console.buffer.size",
	"mgr.init.cmd",
	"mgr.init.cwd",
	"mgr.init.uid",
	"mgr.init.gid",
	"mgr.environment",
	"mgr.signal.halt",
	"mgr.signal.reboot",
	"mgr.signal.stop",
	"mgr.cap.drop",
	"mgr.cap.keep",
	"mgr.namespace.clone",
	"mgr.namespace.keep",
	"mgr.net",
	"mgr.net.N.type",
	"mgr.log.file",
	"mgr.log.level",
	"mgr.start.auto",
	"mgr.start.delay",
	"mgr.start.order",
	"mgr.group",
	"mgr.prlimit.*",
	"mgr.sysctl.*",
	"mgr.include",
	NULL,
};

_public_ const char *const *mgr_config_keys(void)
{
	return key_names;
}

const struct conf_key *conf_key_table(size_t *ret_n)
{
	*ret_n = ARRAY_SIZE(keys);
	return keys;
}

static bool key_matches(const struct conf_key *k, const char *key)
{
	const char *n = strstr(k->name, ".N.");
	size_t len = strlen(k->name);

	if (n) {
		size_t head = (size_t)(n - k->name) + 1;
		const char *rest;
		unsigned index;

		return strncmp(key, k->name, head) == 0 &&
		       parse_index(key + head, &index, &rest) == 0 && streq(rest, n + 3);
	}
	if (k->name[len - 1] == '.')
		return strncmp(key, k->name, len) == 0 && key[len];
	return streq(key, k->name);
}

const struct conf_key *conf_key_lookup(const char *key)
{
	key = bare(key);
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (key_matches(&keys[i], key))
			return &keys[i];
	return NULL;
}
