/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The raw cgroup keys: cgroup.CONTROLLER.FILE (a cgroup v1 interface file)
 * and cgroup2.FILE (a cgroup2 one), written as given at start; and the
 * device rules, cgroup.devices.allow/deny and cgroup2.devices.allow/deny,
 * which add to or replace mgr's default allow-list whatever the host's
 * cgroup version.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "conf_keys.h"
#include "util/macro.h"

/* ------------------------------------------------------------ cgroup.* and cgroup2.* */

/* An interface file name: "memory.max", "hugetlb.2MB.limit_in_bytes". */
static int check_file_name(const char *s, const char **ret_why)
{
	size_t controller = strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_");

	if (controller == 0 || s[controller] != '.' || !s[controller + 1]) {
		*ret_why = "expected a CONTROLLER.FILE name like memory.max";
		return -EINVAL;
	}
	for (const char *p = s + controller; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.", *p) ||
		    (p[0] == '.' && (p[1] == '.' || !p[1]))) {
			*ret_why = "an interface file name has letters, digits, _ and single dots";
			return -EINVAL;
		}
	return 0;
}

static int raw_set(const char *key, const char *value, struct mgr_conf *conf, const char *prefix,
		   struct conf_error *err)
{
	const char *bare = conf_key_bare(key), *why;

	if (check_file_name(bare + strlen(prefix), &why) < 0)
		return conf_errorf(err, -EINVAL, "unknown key \"%s\": %s", key, why);
	if (!*value) {
		conf_pairs_remove(&conf->cgroup_items, &conf->n_cgroup_items, bare);
		return 0;
	}
	if (strchr(value, '\n'))
		return conf_bad_value(err, key, value, "a value is one line");
	return conf_pairs_set(&conf->cgroup_items, &conf->n_cgroup_items, bare, value);
}

static int raw_get(const char *key, const struct mgr_conf *conf, const char *prefix, char **ret)
{
	const struct conf_pair *p =
		conf_pairs_find(conf->cgroup_items, conf->n_cgroup_items, conf_key_bare(key));

	return conf_key_dup(p ? p->value : NULL, ret);
}

static int raw_clear(const char *key, struct mgr_conf *conf, const char *prefix)
{
	conf_pairs_remove(&conf->cgroup_items, &conf->n_cgroup_items, conf_key_bare(key));
	return 0;
}

/* The items of one version, in the order written. */
static int raw_instances(const struct mgr_conf *conf, const char *prefix, char ***ret)
{
	_cleanup_free_ struct conf_pair *v = calloc(conf->n_cgroup_items + 1, sizeof(*v));
	size_t n = 0;

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < conf->n_cgroup_items; i++)
		if (strncmp(conf->cgroup_items[i].key, prefix, strlen(prefix)) == 0)
			v[n++] = conf->cgroup_items[i];
	return conf_pairs_keys(v, n, "", ret);
}

FORWARD_KEY(cgroup, "cgroup.", raw_set, raw_get, raw_clear)
FORWARD_KEY(cgroup2, "cgroup2.", raw_set, raw_get, raw_clear)

int key_instances_cgroup(const struct mgr_conf *conf, char ***ret)
{
	return raw_instances(conf, "cgroup.", ret);
}

int key_instances_cgroup2(const struct mgr_conf *conf, char ***ret)
{
	return raw_instances(conf, "cgroup2.", ret);
}

/* ------------------------------------------------------------ device rules */

/* Which of the four keys. */
struct devices_key {
	int version; /* 1 cgroup.devices.*, 2 cgroup2.devices.* */
	bool allow;
};

static bool same_devices(const struct conf_device_rule *a, const struct conf_device_rule *b)
{
	return a->allow == b->allow && a->version == b->version && a->type == b->type &&
	       a->major == b->major && a->minor == b->minor;
}

static int devices_clear(const char *key, struct mgr_conf *conf, const struct devices_key *k)
{
	struct conf_devices *d = &conf->devices;
	int version = k->version;
	bool allow = k->allow;
	size_t n = 0;

	for (size_t i = 0; i < d->n_rules; i++)
		if (d->rules[i].version != version || d->rules[i].allow != allow)
			d->rules[n++] = d->rules[i];
	d->n_rules = n;
	if (n == 0) {
		free(d->rules);
		d->rules = NULL;
	}
	if (d->policy == (allow ? CONF_DEVICES_ALLOW_ALL : CONF_DEVICES_DENY_ALL) &&
	    d->policy_version == version)
		d->policy = CONF_DEVICES_DEFAULT;
	return 0;
}

/* "a" sets the policy; a rule for the same devices as an earlier one of
 * the same key adds its access to it. */
static int devices_set(const char *key, const char *value, struct mgr_conf *conf,
		       const struct devices_key *k, struct conf_error *err)
{
	struct conf_devices *d = &conf->devices;
	struct conf_device_rule rule = { .allow = k->allow, .version = k->version }, *v;
	const char *why;

	if (!*value)
		return devices_clear(key, conf, k);
	if (streq(value, "a")) {
		d->policy = k->allow ? CONF_DEVICES_ALLOW_ALL : CONF_DEVICES_DENY_ALL;
		d->policy_version = k->version;
		return 0;
	}
	if (conf_device_rule_parse(value, &rule, &why) < 0)
		return conf_bad_value(err, key, value, "%s", why);
	for (size_t i = 0; i < d->n_rules; i++)
		if (same_devices(&d->rules[i], &rule)) {
			d->rules[i].access |= rule.access;
			return 0;
		}
	v = realloc(d->rules, (d->n_rules + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	v[d->n_rules++] = rule;
	d->rules = v;
	return 0;
}

static int devices_get(const char *key, const struct mgr_conf *conf, const struct devices_key *k,
		       char **ret)
{
	const struct conf_devices *d = &conf->devices;
	_cleanup_free_ char *text = NULL;

	if (d->policy == (k->allow ? CONF_DEVICES_ALLOW_ALL : CONF_DEVICES_DENY_ALL) &&
	    d->policy_version == k->version && conf_key_add_line(&text, "a") < 0)
		return -ENOMEM;
	for (size_t i = 0; i < d->n_rules; i++) {
		_cleanup_free_ char *rule = NULL;

		if (d->rules[i].version != k->version || d->rules[i].allow != k->allow)
			continue;
		if (conf_device_rule_format(&d->rules[i], &rule) < 0 ||
		    conf_key_add_line(&text, rule) < 0)
			return -ENOMEM;
	}
	*ret = TAKE_PTR(text);
	return 0;
}

#define DEVICES_KEY(id, version, allow)                                                      \
	FORWARD_KEY(id, (&(const struct devices_key){ version, allow }), devices_set,        \
		    devices_get, devices_clear)

DEVICES_KEY(cgroup_devices_allow, 1, true)
DEVICES_KEY(cgroup_devices_deny, 1, false)
DEVICES_KEY(cgroup2_devices_allow, 2, true)
DEVICES_KEY(cgroup2_devices_deny, 2, false)

/* ------------------------------------------------------------ cgroup.view */

static const char *const cgroup_views[] = {
	[CGROUP_VIEW_AUTO] = "auto",
	[CGROUP_VIEW_LEGACY] = "legacy",
	[CGROUP_VIEW_UNIFIED] = "unified",
};

int key_set_cgroup_view(const char *key, const char *value, struct mgr_conf *conf,
			struct conf_error *err)
{
	if (!*value)
		return key_clear_cgroup_view(key, conf);
	for (size_t i = 0; i < ARRAY_SIZE(cgroup_views); i++)
		if (streq(value, cgroup_views[i])) {
			conf->cgroup_view = (int)i;
			return 0;
		}
	return conf_bad_value(err, key, value, "expected \"auto\", \"legacy\" or \"unified\"");
}

int key_get_cgroup_view(const char *key, const struct mgr_conf *conf, char **ret)
{
	if (conf->cgroup_view == CGROUP_VIEW_AUTO)
		return conf_key_dup(NULL, ret);
	return conf_key_dup(cgroup_views[conf->cgroup_view], ret);
}

int key_clear_cgroup_view(const char *key, struct mgr_conf *conf)
{
	conf->cgroup_view = CGROUP_VIEW_AUTO;
	return 0;
}
