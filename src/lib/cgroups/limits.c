/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The one place where the config's limits become cgroup writes: each
 * limits.* key is translated for the hierarchy that holds its controller
 * on this host (v1 file names and units, or v2 ones), the raw cgroup.* and
 * cgroup2.* keys are taken as written, and the lot is written into the
 * container's new cgroup before init runs.  Nothing is skipped: a limit
 * the host cannot apply fails the start, naming the key.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "cgroups/cgroup-internal.h"
#include "cgroups/limits.h"
#include "log.h"
#include "util/macro.h"
#include "util/strv.h"

struct planner {
	struct limit_plan plan;
	limit_version_fn version;
	void *userdata;
	char *err;
	size_t errlen;
};

/* 'Cannot apply "mgr.KEY = SETTING": WHY', returns r. */
static int _printf_(5, 6)
	cannot(struct planner *p, int r, const char *key, const char *setting, const char *fmt, ...)
{
	char why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	snprintf(p->err, p->errlen, "Cannot apply \"mgr.%s = %s\": %s", key, setting, why);
	return r;
}

static int _printf_(6, 7) add(struct planner *p, const char *key, const char *setting,
			      int version, const char *file, const char *fmt, ...)
{
	struct limit_write *w = realloc(p->plan.w, (p->plan.n + 1) * sizeof(*w));
	va_list ap;
	int r;

	if (!w)
		return -ENOMEM;
	p->plan.w = w;
	w += p->plan.n;
	*w = (struct limit_write){ .key = key, .version = version };
	va_start(ap, fmt);
	r = vasprintf(&w->value, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	p->plan.n++;
	w->setting = strdup(setting);
	w->file = strdup(file);
	return w->setting && w->file ? 0 : -ENOMEM;
}

/* The controller's version on the host, or an error naming key. */
static int need(struct planner *p, const char *controller, const char *key, const char *setting)
{
	int v = p->version(controller, p->userdata);

	if (v <= 0)
		return cannot(p, -EOPNOTSUPP, key, setting, "the host has no %s controller",
			      controller);
	return v;
}

/* "max" for v2, the v1 word for no limit (-1 or 0) otherwise. */
static const char *unlimited(int version, const char *v1_word)
{
	return version == 2 ? "max" : v1_word;
}

/* ------------------------------------------------------------ limits.* */

static int plan_memory(struct planner *p, const struct conf_limits *l)
{
	_cleanup_free_ char *mem = NULL, *swap = NULL;
	int v, r;

	if (!l->memory && !l->memory_swap_set)
		return 0;
	if ((l->memory && conf_limit_size_format(l->memory, &mem) < 0) ||
	    (l->memory_swap_set && conf_limit_size_format(l->memory_swap, &swap) < 0))
		return -ENOMEM;
	v = need(p, "memory", mem ? "limits.memory" : "limits.memory.swap", mem ? mem : swap);
	if (v < 0)
		return v;
	if (mem) {
		const char *file = v == 1 ? "memory.limit_in_bytes" : "memory.max";

		r = l->memory == CONF_LIMIT_MAX
			    ? add(p, "limits.memory", mem, v, file, "%s", unlimited(v, "-1"))
			    : add(p, "limits.memory", mem, v, file, "%llu", l->memory);
		if (r < 0)
			return r;
	}
	if (!swap)
		return 0;
	if (v == 2)
		return l->memory_swap == CONF_LIMIT_MAX
			       ? add(p, "limits.memory.swap", swap, v, "memory.swap.max", "max")
			       : add(p, "limits.memory.swap", swap, v, "memory.swap.max", "%llu",
				     l->memory_swap);
	/* v1 limits memory and swap together: memsw is their sum. */
	if (l->memory_swap == CONF_LIMIT_MAX)
		return add(p, "limits.memory.swap", swap, v, "memory.memsw.limit_in_bytes", "-1");
	if (!l->memory || l->memory == CONF_LIMIT_MAX)
		return cannot(p, -EOPNOTSUPP, "limits.memory.swap", swap,
			      "cgroup v1 limits memory and swap together, so it needs a "
			      "limits.memory other than max");
	return add(p, "limits.memory.swap", swap, v, "memory.memsw.limit_in_bytes", "%llu",
		   l->memory + l->memory_swap);
}

static int plan_cpu(struct planner *p, const struct conf_limits *l)
{
	_cleanup_free_ char *cpu = NULL, *weight = NULL;
	int v, r;

	if (!l->cpu && !l->cpu_weight)
		return 0;
	if ((l->cpu && conf_limit_cpu_format(l->cpu, &cpu) < 0) ||
	    (l->cpu_weight && asprintf(&weight, "%d", l->cpu_weight) < 0))
		return -ENOMEM;
	v = need(p, "cpu", cpu ? "limits.cpu" : "limits.cpu.weight", cpu ? cpu : weight);
	if (v < 0)
		return v;
	if (cpu && v == 1) {
		r = add(p, "limits.cpu", cpu, v, "cpu.cfs_period_us", "%llu", CONF_CPU_PERIOD_USEC);
		if (r == 0)
			r = l->cpu == CONF_LIMIT_MAX
				    ? add(p, "limits.cpu", cpu, v, "cpu.cfs_quota_us", "-1")
				    : add(p, "limits.cpu", cpu, v, "cpu.cfs_quota_us", "%llu", l->cpu);
	} else if (cpu) {
		r = l->cpu == CONF_LIMIT_MAX
			    ? add(p, "limits.cpu", cpu, v, "cpu.max", "max %llu", CONF_CPU_PERIOD_USEC)
			    : add(p, "limits.cpu", cpu, v, "cpu.max", "%llu %llu", l->cpu,
				  CONF_CPU_PERIOD_USEC);
	} else {
		r = 0;
	}
	if (r < 0 || !weight)
		return r;
	if (v == 2)
		return add(p, "limits.cpu.weight", weight, v, "cpu.weight", "%d", l->cpu_weight);
	/* v1 shares: 1024 is the default as weight 100 is on v2. */
	return add(p, "limits.cpu.weight", weight, v, "cpu.shares", "%d",
		   l->cpu_weight * 1024 / 100 < 2 ? 2 : l->cpu_weight * 1024 / 100);
}

static int plan_simple(struct planner *p, const struct conf_limits *l)
{
	int v;

	if (l->cpuset) {
		v = need(p, "cpuset", "limits.cpuset", l->cpuset);
		if (v < 0)
			return v;
		v = add(p, "limits.cpuset", l->cpuset, v, "cpuset.cpus", "%s", l->cpuset);
		if (v < 0)
			return v;
	}
	if (l->pids) {
		char setting[32] = "max";

		if (l->pids != CONF_LIMIT_MAX)
			snprintf(setting, sizeof(setting), "%llu", l->pids);
		v = need(p, "pids", "limits.pids", setting);
		if (v < 0)
			return v;
		return add(p, "limits.pids", setting, v, "pids.max", "%s", setting);
	}
	return 0;
}

const struct limit_io_kind limit_io_kinds[_CONF_IO_MAX] = {
	[CONF_IO_READ_BPS] = { "limits.io.read_bps", "blkio.throttle.read_bps_device", "rbps" },
	[CONF_IO_WRITE_BPS] = { "limits.io.write_bps", "blkio.throttle.write_bps_device", "wbps" },
	[CONF_IO_READ_IOPS] = { "limits.io.read_iops", "blkio.throttle.read_iops_device", "riops" },
	[CONF_IO_WRITE_IOPS] = { "limits.io.write_iops", "blkio.throttle.write_iops_device",
				 "wiops" },
};

/* "MAJ:MIN" of a block device given by path, or as written. */
static int io_device(struct planner *p, const char *key, const char *setting, const char *device,
		     char ret[static 32])
{
	struct stat st;

	if (*device != '/') {
		snprintf(ret, 32, "%s", device);
		return 0;
	}
	if (stat(device, &st) < 0)
		return cannot(p, negative_errno(), key, setting, "\"%s\": %s", device,
			      strerror(errno));
	if (!S_ISBLK(st.st_mode))
		return cannot(p, -ENOTBLK, key, setting, "\"%s\" is not a block device", device);
	snprintf(ret, 32, "%u:%u", major(st.st_rdev), minor(st.st_rdev));
	return 0;
}

static int plan_io(struct planner *p, const struct conf_limits *l)
{
	for (int kind = 0; kind < _CONF_IO_MAX; kind++)
		for (size_t i = 0; i < l->n_io[kind]; i++) {
			const struct conf_io_limit *io = &l->io[kind][i];
			bool bytes = kind == CONF_IO_READ_BPS || kind == CONF_IO_WRITE_BPS;
			const char *key = limit_io_kinds[kind].key;
			_cleanup_free_ char *setting = NULL;
			char dev[32], value[32] = "max";
			int r;

			if (conf_io_limit_format(io, bytes, &setting) < 0)
				return -ENOMEM;
			r = io_device(p, key, setting, io->device, dev);
			if (r < 0)
				return r;
			if (io->value != CONF_LIMIT_MAX)
				snprintf(value, sizeof(value), "%llu", io->value);
			if (p->version("blkio", p->userdata) == 1)
				r = add(p, key, setting, 1, limit_io_kinds[kind].v1_file, "%s %s", dev,
					io->value == CONF_LIMIT_MAX ? "0" : value);
			else if (p->version("io", p->userdata) == 2)
				r = add(p, key, setting, 2, "io.max", "%s %s=%s", dev,
					limit_io_kinds[kind].v2_word, value);
			else
				r = cannot(p, -EOPNOTSUPP, key, setting,
					   "the host has no blkio or io controller");
			if (r < 0)
				return r;
		}
	return 0;
}

/* ------------------------------------------------------------ cgroup.* and cgroup2.* */

static int plan_raw(struct planner *p, const struct mgr_conf *conf)
{
	for (size_t i = 0; i < conf->n_cgroup_items; i++) {
		const struct conf_pair *item = &conf->cgroup_items[i];
		bool v2 = strncmp(item->key, "cgroup2.", 8) == 0;
		const char *file = item->key + (v2 ? 8 : 7);
		char controller[64];
		int r;

		snprintf(controller, sizeof(controller), "%.*s", (int)strcspn(file, "."), file);
		if (v2 && p->version("", p->userdata) != 2)
			return cannot(p, -EOPNOTSUPP, item->key, item->value,
				      "the host has no cgroup2 hierarchy");
		if (!v2 && p->version(controller, p->userdata) != 1)
			return cannot(p, -EOPNOTSUPP, item->key, item->value,
				      "the host has no cgroup v1 hierarchy with the \"%s\" controller",
				      controller);
		r = add(p, item->key, item->value, v2 ? 2 : 1, file, "%s", item->value);
		if (r < 0)
			return r;
	}
	return 0;
}

void limits_plan_free(struct limit_plan *plan)
{
	for (size_t i = 0; i < plan->n; i++) {
		free(plan->w[i].setting);
		free(plan->w[i].file);
		free(plan->w[i].value);
	}
	free(plan->w);
	plan->w = NULL;
	plan->n = 0;
}

int limits_plan(const struct mgr_conf *conf, limit_version_fn version, void *userdata,
		struct limit_plan *ret, char *err, size_t errlen)
{
	struct planner p = { .version = version, .userdata = userdata, .err = err, .errlen = errlen };
	int r;

	r = plan_simple(&p, &conf->limits);
	if (r == 0)
		r = plan_memory(&p, &conf->limits);
	if (r == 0)
		r = plan_cpu(&p, &conf->limits);
	if (r == 0)
		r = plan_io(&p, &conf->limits);
	if (r == 0)
		r = plan_raw(&p, conf);
	if (r < 0) {
		if (r == -ENOMEM)
			snprintf(err, errlen, "Failed to plan the cgroup limits: %s", strerror(ENOMEM));
		limits_plan_free(&p.plan);
		return r;
	}
	*ret = p.plan;
	return 0;
}

/* ------------------------------------------------------------ the host */

int limits_host_version(const char *controller, void *userdata)
{
	struct cgroup *cg = userdata;

	for (size_t i = 0; *controller && i < cg->host->n_hier; i++)
		if (!cg->host->hier[i].unified &&
		    strv_contains(cg->host->hier[i].controllers, controller))
			return 1;
	if (cg->unified >= 0 &&
	    (!*controller || strv_contains(cg->host->hier[cg->unified].controllers, controller)))
		return 2;
	return 0;
}

const char *limits_dir(struct cgroup *cg, const char *controller, int version)
{
	if (version == 2)
		return cg->unified >= 0 ? cg->paths[cg->unified] : NULL;
	for (size_t i = 0; i < cg->host->n_hier; i++)
		if (!cg->host->hier[i].unified &&
		    strv_contains(cg->host->hier[i].controllers, controller))
			return cg->paths[i];
	return NULL;
}

int limits_plan_apply(struct cgroup *cg, const struct limit_plan *plan, char *err, size_t errlen)
{
	for (size_t i = 0; i < plan->n; i++) {
		const struct limit_write *w = &plan->w[i];
		char controller[64];
		const char *dir;
		int r;

		snprintf(controller, sizeof(controller), "%.*s", (int)strcspn(w->file, "."), w->file);
		dir = limits_dir(cg, controller, w->version);
		r = dir ? cgroup_write(dir, w->file, w->value) : -EOPNOTSUPP;
		if (r == -ENOENT || r == -EOPNOTSUPP)
			snprintf(err, errlen,
				 "Cannot apply \"mgr.%s = %s\": the container's cgroup%s has no \"%s\"",
				 w->key, w->setting, w->version == 2 ? " (cgroup2)" : "", w->file);
		else if (r < 0)
			snprintf(err, errlen,
				 "Cannot apply \"mgr.%s = %s\": writing \"%s\" to \"%s\" failed: %s",
				 w->key, w->setting, w->value, w->file, strerror(-r));
		if (r < 0)
			return r;
		log_debug("%s: %s = %s", cg->dir, w->file, w->value);
	}
	return 0;
}

int cgroup_apply_limits(struct cgroup *cg, const struct mgr_conf *conf, char *err, size_t errlen)
{
	struct limit_plan plan = { 0 };
	int r;

	err[0] = 0;
	r = limits_plan(conf, limits_host_version, cg, &plan, err, errlen);
	if (r == 0) {
		r = limits_plan_apply(cg, &plan, err, errlen);
		limits_plan_free(&plan);
	}
	/* Device rules need root; a user other than root runs containers in
	 * a user namespace, where no device node can be made anyway. */
	if (r == 0 && geteuid() == 0)
		r = cgroup_apply_devices(cg, &conf->devices, err, errlen);
	if (r < 0 && !err[0])
		snprintf(err, errlen, "Failed to apply the cgroup limits: %s", strerror(-r));
	return r;
}
