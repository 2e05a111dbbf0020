/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#ifdef HAVE_LIBCAP
#include <sys/capability.h>
#endif
#include <linux/capability.h>

#include "caps.h"
#include "util/macro.h"

static int cap_last(void)
{
	static int last = -1;
	FILE *f;

	if (last >= 0)
		return last;
	f = fopen("/proc/sys/kernel/cap_last_cap", "re");
	if (!f || fscanf(f, "%d", &last) != 1)
		last = CAP_LAST_CAP;
	if (f)
		fclose(f);
	return last;
}

void caps_prepare(void)
{
	(void)cap_last();
}

static int bound_drop(int cap)
{
#ifdef HAVE_LIBCAP
	cap_value_t v = cap;

	return cap_drop_bound(v) < 0 ? -errno : 0;
#else
	return prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 ? -errno : 0;
#endif
}

int caps_apply(const struct mgr_conf *conf, char *err, size_t errlen)
{
	int last = cap_last();
	bool keep_mode = conf->cap_keep != NULL;

	for (int cap = 0; cap <= last; cap++) {
		bool drop = false;
		char *const *list = keep_mode ? conf->cap_keep : conf->cap_drop;

		for (char *const *s = list; s && *s; s++)
			if (conf_capability_from_name(*s) == cap) {
				drop = true;
				break;
			}
		if (keep_mode)
			drop = !drop;
		if (drop) {
			int r = bound_drop(cap);

			if (r < 0) {
				snprintf(err, errlen, "Failed to drop capability %d: %s", cap,
					 strerror(-r));
				return r;
			}
		}
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return -errno;
	return 0;
}
