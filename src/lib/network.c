/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The container's networks before anything is made: the checks on the
 * host and the settings of each (see network.h); and the monitor's answer
 * about them. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "network.h"
#include "start.h"
#include "util/strv.h"

/* A message that is complete as it is (no strerror appended). */
static int net_error(struct mgr_container *c, int err, const char *fmt, ...) _printf_(3, 4);
static int net_error(struct mgr_container *c, int err, const char *fmt, ...)
{
	char msg[sizeof(c->error)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return container_error_msg(c, err, msg);
}

void network_veth_pair_name(const char *path, const char *name, unsigned index, unsigned salt,
			    char ret[CONF_IFNAMSIZ])
{
	uint32_t h = 2166136261u; /* FNV-1a */
	const char *parts[] = { path, "/", name };

	for (size_t i = 0; i < ARRAY_SIZE(parts); i++)
		for (const char *p = parts[i]; *p; p++)
			h = (h ^ (unsigned char)*p) * 16777619u;
	for (unsigned i = 0; i < 4; i++)
		h = (h ^ ((salt >> (8 * i)) & 0xff)) * 16777619u;
	snprintf(ret, CONF_IFNAMSIZ, "mgr%07x-%u", h & 0xfffffff, index % 10000);
}

/* ------------------------------------------------------------ before anything is made */

/* Where a veth's host end will be: veth.pair, else the first free
 * derived name from salt on. */
static int choose_host_name(struct start_ctx *ctx, struct nlconn *host, struct net_state *s,
			    unsigned salt)
{
	const struct conf_net *net = s->conf;
	struct link_info li;
	int r;

	if (net->veth_pair) {
		snprintf(s->host_name, sizeof(s->host_name), "%s", net->veth_pair);
		r = link_get(host, 0, net->veth_pair, &li);
		if (r == 0)
			return net_error(ctx->c, -EEXIST, "net.%u.veth.pair \"%s\" exists already",
					 net->index, net->veth_pair);
		return r == -ENODEV ? 0 : container_error(ctx->c, r, "Failed to look up \"%s\"",
							   net->veth_pair);
	}
	for (s->salt = salt; s->salt < salt + 64; s->salt++) {
		network_veth_pair_name(ctx->c->path, ctx->c->name, net->index, s->salt, s->host_name);
		r = link_get(host, 0, s->host_name, &li);
		if (r == -ENODEV)
			return 0;
		if (r < 0)
			return container_error(ctx->c, r, "Failed to look up \"%s\"", s->host_name);
	}
	return net_error(ctx->c, -EEXIST, "No free name for the host end of net.%u", net->index);
}

/* A gateway value: an address, or for "auto" the first of the bridge's. */
static int resolve_gateway(struct start_ctx *ctx, struct nlconn *host, struct net_state *s,
			   int family)
{
	const struct conf_net *net = s->conf;
	const char *value = family == AF_INET ? net->ipv4_gateway : net->ipv6_gateway;
	const char *what = family == AF_INET ? "ipv4" : "ipv6";
	struct net_addr *gw = family == AF_INET ? &s->gateway4 : &s->gateway6;
	_cleanup_free_ struct net_addr *bridge = NULL;
	const char *why;
	size_t n = 0;
	bool is_auto;
	int r;

	if (!value)
		return 0;
	if (conf_net_gateway_parse(value, family, gw, &is_auto, &why) < 0)
		return net_error(ctx->c, -EINVAL, "net.%u.%s.gateway \"%s\": %s", net->index, what,
				 value, why);
	if (!is_auto)
		return 0;
	r = addr_list(host, family, s->link_ifindex, &bridge, &n);
	if (r < 0)
		return container_error(ctx->c, r, "Failed to read the addresses of \"%s\"",
				       net->link);
	if (n == 0)
		return net_error(ctx->c, -EADDRNOTAVAIL,
				 "net.%u.%s.gateway is \"auto\" but bridge \"%s\" has no %s address",
				 net->index, what, net->link, family == AF_INET ? "IPv4" : "IPv6");
	*gw = bridge[0];
	return 0;
}

static int check_script(struct start_ctx *ctx, const struct conf_net *net, const char *what,
			const char *path)
{
	if (path && access(path, X_OK) < 0)
		return container_error(ctx->c, -errno, "net.%u.script.%s \"%s\" cannot be run",
				       net->index, what, path);
	return 0;
}

/* What the host must offer for one network, and its settings. */
static int prepare_one(struct start_ctx *ctx, struct nlconn *host, struct net_state *s)
{
	const struct conf_net *net = s->conf;
	struct link_info li = { 0 };
	int r;

	r = check_script(ctx, net, "up", net->script_up);
	if (r == 0)
		r = check_script(ctx, net, "down", net->script_down);
	if (r < 0 || !conf_net_has_device(net->type))
		return r;
	if (net->link) {
		r = link_get(host, 0, net->link, &li);
		if (r == -ENODEV)
			return net_error(ctx->c, r, "net.%u.link \"%s\" does not exist", net->index,
					 net->link);
		if (r < 0)
			return container_error(ctx->c, r, "Failed to look up net.%u.link \"%s\"",
					       net->index, net->link);
		if (net->type == NET_TYPE_VETH && !li.is_bridge)
			return net_error(ctx->c, -EINVAL, "net.%u.link \"%s\" is not a bridge",
					 net->index, net->link);
		s->link_ifindex = li.ifindex;
	}
	/* A veth on a bridge takes the bridge's MTU unless told otherwise. */
	s->mtu = net->mtu > 0 ? (unsigned)net->mtu : net->type == NET_TYPE_VETH ? li.mtu : 0;
	/* An ipvlan device always has the MAC address of its link. */
	if (net->hwaddr && net->type != NET_TYPE_IPVLAN) {
		char mac[18];

		r = conf_net_hwaddr_randomize(net->hwaddr, mac);
		if (r < 0)
			return container_error(ctx->c, r, "Failed to make a MAC address");
		for (size_t i = 0; i < 6; i++)
			s->mac[i] = (unsigned char)strtoul(mac + 3 * i, NULL, 16);
		s->has_mac = true;
	}
	if (net->type == NET_TYPE_VETH) {
		r = choose_host_name(ctx, host, s, 0);
		if (r < 0)
			return r;
	}
	r = resolve_gateway(ctx, host, s, AF_INET);
	if (r == 0)
		r = resolve_gateway(ctx, host, s, AF_INET6);
	return r;
}

int network_prepare(struct start_ctx *ctx)
{
	const struct mgr_conf *conf = ctx->c->conf;
	char (*names)[CONF_IFNAMSIZ] = NULL;
	struct nlconn host = { 0 };
	struct network *net;
	int r;

	ctx->net = NULL;
	/* A user other than root has only a loopback, which init brings up. */
	if (!(ctx->clone_flags & CLONE_NEWNET) || conf->n_nets == 0 || geteuid() != 0)
		return 0;
	net = calloc(1, sizeof(*net) + conf->n_nets * sizeof(net->nets[0]));
	names = calloc(conf->n_nets, sizeof(*names));
	if (!net || !names) {
		free(net);
		free(names);
		return container_error(ctx->c, -ENOMEM, "Failed to set up the network");
	}
	net->netns_fd = net->host_netns_fd = -1;
	net->n = conf->n_nets;
	ctx->net = net;
	conf_net_names(conf, names);
	r = nlconn_open(&host, -1);
	if (r < 0)
		container_error(ctx->c, r, "Failed to open a netlink socket");
	for (size_t i = 0; i < net->n && r == 0; i++) {
		net->nets[i].conf = &conf->nets[i];
		memcpy(net->nets[i].name, names[i], sizeof(names[i]));
		r = prepare_one(ctx, &host, &net->nets[i]);
	}
	nlconn_close(&host);
	free(names);
	if (r < 0) {
		free(TAKE_PTR(ctx->net));
		return r;
	}
	return 0;
}

/* ------------------------------------------------------------ the monitor's answer */

int network_links_send(const struct start_ctx *ctx, int fd)
{
	_cleanup_strv_free_ char **names = NULL;
	_cleanup_free_ char *text = NULL;
	struct cmd_rsp rsp = { 0 };
	const struct network *net = ctx->net;
	int r;

	for (size_t i = 0; net && i < net->n; i++)
		if (net->nets[i].host_ifindex > 0 && strv_append(&names, net->nets[i].host_name) < 0)
			rsp.ret = -ENOMEM;
	text = names ? strv_join(names, "\n") : strdup("");
	if (!text)
		rsp.ret = -ENOMEM;
	if (rsp.ret == 0)
		rsp.value64 = (int64_t)strlen(text);
	r = cmd_send(fd, &rsp, sizeof(rsp));
	if (r < 0 || rsp.ret < 0)
		return r;
	return cmd_send(fd, text, strlen(text));
}
