/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The config object: allocation, errors, and the item interface used by
 * "mgr set"/"mgr get" (a key's value plus the matching edit of the user's
 * file), and the checks across keys run before a start.
 */
#include "config.h"

#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "conf_keys.h"
#include "util/macro.h"
#include "util/strv.h"

struct mgr_conf *conf_new(void)
{
	struct mgr_conf *conf = calloc(1, sizeof(*conf));

	if (!conf)
		return NULL;
	conf->autodev = -1;
	conf->privileged = -1;
	conf->rootfs_idmapped = -1;
	conf->init_uid = -1;
	conf->init_gid = -1;
	conf->log_level = -1;
	return conf;
}

void conf_free(struct mgr_conf *conf)
{
	const struct conf_key *table;
	size_t n;

	if (!conf)
		return;
	/* Each plain key frees what it owns; the indexed and prefix keys'
	 * arrays are freed below. */
	table = conf_key_table(&n);
	for (size_t i = 0; i < n; i++)
		if (!table[i].instances)
			table[i].clear(table[i].name, conf);
	conf_pairs_free(&conf->sysctls, &conf->n_sysctls);
	conf_pairs_free(&conf->cgroup_items, &conf->n_cgroup_items);
	free(conf->prlimits);
	free(conf->nets);
	strv_free(conf->include_stack);
	strv_free(conf->includes);
	strv_free(conf->unexpanded);
	strv_free(conf->included_keys);
	free(conf);
}

int conf_errorf(struct conf_error *err, int r, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return r;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return r;
}

int conf_bad_value(struct conf_error *err, const char *key, const char *value,
		   const char *why_fmt, ...)
{
	char why[256];
	va_list ap;

	if (!err)
		return -EINVAL;
	va_start(ap, why_fmt);
	vsnprintf(why, sizeof(why), why_fmt, ap);
	va_end(ap);
	return conf_errorf(err, -EINVAL, "bad value \"%s\" for \"%s\": %s", value, key, why);
}

/* key as the user should see it in messages: with its prefix. */
static char *display_key(const char *key)
{
	char *s;

	if (conf_key_strip_prefix(key))
		return strdup(key);
	if (asprintf(&s, "mgr.%s", key) < 0)
		return NULL;
	return s;
}

static const char *bare_key(const char *key)
{
	const char *s = conf_key_strip_prefix(key);

	return s ? s : key;
}

int conf_apply(struct mgr_conf *conf, const char *key, const char *value,
	       struct conf_error *err)
{
	const struct conf_key *k = conf_key_lookup(key);

	if (!k)
		return conf_errorf(err, -EINVAL, "unknown key \"%s\"", key);
	return k->set(key, value, conf, err);
}

/* "include" through the item interface: read the file now and keep an
 * include line for it. */
static int set_include(struct mgr_conf *conf, const char *key, const char *value,
		       struct conf_error *err)
{
	_cleanup_free_ char *line = NULL;
	int r;

	if (!*value) {
		r = conf_unexpanded_remove_includes(conf);
		if (r < 0)
			return r;
		strv_free(conf->includes);
		conf->includes = NULL;
		return 0;
	}
	r = conf_read_include(conf, value, err);
	if (r < 0)
		return r;
	if (asprintf(&line, "mgr.include = %s", value) < 0)
		return -ENOMEM;
	r = strv_append(&conf->includes, value);
	if (r < 0)
		return r;
	return strv_push(&conf->unexpanded, TAKE_PTR(line));
}

static char *trimmed(const char *s)
{
	size_t n;

	s += strspn(s, " \t");
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return strndup(s, n);
}

int conf_set_item(struct mgr_conf *conf, const char *key, const char *value,
		  struct conf_error *err)
{
	_cleanup_free_ char *name = display_key(key);
	_cleanup_free_ char *v = trimmed(value);
	const struct conf_key *k;
	int r;

	if (!name || !v)
		return -ENOMEM;
	if (strpbrk(v, "\n\r"))
		return conf_bad_value(err, name, value, "a value is a single line");
	if (streq(bare_key(key), "include"))
		return set_include(conf, name, v, err);
	k = conf_key_lookup(name);
	if (!k)
		return conf_errorf(err, -EINVAL, "unknown key \"%s\"", name);
	r = k->set(name, v, conf, err);
	if (r < 0)
		return r;
	return conf_unexpanded_update(conf, k, bare_key(key), v);
}

int conf_get_item(const struct mgr_conf *conf, const char *key, char **ret)
{
	const struct conf_key *k;

	if (streq(bare_key(key), "include")) {
		char *s = NULL;

		if (conf->includes && !(s = strv_join(conf->includes, "\n")))
			return -ENOMEM;
		*ret = s;
		return 0;
	}
	k = conf_key_lookup(key);
	if (!k)
		return -EINVAL;
	return k->get(key, conf, ret);
}

int conf_clear_item(struct mgr_conf *conf, const char *key)
{
	const struct conf_key *k;
	int r;

	if (streq(bare_key(key), "include"))
		return set_include(conf, key, "", NULL);
	k = conf_key_lookup(key);
	if (!k)
		return -EINVAL;
	r = k->clear(key, conf);
	if (r < 0)
		return r;
	return conf_unexpanded_update(conf, k, bare_key(key), "");
}

/* ------------------------------------------------------------ validation */

static int validate_namespaces(const struct mgr_conf *conf, struct conf_error *err)
{
	int both = conf->namespace_clone & conf->namespace_keep;

	if (both) {
		/* Name the lowest one; one is enough to fix the config. */
		const char *name = conf_namespace_name(both & -both);

		return conf_errorf(err, -EINVAL,
				   "namespace \"%s\" is in both \"mgr.namespace.clone\" and \"mgr.namespace.keep\"",
				   name ? name : "?");
	}
	for (size_t i = 0; i < conf->n_nets; i++) {
		const struct conf_net *net = &conf->nets[i];

		if (net->type == NET_TYPE_NONE && (conf->namespace_clone & CLONE_NEWNET))
			return conf_errorf(err, -EINVAL,
					   "\"mgr.net.%u.type\" is \"none\" (the host's network) but \"mgr.namespace.clone\" has \"net\"",
					   net->index);
		if (net->type == NET_TYPE_NONE || net->type == NET_TYPE_UNSET)
			continue;
		if (conf->namespace_keep & CLONE_NEWNET)
			return conf_errorf(err, -EINVAL,
					   "\"mgr.net.%u.type\" is \"%s\" (a new network namespace) but \"mgr.namespace.keep\" has \"net\"",
					   net->index, conf_net_types[net->type]);
		if (conf->namespace_clone && !(conf->namespace_clone & CLONE_NEWNET) &&
		    conf_net_has_device(net->type))
			return conf_errorf(err, -EINVAL,
					   "\"mgr.net.%u.type\" is \"%s\" (a new network namespace) but \"mgr.namespace.clone\" has no \"net\"",
					   net->index, conf_net_types[net->type]);
	}
	return 0;
}

/* The maps of a user namespace, and the namespace keys that go with them. */
static int validate_idmap(const struct mgr_conf *conf, struct conf_error *err)
{
	const char *why;

	if (conf->privileged == 1 && (conf->n_idmaps > 0 || conf->idmap_auto))
		return conf_errorf(err, -EINVAL,
				   "\"mgr.privileged = 1\" and \"mgr.idmap\" contradict each other: a "
				   "privileged container has no user namespace; clear one of them");
	if (conf->n_idmaps == 0) {
		if (conf->rootfs_idmapped == 1)
			return conf_errorf(err, -EINVAL,
					   "\"mgr.rootfs.idmapped = 1\" needs the maps of a user "
					   "namespace (\"mgr.idmap\")");
		if (conf->idmap_auto)
			return conf_errorf(err, -EINVAL,
					   "\"mgr.idmap = auto\" has no range yet (mgr-create picks one): "
					   "give the maps, e.g. \"mgr.idmap = u 0 100000 65536\" and "
					   "\"mgr.idmap = g 0 100000 65536\"");
		if (conf->namespace_clone & CLONE_NEWUSER)
			return conf_errorf(err, -EINVAL,
					   "\"mgr.namespace.clone\" has \"user\" but no \"mgr.idmap\" says how to map its ids");
		return 0;
	}
	if (idmap_check(conf->idmaps, conf->n_idmaps, &why) < 0)
		return conf_errorf(err, -EINVAL, "\"mgr.idmap\": %s", why);
	if (conf->namespace_keep & CLONE_NEWUSER)
		return conf_errorf(err, -EINVAL,
				   "\"mgr.idmap\" asks for a user namespace but \"mgr.namespace.keep\" has \"user\"");
	return 0;
}

int conf_validate(const struct mgr_conf *conf, struct conf_error *err)
{
	int r;

	if (strv_length(conf->cap_drop) > 0 && strv_length(conf->cap_keep) > 0)
		return conf_errorf(err, -EINVAL,
				   "\"mgr.cap.drop\" and \"mgr.cap.keep\" cannot both be set");
	r = validate_namespaces(conf, err);
	if (r < 0)
		return r;
	r = validate_idmap(conf, err);
	if (r < 0)
		return r;
	return conf_net_validate(conf, err);
}
