/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Netlink sockets in a given network namespace, and the devices: get,
 * create (veth, macvlan, ipvlan, vlan), change, move, delete. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/link/ipvlan.h>
#include <netlink/route/link/macvlan.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/link/vlan.h>

#include "network.h"
#include "util/macro.h"

/* ------------------------------------------------------------ sockets */

struct socket_in_ns {
	int netns_fd;
	int fd;  /* the socket, or -1 */
	int err; /* -errno when fd is -1 */
};

/* A thread of its own enters the namespace: a socket belongs to the
 * namespace it was made in, and the caller's threads stay where they are. */
static void *socket_in_ns_thread(void *arg)
{
	struct socket_in_ns *s = arg;

	if (setns(s->netns_fd, CLONE_NEWNET) < 0) {
		s->err = -errno;
		return NULL;
	}
	s->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (s->fd < 0)
		s->err = -errno;
	return NULL;
}

static int socket_in_ns(int netns_fd)
{
	struct socket_in_ns s = { .netns_fd = netns_fd, .fd = -1, .err = -EIO };
	pthread_t t;
	int r;

	if (netns_fd < 0) {
		s.fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
		return s.fd < 0 ? -errno : s.fd;
	}
	r = pthread_create(&t, NULL, socket_in_ns_thread, &s);
	if (r != 0)
		return -r;
	pthread_join(t, NULL);
	return s.fd >= 0 ? s.fd : s.err;
}

static int on_error(struct sockaddr_nl *who _unused_, struct nlmsgerr *e, void *arg)
{
	*(int *)arg = e->error;
	return NL_STOP;
}

int nlconn_open(struct nlconn *nl, int netns_fd)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int fd, r;

	nl->err = 0;
	nl->sk = nl_socket_alloc();
	if (!nl->sk)
		return -ENOMEM;
	fd = socket_in_ns(netns_fd);
	if (fd < 0) {
		nlconn_close(nl);
		return fd;
	}
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		r = -errno;
		close(fd);
		nlconn_close(nl);
		return r;
	}
	r = nl_socket_set_fd(nl->sk, NETLINK_ROUTE, fd);
	if (r < 0) {
		close(fd);
		nlconn_close(nl);
		return -EIO;
	}
	nl_socket_modify_err_cb(nl->sk, NL_CB_CUSTOM, on_error, &nl->err);
	return 0;
}

void nlconn_close(struct nlconn *nl)
{
	if (nl->sk)
		nl_socket_free(nl->sk); /* closes the fd */
	nl->sk = NULL;
}

int nlconn_result(struct nlconn *nl, int r)
{
	if (r >= 0)
		return 0;
	if (nl->err < 0)
		return nl->err;
	switch (-r) {
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_OBJ_NOTFOUND:
	case NLE_NODEV:
		return -ENODEV;
	case NLE_EXIST:
		return -EEXIST;
	case NLE_PERM:
		return -EPERM;
	default:
		return -EIO;
	}
}

/* ------------------------------------------------------------ links */

static void link_putp(struct rtnl_link **l)
{
	if (*l)
		rtnl_link_put(*l);
}
#define _cleanup_link_ _cleanup_(link_putp)

int link_get(struct nlconn *nl, int ifindex, const char *name, struct link_info *ret)
{
	_cleanup_link_ struct rtnl_link *l = NULL;
	struct link_info info = { 0 };
	struct nl_addr *mac;
	const char *kind;
	int r;

	r = NLCONN_CALL(nl, rtnl_link_get_kernel(nl->sk, ifindex > 0 ? ifindex : 0,
					     ifindex > 0 ? NULL : name, &l));
	if (r < 0)
		return r == -ENOENT ? -ENODEV : r;
	info.ifindex = rtnl_link_get_ifindex(l);
	snprintf(info.name, sizeof(info.name), "%s", rtnl_link_get_name(l));
	info.mtu = rtnl_link_get_mtu(l);
	kind = rtnl_link_get_type(l);
	info.is_bridge = kind && streq(kind, "bridge");
	mac = rtnl_link_get_addr(l);
	if (mac && nl_addr_get_len(mac) == sizeof(info.mac))
		memcpy(info.mac, nl_addr_get_binary_addr(mac), sizeof(info.mac));
	*ret = info;
	return 0;
}

/* Put attrs on l (a new device, or the changes to one). */
static int attrs_apply(struct rtnl_link *l, const struct link_attrs *a)
{
	if (a->name)
		rtnl_link_set_name(l, a->name);
	if (a->mtu)
		rtnl_link_set_mtu(l, a->mtu);
	if (a->mac) {
		struct nl_addr *mac = nl_addr_build(AF_LLC, a->mac, 6);

		if (!mac)
			return -ENOMEM;
		rtnl_link_set_addr(l, mac);
		nl_addr_put(mac);
	}
	if (a->master > 0)
		rtnl_link_set_master(l, a->master);
	if (a->netns_fd >= 0)
		rtnl_link_set_ns_fd(l, a->netns_fd);
	if (a->up == 1)
		rtnl_link_set_flags(l, IFF_UP);
	else if (a->up == 0)
		rtnl_link_unset_flags(l, IFF_UP);
	return 0;
}

int link_add_veth(struct nlconn *nl, const struct link_attrs *host, const struct link_attrs *peer)
{
	_cleanup_link_ struct rtnl_link *l = rtnl_link_veth_alloc();
	struct rtnl_link *p;
	int r;

	if (!l)
		return -ENOMEM;
	p = rtnl_link_veth_get_peer(l);
	r = attrs_apply(l, host);
	if (r == 0)
		r = attrs_apply(p, peer);
	rtnl_link_put(p);
	if (r < 0)
		return r;
	return NLCONN_CALL(nl, rtnl_link_add(nl->sk, l, NLM_F_CREATE | NLM_F_EXCL));
}

static const uint32_t macvlan_modes[] = {
	[NET_MACVLAN_PRIVATE] = MACVLAN_MODE_PRIVATE,
	[NET_MACVLAN_VEPA] = MACVLAN_MODE_VEPA,
	[NET_MACVLAN_BRIDGE] = MACVLAN_MODE_BRIDGE,
	[NET_MACVLAN_PASSTHRU] = MACVLAN_MODE_PASSTHRU,
};

static const uint16_t ipvlan_modes[] = {
	[NET_IPVLAN_L2] = IPVLAN_MODE_L2,
	[NET_IPVLAN_L3] = IPVLAN_MODE_L3,
	[NET_IPVLAN_L3S] = IPVLAN_MODE_L3S,
};

int link_add_on_parent(struct nlconn *nl, const struct conf_net *net, int parent,
		       const struct link_attrs *attrs)
{
	_cleanup_link_ struct rtnl_link *l = NULL;
	int r = 0;

	switch (net->type) {
	case NET_TYPE_MACVLAN:
		l = rtnl_link_macvlan_alloc();
		if (l)
			r = rtnl_link_macvlan_set_mode(
				l, macvlan_modes[net->macvlan_mode ? net->macvlan_mode
								   : NET_MACVLAN_PRIVATE]);
		break;
	case NET_TYPE_IPVLAN:
		l = rtnl_link_ipvlan_alloc();
		if (l)
			r = rtnl_link_ipvlan_set_mode(
				l, ipvlan_modes[net->ipvlan_mode ? net->ipvlan_mode : NET_IPVLAN_L3]);
		break;
	case NET_TYPE_VLAN:
		l = rtnl_link_vlan_alloc();
		if (l)
			r = rtnl_link_vlan_set_id(l, (uint16_t)net->vlan_id);
		break;
	default:
		return -EINVAL;
	}
	if (!l)
		return -ENOMEM;
	if (r < 0)
		return -EINVAL;
	rtnl_link_set_link(l, parent);
	r = attrs_apply(l, attrs);
	if (r < 0)
		return r;
	return NLCONN_CALL(nl, rtnl_link_add(nl->sk, l, NLM_F_CREATE | NLM_F_EXCL));
}

int link_change(struct nlconn *nl, int ifindex, const struct link_attrs *attrs)
{
	_cleanup_link_ struct rtnl_link *orig = rtnl_link_alloc();
	_cleanup_link_ struct rtnl_link *changes = rtnl_link_alloc();
	int r;

	if (!orig || !changes)
		return -ENOMEM;
	rtnl_link_set_ifindex(orig, ifindex);
	r = attrs_apply(changes, attrs);
	if (r < 0)
		return r;
	return NLCONN_CALL(nl, rtnl_link_change(nl->sk, orig, changes, 0));
}

int link_delete(struct nlconn *nl, int ifindex)
{
	_cleanup_link_ struct rtnl_link *l = rtnl_link_alloc();

	if (!l)
		return -ENOMEM;
	rtnl_link_set_ifindex(l, ifindex);
	return NLCONN_CALL(nl, rtnl_link_delete(nl->sk, l));
}
