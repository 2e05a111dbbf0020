/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Turning the config's limits into cgroup settings (limits.c), device
 * access (devices.c, devices_bpf.c) and reading or changing one setting of
 * a running container (limits_item.c).  Shared by those files and the unit
 * tests; the rest of libmgr goes through cgroup.h.
 */
#ifndef MGR_CGROUP_LIMITS_H
#define MGR_CGROUP_LIMITS_H

#include <linux/bpf.h>
#include <stdbool.h>
#include <stddef.h>

#include "cgroups/cgroup.h"
#include "conf.h"

/* One interface file write a setting turns into. */
struct limit_write {
	const char *key; /* the config key without prefix: "limits.memory" */
	char *setting;   /* the config's value, for messages: "64M" */
	int version;     /* 1: the v1 hierarchy of the controller; 2: cgroup2 */
	char *file;      /* "memory.limit_in_bytes" */
	char *value;     /* "67108864" */
};

struct limit_plan {
	struct limit_write *w;
	size_t n;
};

/* limits.io.*: the v1 file and the io.max word of each kind. */
struct limit_io_kind {
	const char *key, *v1_file, *v2_word;
};
extern const struct limit_io_kind limit_io_kinds[_CONF_IO_MAX];

/* How the host offers a controller: 1 in a v1 hierarchy, 2 in the cgroup2
 * one, 0 not at all.  "" asks whether there is a cgroup2 hierarchy. */
typedef int (*limit_version_fn)(const char *controller, void *userdata);

/*
 * The writes for conf's limits.* and raw cgroup keys, in the order they
 * are made: the limits keys (cpuset, memory, swap, cpu, weight, pids, io),
 * then the raw keys as written.  Devices given by path are looked up on
 * the host.  -EOPNOTSUPP (a controller the host lacks, a setting it cannot
 * express), -ENOENT (a device) or -EINVAL with err naming the key.
 */
int limits_plan(const struct mgr_conf *conf, limit_version_fn version, void *userdata,
		struct limit_plan *ret, char *err, size_t errlen);
void limits_plan_free(struct limit_plan *plan);
/* Make the writes in cg; err names the key of the one that failed. */
int limits_plan_apply(struct cgroup *cg, const struct limit_plan *plan, char *err, size_t errlen);
/* The real host's answer for cg, for limits_plan(). */
int limits_host_version(const char *controller, void *userdata);
/* The directory of cg holding controller in that version, NULL if none. */
const char *limits_dir(struct cgroup *cg, const char *controller, int version);

/*
 * Device access.  The rules in effect: every deny rule, then (unless the
 * policy allows everything) the allow rules, mgr's default list first
 * (version 0) when the policy is the default.  A device and access are
 * allowed when no deny rule matches any of the access and an allow rule
 * (or the allow-all policy) grants all of it.
 */
struct device_rules {
	struct conf_device_rule *rules;
	size_t n;
	bool allow_all;
};
int devices_effective(const struct conf_devices *d, struct device_rules *ret);
void device_rules_free(struct device_rules *r);
/* Whether the config says anything about devices (beyond the default). */
bool devices_configured(const struct conf_devices *d);
/* Apply the rules to cg: through the v1 devices controller where the host
 * has one, and as a device program on its cgroup2 directory where there is
 * one (both on a hybrid host). */
int cgroup_apply_devices(struct cgroup *cg, const struct conf_devices *d, char *err,
			 size_t errlen);
/* The cgroup device program for the rules, for BPF_PROG_TYPE_CGROUP_DEVICE:
 * *ret_insns is malloc'd. */
int devices_bpf_program(const struct device_rules *r, struct bpf_insn **ret_insns, size_t *ret_n);
/* Load it and attach it to the cgroup2 directory dir (BPF_F_ALLOW_MULTI). */
int devices_bpf_attach(const char *dir, const struct bpf_insn *insns, size_t n, char *err,
		       size_t errlen);

#endif
