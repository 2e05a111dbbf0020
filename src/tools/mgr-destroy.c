/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mgr-destroy: remove a container, its config and its root filesystem. */
#include <stdio.h>
#include <stdlib.h>

#include "common.h"

static void help(void)
{
	printf("Usage: mgr-destroy -n NAME [-f] [-s] [OPTION]...\n"
	       "Destroy the container NAME: remove its directory, config and root\n"
	       "filesystem.  A running container is refused unless --force is given,\n"
	       "and one with snapshots unless --snapshots is.\n"
	       "\n"
	       "Options:\n"
	       "  -f, --force              kill a running container first\n"
	       "  -s, --snapshots          destroy its snapshots (mgr-copy -s,\n"
	       "                           mgr-snapshot) too\n");
	tool_help_common(true, false);
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		TOOL_LONGOPT_NAME,
		{ "force", no_argument, NULL, 'f' },
		{ "snapshots", no_argument, NULL, 's' },
		TOOL_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct tool t = TOOL_INIT("mgr-destroy", help);
	struct mgr_container *c;
	enum mgr_state state = MGR_STOPPED;
	unsigned flags = 0;
	int opt, r;

	tool_begin(&t, argc, argv);
	while ((opt = getopt_long(argc, argv, TOOL_SHORTOPT_NAME "fs" TOOL_SHORTOPTS, options,
				  NULL)) != -1) {
		switch (opt) {
		case 'f':
			flags |= MGR_DESTROY_FORCE;
			break;
		case 's':
			flags |= MGR_DESTROY_SNAPSHOTS;
			break;
		default:
			tool_common_option(&t, opt, optarg);
		}
	}
	tool_no_arguments(&t, argc, argv);

	c = tool_open(&t);
	if (!mgr_defined(c)) {
		tool_error(&t, "container is not defined");
		r = EXIT_STATE;
	} else if (!(flags & MGR_DESTROY_FORCE) && mgr_get_state(c, &state) >= 0 &&
		   state != MGR_STOPPED) {
		tool_error(&t, "container is %s; stop it first or use --force",
			   mgr_state_name(state));
		r = EXIT_FAILURE;
	} else {
		r = mgr_destroy(c, flags);
		r = r < 0 ? tool_fail(&t, c, r) : EXIT_SUCCESS;
	}
	mgr_container_free(c);
	return r;
}
