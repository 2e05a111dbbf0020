/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <inttypes.h>
#include <string.h>

#include "common.h"
#include "stats-format.h"

void format_bytes(uint64_t bytes, bool short_form, char *buf, size_t size)
{
	static const char units[] = "KMGTPE";
	double v = (double)bytes;
	int u = -1;

	while (v >= 1024 && u < (int)sizeof(units) - 2) {
		v /= 1024;
		u++;
	}
	if (u < 0)
		snprintf(buf, size, short_form ? "%" PRIu64 : "%" PRIu64 " B", bytes);
	else if (short_form)
		snprintf(buf, size, "%.*f%c", v < 10 ? 1 : 0, v, units[u]);
	else
		snprintf(buf, size, "%.*f %ciB", v < 10 ? 2 : 1, v, units[u]);
}

static void field(FILE *f, const char *label, const char *value)
{
	fprintf(f, "%-15s %s\n", label, value);
}

static void bytes_field(FILE *f, const char *label, uint64_t v, bool humanize)
{
	char buf[32];

	if (humanize)
		format_bytes(v, false, buf, sizeof(buf));
	else
		snprintf(buf, sizeof(buf), "%" PRIu64, v);
	field(f, label, buf);
}

void stats_print_text(FILE *f, const struct mgr_stats *s, bool humanize)
{
	char buf[96], rx[32], tx[32];

	if (s->have & MGR_STATS_CPU) {
		if (humanize)
			snprintf(buf, sizeof(buf), "%.2f s", s->cpu_ns / 1e9);
		else
			snprintf(buf, sizeof(buf), "%" PRIu64, s->cpu_ns);
		field(f, "CPU use:", buf);
	}
	if (s->have & MGR_STATS_MEMORY)
		bytes_field(f, "Memory use:", s->memory_bytes, humanize);
	if (s->have & MGR_STATS_MEMORY_PEAK)
		bytes_field(f, "Memory peak:", s->memory_peak_bytes, humanize);
	if (s->have & MGR_STATS_MEMORY_LIMIT) {
		if (s->memory_limit_bytes == MGR_STATS_UNLIMITED)
			field(f, "Memory limit:", humanize ? "none" : "max");
		else
			bytes_field(f, "Memory limit:", s->memory_limit_bytes, humanize);
	}
	if (s->have & MGR_STATS_PIDS) {
		snprintf(buf, sizeof(buf), "%" PRIu64, s->pids);
		field(f, "PIDs:", buf);
	}
	if (s->have & MGR_STATS_BLKIO) {
		bytes_field(f, "BlkIO read:", s->blkio_read_bytes, humanize);
		bytes_field(f, "BlkIO write:", s->blkio_write_bytes, humanize);
	}
	for (size_t i = 0; i < s->n_net; i++) {
		const struct mgr_net_stats *n = &s->net[i];
		char label[32];

		if (humanize) {
			format_bytes(n->rx_bytes, false, rx, sizeof(rx));
			format_bytes(n->tx_bytes, false, tx, sizeof(tx));
		} else {
			snprintf(rx, sizeof(rx), "%" PRIu64, n->rx_bytes);
			snprintf(tx, sizeof(tx), "%" PRIu64, n->tx_bytes);
		}
		snprintf(label, sizeof(label), "Net %s:", n->name);
		snprintf(buf, sizeof(buf), "RX %s, TX %s", rx, tx);
		field(f, label, buf);
	}
}

/* "key":N, or "key":null when the host did not give it. */
static void json_u64(FILE *f, const char *key, bool have, uint64_t v, bool comma)
{
	fprintf(f, "%s\"%s\":", comma ? "," : "", key);
	if (have)
		fprintf(f, "%" PRIu64, v);
	else
		fputs("null", f);
}

void stats_print_json(FILE *f, const struct mgr_stats *s)
{
	fputc('{', f);
	json_u64(f, "cpu_ns", s->have & MGR_STATS_CPU, s->cpu_ns, false);
	json_u64(f, "memory_bytes", s->have & MGR_STATS_MEMORY, s->memory_bytes, true);
	json_u64(f, "memory_peak_bytes", s->have & MGR_STATS_MEMORY_PEAK, s->memory_peak_bytes,
		 true);
	/* No limit is null as well. */
	json_u64(f, "memory_limit_bytes",
		 (s->have & MGR_STATS_MEMORY_LIMIT) && s->memory_limit_bytes != MGR_STATS_UNLIMITED,
		 s->memory_limit_bytes, true);
	json_u64(f, "pids", s->have & MGR_STATS_PIDS, s->pids, true);
	json_u64(f, "blkio_read_bytes", s->have & MGR_STATS_BLKIO, s->blkio_read_bytes, true);
	json_u64(f, "blkio_write_bytes", s->have & MGR_STATS_BLKIO, s->blkio_write_bytes, true);
	fputs(",\"net\":", f);
	if (!(s->have & MGR_STATS_NET)) {
		fputs("null}", f);
		return;
	}
	fputc('[', f);
	for (size_t i = 0; i < s->n_net; i++) {
		fprintf(f, "%s{\"name\":", i > 0 ? "," : "");
		json_print_string(f, s->net[i].name);
		fprintf(f, ",\"rx_bytes\":%" PRIu64 ",\"tx_bytes\":%" PRIu64 "}", s->net[i].rx_bytes,
			s->net[i].tx_bytes);
	}
	fputs("]}", f);
}

uint64_t stats_net_bytes(const struct mgr_stats *s)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < s->n_net; i++)
		if (strcmp(s->net[i].name, "lo") != 0)
			sum += s->net[i].rx_bytes + s->net[i].tx_bytes;
	return sum;
}
