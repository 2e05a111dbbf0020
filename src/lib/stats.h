/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Reading the figures of mgr_get_stats() out of the kernel's text: the
 * cgroup files of either version and /proc/PID/net/dev.  Pure parsers,
 * with no I/O, so that they can be tested on their own.
 */
#ifndef MGR_STATS_H
#define MGR_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "mgr/mgr.h"

/* One number, or "max" (UINT64_MAX), with white space around it. */
int stats_parse_u64(const char *text, uint64_t *ret);
/* The value of key in "key value" lines (cpu.stat, memory.stat). */
int stats_parse_keyed(const char *text, const char *key, uint64_t *ret);
/* The bytes read and written, summed over every device: v1
 * blkio.*io_service_bytes* ("8:0 Read 4096" lines, "Total" ignored) and
 * v2 io.stat ("8:0 rbytes=4096 wbytes=0 ..."). */
int stats_parse_blkio(const char *text, uint64_t *ret_read, uint64_t *ret_write);
int stats_parse_io_stat(const char *text, uint64_t *ret_read, uint64_t *ret_write);
/* The devices of /proc/PID/net/dev, in its order, into a malloc'd array. */
int stats_parse_net_dev(const char *text, struct mgr_net_stats **ret, size_t *ret_n);

#endif
