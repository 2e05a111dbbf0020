/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mgr-start: start a container, in the background or on this terminal. */
#include <stdio.h>
#include <stdlib.h>

#include "common.h"

enum { OPT_GRACE = OPT_TOOL };

static void help(void)
{
	printf("Usage: mgr-start -n NAME [OPTION]... [-- COMMAND [ARG]...]\n"
	       "Start the container NAME.  COMMAND, when given, runs as the container's\n"
	       "init instead of the configured one.\n"
	       "\n"
	       "Options:\n"
	       "  -d, --daemon             run in the background, return once the\n"
	       "                           container is RUNNING (the default)\n"
	       "  -F, --foreground         stay in the foreground with the console on this\n"
	       "                           terminal; exit with init's exit status\n"
	       "  -f, --rcfile=FILE        use the config in FILE instead of the\n"
	       "                           container's own\n"
	       "  -s, --define=KEY=VALUE   set a config key for this start only (may be\n"
	       "                           repeated; not saved)\n"
	       "  -c, --console=FILE       use FILE (a file or device) as the console\n"
	       "  -L, --console-log=FILE   log the console output to FILE\n"
	       "      --grace=SECONDS      in the background: fail, with the reason and the\n"
	       "                           console's last lines, when init ends within\n"
	       "                           SECONDS of the start (default: 0.5; 0: return\n"
	       "                           at once)\n");
	tool_help_common(true, false);
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		TOOL_LONGOPT_NAME,
		{ "daemon", no_argument, NULL, 'd' },
		{ "foreground", no_argument, NULL, 'F' },
		{ "rcfile", required_argument, NULL, 'f' },
		{ "define", required_argument, NULL, 's' },
		{ "console", required_argument, NULL, 'c' },
		{ "console-log", required_argument, NULL, 'L' },
		{ "grace", required_argument, NULL, OPT_GRACE },
		TOOL_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct tool t = TOOL_INIT("mgr-start", help);
	struct mgr_start_options opts = { 0 };
	struct tool_list defines = { 0 };
	const char *rcfile = NULL;
	double grace = 0.5;
	char *end;
	int opt;

	tool_begin(&t, argc, argv);
	/* "+": the first word that is not an option starts the command. */
	while ((opt = getopt_long(argc, argv, "+" TOOL_SHORTOPT_NAME "dFf:s:c:L:" TOOL_SHORTOPTS,
				  options, NULL)) != -1) {
		switch (opt) {
		case 'd':
			opts.foreground = false;
			break;
		case 'F':
			opts.foreground = true;
			break;
		case 'f':
			rcfile = optarg;
			break;
		case 's':
			tool_check_define(&t, optarg);
			tool_list_add(&t, &defines, optarg);
			break;
		case 'c':
			opts.console_path = optarg;
			break;
		case 'L':
			opts.console_log = optarg;
			break;
		case OPT_GRACE:
			grace = strtod(optarg, &end);
			if (end == optarg || *end || grace < 0 || grace > 3600)
				tool_usage_error(&t, "bad grace period \"%s\": expected seconds, 0 to 3600",
						 optarg);
			break;
		default:
			tool_common_option(&t, opt, optarg);
		}
	}
	if (optind < argc)
		opts.init_argv = argv + optind;
	/* A console given with -c takes the place of this terminal. */
	opts.console_on_terminal = opts.foreground && !opts.console_path;

	/* In the foreground, init's exit status is passed on as ours. */
	return tool_start(&t, rcfile, &defines, &opts, grace);
}
