/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What a container's cgroup has used: CPU time, memory, tasks and block
 * I/O, from whichever hierarchy holds each controller.  A v1 controller
 * has its own files (cpuacct.usage, memory.usage_in_bytes, ...); a cgroup2
 * one the unified names (cpu.stat, memory.current, ...).  On a hybrid host
 * the CPU time also comes from the cgroup2 hierarchy's cpu.stat, which
 * every cgroup2 directory has, when no v1 cpuacct is mounted.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include "cgroups/cgroup-internal.h"
#include "stats.h"
#include "util/macro.h"

/* v1 writes "no limit" as the largest page count in bytes. */
#define V1_UNLIMITED (UINT64_C(1) << 62)

/* The container's directory in the hierarchy holding controller, and
 * whether that hierarchy is a cgroup2 one; NULL when none holds it. */
static const char *controller_dir(struct cgroup *cg, const char *controller, bool *ret_unified)
{
	const char *dir = cgroup_find_path(cg, controller);

	*ret_unified = dir && cg->unified >= 0 && dir == cg->paths[cg->unified];
	return dir;
}

static int read_u64(const char *dir, const char *file, uint64_t *ret)
{
	_cleanup_free_ char *text = NULL;
	int r = cgroup_read(dir, file, &text);

	return r < 0 ? r : stats_parse_u64(text, ret);
}

static int read_keyed(const char *dir, const char *file, const char *key, uint64_t *ret)
{
	_cleanup_free_ char *text = NULL;
	int r = cgroup_read(dir, file, &text);

	return r < 0 ? r : stats_parse_keyed(text, key, ret);
}

static void cpu_stats(struct cgroup *cg, struct mgr_stats *s)
{
	bool unified;
	const char *dir = controller_dir(cg, "cpuacct", &unified);
	uint64_t usec;

	if (dir && !unified && read_u64(dir, "cpuacct.usage", &s->cpu_ns) == 0) {
		s->have |= MGR_STATS_CPU;
		return;
	}
	if (cg->unified >= 0 && read_keyed(cg->paths[cg->unified], "cpu.stat", "usage_usec", &usec) == 0) {
		s->cpu_ns = usec * 1000;
		s->have |= MGR_STATS_CPU;
	}
}

static void memory_stats(struct cgroup *cg, struct mgr_stats *s)
{
	bool unified;
	const char *dir = controller_dir(cg, "memory", &unified);
	uint64_t v;

	if (!dir)
		return;
	if (read_u64(dir, unified ? "memory.current" : "memory.usage_in_bytes", &v) == 0) {
		s->memory_bytes = v;
		s->have |= MGR_STATS_MEMORY;
	}
	/* memory.peak since Linux 5.19 */
	if (read_u64(dir, unified ? "memory.peak" : "memory.max_usage_in_bytes", &v) == 0) {
		s->memory_peak_bytes = v;
		s->have |= MGR_STATS_MEMORY_PEAK;
	}
	if (read_u64(dir, unified ? "memory.max" : "memory.limit_in_bytes", &v) == 0) {
		s->memory_limit_bytes = !unified && v >= V1_UNLIMITED ? MGR_STATS_UNLIMITED : v;
		s->have |= MGR_STATS_MEMORY_LIMIT;
	}
}

static void blkio_stats(struct cgroup *cg, struct mgr_stats *s)
{
	/* The throttling layer counts every bio; the others only what their
	 * I/O scheduler saw. */
	static const char *const v1_files[] = {
		"blkio.throttle.io_service_bytes_recursive",
		"blkio.throttle.io_service_bytes",
		"blkio.io_service_bytes_recursive",
	};
	_cleanup_free_ char *text = NULL;
	bool unified;
	const char *dir = controller_dir(cg, "blkio", &unified);

	if (dir && !unified) {
		for (size_t i = 0; i < ARRAY_SIZE(v1_files) && !text; i++)
			(void)cgroup_read(dir, v1_files[i], &text);
		if (text && stats_parse_blkio(text, &s->blkio_read_bytes, &s->blkio_write_bytes) == 0)
			s->have |= MGR_STATS_BLKIO;
		return;
	}
	dir = controller_dir(cg, "io", &unified);
	if (dir && unified && cgroup_read(dir, "io.stat", &text) == 0 &&
	    stats_parse_io_stat(text, &s->blkio_read_bytes, &s->blkio_write_bytes) == 0)
		s->have |= MGR_STATS_BLKIO;
}

int cgroup_get_stats(struct cgroup *cg, struct mgr_stats *ret)
{
	struct mgr_stats s = { 0 };
	bool unified;
	const char *dir;

	cpu_stats(cg, &s);
	memory_stats(cg, &s);
	dir = controller_dir(cg, "pids", &unified);
	if (dir && read_u64(dir, "pids.current", &s.pids) == 0)
		s.have |= MGR_STATS_PIDS;
	blkio_stats(cg, &s);
	*ret = s;
	return 0;
}
