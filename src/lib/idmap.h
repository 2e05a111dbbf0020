/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * User namespaces: the idmap key ("u|g NSID HOSTID RANGE"), the maps of a
 * new init, the choice of a free range from /etc/subuid and /etc/subgid,
 * and the shift of a rootfs's owners into a range.
 */
#ifndef MGR_IDMAP_H
#define MGR_IDMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define IDMAP_MAX 340            /* lines the kernel takes in one uid_map */
#define IDMAP_DEFAULT_RANGE 65536 /* ids a container gets from idmap = auto */
#define IDMAP_INVALID (-1LL)

struct conf_idmap {
	char type; /* 'u' or 'g' */
	unsigned long nsid, hostid, range;
};

/* "u 0 100000 65536" -> *ret; *ret_why says what is wrong. */
int idmap_parse(const char *s, struct conf_idmap *ret, const char **ret_why);
/* The maps are usable: both types present, root (0) mapped in each, no
 * two lines overlapping on either side. */
int idmap_check(const struct conf_idmap *v, size_t n, const char **ret_why);

/* The host id of the container's id (type 'u' or 'g'), or IDMAP_INVALID.
 * With n == 0 (no maps: a privileged container) the id itself. */
long long idmap_to_host(const struct conf_idmap *v, size_t n, char type, unsigned long id);
/* The container's id of a host id, or IDMAP_INVALID; the id itself for n == 0. */
long long idmap_to_ns(const struct conf_idmap *v, size_t n, char type, unsigned long id);

/* Write /proc/PID/uid_map and gid_map: directly as root, through
 * newuidmap and newgidmap otherwise. */
int idmap_write(pid_t pid, const struct conf_idmap *v, size_t n);

/*
 * A free range of size ids for a container of root's, in both
 * /etc/subuid and /etc/subgid (the files named by MGR_SUBUID_FILE and
 * MGR_SUBGID_FILE in the environment, for tests), not overlapping the
 * ranges that the containers under container_path map.  -ENOENT when root
 * has no subordinate ids, -ENOSPC when all of them are taken; why says
 * which in words.
 */
/* Does file (/etc/subuid or /etc/subgid) give the caller, by name or uid,
 * the host ids hostid..hostid+range-1?  Its own single id needs no line. */
bool idmap_subid_allows(const char *file, unsigned long hostid, unsigned long range);

int idmap_pick_range(const char *container_path, unsigned long size, unsigned long *ret_base,
		     char *why, size_t whylen);
/* 1 when a container under container_path maps some of the host ids of v
 * (why then names it and the ids), 0 when none does, or -errno. */
int idmap_range_shared(const char *container_path, const struct conf_idmap *v, size_t n,
		       char *why, size_t whylen);

/*
 * Give every file under rootfd (not crossing into other filesystems) the
 * owner the maps "to" give the container id that the maps "from" gave it
 * (n == 0: no maps, the host's ids are the container's).  Setuid and
 * setgid bits, file capabilities (rewritten for the new root) and ACL
 * entries follow.  Ids that either side does not map are left as they
 * are.  Shifting twice is harmless when the two ranges do not overlap.
 */
/* A new user namespace with the maps v (as root: written directly), as
 * an fd that keeps it; no process is left in it.  Through it an idmapped
 * mount shows a file the host sees owned by id X as owned by the host id
 * that v gives container id X. */
int idmap_userns_fd(const struct conf_idmap *v, size_t n);

int idmap_shift_tree(int rootfd, const struct conf_idmap *from, size_t nfrom,
		     const struct conf_idmap *to, size_t nto);

#endif
