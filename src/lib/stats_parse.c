/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "util/macro.h"

/* Parse a number at *p, moving *p past it. */
static int parse_number(const char **p, uint64_t *ret)
{
	char *end;
	unsigned long long v;

	if (**p < '0' || **p > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(*p, &end, 10);
	if (errno != 0)
		return -errno;
	*p = end;
	*ret = v;
	return 0;
}

int stats_parse_u64(const char *text, uint64_t *ret)
{
	const char *p = text + strspn(text, " \t\n");
	uint64_t v;
	int r;

	if (strncmp(p, "max", 3) == 0) {
		v = UINT64_MAX;
		p += 3;
	} else {
		r = parse_number(&p, &v);
		if (r < 0)
			return r;
	}
	if (p[strspn(p, " \t\n")] != 0)
		return -EINVAL;
	*ret = v;
	return 0;
}

int stats_parse_keyed(const char *text, const char *key, uint64_t *ret)
{
	size_t klen = strlen(key);

	for (const char *l = text; *l; l += strcspn(l, "\n"), l += *l == '\n') {
		const char *p = l + klen;

		if (strncmp(l, key, klen) != 0 || (*p != ' ' && *p != '\t'))
			continue;
		p += strspn(p, " \t");
		return parse_number(&p, ret);
	}
	return -ENOENT;
}

int stats_parse_blkio(const char *text, uint64_t *ret_read, uint64_t *ret_write)
{
	uint64_t rd = 0, wr = 0;

	for (const char *l = text; *l; l += strcspn(l, "\n"), l += *l == '\n') {
		char line[128], dev[32], op[16];
		uint64_t v;

		snprintf(line, sizeof(line), "%.*s", (int)strcspn(l, "\n"), l);
		/* "MAJ:MIN Op N"; "Total N" has two fields only. */
		if (sscanf(line, "%31s %15s %" SCNu64, dev, op, &v) != 3 || !strchr(dev, ':'))
			continue;
		if (streq(op, "Read"))
			rd += v;
		else if (streq(op, "Write"))
			wr += v;
	}
	*ret_read = rd;
	*ret_write = wr;
	return 0;
}

int stats_parse_io_stat(const char *text, uint64_t *ret_read, uint64_t *ret_write)
{
	uint64_t rd = 0, wr = 0;

	for (const char *l = text; *l; l += strcspn(l, "\n"), l += *l == '\n') {
		size_t len = strcspn(l, "\n");

		/* Fields after the device: "key=value", separated by spaces. */
		for (const char *f = l + strcspn(l, " "); f < l + len; f += strcspn(f, " \n")) {
			uint64_t v;
			const char *p;

			f += strspn(f, " ");
			if (strncmp(f, "rbytes=", 7) != 0 && strncmp(f, "wbytes=", 7) != 0)
				continue;
			p = f + 7;
			if (parse_number(&p, &v) < 0)
				continue;
			if (f[0] == 'r')
				rd += v;
			else
				wr += v;
		}
	}
	*ret_read = rd;
	*ret_write = wr;
	return 0;
}

int stats_parse_net_dev(const char *text, struct mgr_net_stats **ret, size_t *ret_n)
{
	struct mgr_net_stats *devs = NULL;
	size_t n = 0;

	for (const char *l = text; *l; l += strcspn(l, "\n"), l += *l == '\n') {
		const char *name = l + strspn(l, " "), *colon = strchr(name, ':');
		const char *nl = name + strcspn(name, "\n");
		uint64_t v[9];
		const char *p;
		struct mgr_net_stats *nd;

		/* The two header lines have a "|" before any ":". */
		if (!colon || colon > nl || memchr(name, '|', (size_t)(colon - name)))
			continue;
		if ((size_t)(colon - name) >= sizeof(devs->name))
			continue;
		p = colon + 1;
		/* rx: bytes packets errs drop fifo frame compressed multicast; tx: bytes ... */
		for (size_t i = 0; i < ARRAY_SIZE(v); i++) {
			p += strspn(p, " \t");
			if (parse_number(&p, &v[i]) < 0) {
				free(devs);
				return -EINVAL;
			}
		}
		nd = realloc(devs, (n + 1) * sizeof(*devs));
		if (!nd) {
			free(devs);
			return -ENOMEM;
		}
		devs = nd;
		memset(&devs[n], 0, sizeof(devs[n]));
		memcpy(devs[n].name, name, (size_t)(colon - name));
		devs[n].rx_bytes = v[0];
		devs[n].tx_bytes = v[8];
		n++;
	}
	*ret = devs;
	*ret_n = n;
	return 0;
}
