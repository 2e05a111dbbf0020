/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Printing a container's mgr_stats: for mgr-info -S and mgr-top. */
#ifndef MGR_TOOLS_STATS_FORMAT_H
#define MGR_TOOLS_STATS_FORMAT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <mgr/mgr.h>

/* "512 B", "1.5 KiB", "12.3 MiB" ...; short: "512", "1.5K", "12.3M". */
void format_bytes(uint64_t bytes, bool short_form, char *buf, size_t size);
/* One "Label:  value" line per figure the host gave; humanize: seconds
 * and binary units, else nanoseconds and bytes. */
void stats_print_text(FILE *f, const struct mgr_stats *s, bool humanize);
/* A JSON object; figures the host did not give are null. */
void stats_print_json(FILE *f, const struct mgr_stats *s);
/* Received plus sent, over every device but lo. */
uint64_t stats_net_bytes(const struct mgr_stats *s);

#endif
