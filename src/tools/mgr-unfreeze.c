/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mgr-unfreeze: thaw a frozen container. */
#include <stdio.h>
#include <stdlib.h>

#include "common.h"

static void help(void)
{
	printf("Usage: mgr-unfreeze -n NAME [OPTION]...\n"
	       "Thaw the frozen container NAME: its processes run again.  A freeze still\n"
	       "under way is called off.  A running container is left as it is.\n");
	tool_help_common(true, false);
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		TOOL_LONGOPT_NAME,
		TOOL_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct tool t = TOOL_INIT("mgr-unfreeze", help);
	struct mgr_container *c;
	int opt, r;

	tool_begin(&t, argc, argv);
	while ((opt = getopt_long(argc, argv, TOOL_SHORTOPT_NAME TOOL_SHORTOPTS, options, NULL)) !=
	       -1)
		tool_common_option(&t, opt, optarg);
	tool_no_arguments(&t, argc, argv);

	c = tool_open(&t);
	r = tool_result(&t, c, mgr_unfreeze(c));
	mgr_container_free(c);
	return r;
}
