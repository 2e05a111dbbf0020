/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mgr-execute: run one command in a container as an application container. */
#include <stdio.h>
#include <stdlib.h>

#include "common.h"

static void help(void)
{
	printf("Usage: mgr-execute -n NAME [OPTION]... [--] COMMAND [ARG]...\n"
	       "Run COMMAND in the container NAME under a minimal init (mgr-init), with\n"
	       "this process's standard input, output and error, and exit with COMMAND's\n"
	       "exit status (128+N when it is killed by signal N).\n"
	       "\n"
	       "Options:\n"
	       "  -f, --rcfile=FILE        use the config in FILE instead of the\n"
	       "                           container's own\n"
	       "  -s, --define=KEY=VALUE   set a config key for this run only (may be\n"
	       "                           repeated; not saved)\n");
	tool_help_common(true, false);
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		TOOL_LONGOPT_NAME,
		{ "rcfile", required_argument, NULL, 'f' },
		{ "define", required_argument, NULL, 's' },
		TOOL_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct tool t = TOOL_INIT("mgr-execute", help);
	struct mgr_start_options opts = {
		.foreground = true,
		.use_mgr_init = true,
		.stdio_to_init = true,
	};
	struct tool_list defines = { 0 };
	const char *rcfile = NULL;
	int opt;

	tool_begin(&t, argc, argv);
	/* "+": the first word that is not an option starts the command. */
	while ((opt = getopt_long(argc, argv, "+" TOOL_SHORTOPT_NAME "f:s:" TOOL_SHORTOPTS, options,
				  NULL)) != -1) {
		switch (opt) {
		case 'f':
			rcfile = optarg;
			break;
		case 's':
			tool_check_define(&t, optarg);
			tool_list_add(&t, &defines, optarg);
			break;
		default:
			tool_common_option(&t, opt, optarg);
		}
	}
	if (optind >= argc)
		tool_usage_error(&t, "missing the command to run (after \"--\")");
	opts.init_argv = argv + optind;

	/* The command's exit status is passed on as ours. */
	return tool_start(&t, rcfile, &defines, &opts, 0);
}
