/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* idmap lines, their checks, id translation and the choice of a range. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "idmap.h"
#include "tap.h"
#include "util/fileio.h"

static void parses(void)
{
	struct conf_idmap m;
	const char *why = NULL;

	is_int(idmap_parse("u 0 100000 65536", &m, &why), 0, "a uid line");
	ok(m.type == 'u' && m.nsid == 0 && m.hostid == 100000 && m.range == 65536, "its fields");
	is_int(idmap_parse("  g\t1000 2000 1  ", &m, &why), 0, "a gid line with blanks");
	ok(m.type == 'g' && m.nsid == 1000 && m.hostid == 2000 && m.range == 1, "its fields");
	static const char *const bad[] = {
		"b 0 1 1", "u 0 1", "u 0 1 1 1", "u -1 1 1", "u 0 x 1", "u0 1 1 1", "", "u 0 1 0",
		"u 0 4294967290 10", "u 4294967295 0 1", "u 0 1 1x",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		ok(idmap_parse(bad[i], &m, &why) < 0 && why, "refused \"%s\": %s", bad[i],
		   why ? why : "(no reason)");
	}
}

static void checks_and_translates(void)
{
	const struct conf_idmap v[] = {
		{ 'u', 0, 100000, 1000 }, { 'u', 1000, 5000, 1 }, { 'u', 1001, 101001, 64535 },
		{ 'g', 0, 100000, 65536 },
	};
	const struct conf_idmap no_root[] = { { 'u', 1, 100000, 10 }, { 'g', 0, 100000, 10 } };
	const struct conf_idmap no_g[] = { { 'u', 0, 100000, 10 } };
	const struct conf_idmap ns_overlap[] = {
		{ 'u', 0, 100000, 10 }, { 'u', 5, 200000, 10 }, { 'g', 0, 100000, 10 },
	};
	const struct conf_idmap host_overlap[] = {
		{ 'u', 0, 100000, 10 }, { 'u', 100, 100005, 10 }, { 'g', 0, 100000, 10 },
	};
	const char *why = NULL;

	is_int(idmap_check(v, 4, &why), 0, "split maps are fine");
	ok(idmap_check(no_root, 2, &why) < 0 && strstr(why, "uid 0"), "root unmapped: %s", why);
	ok(idmap_check(no_g, 1, &why) < 0 && strstr(why, "gid 0"), "no gid map: %s", why);
	ok(idmap_check(ns_overlap, 3, &why) < 0 && strstr(why, "overlap"), "container ids overlap");
	ok(idmap_check(host_overlap, 3, &why) < 0 && strstr(why, "overlap"), "host ids overlap");

	ok(idmap_to_host(v, 4, 'u', 0) == 100000, "uid 0");
	ok(idmap_to_host(v, 4, 'u', 999) == 100999, "uid 999");
	ok(idmap_to_host(v, 4, 'u', 1000) == 5000, "uid 1000 on its own line");
	ok(idmap_to_host(v, 4, 'u', 65535) == 165535, "the last uid");
	ok(idmap_to_host(v, 4, 'u', 65536) == IDMAP_INVALID, "past the range");
	ok(idmap_to_host(v, 4, 'g', 33) == 100033, "a gid");
	ok(idmap_to_ns(v, 4, 'u', 5000) == 1000, "back from the host");
	ok(idmap_to_ns(v, 4, 'u', 99999) == IDMAP_INVALID, "a host uid not mapped");
	ok(idmap_to_host(NULL, 0, 'u', 42) == 42 && idmap_to_ns(NULL, 0, 'g', 42) == 42,
	   "no maps: the host's ids");
}

static char dir[] = "/tmp/mgr-test-idmap.XXXXXX";

static void picks_ranges(void)
{
	char uid[256], gid[256], path[256], why[512] = "", file[300];
	unsigned long base = 0;

	snprintf(uid, sizeof(uid), "%s/subuid", dir);
	snprintf(gid, sizeof(gid), "%s/subgid", dir);
	snprintf(path, sizeof(path), "%s/containers", dir);
	setenv("MGR_SUBUID_FILE", uid, 1);
	setenv("MGR_SUBGID_FILE", gid, 1);

	is_int(idmap_pick_range(path, 65536, &base, why, sizeof(why)), -ENOENT,
	       "no files: no range (%s)", why);
	write_file_atomic(uid, "alice:100000:65536\nroot:196608:150000\n", 0644);
	write_file_atomic(gid, "root:100000:1000000\n", 0644);
	is_int(idmap_pick_range(path, 65536, &base, why, sizeof(why)), 0, "a range: %s", why);
	ok(base == 196608, "root's first aligned slot, not alice's: %lu", base);

	/* A container that uses it moves the next pick on. */
	snprintf(file, sizeof(file), "%s/c1", path);
	mkdir_p(file, 0755);
	snprintf(file, sizeof(file), "%s/c1/config", path);
	write_file_atomic(file, "mgr.idmap = u 0 196608 65536\nmgr.idmap = g 0 196608 65536\n", 0644);
	is_int(idmap_pick_range(path, 65536, &base, why, sizeof(why)), 0, "another range");
	ok(base == 262144, "the next slot: %lu", base);
	snprintf(file, sizeof(file), "%s/c2", path);
	mkdir_p(file, 0755);
	snprintf(file, sizeof(file), "%s/c2/config", path);
	write_file_atomic(file, "mgr.idmap = u 0 262144 65536\nmgr.idmap = g 0 262144 65536\n", 0644);
	/* 196608 + 150000 = 346608: a third slot of 65536 does not fit. */
	is_int(idmap_pick_range(path, 65536, &base, why, sizeof(why)), -ENOSPC, "all taken");
	ok(strstr(why, "No free range") != NULL, "says so: %s", why);
	/* A subuid range without a subgid range beside it is no use. */
	write_file_atomic(gid, "root:5000000:65536\n", 0644);
	is_int(idmap_pick_range(path, 65536, &base, why, sizeof(why)), -ENOSPC,
	       "uids without gids");
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	parses();
	checks_and_translates();
	picks_ranges();
	rm_rf(dir);
	return done();
}
