/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The network keys: net.N.* for each network, kept sorted by N, and "net"
 * itself, which lists the indices and only takes an empty value (removing
 * every network).
 *
 * Every net.N.KEY is a field of struct conf_net described once in fields[]
 * (where it is, what kind of value it holds, how a value is checked); the
 * set, get, clear and instances functions of the table are the same four
 * for all of them.  Any key creates its network; a network left with no
 * value at all goes away, and an empty net.N.type removes the whole network
 * (as in LXC).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "conf_keys.h"
#include "util/macro.h"
#include "util/strv.h"

/* ------------------------------------------------------------ the fields */

enum field_kind {
	FIELD_STRING, /* char *: one value                                   */
	FIELD_LIST,   /* char **: each line adds a value                     */
	FIELD_NUMBER, /* int in min..max; unset when it equals unset         */
	FIELD_WORD,   /* int: the index of one of words[1..n_words-1]; 0 unset */
};

struct net_field {
	const char *suffix; /* "ipv4.address" */
	enum field_kind kind;
	size_t offset; /* in struct conf_net */
	/* STRING and LIST: a value is checked and kept as given, or made
	 * canonical (of family: AF_INET or AF_INET6 for addresses). */
	int (*check)(const char *value, const char **ret_why);
	int (*canon)(const char *value, int family, char **ret, const char **ret_why);
	int family;
	long long min, max, unset;
	const char *const *words;
	size_t n_words;
	const char *why; /* FIELD_WORD: for a value not among the words */
};

#define AT(field) offsetof(struct conf_net, field)
#define WORDS(w) .words = (w), .n_words = ARRAY_SIZE(w)

enum {
	F_TYPE, F_LINK, F_FLAGS, F_NAME, F_HWADDR, F_MTU, F_IPV4_ADDRESS, F_IPV4_GATEWAY,
	F_IPV6_ADDRESS, F_IPV6_GATEWAY, F_VETH_PAIR, F_MACVLAN_MODE, F_IPVLAN_MODE, F_VLAN_ID,
	F_SCRIPT_UP, F_SCRIPT_DOWN, _F_MAX,
};

static const char *const flag_words[] = { NULL, "up" };

static const struct net_field fields[_F_MAX] = {
	[F_TYPE] = { "type", FIELD_WORD, AT(type), WORDS(conf_net_types), .why = "unknown network type" },
	[F_LINK] = { "link", FIELD_STRING, AT(link), conf_check_ifname },
	[F_FLAGS] = { "flags", FIELD_WORD, AT(flags), WORDS(flag_words), .why = "expected \"up\"" },
	[F_NAME] = { "name", FIELD_STRING, AT(name), conf_check_ifname },
	[F_HWADDR] = { "hwaddr", FIELD_STRING, AT(hwaddr), .canon = conf_net_hwaddr_canonical },
	[F_MTU] = { "mtu", FIELD_NUMBER, AT(mtu), .min = 68, .max = 65535, .unset = 0 },
	[F_IPV4_ADDRESS] = { "ipv4.address", FIELD_LIST, AT(ipv4_addresses), .canon = conf_net_addr_canonical,
			     .family = AF_INET },
	[F_IPV4_GATEWAY] = { "ipv4.gateway", FIELD_STRING, AT(ipv4_gateway), .canon = conf_net_gateway_canonical,
			     .family = AF_INET },
	[F_IPV6_ADDRESS] = { "ipv6.address", FIELD_LIST, AT(ipv6_addresses), .canon = conf_net_addr_canonical,
			     .family = AF_INET6 },
	[F_IPV6_GATEWAY] = { "ipv6.gateway", FIELD_STRING, AT(ipv6_gateway), .canon = conf_net_gateway_canonical,
			     .family = AF_INET6 },
	[F_VETH_PAIR] = { "veth.pair", FIELD_STRING, AT(veth_pair), conf_check_ifname },
	[F_MACVLAN_MODE] = { "macvlan.mode", FIELD_WORD, AT(macvlan_mode), WORDS(conf_net_macvlan_modes),
			     .why = "expected private, vepa, bridge or passthru" },
	[F_IPVLAN_MODE] = { "ipvlan.mode", FIELD_WORD, AT(ipvlan_mode), WORDS(conf_net_ipvlan_modes),
			    .why = "expected l2, l3 or l3s" },
	[F_VLAN_ID] = { "vlan.id", FIELD_NUMBER, AT(vlan_id), .min = 0, .max = 4094, .unset = -1 },
	[F_SCRIPT_UP] = { "script.up", FIELD_STRING, AT(script_up), conf_check_absolute_path },
	[F_SCRIPT_DOWN] = { "script.down", FIELD_STRING, AT(script_down), conf_check_absolute_path },
};

static void *field_of(const struct conf_net *net, const struct net_field *f)
{
	return (char *)net + f->offset;
}

static bool field_is_set(const struct conf_net *net, const struct net_field *f)
{
	void *p = field_of(net, f);

	switch (f->kind) {
	case FIELD_STRING:
	case FIELD_LIST:
		return *(void **)p != NULL;
	case FIELD_NUMBER:
		return *(int *)p != f->unset;
	default:
		return *(int *)p != 0;
	}
}

static void field_reset(struct conf_net *net, const struct net_field *f)
{
	void *p = field_of(net, f);

	if (f->kind == FIELD_STRING) {
		free(*(char **)p);
		*(char **)p = NULL;
	} else if (f->kind == FIELD_LIST) {
		strv_free(*(char ***)p);
		*(char ***)p = NULL;
	} else
		*(int *)p = f->kind == FIELD_NUMBER ? (int)f->unset : 0;
}

/* ------------------------------------------------------------ the networks */

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

static struct conf_net *net_find(const struct mgr_conf *conf, const char *key)
{
	unsigned index;
	bool found;
	size_t i;

	if (net_index(key, &index) < 0)
		return NULL;
	i = net_position(conf, index, &found);
	return found ? &conf->nets[i] : NULL;
}

static int net_get_or_add(struct mgr_conf *conf, unsigned index, struct conf_net **ret)
{
	struct conf_net *nets;
	bool found;
	size_t i = net_position(conf, index, &found);

	if (!found) {
		nets = realloc(conf->nets, (conf->n_nets + 1) * sizeof(*nets));
		if (!nets)
			return -ENOMEM;
		memmove(nets + i + 1, nets + i, (conf->n_nets - i) * sizeof(*nets));
		nets[i] = (struct conf_net){ .index = index };
		for (size_t f = 0; f < _F_MAX; f++)
			field_reset(&nets[i], &fields[f]);
		conf->nets = nets;
		conf->n_nets++;
	}
	*ret = &conf->nets[i];
	return 0;
}

static void net_remove(struct mgr_conf *conf, struct conf_net *net)
{
	size_t i = (size_t)(net - conf->nets);

	for (size_t f = 0; f < _F_MAX; f++)
		field_reset(net, &fields[f]);
	memmove(conf->nets + i, conf->nets + i + 1, (conf->n_nets - i - 1) * sizeof(*conf->nets));
	conf->n_nets--;
	if (conf->n_nets == 0) {
		free(conf->nets);
		conf->nets = NULL;
	}
}

static void net_remove_if_blank(struct mgr_conf *conf, struct conf_net *net)
{
	for (size_t f = 0; f < _F_MAX; f++)
		if (field_is_set(net, &fields[f]))
			return;
	net_remove(conf, net);
}

/* ------------------------------------------------------------ set, get, clear */

static int field_clear(const struct net_field *f, const char *key, struct mgr_conf *conf)
{
	struct conf_net *net = net_find(conf, key);

	if (net) {
		field_reset(net, f);
		net_remove_if_blank(conf, net);
	}
	return 0;
}

/* value as the int of a FIELD_NUMBER or FIELD_WORD. */
static int field_parse_int(const struct net_field *f, const char *key, const char *value,
			   int *ret, struct conf_error *err)
{
	long long v;
	int r;

	if (f->kind == FIELD_NUMBER) {
		r = conf_key_parse_number(key, value, f->min, f->max, &v, err);
		if (r == 0)
			*ret = (int)v;
		return r;
	}
	for (size_t i = 1; i < f->n_words; i++)
		if (streq(value, f->words[i])) {
			*ret = (int)i;
			return 0;
		}
	return conf_bad_value(err, key, value, "%s", f->why);
}

static int field_set(const struct net_field *f, const char *key, const char *value,
		     struct mgr_conf *conf, struct conf_error *err)
{
	_cleanup_free_ char *text = NULL;
	struct conf_net *net;
	const char *why = "";
	unsigned index;
	int r, v = 0;

	if (net_index(key, &index) < 0)
		return conf_errorf(err, -EINVAL, "unknown key \"%s\"", key);
	if (!*value)
		return field_clear(f, key, conf);
	if (f->kind == FIELD_NUMBER || f->kind == FIELD_WORD)
		r = field_parse_int(f, key, value, &v, err);
	else if (f->canon)
		r = f->canon(value, f->family, &text, &why);
	else if ((r = f->check(value, &why)) == 0 && !(text = strdup(value)))
		r = -ENOMEM;
	if (r == -EINVAL && *why)
		return conf_bad_value(err, key, value, "%s", why);
	if (r < 0)
		return r;
	r = net_get_or_add(conf, index, &net);
	if (r < 0)
		return r;
	if (f->kind == FIELD_LIST) {
		char ***list = field_of(net, f);

		return strv_contains(*list, text) ? 0 : strv_push(list, TAKE_PTR(text));
	}
	if (f->kind == FIELD_STRING) {
		free(*(char **)field_of(net, f));
		*(char **)field_of(net, f) = TAKE_PTR(text);
	} else
		*(int *)field_of(net, f) = v;
	return 0;
}

static int field_get(const struct net_field *f, const char *key, const struct mgr_conf *conf,
		     char **ret)
{
	const struct conf_net *net = net_find(conf, key);
	int v;

	if (!net || !field_is_set(net, f)) {
		*ret = NULL;
		return 0;
	}
	switch (f->kind) {
	case FIELD_STRING:
		return conf_key_dup(*(char **)field_of(net, f), ret);
	case FIELD_LIST:
		return conf_key_get_strv(*(char ***)field_of(net, f), ret);
	case FIELD_NUMBER:
		return conf_key_format_number(*(int *)field_of(net, f), f->unset, ret);
	default:
		v = *(int *)field_of(net, f);
		return conf_key_dup(v > 0 && (size_t)v < f->n_words ? f->words[v] : NULL, ret);
	}
}

/* "net.N.SUFFIX" for each network with a value. */
static int field_instances(const struct net_field *f, const struct mgr_conf *conf, char ***ret)
{
	_cleanup_strv_free_ char **v = calloc(1, sizeof(char *));

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < conf->n_nets; i++) {
		char *s;

		if (!field_is_set(&conf->nets[i], f))
			continue;
		if (asprintf(&s, "net.%u.%s", conf->nets[i].index, f->suffix) < 0 ||
		    strv_push(&v, s) < 0)
			return -ENOMEM;
	}
	*ret = TAKE_PTR(v);
	return 0;
}

/* The functions of one net.N.* key: reading, writing, or both. */
#define NET_KEY_READ(id, field)                                                              \
	int key_get_net_##id(const char *key, const struct mgr_conf *conf, char **ret)       \
	{                                                                                    \
		return field_get(&fields[field], key, conf, ret);                            \
	}                                                                                    \
	int key_instances_net_##id(const struct mgr_conf *conf, char ***ret)                 \
	{                                                                                    \
		return field_instances(&fields[field], conf, ret);                           \
	}
#define NET_KEY_WRITE(id, field)                                                             \
	int key_set_net_##id(const char *key, const char *value, struct mgr_conf *conf,      \
			     struct conf_error *err)                                         \
	{                                                                                    \
		return field_set(&fields[field], key, value, conf, err);                     \
	}                                                                                    \
	int key_clear_net_##id(const char *key, struct mgr_conf *conf)                       \
	{                                                                                    \
		return field_clear(&fields[field], key, conf);                               \
	}
#define NET_KEY(id, field) NET_KEY_READ(id, field) NET_KEY_WRITE(id, field)

NET_KEY_READ(type, F_TYPE)
NET_KEY(link, F_LINK)
NET_KEY(flags, F_FLAGS)
NET_KEY(name, F_NAME)
NET_KEY(hwaddr, F_HWADDR)
NET_KEY(mtu, F_MTU)
NET_KEY(ipv4_address, F_IPV4_ADDRESS)
NET_KEY(ipv4_gateway, F_IPV4_GATEWAY)
NET_KEY(ipv6_address, F_IPV6_ADDRESS)
NET_KEY(ipv6_gateway, F_IPV6_GATEWAY)
NET_KEY(veth_pair, F_VETH_PAIR)
NET_KEY(macvlan_mode, F_MACVLAN_MODE)
NET_KEY(ipvlan_mode, F_IPVLAN_MODE)
NET_KEY(vlan_id, F_VLAN_ID)
NET_KEY(script_up, F_SCRIPT_UP)
NET_KEY(script_down, F_SCRIPT_DOWN)

/* An empty type removes the whole network, every key of it. */
int key_clear_net_type(const char *key, struct mgr_conf *conf)
{
	struct conf_net *net = net_find(conf, key);

	if (net)
		net_remove(conf, net);
	return 0;
}

int key_set_net_type(const char *key, const char *value, struct mgr_conf *conf,
		     struct conf_error *err)
{
	if (!*value)
		return key_clear_net_type(key, conf);
	return field_set(&fields[F_TYPE], key, value, conf, err);
}

/* ------------------------------------------------------------ "net" */

/* Only an empty value, clearing every network. */
int key_clear_net(const char *key, struct mgr_conf *conf)
{
	while (conf->n_nets > 0)
		net_remove(conf, &conf->nets[conf->n_nets - 1]);
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
