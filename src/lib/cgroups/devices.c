/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Which devices the container may create, read and write.  By default: the
 * nodes mgr's /dev holds (null, zero, full, random, urandom, tty, console,
 * ptmx), the ptys, fuse, and mknod of anything (the node is useless unless
 * another rule allows opening it).  The cgroup.devices.* and
 * cgroup2.devices.* keys add rules, or replace the default ("deny = a") or
 * allow everything but their deny rules ("allow = a").
 *
 * The rules go to the v1 devices controller where the host mounts one, and
 * become a device program on the cgroup2 directory where there is one; a
 * hybrid host gets both, and the kernel checks both.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroups/cgroup-internal.h"
#include "cgroups/limits.h"
#include "log.h"
#include "util/macro.h"

#define DEFAULT_RULE(t, maj, min, acc) \
	{ .allow = true, .type = (t), .major = (maj), .minor = (min), .access = (acc) }

static const struct conf_device_rule default_rules[] = {
	DEFAULT_RULE('c', -1, -1, CONF_DEVICE_MKNOD),
	DEFAULT_RULE('b', -1, -1, CONF_DEVICE_MKNOD),
	DEFAULT_RULE('c', 1, 3, CONF_DEVICE_ALL),    /* null    */
	DEFAULT_RULE('c', 1, 5, CONF_DEVICE_ALL),    /* zero    */
	DEFAULT_RULE('c', 1, 7, CONF_DEVICE_ALL),    /* full    */
	DEFAULT_RULE('c', 1, 8, CONF_DEVICE_ALL),    /* random  */
	DEFAULT_RULE('c', 1, 9, CONF_DEVICE_ALL),    /* urandom */
	DEFAULT_RULE('c', 5, 0, CONF_DEVICE_ALL),    /* tty     */
	DEFAULT_RULE('c', 5, 1, CONF_DEVICE_ALL),    /* console */
	DEFAULT_RULE('c', 5, 2, CONF_DEVICE_ALL),    /* ptmx    */
	DEFAULT_RULE('c', 136, -1, CONF_DEVICE_ALL), /* pts     */
	DEFAULT_RULE('c', 10, 229, CONF_DEVICE_ALL), /* fuse    */
};

bool devices_configured(const struct conf_devices *d)
{
	return d->policy != CONF_DEVICES_DEFAULT || d->n_rules > 0;
}

void device_rules_free(struct device_rules *r)
{
	free(r->rules);
	r->rules = NULL;
	r->n = 0;
}

int devices_effective(const struct conf_devices *d, struct device_rules *ret)
{
	struct device_rules r = { .allow_all = d->policy == CONF_DEVICES_ALLOW_ALL };

	r.rules = calloc(d->n_rules + ARRAY_SIZE(default_rules) + 1, sizeof(*r.rules));
	if (!r.rules)
		return -ENOMEM;
	for (size_t i = 0; i < d->n_rules; i++)
		if (!d->rules[i].allow)
			r.rules[r.n++] = d->rules[i];
	if (d->policy == CONF_DEVICES_DEFAULT)
		for (size_t i = 0; i < ARRAY_SIZE(default_rules); i++)
			r.rules[r.n++] = default_rules[i];
	for (size_t i = 0; i < d->n_rules && !r.allow_all; i++)
		if (d->rules[i].allow)
			r.rules[r.n++] = d->rules[i];
	*ret = r;
	return 0;
}

/* ------------------------------------------------------------ v1 */

/* 'Cannot apply "mgr.cgroup.devices.allow = c 1:3 rwm": ...', or the
 * default rule's text. */
static int v1_fail(int r, int version, bool allow, const char *rule, char *err, size_t errlen)
{
	if (version == 0)
		snprintf(err, errlen, "Cannot apply the default device rule \"%s\": %s", rule,
			 strerror(-r));
	else
		snprintf(err, errlen, "Cannot apply \"mgr.cgroup%s.devices.%s = %s\": %s",
			 version == 2 ? "2" : "", allow ? "allow" : "deny", rule, strerror(-r));
	return r;
}

static int v1_write(const char *dir, const struct conf_device_rule *rule, char *err,
		    size_t errlen)
{
	_cleanup_free_ char *text = NULL;
	int r;

	if (conf_device_rule_format(rule, &text) < 0)
		return -ENOMEM;
	r = cgroup_write(dir, rule->allow ? "devices.allow" : "devices.deny", text);
	if (r < 0)
		return v1_fail(r, rule->version, rule->allow, text, err, errlen);
	return 0;
}

/* The default behaviour first ("a"), then the exceptions: the kernel
 * keeps one list, and a deny only takes back an identical allow. */
static int apply_v1(const char *dir, const struct conf_devices *d, const struct device_rules *rules,
		    char *err, size_t errlen)
{
	int r = cgroup_write(dir, rules->allow_all ? "devices.allow" : "devices.deny", "a");

	if (r < 0)
		return v1_fail(r, d->policy == CONF_DEVICES_DEFAULT ? 0 : d->policy_version,
			       rules->allow_all, "a", err, errlen);
	for (int allow = 1; allow >= 0; allow--)
		for (size_t i = 0; i < rules->n; i++) {
			if (rules->rules[i].allow != allow)
				continue;
			r = v1_write(dir, &rules->rules[i], err, errlen);
			if (r < 0)
				return r;
		}
	return 0;
}

/* ------------------------------------------------------------ both */

static int apply_bpf(const char *dir, const struct device_rules *rules, char *err, size_t errlen)
{
	_cleanup_free_ struct bpf_insn *insns = NULL;
	size_t n;
	int r;

	r = devices_bpf_program(rules, &insns, &n);
	if (r < 0)
		return r;
	return devices_bpf_attach(dir, insns, n, err, errlen);
}

int cgroup_apply_devices(struct cgroup *cg, const struct conf_devices *d, char *err,
			 size_t errlen)
{
	_cleanup_(device_rules_free) struct device_rules rules = { 0 };
	const char *v1 = limits_dir(cg, "devices", 1);
	bool configured = devices_configured(d);
	int r;

	r = devices_effective(d, &rules);
	if (r < 0)
		return r;
	if (v1) {
		r = apply_v1(v1, d, &rules, err, errlen);
		if (r < 0)
			return r;
	}
	if (cg->unified >= 0) {
		r = apply_bpf(cg->paths[cg->unified], &rules, err, errlen);
		/* With the v1 controller enforcing the default, the program is
		 * a second line; for rules of the config it is needed, since
		 * only it honours a deny narrower than an allow. */
		if (r < 0 && (!v1 || configured))
			return r;
		if (r < 0)
			log_debug("%s: no device program (%s), the v1 controller enforces the rules",
				  cg->dir, err);
	} else if (!v1 && configured) {
		snprintf(err, errlen, "Cannot apply the device rules: the host has neither a devices "
				      "controller nor a cgroup2 hierarchy");
		return -EOPNOTSUPP;
	} else if (!v1) {
		log_debug("%s: the host has no way to restrict devices", cg->dir);
	}
	return 0;
}
