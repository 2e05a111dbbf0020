/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "container.h"
#include "state.h"

static const char *const state_names[_MGR_STATE_MAX] = {
	[MGR_STOPPED] = "STOPPED",   [MGR_STARTING] = "STARTING", [MGR_RUNNING] = "RUNNING",
	[MGR_STOPPING] = "STOPPING", [MGR_ABORTING] = "ABORTING", [MGR_FREEZING] = "FREEZING",
	[MGR_FROZEN] = "FROZEN",     [MGR_THAWED] = "THAWED",
};

_public_ const char *mgr_state_name(enum mgr_state state)
{
	if ((unsigned)state >= _MGR_STATE_MAX)
		return "UNKNOWN";
	return state_names[state];
}

_public_ int mgr_state_from_name(const char *name)
{
	for (int i = 0; i < _MGR_STATE_MAX; i++)
		if (strcasecmp(name, state_names[i]) == 0)
			return i;
	return -EINVAL;
}

uint64_t runtime_path_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

int runtime_dir(const char *container_path, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s/%016llx", mgr_runtime_path(),
			 (unsigned long long)runtime_path_hash(container_path));

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

int runtime_socket(const char *container_path, const char *name, char *buf, size_t size)
{
	char dir[256];
	int r = runtime_dir(container_path, dir, sizeof(dir));

	if (r < 0)
		return r;
	r = snprintf(buf, size, "%s/%s.sock", dir, name);
	return r < 0 || (size_t)r >= size ? -ENAMETOOLONG : 0;
}

void runtime_dir_tidy(const char *container_path)
{
	char dir[256];

	if (runtime_dir(container_path, dir, sizeof(dir)) == 0)
		(void)rmdir(dir); /* fails while other containers run: fine */
}
