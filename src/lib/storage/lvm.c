/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* PLACEHOLDER: replaced by the real lvm backend. */
#include "config.h"

#include <errno.h>

#include "storage/storage.h"

static int none(const struct storage *s)
{
	(void)s;
	return -EOPNOTSUPP;
}

static int none_mount(const struct storage *s, const char *t)
{
	(void)s, (void)t;
	return -EOPNOTSUPP;
}

static int none_snap(const struct storage *s, const struct storage *t)
{
	(void)s, (void)t;
	return -EOPNOTSUPP;
}

static int none_size(const struct storage *s, uint64_t *r)
{
	(void)s, (void)r;
	return -EOPNOTSUPP;
}

const struct storage_ops storage_lvm_ops = {
	.name = "lvm",
	.check = none,
	.create = none,
	.destroy = none,
	.mount = none_mount,
	.open_root = none,
	.snapshot = none_snap,
	.size = none_size,
};
