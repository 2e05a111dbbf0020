/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mgr-create: create a container, its config and its root filesystem. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

enum { OPT_PRIVILEGED = OPT_TOOL };

static void help(void)
{
	printf("Usage: mgr-create -n NAME [-t TEMPLATE] [OPTION]... [-- TEMPLATE-ARGS...]\n"
	       "Create the container NAME: its directory, its config and its root\n"
	       "filesystem, built by TEMPLATE.  Arguments after \"--\" go to the template.\n"
	       "\n"
	       "Options:\n"
	       "  -t, --template=TEMPLATE  a template name, or the path of an executable;\n"
	       "                           without it the root filesystem is left empty\n"
	       "  -f, --config=FILE        also read FILE, after the global defaults\n"
	       "  -B, --bdev=BACKEND       storage backend of the root filesystem: \"dir\"\n"
	       "                           (the default), \"btrfs\" (a subvolume), \"loop\"\n"
	       "                           (a filesystem in an image file) or \"lvm\"\n"
	       "                           (a logical volume); an \"overlay\" needs a\n"
	       "                           lower layer, made with mgr-copy -s\n"
	       "  -U, --unprivileged       run it in a user namespace, with a range of\n"
	       "                           root's ids from /etc/subuid and /etc/subgid\n"
	       "                           that no other container here uses (the\n"
	       "                           default): its root is an ordinary user on\n"
	       "                           the host; the root filesystem is mounted\n"
	       "                           idmapped, or shifted where that cannot be\n"
	       "      --privileged         no user namespace: root in the container is\n"
	       "                           root on the host (mgr.privileged = 1); only\n"
	       "                           for trusted code\n");
	tool_help_storage();
	tool_help_common(true, false);
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		TOOL_LONGOPT_NAME,
		{ "template", required_argument, NULL, 't' },
		{ "config", required_argument, NULL, 'f' },
		{ "bdev", required_argument, NULL, 'B' },
		{ "unprivileged", no_argument, NULL, 'U' },
		{ "privileged", no_argument, NULL, OPT_PRIVILEGED },
		TOOL_LONGOPTS_STORAGE,
		TOOL_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct tool t = TOOL_INIT("mgr-create", help);
	struct mgr_create_options opts = { 0 };
	struct mgr_container *c;
	int opt, r;

	tool_begin(&t, argc, argv);
	while ((opt = getopt_long(argc, argv, "+" TOOL_SHORTOPT_NAME "t:f:B:U" TOOL_SHORTOPTS,
				  options, NULL)) != -1) {
		switch (opt) {
		case 't':
			opts.template_name = optarg;
			break;
		case 'f':
			opts.config_file = optarg;
			break;
		case 'B':
			opts.storage.backend = optarg;
			break;
		case 'U':
			opts.flags |= MGR_CREATE_UNPRIVILEGED;
			break;
		case OPT_PRIVILEGED:
			opts.flags |= MGR_CREATE_PRIVILEGED;
			break;
		default:
			if (!tool_storage_option(&t, opt, optarg, &opts.storage))
				tool_common_option(&t, opt, optarg);
		}
	}
	/* Template arguments only after "--", so that a stray word is not
	 * silently handed to the template. */
	if (optind < argc && strcmp(argv[optind - 1], "--") != 0)
		tool_usage_error(&t, "unexpected argument \"%s\" (template arguments go after \"--\")",
				 argv[optind]);
	if (optind < argc)
		opts.template_argv = argv + optind;
	if (t.quiet)
		opts.flags |= MGR_CREATE_QUIET;

	c = tool_open(&t);
	if (mgr_defined(c)) {
		tool_error(&t, "container already exists (%s)", mgr_config_file(c));
		r = EXIT_FAILURE;
	} else {
		r = mgr_create(c, &opts);
		r = r < 0 ? tool_fail(&t, c, r) : EXIT_SUCCESS;
		if (r == EXIT_SUCCESS && mgr_privileged(c) == 1)
			tool_error(&t, "warning: \"%s\" is privileged: root in it is root on the host and can "
				      "take the host over; for code you do not trust, make it "
				      "unprivileged (mgr-shift -n %s)",
				  mgr_container_name(c), mgr_container_name(c));
	}
	mgr_container_free(c);
	return r;
}
