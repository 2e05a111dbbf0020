/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mgr-cgroup: read or change a cgroup setting of a running container. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "common.h"

static void help(void)
{
	printf("Usage: mgr-cgroup -n NAME [OPTION]... KEY [VALUE]\n"
	       "Print the cgroup setting KEY of the running container NAME, or set it to\n"
	       "VALUE.  KEY is an interface file of the host's cgroups (memory.max,\n"
	       "memory.limit_in_bytes, pids.max, cpu.max, ...), or a limits.* key of\n"
	       "mgr.conf(5) (limits.memory, limits.cpu, limits.pids, ...), which is\n"
	       "translated for the host's cgroup version as at start.  The change lasts\n"
	       "until the container stops; the configuration is not changed.\n");
	tool_help_common(true, false);
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		TOOL_LONGOPT_NAME,
		TOOL_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct tool t = TOOL_INIT("mgr-cgroup", help);
	const char *key, *value = NULL;
	struct mgr_container *c;
	char *got = NULL;
	int opt, r;

	tool_begin(&t, argc, argv);
	while ((opt = getopt_long(argc, argv, TOOL_SHORTOPT_NAME TOOL_SHORTOPTS, options, NULL)) !=
	       -1)
		tool_common_option(&t, opt, optarg);
	if (optind >= argc)
		tool_usage_error(&t, "missing the KEY to read or change");
	if (argc - optind > 2)
		tool_usage_error(&t, "too many arguments: \"%s\"", argv[optind + 2]);
	key = argv[optind];
	if (argc - optind == 2)
		value = argv[optind + 1];

	c = tool_open(&t);
	if (!mgr_defined(c)) {
		tool_error(&t, "container is not defined");
		mgr_container_free(c);
		return EXIT_STATE;
	}
	r = value ? mgr_set_cgroup_item(c, key, value) : mgr_get_cgroup_item(c, key, &got);
	if (r < 0) {
		int status = tool_fail(&t, c, r);

		mgr_container_free(c);
		return r == -ESRCH ? EXIT_STATE : status;
	}
	if (got)
		printf("%s\n", got);
	free(got);
	mgr_container_free(c);
	return tool_flush(&t, EXIT_SUCCESS);
}
