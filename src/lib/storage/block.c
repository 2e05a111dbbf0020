/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* PLACEHOLDER: replaced by the real block helpers. */
#include "config.h"

#include <errno.h>

#include "storage/storage.h"

int storage_block_open_root(const char *dev, const char *fstype)
{
	(void)dev, (void)fstype;
	return -EOPNOTSUPP;
}

int storage_block_mount(const char *dev, const char *fstype, const char *target)
{
	(void)dev, (void)fstype, (void)target;
	return -EOPNOTSUPP;
}

int storage_mkfs(const char *fstype, const char *dev)
{
	(void)fstype, (void)dev;
	return -EOPNOTSUPP;
}
