/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mgr-shift: make a stopped container unprivileged, or privileged again. */
#include <stdio.h>
#include <stdlib.h>

#include "common.h"

enum { OPT_PRIVILEGED = OPT_TOOL, OPT_CHOWN };

static void help(void)
{
	printf("Usage: mgr-shift -n NAME [--privileged] [--chown] [OPTION]...\n"
	       "Make the stopped container NAME unprivileged: give it a range of root's\n"
	       "subordinate ids (/etc/subuid, /etc/subgid) that no other container here\n"
	       "uses, so that root in it is an ordinary user on the host.  Its root\n"
	       "filesystem is mounted idmapped at start where the kernel and the\n"
	       "filesystem allow it (nothing is rewritten); elsewhere the owners of its\n"
	       "files are shifted into the range.\n"
	       "\n"
	       "Options:\n"
	       "      --privileged         the other way: no user namespace, root in the\n"
	       "                           container is root on the host; shifted files\n"
	       "                           are given back the host's ids\n"
	       "      --chown              rewrite the owners of its files even where an\n"
	       "                           idmapped mount would do\n");
	tool_help_common(true, false);
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		TOOL_LONGOPT_NAME,
		{ "privileged", no_argument, NULL, OPT_PRIVILEGED },
		{ "chown", no_argument, NULL, OPT_CHOWN },
		TOOL_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct tool t = TOOL_INIT("mgr-shift", help);
	struct mgr_container *c;
	unsigned flags = 0;
	int opt, r;

	tool_begin(&t, argc, argv);
	while ((opt = getopt_long(argc, argv, TOOL_SHORTOPT_NAME TOOL_SHORTOPTS, options, NULL)) !=
	       -1) {
		switch (opt) {
		case OPT_PRIVILEGED:
			flags |= MGR_SHIFT_PRIVILEGED;
			break;
		case OPT_CHOWN:
			flags |= MGR_SHIFT_CHOWN;
			break;
		default:
			tool_common_option(&t, opt, optarg);
		}
	}
	tool_no_arguments(&t, argc, argv);
	if ((flags & MGR_SHIFT_PRIVILEGED) && (flags & MGR_SHIFT_CHOWN))
		tool_usage_error(&t, "--chown makes a container unprivileged; --privileged gives "
				     "shifted files their host ids back by itself");

	c = tool_open(&t);
	if (!mgr_defined(c)) {
		tool_error(&t, "container is not defined");
		r = EXIT_STATE;
	} else {
		r = mgr_shift(c, flags);
		r = r < 0 ? tool_fail(&t, c, r) : EXIT_SUCCESS;
	}
	mgr_container_free(c);
	return r;
}
