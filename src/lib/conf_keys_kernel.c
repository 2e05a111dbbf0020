/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The keys that name a kernel setting after their prefix: prlimit.NAME
 * (a resource limit of init) and sysctl.NAME (a sysctl in the container).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "conf_keys.h"
#include "util/macro.h"
#include "util/strv.h"

/* ------------------------------------------------------------ prlimit.NAME */

static int prlimit_resource(const char *key)
{
	key = conf_key_bare(key);
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

int key_clear_prlimit(const char *key, struct mgr_conf *conf)
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

int key_set_prlimit(const char *key, const char *value, struct mgr_conf *conf,
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
		return key_clear_prlimit(key, conf);
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

int key_get_prlimit(const char *key, const struct mgr_conf *conf, char **ret)
{
	const struct conf_prlimit *p = prlimit_find(conf, prlimit_resource(key));

	if (!p) {
		*ret = NULL;
		return 0;
	}
	return conf_prlimit_format(p->soft, p->hard, ret);
}

int key_instances_prlimit(const struct mgr_conf *conf, char ***ret)
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

static const char *sysctl_name(const char *key)
{
	return conf_key_bare(key) + strlen("sysctl.");
}

int key_clear_sysctl(const char *key, struct mgr_conf *conf)
{
	conf_pairs_remove(&conf->sysctls, &conf->n_sysctls, sysctl_name(key));
	return 0;
}

int key_set_sysctl(const char *key, const char *value, struct mgr_conf *conf,
		   struct conf_error *err)
{
	const char *why;

	if (conf_check_sysctl_name(sysctl_name(key), &why) < 0)
		return conf_errorf(err, -EINVAL, "unknown key \"%s\": %s", key, why);
	if (!*value)
		return key_clear_sysctl(key, conf);
	return conf_pairs_set(&conf->sysctls, &conf->n_sysctls, sysctl_name(key), value);
}

int key_get_sysctl(const char *key, const struct mgr_conf *conf, char **ret)
{
	const struct conf_pair *p = conf_pairs_find(conf->sysctls, conf->n_sysctls, sysctl_name(key));

	return conf_key_dup(p ? p->value : NULL, ret);
}

int key_instances_sysctl(const struct mgr_conf *conf, char ***ret)
{
	return conf_pairs_keys(conf->sysctls, conf->n_sysctls, "sysctl.", ret);
}
