/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mgr_shift(): a stopped container made unprivileged (a range of its own,
 * its rootfs idmapped or its files shifted into the range) or privileged
 * again.  A walk that rewrites owners is done before the config says so:
 * killed half way, the container keeps its old config and the same
 * command finishes the walk (ids already shifted are not shifted twice).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "container.h"
#include "idmap.h"
#include "storage/storage.h"
#include "util/macro.h"

/* Rewrite the owners of s from the maps from to the maps to. */
static int files_shift(struct mgr_container *c, const struct storage *s,
		       const struct conf_idmap *from, size_t nfrom, const struct conf_idmap *to,
		       size_t nto)
{
	_cleanup_close_ int rootfd = -1;
	int r;

	/* An overlay's lower is another container's: its owners stay. */
	if (s->ops == &storage_overlay_ops)
		return container_error(c, -EOPNOTSUPP,
				       "The rootfs \"%s\" is an overlay over another container's "
				       "files, which cannot be shifted: make a full copy first "
				       "(mgr-copy without -s)",
				       s->spec);
	rootfd = s->ops->open_root(s);
	if (rootfd < 0)
		return container_error(c, rootfd, "Failed to open the rootfs \"%s\"", s->spec);
	r = idmap_shift_tree(rootfd, from, nfrom, to, nto);
	if (r < 0)
		return container_error(c, r, "Failed to shift the owners of \"%s\"", s->spec);
	return 0;
}

static int set_items(struct mgr_container *c, const char *const *kv)
{
	struct conf_error err = { "" };
	int r;

	for (; kv[0]; kv += 2) {
		r = kv[1] ? conf_set_item(c->conf, kv[0], kv[1], &err)
			  : conf_clear_item(c->conf, kv[0]);
		if (r < 0)
			return container_error(c, r, "Failed to set %s", kv[0]);
	}
	return 0;
}

static int to_unprivileged(struct mgr_container *c, const struct storage *s, unsigned flags)
{
	static const char *const idmapped[] = { "mgr.privileged", NULL, "mgr.rootfs.idmapped",
						"1", NULL };
	static const char *const shifted[] = { "mgr.privileged", NULL, "mgr.rootfs.idmapped",
					       "0", NULL };
	_cleanup_close_ int lock = -1;
	bool chown_walk;
	int r;

	if (geteuid() != 0)
		return container_error(c, -EPERM, "Only root can shift a container");
	r = idmap_range_set(c, &lock);
	if (r < 0)
		return r;
	chown_walk = (flags & MGR_SHIFT_CHOWN) || !idmapped_usable(c, s);
	if (chown_walk) {
		r = files_shift(c, s, NULL, 0, c->conf->idmaps, c->conf->n_idmaps);
		if (r < 0)
			return r;
	}
	r = set_items(c, chown_walk ? shifted : idmapped);
	return r < 0 ? r : container_config_write(c);
}

static int to_privileged(struct mgr_container *c, const struct storage *s)
{
	static const char *const items[] = { "mgr.idmap",	    NULL, "mgr.rootfs.idmapped",
					     NULL,		    "mgr.privileged", "1",
					     NULL };
	int r;

	if (c->conf->rootfs_idmapped != 1) {
		r = files_shift(c, s, c->conf->idmaps, c->conf->n_idmaps, NULL, 0);
		if (r < 0)
			return r;
	}
	r = set_items(c, items);
	return r < 0 ? r : container_config_write(c);
}

_public_ int mgr_shift(struct mgr_container *c, unsigned flags)
{
	_cleanup_storage_free_ struct storage *s = NULL;
	_cleanup_close_ int lock = -1;
	bool privileged = flags & MGR_SHIFT_PRIVILEGED;
	int r;

	if (!mgr_defined(c))
		return container_error(c, -ENOENT, "Container \"%s\" is not defined in \"%s\"",
				       c->name, c->path);
	lock = container_lock_for(c);
	if (lock < 0)
		return lock;
	r = container_require_stopped(c);
	if (r < 0)
		return r;
	r = mgr_load_config(c);
	if (r < 0)
		return r;
	if (privileged == (c->conf->n_idmaps == 0))
		return container_error(c, -EALREADY, "\"%s\" is %s already", c->name,
				       privileged ? "privileged" : "unprivileged");
	r = container_storage(c, &s);
	if (r < 0)
		return r;
	r = s->ops->check(s);
	if (r < 0)
		return container_error(c, r, "The rootfs \"%s\" is not usable", s->spec);
	r = privileged ? to_privileged(c, s) : to_unprivileged(c, s, flags);
	if (r < 0)
		(void)mgr_load_config(c); /* the handle shows what is on disk */
	return r;
}
