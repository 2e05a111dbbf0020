/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Addresses and default routes through netlink, and reading the
 * addresses of a network namespace back. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/cache.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/route.h>

#include "network.h"
#include "util/macro.h"

static size_t family_len(int family)
{
	return family == AF_INET ? 4 : 16;
}

static struct nl_addr *nl_addr_of(int family, const unsigned char *bytes, unsigned prefix)
{
	struct nl_addr *a = nl_addr_build(family, bytes, family_len(family));

	if (a)
		nl_addr_set_prefixlen(a, (int)prefix);
	return a;
}

static void nl_addr_putp(struct nl_addr **a)
{
	if (*a)
		nl_addr_put(*a);
}
#define _cleanup_nl_addr_ _cleanup_(nl_addr_putp)

/* The usual broadcast address of an IPv4 network: all host bits set
 * (none for /31 and /32). */
static bool broadcast_of(const struct net_addr *a, unsigned char ret[4])
{
	uint32_t host, addr;

	if (a->has_broadcast) {
		memcpy(ret, a->broadcast, 4);
		return true;
	}
	if (a->prefix >= 31)
		return false;
	host = a->prefix == 0 ? 0xffffffffu : (1u << (32 - a->prefix)) - 1;
	memcpy(&addr, a->addr, 4);
	addr = htonl(ntohl(addr) | host);
	memcpy(ret, &addr, 4);
	return true;
}

int addr_add(struct nlconn *nl, int ifindex, const struct net_addr *a)
{
	_cleanup_nl_addr_ struct nl_addr *local = nl_addr_of(a->family, a->addr, a->prefix);
	_cleanup_nl_addr_ struct nl_addr *bcast = NULL;
	struct rtnl_addr *ra = rtnl_addr_alloc();
	unsigned char b[4];
	int r = -ENOMEM;

	if (!ra || !local)
		goto out;
	rtnl_addr_set_ifindex(ra, ifindex);
	rtnl_addr_set_family(ra, a->family);
	if (rtnl_addr_set_local(ra, local) < 0)
		goto out;
	if (a->family == AF_INET && broadcast_of(a, b)) {
		bcast = nl_addr_of(AF_INET, b, 32);
		if (!bcast || rtnl_addr_set_broadcast(ra, bcast) < 0)
			goto out;
	}
	r = NLCONN_CALL(nl, rtnl_addr_add(nl->sk, ra, 0));
out:
	if (ra)
		rtnl_addr_put(ra);
	return r;
}

/* A route to dst/prefix on ifindex, through gateway (NULL: on the link). */
static int route_add(struct nlconn *nl, int ifindex, int family, const unsigned char *dst,
		     unsigned prefix, const struct net_addr *gateway)
{
	static const unsigned char any[16];
	_cleanup_nl_addr_ struct nl_addr *d = nl_addr_of(family, dst ? dst : any, prefix);
	_cleanup_nl_addr_ struct nl_addr *gw = NULL;
	struct rtnl_route *rt = rtnl_route_alloc();
	struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
	int r = -ENOMEM;

	if (!rt || !nh || !d)
		goto out;
	if (gateway && !(gw = nl_addr_of(family, gateway->addr, family_len(family) * 8)))
		goto out;
	rtnl_route_set_family(rt, (uint8_t)family);
	rtnl_route_set_table(rt, RT_TABLE_MAIN);
	rtnl_route_set_protocol(rt, RTPROT_BOOT);
	rtnl_route_set_scope(rt, gateway ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK);
	if (rtnl_route_set_dst(rt, d) < 0)
		goto out;
	rtnl_route_nh_set_ifindex(nh, ifindex);
	if (gw)
		rtnl_route_nh_set_gateway(nh, gw);
	rtnl_route_add_nexthop(rt, TAKE_PTR(nh));
	r = NLCONN_CALL(nl, rtnl_route_add(nl->sk, rt, NLM_F_CREATE | NLM_F_EXCL));
out:
	if (nh)
		rtnl_route_nh_free(nh);
	if (rt)
		rtnl_route_put(rt);
	return r;
}

int route_add_default(struct nlconn *nl, int ifindex, const struct net_addr *gateway)
{
	int r = route_add(nl, ifindex, gateway->family, NULL, 0, gateway);

	/* A gateway outside the device's networks: reach it on the link. */
	if (r == -ENETUNREACH || r == -EHOSTUNREACH || (r == -EINVAL && gateway->family == AF_INET6)) {
		r = route_add(nl, ifindex, gateway->family, gateway->addr,
			      (unsigned)family_len(gateway->family) * 8, NULL);
		if (r == 0)
			r = route_add(nl, ifindex, gateway->family, NULL, 0, gateway);
	}
	return r;
}

struct addr_filter {
	int family, ifindex;
	struct net_addr *v;
	size_t n;
	int err;
};

static void addr_collect(struct nl_object *obj, void *arg)
{
	struct rtnl_addr *ra = (struct rtnl_addr *)obj;
	struct addr_filter *f = arg;
	struct nl_addr *local = rtnl_addr_get_local(ra);
	int family = rtnl_addr_get_family(ra);
	struct net_addr *v;

	if (f->err < 0 || !local || (family != AF_INET && family != AF_INET6) ||
	    (f->family != AF_UNSPEC && family != f->family) ||
	    (f->ifindex > 0 && rtnl_addr_get_ifindex(ra) != f->ifindex) ||
	    rtnl_addr_get_scope(ra) >= RT_SCOPE_LINK ||
	    nl_addr_get_len(local) != family_len(family))
		return;
	v = realloc(f->v, (f->n + 1) * sizeof(*v));
	if (!v) {
		f->err = -ENOMEM;
		return;
	}
	f->v = v;
	v[f->n] = (struct net_addr){ .family = family, .prefix = rtnl_addr_get_prefixlen(ra) };
	memcpy(v[f->n].addr, nl_addr_get_binary_addr(local), family_len(family));
	f->n++;
}

int addr_list(struct nlconn *nl, int family, int ifindex, struct net_addr **ret, size_t *ret_n)
{
	struct addr_filter f = { .family = family, .ifindex = ifindex };
	struct nl_cache *cache = NULL;
	int r;

	r = NLCONN_CALL(nl, rtnl_addr_alloc_cache(nl->sk, &cache));
	if (r < 0)
		return r;
	nl_cache_foreach(cache, addr_collect, &f);
	nl_cache_free(cache);
	if (f.err < 0) {
		free(f.v);
		return f.err;
	}
	*ret = f.v;
	*ret_n = f.n;
	return 0;
}
