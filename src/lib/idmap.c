/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* idmap lines: parsing, checking, translating ids, writing the maps. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "idmap.h"
#include "storage/storage.h"
#include "util/fileio.h"
#include "util/macro.h"

static int parse_id(const char **s, unsigned long *ret)
{
	char *end;
	unsigned long long v;

	*s += strspn(*s, " \t");
	if (**s < '0' || **s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(*s, &end, 10);
	if (errno || v > 0xffffffffULL || (*end && *end != ' ' && *end != '\t'))
		return -EINVAL;
	*s = end;
	*ret = (unsigned long)v;
	return 0;
}

int idmap_parse(const char *s, struct conf_idmap *ret, const char **ret_why)
{
	struct conf_idmap m = { 0 };

	s += strspn(s, " \t");
	if ((*s != 'u' && *s != 'g') || (s[1] != ' ' && s[1] != '\t')) {
		*ret_why = "expected \"u\" or \"g\", the container's first id, the host's first id "
			   "and a count";
		return -EINVAL;
	}
	m.type = *s++;
	if (parse_id(&s, &m.nsid) < 0 || parse_id(&s, &m.hostid) < 0 ||
	    parse_id(&s, &m.range) < 0 || s[strspn(s, " \t")] != 0) {
		*ret_why = "expected \"u\" or \"g\", the container's first id, the host's first id "
			   "and a count";
		return -EINVAL;
	}
	if (m.range == 0) {
		*ret_why = "the count is 0";
		return -EINVAL;
	}
	if (m.nsid + m.range - 1 > 0xfffffffeUL || m.hostid + m.range - 1 > 0xfffffffeUL) {
		*ret_why = "the range goes past the last id (4294967294)";
		return -EINVAL;
	}
	*ret = m;
	return 0;
}

static bool overlap(unsigned long a, unsigned long an, unsigned long b, unsigned long bn)
{
	return a < b + bn && b < a + an;
}

int idmap_check(const struct conf_idmap *v, size_t n, const char **ret_why)
{
	static const char types[] = { 'u', 'g' };

	if (n > 2 * IDMAP_MAX) {
		*ret_why = "too many idmap lines (340 each for u and g at most)";
		return -EINVAL;
	}
	for (size_t t = 0; t < ARRAY_SIZE(types); t++)
		if (idmap_to_host(v, n, types[t], 0) == IDMAP_INVALID) {
			*ret_why = types[t] == 'u' ? "no idmap line maps the container's uid 0"
						   : "no idmap line maps the container's gid 0";
			return -EINVAL;
		}
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++) {
			if (v[i].type != v[j].type)
				continue;
			if (overlap(v[i].nsid, v[i].range, v[j].nsid, v[j].range) ||
			    overlap(v[i].hostid, v[i].range, v[j].hostid, v[j].range)) {
				*ret_why = "two idmap lines of the same type overlap";
				return -EINVAL;
			}
		}
	return 0;
}

long long idmap_to_host(const struct conf_idmap *v, size_t n, char type, unsigned long id)
{
	if (n == 0)
		return id;
	for (size_t i = 0; i < n; i++)
		if (v[i].type == type && id >= v[i].nsid && id - v[i].nsid < v[i].range)
			return (long long)(v[i].hostid + (id - v[i].nsid));
	return IDMAP_INVALID;
}

long long idmap_to_ns(const struct conf_idmap *v, size_t n, char type, unsigned long id)
{
	if (n == 0)
		return id;
	for (size_t i = 0; i < n; i++)
		if (v[i].type == type && id >= v[i].hostid && id - v[i].hostid < v[i].range)
			return (long long)(v[i].nsid + (id - v[i].hostid));
	return IDMAP_INVALID;
}

/* All lines of one type in one write(), as the kernel wants them. */
static int map_write(pid_t pid, const char *file, char type, const struct conf_idmap *v,
		     size_t n)
{
	char path[64], text[IDMAP_MAX * 36];
	size_t len = 0;
	int fd, r = 0;

	for (size_t i = 0; i < n && len < sizeof(text) - 40; i++)
		if (v[i].type == type)
			len += (size_t)snprintf(text + len, sizeof(text) - len, "%lu %lu %lu\n",
						v[i].nsid, v[i].hostid, v[i].range);
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, text, len) != (ssize_t)len)
		r = negative_errno();
	close(fd);
	return r;
}

/* A user other than root: newuidmap or newgidmap, which check the ids
 * against /etc/subuid or /etc/subgid. */
static int map_exec(pid_t pid, const char *prog, char type, const struct conf_idmap *v, size_t n)
{
	char *argv[3 + 3 * IDMAP_MAX + 1], ids[IDMAP_MAX * 3 + 1][16];
	size_t k = 0, a = 0;
	int r;

	argv[a++] = (char *)prog;
	snprintf(ids[k], sizeof(ids[k]), "%d", (int)pid);
	argv[a++] = ids[k++];
	for (size_t i = 0; i < n && k + 3 <= ARRAY_SIZE(ids); i++) {
		unsigned long f[3] = { v[i].nsid, v[i].hostid, v[i].range };

		if (v[i].type != type)
			continue;
		for (int j = 0; j < 3; j++) {
			snprintf(ids[k], sizeof(ids[k]), "%lu", f[j]);
			argv[a++] = ids[k++];
		}
	}
	argv[a] = NULL;
	r = storage_run(argv, NULL, 0, NULL);
	return r == -ENOEXEC ? -ENOENT : r < 0 ? -EPERM : 0;
}

int idmap_write(pid_t pid, const struct conf_idmap *v, size_t n)
{
	int r;

	if (geteuid() != 0) {
		r = map_exec(pid, "newuidmap", 'u', v, n);
		return r < 0 ? r : map_exec(pid, "newgidmap", 'g', v, n);
	}
	r = map_write(pid, "uid_map", 'u', v, n);
	return r < 0 ? r : map_write(pid, "gid_map", 'g', v, n);
}
