/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "container.h"
#include "util/strv.h"

_public_ void mgr_free_strv(char **strv)
{
	strv_free(strv);
}

_public_ int mgr_list(const char *path, unsigned flags, char ***ret_names)
{
	_cleanup_strv_free_ char **names = calloc(1, sizeof(char *));
	DIR *d;
	struct dirent *de;

	if (!names)
		return -ENOMEM;
	path = path ? path : mgr_default_path();
	d = opendir(path);
	if (!d && errno != ENOENT)
		return -errno;
	while (d && (de = readdir(d))) {
		struct mgr_container *c;
		bool keep;

		if (de->d_name[0] == '.' || mgr_name_check(de->d_name, NULL) < 0)
			continue;
		c = mgr_container_new(de->d_name, path);
		if (!c)
			continue;
		keep = mgr_defined(c);
		if (keep && (flags & MGR_LIST_ACTIVE)) {
			enum mgr_state st;

			keep = mgr_get_state(c, &st) == 0 && st != MGR_STOPPED;
		}
		mgr_container_free(c);
		if (keep && strv_append(&names, de->d_name) < 0) {
			closedir(d);
			return -ENOMEM;
		}
	}
	if (d)
		closedir(d);
	strv_sort(names);
	*ret_names = TAKE_PTR(names);
	return (int)strv_length(*ret_names);
}
