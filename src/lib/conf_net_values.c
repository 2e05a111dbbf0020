/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The values of the network keys: interface names, MAC addresses (with
 * random digits), IPv4 and IPv6 addresses with their prefix, gateways.
 * The parsers give a short reason for the "bad value" message.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "conf.h"
#include "util/macro.h"

const char *const conf_net_types[_NET_TYPE_MAX] = {
	[NET_TYPE_EMPTY] = "empty",     [NET_TYPE_NONE] = "none",     [NET_TYPE_VETH] = "veth",
	[NET_TYPE_MACVLAN] = "macvlan", [NET_TYPE_IPVLAN] = "ipvlan", [NET_TYPE_VLAN] = "vlan",
	[NET_TYPE_PHYS] = "phys",
};

const char *const conf_net_macvlan_modes[NET_MACVLAN_PASSTHRU + 1] = {
	[NET_MACVLAN_PRIVATE] = "private",
	[NET_MACVLAN_VEPA] = "vepa",
	[NET_MACVLAN_BRIDGE] = "bridge",
	[NET_MACVLAN_PASSTHRU] = "passthru",
};

const char *const conf_net_ipvlan_modes[NET_IPVLAN_L3S + 1] = {
	[NET_IPVLAN_L2] = "l2",
	[NET_IPVLAN_L3] = "l3",
	[NET_IPVLAN_L3S] = "l3s",
};

int conf_check_ifname(const char *s, const char **ret_why)
{
	size_t n = strlen(s);

	if (n == 0 || n >= CONF_IFNAMSIZ) {
		*ret_why = "an interface name has 1 to 15 characters";
		return -EINVAL;
	}
	if (streq(s, ".") || streq(s, "..")) {
		*ret_why = "not an interface name";
		return -EINVAL;
	}
	for (const char *p = s; *p; p++)
		if (*p == '/' || *p == ':' || *p == '%' || isspace((unsigned char)*p) ||
		    iscntrl((unsigned char)*p)) {
			*ret_why = "an interface name has no '/', ':', '%' or white space";
			return -EINVAL;
		}
	return 0;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int conf_check_hwaddr(const char *s, const char **ret_why)
{
	int low;

	*ret_why = "expected six pairs of hex digits (or x) separated by ':'";
	if (strlen(s) != 17)
		return -EINVAL;
	for (size_t i = 0; i < 17; i++) {
		if (i % 3 == 2) {
			if (s[i] != ':')
				return -EINVAL;
		} else if (hex_value(s[i]) < 0 && s[i] != 'x' && s[i] != 'X')
			return -EINVAL;
	}
	/* The group bit: not the address of one device. */
	low = hex_value(s[1]);
	if (low >= 0 && (low & 1)) {
		*ret_why = "a multicast address";
		return -EINVAL;
	}
	return 0;
}

bool conf_net_hwaddr_is_pattern(const char *s)
{
	return strchr(s, 'x') || strchr(s, 'X');
}

int conf_net_hwaddr_randomize(const char *pattern, char ret[18])
{
	static const char digits[] = "0123456789abcdef";
	unsigned char rnd[17];

	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		return negative_errno();
	for (size_t i = 0; i < 17; i++) {
		char c = (char)tolower((unsigned char)pattern[i]);

		if (c == 'x') {
			int v = rnd[i] & 0xf;

			if (i == 1) /* unicast, locally administered */
				v = (v & ~1) | 2;
			c = digits[v];
		}
		ret[i] = c;
	}
	ret[17] = 0;
	return 0;
}

/* "N" in 0..max. */
static int parse_prefix(const char *s, unsigned max, unsigned *ret)
{
	unsigned long long v;

	if (conf_parse_ull(s, max, &v) < 0)
		return -EINVAL;
	*ret = (unsigned)v;
	return 0;
}

int conf_net_addr_parse(const char *s, int family, struct net_addr *ret, const char **ret_why)
{
	struct net_addr a = { .family = family };
	char word[INET6_ADDRSTRLEN + 8], bcast[INET_ADDRSTRLEN + 1];
	const char *p = s + strcspn(s, " \t"), *rest = p + strspn(p, " \t");
	unsigned max = family == AF_INET ? 32 : 128;
	size_t n = (size_t)(p - s);
	char *slash;

	*ret_why = family == AF_INET ? "expected ADDRESS/PREFIX [BROADCAST]"
				     : "expected ADDRESS/PREFIX";
	if (n == 0 || n >= sizeof(word))
		return -EINVAL;
	memcpy(word, s, n);
	word[n] = 0;
	slash = strchr(word, '/');
	if (!slash)
		return -EINVAL;
	*slash = 0;
	if (inet_pton(family, word, a.addr) != 1)
		return -EINVAL;
	if (parse_prefix(slash + 1, max, &a.prefix) < 0) {
		*ret_why = family == AF_INET ? "the prefix length is 0 to 32"
					     : "the prefix length is 0 to 128";
		return -EINVAL;
	}
	if (*rest) {
		n = strcspn(rest, " \t");
		if (family != AF_INET || n >= sizeof(bcast) || rest[n + strspn(rest + n, " \t")])
			return -EINVAL;
		memcpy(bcast, rest, n);
		bcast[n] = 0;
		if (inet_pton(AF_INET, bcast, a.broadcast) != 1) {
			*ret_why = "the broadcast address is not an IPv4 address";
			return -EINVAL;
		}
		a.has_broadcast = true;
	}
	*ret = a;
	return 0;
}

int conf_net_addr_canonical(const char *s, int family, char **ret, const char **ret_why)
{
	char addr[INET6_ADDRSTRLEN], bcast[INET_ADDRSTRLEN];
	struct net_addr a;
	int r = conf_net_addr_parse(s, family, &a, ret_why), n;

	if (r < 0)
		return r;
	if (!inet_ntop(a.family, a.addr, addr, sizeof(addr)))
		return negative_errno();
	if (a.has_broadcast) {
		if (!inet_ntop(AF_INET, a.broadcast, bcast, sizeof(bcast)))
			return negative_errno();
		n = asprintf(ret, "%s/%u %s", addr, a.prefix, bcast);
	} else
		n = asprintf(ret, "%s/%u", addr, a.prefix);
	return n < 0 ? -ENOMEM : 0;
}

int conf_net_gateway_parse(const char *s, int family, struct net_addr *ret, bool *ret_auto,
			   const char **ret_why)
{
	struct net_addr a = { .family = family, .prefix = family == AF_INET ? 32 : 128 };

	if (streq(s, "auto")) {
		*ret_auto = true;
		return 0;
	}
	if (inet_pton(family, s, a.addr) != 1) {
		*ret_why = family == AF_INET ? "expected an IPv4 address or \"auto\""
					     : "expected an IPv6 address or \"auto\"";
		return -EINVAL;
	}
	*ret_auto = false;
	*ret = a;
	return 0;
}

int conf_net_gateway_canonical(const char *s, int family, char **ret, const char **ret_why)
{
	char text[INET6_ADDRSTRLEN] = "auto";
	struct net_addr a;
	bool is_auto;
	int r = conf_net_gateway_parse(s, family, &a, &is_auto, ret_why);

	if (r < 0)
		return r;
	if (!is_auto && !inet_ntop(family, a.addr, text, sizeof(text)))
		return negative_errno();
	*ret = strdup(text);
	return *ret ? 0 : -ENOMEM;
}

int conf_net_hwaddr_canonical(const char *s, int family _unused_, char **ret,
			      const char **ret_why)
{
	int r = conf_check_hwaddr(s, ret_why);

	if (r < 0)
		return r;
	*ret = strdup(s);
	if (!*ret)
		return -ENOMEM;
	for (char *p = *ret; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return 0;
}
