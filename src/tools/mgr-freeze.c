/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mgr-freeze: freeze every process of a running container. */
#include <stdio.h>
#include <stdlib.h>

#include "common.h"

static void help(void)
{
	printf("Usage: mgr-freeze -n NAME [OPTION]...\n"
	       "Freeze every process of the container NAME, and return once the kernel\n"
	       "reports them all frozen.  mgr-unfreeze thaws them.\n"
	       "\n"
	       "Options:\n"
	       "  -t, --timeout=SECONDS    when not frozen by then, thaw the container\n"
	       "                           again and fail; -1 waits forever (default: 10)\n");
	tool_help_common(true, false);
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		TOOL_LONGOPT_NAME,
		{ "timeout", required_argument, NULL, 't' },
		TOOL_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct tool t = TOOL_INIT("mgr-freeze", help);
	struct mgr_container *c;
	int timeout = 10;
	int opt, r;

	tool_begin(&t, argc, argv);
	while ((opt = getopt_long(argc, argv, TOOL_SHORTOPT_NAME "t:" TOOL_SHORTOPTS, options,
				  NULL)) != -1) {
		switch (opt) {
		case 't':
			timeout = tool_parse_timeout(&t, optarg);
			break;
		default:
			tool_common_option(&t, opt, optarg);
		}
	}
	tool_no_arguments(&t, argc, argv);

	c = tool_open(&t);
	r = tool_result(&t, c, mgr_freeze(c, timeout));
	mgr_container_free(c);
	return r;
}
