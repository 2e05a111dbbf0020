/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* idmap = auto: a range of root's subordinate ids that no container of
 * the same container path maps yet. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "idmap.h"
#include "util/fileio.h"
#include "util/macro.h"

struct span {
	unsigned long start, count;
};

struct spans {
	struct span *v;
	size_t n;
};

static void spans_done(struct spans *s)
{
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

static int spans_add(struct spans *s, unsigned long start, unsigned long count)
{
	struct span *v = realloc(s->v, (s->n + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	v[s->n++] = (struct span){ start, count };
	s->v = v;
	return 0;
}

/* The caller's lines ("root:100000:65536", or by uid "0:...") of a
 * subuid/subgid file. */
static int subid_read(const char *path, struct spans *ret)
{
	struct passwd *pw = getpwuid(geteuid());
	char uid[16];

	_cleanup_free_ char *text = NULL;
	char *save = NULL;
	int r = read_file(path, &text, NULL);

	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		unsigned long start, count;
		char name[64];

		if (sscanf(l, "%63[^:]:%lu:%lu", name, &start, &count) != 3 || count == 0)
			continue;
		snprintf(uid, sizeof(uid), "%u", (unsigned)geteuid());
		if (!streq(name, uid) && !(pw && streq(name, pw->pw_name)))
			continue;
		r = spans_add(ret, start, count);
		if (r < 0)
			return r;
	}
	return 0;
}

/* fn(name, conf, arg) for each container under path whose config reads;
 * a non-zero return of fn ends the walk and is returned. */
static int containers_foreach(const char *path,
			      int (*fn)(const char *name, const struct mgr_conf *conf, void *arg),
			      void *arg)
{
	DIR *d = opendir(path);
	struct dirent *de;
	int r = 0;

	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while (r == 0 && (de = readdir(d))) {
		_cleanup_conf_free_ struct mgr_conf *conf = NULL;
		_cleanup_free_ char *dir = NULL, *file = NULL;
		struct conf_error err;

		if (de->d_name[0] == '.')
			continue;
		dir = path_join(path, de->d_name);
		file = dir ? path_join(dir, "config") : NULL;
		conf = conf_new();
		if (!file || !conf) {
			r = -ENOMEM;
			break;
		}
		if (conf_read_file(conf, file, &err) < 0)
			continue; /* not a container, or one that cannot start anyway */
		r = fn(de->d_name, conf, arg);
	}
	closedir(d);
	return r;
}

static int used_add(const char *name, const struct mgr_conf *conf, void *arg)
{
	int r = 0;

	for (size_t i = 0; i < conf->n_idmaps && r == 0; i++)
		r = spans_add(arg, conf->idmaps[i].hostid, conf->idmaps[i].range);
	return r;
}

/* The host ranges every container under path maps. */
static int used_read(const char *path, struct spans *ret)
{
	return containers_foreach(path, used_add, ret);
}

struct overlap_find {
	const struct conf_idmap *v;
	size_t n;
	char *name;
	unsigned long start, count;
};

static int overlap_check(const char *name, const struct conf_idmap *v, size_t n,
			 const struct mgr_conf *conf, struct overlap_find *f)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < conf->n_idmaps; j++) {
			const struct conf_idmap *a = &v[i], *b = &conf->idmaps[j];

			if (a->type != b->type || a->hostid >= b->hostid + b->range ||
			    b->hostid >= a->hostid + a->range)
				continue;
			f->name = strdup(name);
			f->start = a->hostid;
			f->count = a->range;
			return f->name ? 1 : -ENOMEM;
		}
	return 0;
}

static int overlap_one(const char *name, const struct mgr_conf *conf, void *arg)
{
	struct overlap_find *f = arg;

	return overlap_check(name, f->v, f->n, conf, f);
}

int idmap_range_shared(const char *container_path, const struct conf_idmap *v, size_t n,
		       char *why, size_t whylen)
{
	struct overlap_find f = { .v = v, .n = n };
	int r = containers_foreach(container_path, overlap_one, &f);

	if (r > 0)
		snprintf(why, whylen,
			 "The host ids %lu-%lu that mgr.idmap gives the container are mapped by "
			 "container \"%s\" too, whose root would own its files: give it a range of "
			 "its own, or no mgr.idmap line (a free range is picked)",
			 f.start, f.start + f.count - 1, f.name);
	free(f.name);
	return r;
}

static bool span_free(const struct spans *used, unsigned long start, unsigned long count)
{
	for (size_t i = 0; i < used->n; i++)
		if (start < used->v[i].start + used->v[i].count &&
		    used->v[i].start < start + count)
			return false;
	return true;
}

static bool span_within(const struct spans *s, unsigned long start, unsigned long count)
{
	for (size_t i = 0; i < s->n; i++)
		if (start >= s->v[i].start && start + count <= s->v[i].start + s->v[i].count)
			return true;
	return false;
}

bool idmap_subid_allows(const char *file, unsigned long hostid, unsigned long range)
{
	struct spans mine = { 0 };
	bool ok;

	if (range == 1 && hostid == geteuid())
		return true;
	ok = subid_read(file, &mine) == 0 && span_within(&mine, hostid, range);
	spans_done(&mine);
	return ok;
}

int idmap_pick_range(const char *container_path, unsigned long size, unsigned long *ret_base,
		     char *why, size_t whylen)
{
	const char *uidfile = getenv("MGR_SUBUID_FILE") ?: "/etc/subuid";
	const char *gidfile = getenv("MGR_SUBGID_FILE") ?: "/etc/subgid";
	struct spans uids = { 0 }, gids = { 0 }, used = { 0 };
	int r;

	r = subid_read(uidfile, &uids);
	if (r == 0)
		r = subid_read(gidfile, &gids);
	if (r == 0)
		r = used_read(container_path, &used);
	if (r < 0) {
		snprintf(why, whylen, "Failed to read the subordinate ids: %s", strerror(-r));
		goto out;
	}
	if (uids.n == 0 || gids.n == 0) {
		struct passwd *pw = getpwuid(geteuid());
		const char *who = pw ? pw->pw_name : "root";

		snprintf(why, whylen,
			 "%s has no subordinate %s in \"%s\": add a range for containers, e.g. "
			 "\"%s:1000000:1000000000\" (usermod --add-subuids 1000000-1000999999 "
			 "--add-subgids 1000000-1000999999 %s)",
			 who, uids.n == 0 ? "uids" : "gids", uids.n == 0 ? uidfile : gidfile, who, who);
		r = -ENOENT;
		goto out;
	}
	/* The first size-aligned slot of a subuid range that is a subgid range
	 * too and that nobody uses. */
	r = -ENOSPC;
	for (size_t i = 0; i < uids.n && r < 0; i++) {
		unsigned long s = (uids.v[i].start + size - 1) / size * size;

		for (; s + size <= uids.v[i].start + uids.v[i].count; s += size)
			if (span_within(&gids, s, size) && span_free(&used, s, size)) {
				*ret_base = s;
				r = 0;
				break;
			}
	}
	if (r < 0)
		snprintf(why, whylen,
			 "No free range of %lu ids is left in the ranges of \"%s\" and \"%s\" "
			 "(the containers of \"%s\" use them)",
			 size, uidfile, gidfile, container_path);
out:
	spans_done(&uids);
	spans_done(&gids);
	spans_done(&used);
	return r;
}
