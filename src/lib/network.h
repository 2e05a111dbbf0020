/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The container's networks (net.N.*), through netlink (libnl-route-3).
 *
 * At start, before anything is made, network_prepare() checks what the
 * host must offer (the links exist, a veth's link is a bridge, the host
 * names are free) and settles the names, MTUs and addresses.  After clone,
 * before init is let go, network_create() holds the new network namespace
 * and makes the devices: a veth pair with its peer born inside, macvlan,
 * ipvlan and vlan devices born inside on their host parent, a phys device
 * moved in; script.up runs for each.  Inside, each device gets its name,
 * addresses and state, lo comes up, then the default routes.
 * network_teardown() runs script.down, gives phys devices back to the host
 * under their old names and deletes every device made, before the last
 * hold on the namespace goes.
 */
#ifndef MGR_NETWORK_H
#define MGR_NETWORK_H

#include <stdbool.h>
#include <stddef.h>

#include "conf.h"

struct nl_sock;
struct start_ctx;

/* --- network.c, network_devices.c: the start's side ------------------------ */

/* What network_prepare() settles and network_create() makes, per network. */
struct net_state {
	const struct conf_net *conf;
	char name[CONF_IFNAMSIZ];      /* inside the container                    */
	char host_name[CONF_IFNAMSIZ]; /* veth: the host end; phys: its host name */
	unsigned salt;                 /* of a derived veth host_name             */
	int link_ifindex;              /* net.N.link on the host                  */
	unsigned mtu;                  /* 0: the kernel's choice                  */
	unsigned char mac[6];
	bool has_mac;
	struct net_addr gateway4, gateway6; /* when ipv4/ipv6.gateway are set     */
	/* What network_create() made: */
	int ifindex;      /* the device inside                          */
	int host_ifindex; /* veth: the host end                         */
	unsigned phys_mtu; /* phys: as it was on the host               */
	unsigned char phys_mac[6];
	bool made;        /* script.down and the teardown are due       */
};

struct network {
	int netns_fd;      /* the container's, held from create to teardown */
	int host_netns_fd; /* where phys devices go back to                 */
	size_t n;
	struct net_state nets[]; /* one per conf->nets, in that order */
};


/* The checks and choices above; c's error says what is wrong.  Sets
 * ctx->net (NULL when the container has no network of its own). */
int network_prepare(struct start_ctx *ctx);
int network_create(struct start_ctx *ctx);
/* Undo what network_create() made, as far as it got; frees ctx->net. */
void network_teardown(struct start_ctx *ctx);
/* Run net.N.script.up or .down ("up", "down") of s, if set, and wait for
 * it; on failure err says why (c's error is left alone). */
int network_script_run(const struct start_ctx *ctx, const struct net_state *s, const char *what,
		       char *err, size_t size);
/* The monitor's answer to CMD_GET_NET_LINKS on fd: the host-side device
 * of each network that has one, one name per line. */
int network_links_send(const struct start_ctx *ctx, int fd);

/* The default host end of a veth: "mgr" and seven hex digits of a hash of
 * the container path, name and salt, "-" and the index; 15 characters at
 * most.  Another salt gives another name. */
void network_veth_pair_name(const char *path, const char *name, unsigned index, unsigned salt,
			    char ret[CONF_IFNAMSIZ]);

/* --- network_link.c: netlink sockets and links ---------------------------- */

/* A route netlink socket that keeps the kernel's errno of a refused
 * request, so that failures read "File exists" rather than libnl's codes. */
struct nlconn {
	struct nl_sock *sk;
	int err; /* -errno of the last NLMSG_ERROR */
};
/* Open in the network namespace netns_fd (-1: the caller's).  The socket
 * is made by a short-lived thread that enters the namespace, so the
 * caller's namespace never changes. */
int nlconn_open(struct nlconn *nl, int netns_fd);
void nlconn_close(struct nlconn *nl);
/* -errno for r, what a libnl call returned. */
int nlconn_result(struct nlconn *nl, int r);
#define NLCONN_CALL(nl, call) ((nl)->err = 0, nlconn_result((nl), (call)))

struct link_info {
	int ifindex;
	char name[CONF_IFNAMSIZ];
	unsigned mtu;
	bool is_bridge;
	unsigned char mac[6];
};
/* By ifindex (> 0) or else name; -ENODEV when there is no such device. */
int link_get(struct nlconn *nl, int ifindex, const char *name, struct link_info *ret);

/* What to set on a device: only what is given. */
struct link_attrs {
	const char *name;
	unsigned mtu;             /* 0: leave */
	const unsigned char *mac; /* NULL: leave */
	int master;               /* the bridge's ifindex, 0: none */
	int netns_fd;             /* move it there; -1: stay */
	int up;                   /* 1 up, 0 down, -1 leave */
};
#define LINK_ATTRS_INIT { .netns_fd = -1, .up = -1 }

/* A veth pair: host with its attributes here, peer born in peer->netns_fd. */
int link_add_veth(struct nlconn *nl, const struct link_attrs *host, const struct link_attrs *peer);
/* A macvlan, ipvlan or vlan device of net on the parent device. */
int link_add_on_parent(struct nlconn *nl, const struct conf_net *net, int parent,
		       const struct link_attrs *attrs);
int link_change(struct nlconn *nl, int ifindex, const struct link_attrs *attrs);
int link_delete(struct nlconn *nl, int ifindex);

/* --- network_addr.c: addresses and routes ---------------------------------- */

int addr_add(struct nlconn *nl, int ifindex, const struct net_addr *a);
/* The default route of a's family through gateway a on ifindex. */
int route_add_default(struct nlconn *nl, int ifindex, const struct net_addr *gateway);
/* The addresses of family (AF_INET, AF_INET6, AF_UNSPEC: both) on ifindex
 * (0: every device) that reach beyond the device: no host or link scope.
 * *ret is a malloc'd array of *ret_n. */
int addr_list(struct nlconn *nl, int family, int ifindex, struct net_addr **ret, size_t *ret_n);

#endif
