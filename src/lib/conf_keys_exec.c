/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The keys of what init runs and the world it runs in: uts.name, arch,
 * init.*, environment, the signals that stop it, its capabilities and its
 * namespaces.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf.h"
#include "conf_keys.h"
#include "util/macro.h"
#include "util/strv.h"

/* A signal key: "SIGPWR", "PWR", "30", "SIGRTMIN+3"; 0 is unset. */
#define SIGNAL_KEY(id, field)                                                                \
	int key_set_##id(const char *key, const char *value, struct mgr_conf *conf,          \
			 struct conf_error *err)                                             \
	{                                                                                    \
		int sig = 0;                                                                 \
                                                                                             \
		if (*value && (sig = conf_signal_from_name(value)) < 0)                      \
			return conf_bad_value(err, key, value, "unknown signal");            \
		conf->field = sig;                                                           \
		return 0;                                                                    \
	}                                                                                    \
	int key_get_##id(const char *key, const struct mgr_conf *conf, char **ret)           \
	{                                                                                    \
		if (conf->field == 0) {                                                      \
			*ret = NULL;                                                         \
			return 0;                                                            \
		}                                                                            \
		return conf_signal_name(conf->field, ret);                                   \
	}                                                                                    \
	int key_clear_##id(const char *key, struct mgr_conf *conf)                           \
	{                                                                                    \
		conf->field = 0;                                                             \
		return 0;                                                                    \
	}

STRING_KEY(uts_name, uts_name, conf_check_hostname)
STRING_KEY(arch, arch, conf_check_arch)
STRING_KEY(init_cwd, init_cwd, conf_check_absolute_path)

NUMBER_KEY(init_uid, init_uid, 0, 4294967294LL, -1)
NUMBER_KEY(init_gid, init_gid, 0, 4294967294LL, -1)

SIGNAL_KEY(signal_halt, signal_halt)
SIGNAL_KEY(signal_reboot, signal_reboot)
SIGNAL_KEY(signal_stop, signal_stop)

/* ------------------------------------------------------------ init */

int key_set_init_cmd(const char *key, const char *value, struct mgr_conf *conf,
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

int key_get_init_cmd(const char *key, const struct mgr_conf *conf, char **ret)
{
	if (!conf->init_cmd) {
		*ret = NULL;
		return 0;
	}
	return conf_join_quoted(conf->init_cmd, ret);
}

int key_clear_init_cmd(const char *key, struct mgr_conf *conf)
{
	conf_key_clear_strv(&conf->init_cmd);
	return 0;
}

/* KEY=VALUE replaces an earlier KEY, so that get shows what init gets. */
int key_set_environment(const char *key, const char *value, struct mgr_conf *conf,
			struct conf_error *err)
{
	const char *why;
	size_t n = strcspn(value, "=");
	char *s;

	if (!*value) {
		conf_key_clear_strv(&conf->environment);
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

int key_get_environment(const char *key, const struct mgr_conf *conf, char **ret)
{
	return conf_key_get_strv(conf->environment, ret);
}

int key_clear_environment(const char *key, struct mgr_conf *conf)
{
	conf_key_clear_strv(&conf->environment);
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
		conf_key_clear_strv(field);
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
	return conf_key_merge_words(field, caps);
}

int key_set_cap_drop(const char *key, const char *value, struct mgr_conf *conf,
		     struct conf_error *err)
{
	return set_caps(key, value, &conf->cap_drop, false, err);
}

int key_get_cap_drop(const char *key, const struct mgr_conf *conf, char **ret)
{
	return conf_key_get_strv(conf->cap_drop, ret);
}

int key_clear_cap_drop(const char *key, struct mgr_conf *conf)
{
	conf_key_clear_strv(&conf->cap_drop);
	return 0;
}

int key_set_cap_keep(const char *key, const char *value, struct mgr_conf *conf,
		     struct conf_error *err)
{
	return set_caps(key, value, &conf->cap_keep, true, err);
}

int key_get_cap_keep(const char *key, const struct mgr_conf *conf, char **ret)
{
	return conf_key_get_strv(conf->cap_keep, ret);
}

int key_clear_cap_keep(const char *key, struct mgr_conf *conf)
{
	conf_key_clear_strv(&conf->cap_keep);
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

int key_set_namespace_clone(const char *key, const char *value, struct mgr_conf *conf,
			    struct conf_error *err)
{
	return set_namespaces(key, value, &conf->namespace_clone, err);
}

int key_get_namespace_clone(const char *key, const struct mgr_conf *conf, char **ret)
{
	return get_namespaces(conf->namespace_clone, ret);
}

int key_clear_namespace_clone(const char *key, struct mgr_conf *conf)
{
	conf->namespace_clone = 0;
	return 0;
}

int key_set_namespace_keep(const char *key, const char *value, struct mgr_conf *conf,
			   struct conf_error *err)
{
	return set_namespaces(key, value, &conf->namespace_keep, err);
}

int key_get_namespace_keep(const char *key, const struct mgr_conf *conf, char **ret)
{
	return get_namespaces(conf->namespace_keep, ret);
}

int key_clear_namespace_keep(const char *key, struct mgr_conf *conf)
{
	conf->namespace_keep = 0;
	return 0;
}
