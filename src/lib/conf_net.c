/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The networks as a whole: the names their devices get inside the
 * container, and the checks across their keys that a start needs to pass
 * before anything is created.  What only the host can tell (does the link
 * exist, is it a bridge) is checked by network.c.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "util/macro.h"

bool conf_net_has_device(enum net_type type)
{
	return type >= NET_TYPE_VETH && type < _NET_TYPE_MAX;
}

static bool name_given(const struct mgr_conf *conf, const char *name)
{
	for (size_t i = 0; i < conf->n_nets; i++)
		if (conf_net_has_device(conf->nets[i].type) && conf->nets[i].name &&
		    streq(conf->nets[i].name, name))
			return true;
	return false;
}

void conf_net_names(const struct mgr_conf *conf, char (*ret)[CONF_IFNAMSIZ])
{
	unsigned next = 0;

	for (size_t i = 0; i < conf->n_nets; i++) {
		const struct conf_net *net = &conf->nets[i];

		ret[i][0] = 0;
		if (!conf_net_has_device(net->type))
			continue;
		if (net->name) {
			snprintf(ret[i], CONF_IFNAMSIZ, "%s", net->name);
			continue;
		}
		do
			snprintf(ret[i], CONF_IFNAMSIZ, "eth%u", next++);
		while (name_given(conf, ret[i]));
	}
}

static int check_gateway(const struct conf_net *net, const char *family, const char *gateway,
			 struct conf_error *err)
{
	if (!gateway)
		return 0;
	if (!(net->flags & NET_FLAG_UP))
		return conf_errorf(err, -EINVAL,
				   "\"mgr.net.%u.%s.gateway\" needs \"mgr.net.%u.flags = up\"",
				   net->index, family, net->index);
	if (streq(gateway, "auto") && (net->type != NET_TYPE_VETH || !net->link))
		return conf_errorf(err, -EINVAL,
				   "\"mgr.net.%u.%s.gateway\" is \"auto\", which needs a veth network on a bridge (\"mgr.net.%u.link\")",
				   net->index, family, net->index);
	return 0;
}

/* One network on its own. */
static int check_net(const struct mgr_conf *conf, const struct conf_net *net,
		     struct conf_error *err)
{
	const char *type = conf_net_types[net->type];
	int r;

	if (net->type == NET_TYPE_UNSET)
		return conf_errorf(err, -EINVAL, "\"mgr.net.%u.type\" is not set", net->index);
	if (net->type == NET_TYPE_NONE && conf->n_nets > 1)
		return conf_errorf(err, -EINVAL,
				   "\"mgr.net.%u.type\" is \"none\" (the host's network), which cannot be combined with other networks",
				   net->index);
	if (conf_net_has_device(net->type) && net->type != NET_TYPE_VETH && !net->link)
		return conf_errorf(err, -EINVAL,
				   "\"mgr.net.%u.link\" is not set: a %s network needs it",
				   net->index, type);
	if (net->type == NET_TYPE_VLAN && net->vlan_id < 0)
		return conf_errorf(err, -EINVAL,
				   "\"mgr.net.%u.vlan.id\" is not set: a vlan network needs it",
				   net->index);
	if (!conf_net_has_device(net->type))
		return 0;
	r = check_gateway(net, "ipv4", net->ipv4_gateway, err);
	if (r == 0)
		r = check_gateway(net, "ipv6", net->ipv6_gateway, err);
	return r;
}

/* What two networks may not share: a name inside, a host end, a device
 * moved into the container (which then is no parent of another). */
static int check_pair(const struct conf_net *a, const struct conf_net *b, const char *name_a,
		      const char *name_b, struct conf_error *err)
{
	if (*name_a && streq(name_a, name_b))
		return conf_errorf(err, -EINVAL,
				   "\"mgr.net.%u.name\" \"%s\" is also the name of network %u",
				   b->index, name_b, a->index);
	if (a->type == NET_TYPE_VETH && b->type == NET_TYPE_VETH && a->veth_pair &&
	    b->veth_pair && streq(a->veth_pair, b->veth_pair))
		return conf_errorf(err, -EINVAL,
				   "\"mgr.net.%u.veth.pair\" \"%s\" is also the host end of network %u",
				   b->index, b->veth_pair, a->index);
	if (a->type == NET_TYPE_PHYS && conf_net_has_device(b->type) && b->link &&
	    streq(a->link, b->link))
		return conf_errorf(err, -EINVAL,
				   "\"mgr.net.%u.link\" \"%s\" is moved into the container by network %u",
				   b->index, b->link, a->index);
	return 0;
}

int conf_net_validate(const struct mgr_conf *conf, struct conf_error *err)
{
	char (*names)[CONF_IFNAMSIZ];
	int r = 0;

	for (size_t i = 0; i < conf->n_nets && r == 0; i++)
		r = check_net(conf, &conf->nets[i], err);
	if (r < 0 || conf->n_nets == 0)
		return r;
	names = calloc(conf->n_nets, sizeof(*names));
	if (!names)
		return -ENOMEM;
	conf_net_names(conf, names);
	for (size_t i = 0; i < conf->n_nets && r == 0; i++) {
		if (streq(names[i], "lo"))
			r = conf_errorf(err, -EINVAL,
					"\"mgr.net.%u.name\" \"lo\" is the loopback device's",
					conf->nets[i].index);
		for (size_t j = 0; j < conf->n_nets && r == 0; j++)
			if (j != i && (j < i || conf->nets[j].type == NET_TYPE_PHYS))
				r = check_pair(&conf->nets[j], &conf->nets[i], names[j], names[i],
					       err);
	}
	free(names);
	return r;
}
