/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The network config beyond the key samples: MAC patterns and their random
 * digits, addresses with prefixes, interface names, the veth host names,
 * the default names inside, and the checks across the net.N.* keys.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "mgr/mgr.h"
#include "network.h"
#include "tap.h"
#include "util/macro.h"

static void test_hwaddr(void)
{
	static const char *const good[] = { "00:16:3e:12:34:56", "00:16:3E:xx:xx:xx",
					    "xx:xx:xx:xx:xx:xx", "fe:ff:ff:ff:ff:ff" };
	static const char *const bad[] = { "",	"00:16:3e:12:34",    "00:16:3e:12:34:567",
					   "00-16-3e-12-34-56", "00:16:3e:12:34:5g",
					   "01:00:5e:00:00:01", "0:16:3e:12:34:56a" };
	char mac[18], again[18];
	const char *why;
	bool differ = false;

	for (size_t i = 0; i < ARRAY_SIZE(good); i++)
		is_int(conf_check_hwaddr(good[i], &why), 0, "MAC \"%s\" is accepted", good[i]);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		is_int(conf_check_hwaddr(bad[i], &why), -EINVAL, "MAC \"%s\" is refused", bad[i]);
	ok(!conf_net_hwaddr_is_pattern("00:16:3e:12:34:56"), "a whole MAC is no pattern");
	ok(conf_net_hwaddr_is_pattern("00:16:3e:xx:xx:xx"), "x digits make a pattern");

	is_int(conf_net_hwaddr_randomize("00:16:3e:xx:xx:xx", mac), 0, "randomize 00:16:3e:xx:xx:xx");
	ok(strncmp(mac, "00:16:3e:", 9) == 0, "the fixed digits stay: %s", mac);
	ok(strlen(mac) == 17 && conf_check_hwaddr(mac, &why) == 0 && !conf_net_hwaddr_is_pattern(mac),
	   "the result is a whole MAC: %s", mac);
	for (int i = 0; i < 20 && !differ; i++) {
		conf_net_hwaddr_randomize("00:16:3e:xx:xx:xx", again);
		differ = !streq(mac, again);
	}
	ok(differ, "the random digits change from one call to the next");
	for (int i = 0; i < 64; i++) {
		unsigned first;

		conf_net_hwaddr_randomize("xx:xx:xx:xx:xx:xx", mac);
		first = (unsigned)strtoul(mac, NULL, 16);
		if ((first & 1) || !(first & 2)) {
			ok(false, "a random first octet is unicast, locally administered: %s", mac);
			return;
		}
	}
	ok(true, "a random first octet is unicast and locally administered");
	conf_net_hwaddr_randomize("02:00:00:00:00:0x", mac);
	ok(strncmp(mac, "02:00:00:00:00:0", 16) == 0 && isxdigit((unsigned char)mac[16]),
	   "only the x digits change: %s", mac);
}

static void test_addresses(void)
{
	static const struct {
		const char *in;
		int family;
		const char *canonical; /* NULL: refused */
	} cases[] = {
		{ "10.0.3.5/24", AF_INET, "10.0.3.5/24" },
		{ "10.0.3.5/24 10.0.3.255", AF_INET, "10.0.3.5/24 10.0.3.255" },
		{ "10.0.3.5/24\t 10.0.3.127", AF_INET, "10.0.3.5/24 10.0.3.127" },
		{ "10.0.3.5/0", AF_INET, "10.0.3.5/0" },
		{ "10.0.3.5/32", AF_INET, "10.0.3.5/32" },
		{ "10.0.3.5", AF_INET, NULL },
		{ "10.0.3.5/", AF_INET, NULL },
		{ "10.0.3.5/33", AF_INET, NULL },
		{ "10.0.3.5/-1", AF_INET, NULL },
		{ "10.0.3.5/24 10.0.3", AF_INET, NULL },
		{ "10.0.3.5/24 10.0.3.255 x", AF_INET, NULL },
		{ "10.0.3/24", AF_INET, NULL },
		{ "fd00::2/64", AF_INET, NULL },
		{ "fd00:0:0:0::2/64", AF_INET6, "fd00::2/64" },
		{ "FD00::2/128", AF_INET6, "fd00::2/128" },
		{ "fd00::2/129", AF_INET6, NULL },
		{ "fd00::2/64 fd00::ff", AF_INET6, NULL },
		{ "10.0.3.5/24", AF_INET6, NULL },
	};
	struct net_addr a;
	const char *why;
	bool is_auto;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		_cleanup_free_ char *text = NULL;
		int r = conf_net_addr_canonical(cases[i].in, cases[i].family, &text, &why);

		if (cases[i].canonical) {
			is_int(r, 0, "address \"%s\" is accepted", cases[i].in);
			is_str(text, cases[i].canonical, "address \"%s\" reads back canonical",
			       cases[i].in);
		} else
			ok(r == -EINVAL && why && *why, "address \"%s\" is refused: %s", cases[i].in,
			   r == -EINVAL ? why : "");
	}
	is_int(conf_net_addr_parse("10.0.3.5/24 10.0.3.127", AF_INET, &a, &why), 0, "parse");
	ok(a.prefix == 24 && a.has_broadcast && a.broadcast[3] == 127 && a.addr[3] == 5,
	   "prefix, address and broadcast");
	is_int(conf_net_gateway_parse("auto", AF_INET, &a, &is_auto, &why), 0, "gateway auto");
	ok(is_auto, "auto is auto");
	is_int(conf_net_gateway_parse("10.0.3.1", AF_INET, &a, &is_auto, &why), 0, "gateway address");
	ok(!is_auto && a.addr[0] == 10 && a.addr[3] == 1, "the gateway's address");
	is_int(conf_net_gateway_parse("10.0.3.1/24", AF_INET, &a, &is_auto, &why), -EINVAL,
	       "a gateway has no prefix");
	is_int(conf_net_gateway_parse("fd00::1", AF_INET, &a, &is_auto, &why), -EINVAL,
	       "an IPv6 gateway for IPv4 is refused");
}

static void test_ifnames(void)
{
	static const char *const good[] = { "eth0", "br-lan", "a", "veth1234567890a", "en.5" };
	static const char *const bad[] = { "", "veth1234567890ab", ".", "..", "a/b", "a b",
					   "a:1", "eth%d", "a\tb" };
	const char *why;

	for (size_t i = 0; i < ARRAY_SIZE(good); i++)
		is_int(conf_check_ifname(good[i], &why), 0, "interface name \"%s\"", good[i]);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		is_int(conf_check_ifname(bad[i], &why), -EINVAL, "interface name \"%s\" is refused",
		       bad[i]);
}

static void test_veth_pair_names(void)
{
	char long_name[MGR_NAME_MAX + 1], a[CONF_IFNAMSIZ], b[CONF_IFNAMSIZ], c[CONF_IFNAMSIZ];
	const char *why;

	memset(long_name, 'w', MGR_NAME_MAX);
	long_name[MGR_NAME_MAX] = 0;
	network_veth_pair_name("/var/lib/mgr/with/a/rather/long/path/for/containers", long_name,
			       CONF_NET_MAX - 1, 4000000000u, a);
	ok(strlen(a) <= 15 && conf_check_ifname(a, &why) == 0,
	   "a long path and name, index 1023: \"%s\" fits IFNAMSIZ", a);
	ok(strncmp(a, "mgr", 3) == 0 && strstr(a, "-1023"), "\"mgr\", a hash, the index: %s", a);
	network_veth_pair_name("/var/lib/mgr", "web1", 0, 0, a);
	network_veth_pair_name("/var/lib/mgr", "web1", 0, 0, b);
	is_str(a, b, "the same container and index give the same name");
	network_veth_pair_name("/var/lib/mgr", "web2", 0, 0, c);
	ok(!streq(a, c), "another container, another name: %s %s", a, c);
	network_veth_pair_name("/srv/mgr", "web1", 0, 0, c);
	ok(!streq(a, c), "another container path, another name: %s %s", a, c);
	network_veth_pair_name("/var/lib/mgr", "web1", 0, 1, c);
	ok(!streq(a, c), "another salt, another name: %s %s", a, c);
	network_veth_pair_name("/var/lib/mgr", "web1", 1, 0, c);
	ok(strncmp(a, c, 10) == 0 && !streq(a, c), "another index, the same hash: %s %s", a, c);
}

static struct mgr_conf *conf_of(const char *text)
{
	struct mgr_conf *conf = conf_new();
	struct conf_error err = { "" };

	if (!conf || conf_read_string(conf, text, "net.conf", &err) < 0) {
		printf("Bail out! %s\n", err.message);
		exit(1);
	}
	return conf;
}

static void test_names(void)
{
	_cleanup_conf_free_ struct mgr_conf *conf =
		conf_of("mgr.net.0.type = veth\n"
			"mgr.net.1.type = empty\n"
			"mgr.net.2.type = macvlan\nmgr.net.2.link = eth9\nmgr.net.2.name = eth0\n"
			"mgr.net.5.type = phys\nmgr.net.5.link = enp1s0\n"
			"mgr.net.7.type = veth\nmgr.net.7.name = lan\n");
	char names[5][CONF_IFNAMSIZ];

	conf_net_names(conf, names);
	is_str(names[0], "eth1", "net 0: eth0 is taken by net 2, so eth1");
	is_str(names[1], "", "an empty network has no device");
	is_str(names[2], "eth0", "net 2: its name");
	is_str(names[3], "eth2", "net 5: the next free one");
	is_str(names[4], "lan", "net 7: its name");
}

static void test_validate(void)
{
	static const struct {
		const char *text;
		const char *error; /* NULL: valid */
	} cases[] = {
		{ "mgr.net.0.type = veth\nmgr.net.0.link = br0\nmgr.net.0.flags = up\n"
		  "mgr.net.0.ipv4.address = 10.0.3.5/24\nmgr.net.0.ipv4.gateway = auto\n"
		  "mgr.net.1.type = veth\nmgr.net.1.veth.pair = v1\n",
		  NULL },
		{ "mgr.net.0.link = br0\n", "\"mgr.net.0.type\" is not set" },
		{ "mgr.net.0.type = none\nmgr.net.1.type = empty\n",
		  "cannot be combined with other networks" },
		{ "mgr.net.0.type = macvlan\n", "\"mgr.net.0.link\" is not set: a macvlan network" },
		{ "mgr.net.0.type = phys\n", "\"mgr.net.0.link\" is not set: a phys network" },
		{ "mgr.net.0.type = vlan\nmgr.net.0.link = eth0\n", "\"mgr.net.0.vlan.id\" is not set" },
		{ "mgr.net.0.type = veth\nmgr.net.0.ipv4.gateway = 10.0.3.1\n",
		  "\"mgr.net.0.ipv4.gateway\" needs \"mgr.net.0.flags = up\"" },
		{ "mgr.net.0.type = veth\nmgr.net.0.flags = up\nmgr.net.0.ipv6.gateway = auto\n",
		  "\"mgr.net.0.ipv6.gateway\" is \"auto\", which needs a veth network on a bridge" },
		{ "mgr.net.0.type = veth\nmgr.net.0.name = eth0\n"
		  "mgr.net.1.type = veth\nmgr.net.1.name = eth0\n",
		  "\"mgr.net.1.name\" \"eth0\" is also the name of network 0" },
		{ "mgr.net.0.type = veth\nmgr.net.0.name = lo\n", "\"lo\" is the loopback device's" },
		{ "mgr.net.0.type = veth\nmgr.net.0.veth.pair = v0\n"
		  "mgr.net.1.type = veth\nmgr.net.1.veth.pair = v0\n",
		  "\"mgr.net.1.veth.pair\" \"v0\" is also the host end of network 0" },
		{ "mgr.net.0.type = macvlan\nmgr.net.0.link = eth1\n"
		  "mgr.net.1.type = phys\nmgr.net.1.link = eth1\n",
		  "\"mgr.net.0.link\" \"eth1\" is moved into the container by network 1" },
		{ "mgr.net.0.type = veth\nmgr.namespace.keep = net\n", "\"mgr.namespace.keep\" has \"net\"" },
		{ "mgr.net.0.type = veth\nmgr.namespace.clone = pid uts\n",
		  "\"mgr.namespace.clone\" has no \"net\"" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		_cleanup_conf_free_ struct mgr_conf *conf = conf_of(cases[i].text);
		struct conf_error err = { "" };
		int r = conf_validate(conf, &err);

		if (!cases[i].error)
			is_int(r, 0, "case %zu is valid: %s", i, err.message);
		else
			ok(r == -EINVAL && strstr(err.message, cases[i].error),
			   "case %zu is refused: %s", i, err.message);
	}
}

/* Keys in any order, networks coming and going with their keys. */
static void test_key_life(void)
{
	_cleanup_conf_free_ struct mgr_conf *conf = conf_new();
	struct conf_error err = { "" };
	char *s = NULL;

	is_int(conf_set_item(conf, "net.4.link", "br0", &err), 0, "a link before the type");
	ok(conf->n_nets == 1 && conf->nets[0].type == NET_TYPE_UNSET && conf->nets[0].vlan_id == -1,
	   "makes network 4 without a type");
	conf_set_item(conf, "net.4.type", "veth", &err);
	conf_set_item(conf, "net.4.ipv4.address", "10.0.0.2/8", &err);
	conf_set_item(conf, "net.4.ipv4.address", "10.0.0.3/8", &err);
	conf_set_item(conf, "net.4.ipv4.address", "10.0.0.2/8", &err);
	conf_get_item(conf, "net.4.ipv4.address", &s);
	is_str(s, "10.0.0.2/8\n10.0.0.3/8", "addresses add up, without repeats");
	free(s);
	s = NULL;
	is_int(conf_set_item(conf, "net.4.mtu", "67", &err), -EINVAL, "mtu 67 is refused");
	conf_clear_item(conf, "net.4.ipv4.address");
	conf_get_item(conf, "net.4.ipv4.address", &s);
	is_str(s, NULL, "clearing the addresses");
	conf_set_item(conf, "net.6.flags", "up", &err);
	conf_clear_item(conf, "net.6.flags");
	ok(conf->n_nets == 1, "a network left without any value goes");
	conf_set_item(conf, "net.4.ipv6.address", "fd00::2/64", &err);
	is_int(conf_clear_item(conf, "net.4.type"), 0, "clear the type");
	ok(conf->n_nets == 0, "clearing the type removes the network");
	s = NULL;
	conf_get_item(conf, "net.4.link", &s);
	is_str(s, NULL, "with its link");
	free(s);
	ok(!conf->unexpanded || !conf->unexpanded[0], "and every line of it: %s",
	   conf->unexpanded && conf->unexpanded[0] ? conf->unexpanded[0] : "");
}

int main(void)
{
	test_hwaddr();
	test_addresses();
	test_ifnames();
	test_veth_pair_names();
	test_names();
	test_validate();
	test_key_life();
	return done();
}
