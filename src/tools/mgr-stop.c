/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mgr-stop: stop, kill or reboot a running container. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "common.h"

static void help(void)
{
	printf("Usage: mgr-stop -n NAME [OPTION]...\n"
	       "Stop the container NAME: send its init the halt signal, wait for it to\n"
	       "stop, and kill it when the timeout runs out.\n"
	       "\n"
	       "Options:\n"
	       "  -t, --timeout=SECONDS    how long to wait for a clean stop before\n"
	       "                           killing (with -r: for it to run again); -1\n"
	       "                           waits forever, 0 kills at once (default: 60)\n"
	       "  -k, --kill               kill every process of the container at once\n"
	       "  -r, --reboot             send the reboot signal instead of halting, and\n"
	       "                           wait until it is RUNNING again with a new init\n"
	       "  -W, --nowait             send the signal and return without waiting\n");
	tool_help_common(true, false);
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		TOOL_LONGOPT_NAME,
		{ "timeout", required_argument, NULL, 't' },
		{ "kill", no_argument, NULL, 'k' },
		{ "reboot", no_argument, NULL, 'r' },
		{ "nowait", no_argument, NULL, 'W' },
		TOOL_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct tool t = TOOL_INIT("mgr-stop", help);
	enum mgr_stop_mode mode = MGR_STOP_CLEAN;
	bool do_kill = false, do_reboot = false, nowait = false;
	enum mgr_state state;
	struct mgr_container *c;
	int timeout = 60;
	int opt, r;

	tool_begin(&t, argc, argv);
	while ((opt = getopt_long(argc, argv, TOOL_SHORTOPT_NAME "t:krW" TOOL_SHORTOPTS, options,
				  NULL)) != -1) {
		switch (opt) {
		case 't':
			timeout = tool_parse_timeout(&t, optarg);
			break;
		case 'k':
			do_kill = true;
			break;
		case 'r':
			do_reboot = true;
			break;
		case 'W':
			nowait = true;
			break;
		default:
			tool_common_option(&t, opt, optarg);
		}
	}
	tool_no_arguments(&t, argc, argv);
	if (do_kill && do_reboot)
		tool_usage_error(&t, "--kill and --reboot cannot be used together");
	if (do_kill)
		mode = MGR_STOP_KILL;
	else if (do_reboot)
		mode = MGR_STOP_REBOOT;

	c = tool_open(&t);
	r = mgr_get_state(c, &state);
	if (r < 0) {
		r = tool_fail(&t, c, r);
		goto out;
	}
	if (state == MGR_STOPPED) {
		tool_error(&t, mgr_defined(c) ? "container is not running"
					      : "container is not defined");
		r = EXIT_STATE;
		goto out;
	}

	r = mgr_stop(c, mode, timeout, nowait);
	if (r == -ESRCH) {
		/* It stopped on its own since we looked. */
		tool_error(&t, "container is not running");
		r = EXIT_STATE;
	} else if (r < 0) {
		r = tool_fail(&t, c, r);
	} else {
		r = EXIT_SUCCESS;
	}
out:
	mgr_container_free(c);
	return r;
}
