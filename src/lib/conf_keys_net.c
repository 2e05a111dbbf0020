/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The network keys: net.N.type for each network, kept sorted by N, and
 * "net" itself, which lists the indices and only takes an empty value
 * (removing every network).
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "conf_keys.h"
#include "util/macro.h"
#include "util/strv.h"

static int net_index(const char *key, unsigned *ret)
{
	const char *rest;

	key = conf_key_bare(key);
	if (strncmp(key, "net.", 4) != 0)
		return -EINVAL;
	return conf_key_parse_index(key + 4, ret, &rest);
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

int key_set_net_type(const char *key, const char *value, struct mgr_conf *conf,
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

int key_get_net_type(const char *key, const struct mgr_conf *conf, char **ret)
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
	return conf_key_dup(conf->nets[i].type == NET_TYPE_EMPTY ? "empty" : "none", ret);
}

int key_clear_net_type(const char *key, struct mgr_conf *conf)
{
	unsigned index;

	if (net_index(key, &index) < 0)
		return -EINVAL;
	net_remove(conf, index);
	return 0;
}

int key_instances_net_type(const struct mgr_conf *conf, char ***ret)
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
int key_clear_net(const char *key, struct mgr_conf *conf)
{
	free(conf->nets);
	conf->nets = NULL;
	conf->n_nets = 0;
	return 0;
}

int key_set_net(const char *key, const char *value, struct mgr_conf *conf,
		struct conf_error *err)
{
	if (*value)
		return conf_bad_value(err, key, value,
				      "only an empty value is accepted, to remove every network");
	return key_clear_net(key, conf);
}

/* The indices of the networks, one per line. */
int key_get_net(const char *key, const struct mgr_conf *conf, char **ret)
{
	_cleanup_strv_free_ char **v = NULL;

	for (size_t i = 0; i < conf->n_nets; i++) {
		char *s;

		if (asprintf(&s, "%u", conf->nets[i].index) < 0 || strv_push(&v, s) < 0)
			return -ENOMEM;
	}
	return conf_key_get_strv(v, ret);
}
