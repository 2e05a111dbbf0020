/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Making the networks' devices after clone, and removing them at stop
 * (see network.h for the order). */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "log.h"
#include "network.h"
#include "start.h"
#include "util/strv.h"

/* A name for a phys device on its way in, free in the new namespace. */
static void phys_transit_name(const struct net_state *s, char ret[CONF_IFNAMSIZ])
{
	snprintf(ret, CONF_IFNAMSIZ, "mgrphys%u", s->conf->index);
}

/* The host end of a veth gets a high MAC address (fe:...), so that a
 * bridge, which takes the lowest of its ports', keeps its own. */
static int host_end_mac(unsigned char mac[6])
{
	if (getrandom(mac + 1, 5, 0) != 5)
		return negative_errno();
	mac[0] = 0xfe;
	return 0;
}

static int make_veth(struct start_ctx *ctx, struct nlconn *host, struct net_state *s)
{
	struct link_attrs h = LINK_ATTRS_INIT, p = LINK_ATTRS_INIT;
	unsigned char mac[6];
	int r = host_end_mac(mac);

	if (r < 0)
		return container_error(ctx->c, r, "Failed to make a MAC address");
	h.name = s->host_name;
	h.mtu = p.mtu = s->mtu;
	h.mac = mac;
	h.master = s->link_ifindex;
	h.up = 1;
	p.name = s->name;
	p.mac = s->has_mac ? s->mac : NULL;
	p.netns_fd = ctx->net->netns_fd;
	for (unsigned tries = 0;; tries++) {
		r = link_add_veth(host, &h, &p);
		/* Someone took the derived name since: the next one. */
		if (r != -EEXIST || s->conf->veth_pair || tries == 8)
			break;
		network_veth_pair_name(ctx->c->path, ctx->c->name, s->conf->index, ++s->salt,
				       s->host_name);
	}
	if (r < 0)
		return container_error(ctx->c, r, "Failed to create the veth pair \"%s\" of net.%u",
				       s->host_name, s->conf->index);
	return 0;
}

/* Make the device of one network (inside, named; the host end of a veth
 * on its bridge and up) and note its ifindex. */
static int make_device(struct start_ctx *ctx, struct nlconn *host, struct nlconn *inside,
		       struct net_state *s)
{
	const struct conf_net *net = s->conf;
	struct link_attrs a = LINK_ATTRS_INIT;
	char transit[CONF_IFNAMSIZ];
	struct link_info li;
	int r;

	a.netns_fd = ctx->net->netns_fd;
	switch (net->type) {
	case NET_TYPE_VETH:
		r = make_veth(ctx, host, s);
		if (r < 0)
			return r;
		s->made = true;
		r = link_get(host, 0, s->host_name, &li);
		s->host_ifindex = r == 0 ? li.ifindex : 0;
		break;
	case NET_TYPE_MACVLAN:
	case NET_TYPE_IPVLAN:
	case NET_TYPE_VLAN:
		a.name = s->name;
		a.mtu = s->mtu;
		a.mac = s->has_mac ? s->mac : NULL;
		r = link_add_on_parent(host, net, s->link_ifindex, &a);
		if (r < 0)
			return container_error(ctx->c, r, "Failed to create the %s device of net.%u on \"%s\"",
					       conf_net_types[net->type], net->index, net->link);
		s->made = true;
		break;
	case NET_TYPE_PHYS:
		r = link_get(host, s->link_ifindex, NULL, &li);
		if (r == 0) {
			snprintf(s->host_name, sizeof(s->host_name), "%s", li.name);
			s->phys_mtu = li.mtu;
			memcpy(s->phys_mac, li.mac, sizeof(s->phys_mac));
			phys_transit_name(s, transit);
			a.name = transit;
			r = link_change(host, s->link_ifindex, &a);
		}
		if (r < 0)
			return container_error(ctx->c, r, "Failed to move \"%s\" (net.%u) into the container",
					       net->link, net->index);
		s->made = true;
		break;
	default:
		s->made = true; /* nothing to make, but script.down is due */
		return 0;
	}
	r = link_get(inside, 0, net->type == NET_TYPE_PHYS ? transit : s->name, &li);
	if (r < 0)
		return container_error(ctx->c, r, "Failed to find the device of net.%u in the container",
				       net->index);
	s->ifindex = li.ifindex;
	return 0;
}

/* Inside: a phys device's name and settings, the addresses, up. */
static int configure_device(struct start_ctx *ctx, struct nlconn *inside, struct net_state *s)
{
	const struct conf_net *net = s->conf;
	struct link_attrs a = LINK_ATTRS_INIT;
	int r = 0;

	if (net->type == NET_TYPE_PHYS) {
		a.name = s->name;
		a.mtu = s->mtu;
		a.mac = s->has_mac ? s->mac : NULL;
		r = link_change(inside, s->ifindex, &a);
		if (r < 0)
			return container_error(ctx->c, r, "Failed to rename \"%s\" to \"%s\" in the container",
					       net->link, s->name);
	}
	for (int v6 = 0; v6 < 2; v6++)
		STRV_FOREACH(text, v6 ? net->ipv6_addresses : net->ipv4_addresses) {
			struct net_addr addr;
			const char *why;

			r = conf_net_addr_parse(*text, v6 ? AF_INET6 : AF_INET, &addr, &why);
			if (r == 0)
				r = addr_add(inside, s->ifindex, &addr);
			if (r < 0)
				return container_error(ctx->c, r, "Failed to add the address %s to \"%s\" (net.%u)",
						       *text, s->name, net->index);
		}
	if (net->flags & NET_FLAG_UP) {
		a = (struct link_attrs)LINK_ATTRS_INIT;
		a.up = 1;
		r = link_change(inside, s->ifindex, &a);
		if (r < 0)
			return container_error(ctx->c, r, "Failed to bring \"%s\" (net.%u) up",
					       s->name, net->index);
	}
	return 0;
}

static int add_routes(struct start_ctx *ctx, struct nlconn *inside, const struct net_state *s)
{
	const struct net_addr *gw[] = { s->conf->ipv4_gateway ? &s->gateway4 : NULL,
					s->conf->ipv6_gateway ? &s->gateway6 : NULL };
	char text[INET6_ADDRSTRLEN];
	int r;

	for (size_t i = 0; i < ARRAY_SIZE(gw); i++) {
		if (!gw[i])
			continue;
		r = route_add_default(inside, s->ifindex, gw[i]);
		if (r < 0)
			return container_error(ctx->c, r, "Failed to add the default route via %s on \"%s\" (net.%u)",
					       inet_ntop(gw[i]->family, gw[i]->addr, text, sizeof(text)),
					       s->name, s->conf->index);
	}
	return 0;
}

static int lo_up(struct start_ctx *ctx, struct nlconn *inside)
{
	struct link_attrs a = LINK_ATTRS_INIT;
	struct link_info lo;
	int r = link_get(inside, 0, "lo", &lo);

	a.up = 1;
	if (r == 0)
		r = link_change(inside, lo.ifindex, &a);
	return r < 0 ? container_error(ctx->c, r, "Failed to bring lo up in the container") : 0;
}

static int open_netns(struct start_ctx *ctx)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)ctx->init_pid);
	ctx->net->netns_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (ctx->net->netns_fd < 0)
		return container_error(ctx->c, -errno, "Failed to open \"%s\"", path);
	ctx->net->host_netns_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (ctx->net->host_netns_fd < 0)
		return container_error(ctx->c, -errno, "Failed to open the host's network namespace");
	return 0;
}

int network_create(struct start_ctx *ctx)
{
	struct network *net = ctx->net;
	struct nlconn host = { 0 }, inside = { 0 };
	int r;

	if (!net)
		return 0;
	r = open_netns(ctx);
	if (r < 0)
		return r;
	r = nlconn_open(&host, -1);
	if (r == 0)
		r = nlconn_open(&inside, net->netns_fd);
	if (r < 0) {
		container_error(ctx->c, r, "Failed to open a netlink socket");
		goto out;
	}
	for (size_t i = 0; i < net->n && r == 0; i++) {
		char err[512];

		r = make_device(ctx, &host, &inside, &net->nets[i]);
		if (r == 0 && (r = network_script_run(ctx, &net->nets[i], "up", err, sizeof(err))) < 0)
			container_error_msg(ctx->c, r, err);
	}
	for (size_t i = 0; i < net->n && r == 0; i++)
		if (conf_net_has_device(net->nets[i].conf->type))
			r = configure_device(ctx, &inside, &net->nets[i]);
	if (r == 0)
		r = lo_up(ctx, &inside);
	for (size_t i = 0; i < net->n && r == 0; i++)
		if (conf_net_has_device(net->nets[i].conf->type))
			r = add_routes(ctx, &inside, &net->nets[i]);
out:
	nlconn_close(&host);
	nlconn_close(&inside);
	return r;
}

/* ------------------------------------------------------------ teardown */

/* Back to the host under its old name, with its old MTU and MAC. */
static void phys_give_back(struct network *net, struct nlconn *host, struct nlconn *inside,
			   const struct net_state *s)
{
	struct link_attrs a = LINK_ATTRS_INIT;
	struct link_info li;
	int r = -ENODEV;

	a.name = s->host_name;
	a.mtu = s->mtu ? s->phys_mtu : 0;
	a.mac = s->has_mac ? s->phys_mac : NULL;
	a.netns_fd = net->host_netns_fd;
	if (inside->sk && s->ifindex > 0)
		r = link_change(inside, s->ifindex, &a);
	if (r == -ENODEV) {
		/* Back already, under the name it had inside (the namespace
		 * went first, or it never got renamed): only the name. */
		a.netns_fd = -1;
		r = link_get(host, s->link_ifindex, NULL, &li);
		if (r == 0 && memcmp(li.mac, s->has_mac ? s->mac : s->phys_mac, 6) != 0)
			r = -ENODEV; /* not the device that went in */
		if (r == 0 && !streq(li.name, s->host_name))
			r = link_change(host, li.ifindex, &a);
	}
	if (r < 0)
		log_error_errno(r, "Failed to give \"%s\" (net.%u) back to the host: %m", s->host_name,
				s->conf->index);
}

static void teardown_one(struct start_ctx *ctx, struct nlconn *host, struct nlconn *inside,
			 struct net_state *s)
{
	struct link_info li;
	char err[512];
	int r;


	if (network_script_run(ctx, s, "down", err, sizeof(err)) < 0)
		log_error_errno(0, "%s", err);
	if (s->conf->type == NET_TYPE_PHYS) {
		phys_give_back(ctx->net, host, inside, s);
		return;
	}
	if (inside->sk && s->ifindex > 0) {
		r = link_delete(inside, s->ifindex);
		if (r < 0 && r != -ENODEV)
			log_error_errno(r, "Failed to delete \"%s\" (net.%u): %m", s->name,
					s->conf->index);
	}
	/* The host end goes with its peer; if it is still there, now. */
	if (s->host_ifindex > 0 && link_get(host, s->host_ifindex, NULL, &li) == 0 &&
	    streq(li.name, s->host_name)) {
		r = link_delete(host, s->host_ifindex);
		if (r < 0 && r != -ENODEV)
			log_error_errno(r, "Failed to delete \"%s\": %m", s->host_name);
	}
}

void network_teardown(struct start_ctx *ctx)
{
	struct network *net = ctx->net;
	struct nlconn host = { 0 }, inside = { 0 };
	int r;

	if (!net)
		return;
	r = nlconn_open(&host, -1);
	if (r < 0)
		log_error_errno(r, "Failed to open a netlink socket: %m");
	if (r == 0 && net->netns_fd >= 0) {
		int k = nlconn_open(&inside, net->netns_fd);

		if (k < 0)
			log_error_errno(k, "Failed to enter the network namespace of \"%s\": %m",
					ctx->c->name);
	}
	for (size_t i = net->n; r == 0 && i-- > 0;)
		if (net->nets[i].made)
			teardown_one(ctx, &host, &inside, &net->nets[i]);
	nlconn_close(&inside);
	nlconn_close(&host);
	if (net->netns_fd >= 0)
		close(net->netns_fd);
	if (net->host_netns_fd >= 0)
		close(net->host_netns_fd);
	free(TAKE_PTR(ctx->net));
}
