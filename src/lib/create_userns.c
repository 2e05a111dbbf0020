/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A new container with a user namespace (mgr.idmap): "idmap = auto" made
 * a range of root's subordinate ids that no other container of the same
 * path maps, and the rootfs the template made either shown through an
 * idmapped mount (mgr.rootfs.idmapped = 1, where kernel and filesystem
 * allow it: nothing to rewrite) or shifted into the range; a copy of an
 * unprivileged container gets a range of its own the same way.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "container.h"
#include "idmap.h"
#include "storage/storage.h"
#include "util/fileio.h"

int idmap_range_set(struct mgr_container *c, int *ret_lock)
{
	_cleanup_close_ int lock = -1;
	struct conf_error err = { "" };
	unsigned long base, range = IDMAP_DEFAULT_RANGE;
	char why[512], line[80];
	bool own = false;
	int r;

	lock = open(c->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (lock < 0 || flock(lock, LOCK_EX) < 0)
		return container_error(c, -errno, "Failed to lock \"%s\"", c->path);
	r = idmap_pick_range(c->path, range, &base, why, sizeof(why));
	/* A user other than root without subordinate ids: its own ids are
	 * the container's only ones (its root). */
	if (r == -ENOENT && geteuid() != 0) {
		own = true;
		range = 1;
	} else if (r < 0)
		return container_error_msg(c, r, why);
	r = conf_clear_item(c->conf, "mgr.idmap");
	for (int i = 0; i < 2 && r == 0; i++) {
		snprintf(line, sizeof(line), "%c 0 %lu %lu", i == 0 ? 'u' : 'g',
			 own ? (unsigned long)(i == 0 ? geteuid() : getegid()) : base, range);
		r = conf_set_item(c->conf, "mgr.idmap", line, &err);
	}
	if (r < 0)
		return container_error(c, r, "Failed to set mgr.idmap");
	*ret_lock = TAKE_FD(lock);
	return 0;
}

/* Replace "auto" by the maps of a free range, in the config file too. */
static int idmap_settle(struct mgr_container *c)
{
	_cleanup_close_ int lock = -1;
	int r = idmap_range_set(c, &lock);

	return r < 0 ? r : container_config_write(c);
}

int create_userns_check(struct mgr_container *c, const struct storage *s)
{
	if (storage_is_block(s) && geteuid() != 0)
		return container_error(c, -EOPNOTSUPP,
				       "Only root can mount a filesystem on a block device for a "
				       "container with a user namespace: use the dir or btrfs backend");
	return 0;
}

bool idmapped_usable(const struct mgr_container *c, const struct storage *s)
{
	_cleanup_close_ int userns = -1, mnt = -1;

	if (geteuid() != 0)
		return false;
	userns = idmap_userns_fd(c->conf->idmaps, c->conf->n_idmaps);
	if (userns >= 0)
		mnt = storage_open_mount_idmapped(s, userns);
	return mnt >= 0;
}

int rootfs_idmapped_choose(struct mgr_container *c, const struct storage *s)
{
	struct conf_error err = { "" };
	int r;

	if (c->conf->rootfs_idmapped == 1 && !idmapped_usable(c, s))
		return container_error(c, -EOPNOTSUPP,
				       "mgr.rootfs.idmapped = 1, but the rootfs \"%s\" cannot be "
				       "mounted idmapped here (kernel or filesystem)", s->spec);
	if (c->conf->rootfs_idmapped != -1)
		return 0;
	r = conf_set_item(c->conf, "mgr.rootfs.idmapped", idmapped_usable(c, s) ? "1" : "0", &err);
	if (r < 0)
		return container_error(c, r, "Failed to set mgr.rootfs.idmapped");
	return container_config_write(c);
}

int clone_userns_settle(struct mgr_container *n, const struct storage *s)
{
	_cleanup_free_ struct conf_idmap *old = NULL;
	_cleanup_close_ int rootfd = -1;
	size_t nold;
	int r;

	r = mgr_load_config_file(n, n->config_file);
	if (r < 0)
		return r;
	nold = n->conf->n_idmaps;
	if (nold == 0)
		return 0;
	old = malloc(nold * sizeof(*old));
	if (!old)
		return container_error(n, -ENOMEM, "Failed to copy the idmap");
	memcpy(old, n->conf->idmaps, nold * sizeof(*old));
	r = idmap_settle(n);
	if (r < 0 || n->conf->rootfs_idmapped == 1)
		return r; /* the files keep the host's ids: nothing to shift */
	rootfd = s->ops->open_root(s);
	if (rootfd < 0)
		return container_error(n, rootfd, "Failed to open the rootfs \"%s\"", s->spec);
	r = idmap_shift_tree(rootfd, old, nold, n->conf->idmaps, n->conf->n_idmaps);
	if (r < 0)
		return container_error(n, r, "Failed to shift the owners of \"%s\" into the "
					     "container's id range", s->spec);
	return 0;
}

int create_userns_settle(struct mgr_container *c)
{
	if (c->conf->idmap_auto && c->conf->n_idmaps == 0)
		return idmap_settle(c);
	return 0;
}

int create_userns_finish(struct mgr_container *c, const struct storage *s)
{
	_cleanup_close_ int rootfd = -1;
	int r;

	r = create_userns_settle(c);
	if (r < 0)
		return r;
	/* A user other than root ran the template under the maps already. */
	if (c->conf->n_idmaps == 0 || geteuid() != 0)
		return 0;
	r = rootfs_idmapped_choose(c, s);
	if (r < 0 || c->conf->rootfs_idmapped == 1)
		return r;
	rootfd = s->ops->open_root(s);
	if (rootfd < 0)
		return container_error(c, rootfd, "Failed to open the rootfs \"%s\"", s->spec);
	r = idmap_shift_tree(rootfd, NULL, 0, c->conf->idmaps, c->conf->n_idmaps);
	if (r < 0)
		return container_error(c, r, "Failed to shift the owners of \"%s\" into the "
					     "container's id range", s->spec);
	return 0;
}
