/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mgr-copy: a new container from an existing one, copied or snapshotted. */
#include <stdio.h>
#include <stdlib.h>

#include "common.h"

static void help(void)
{
	printf("Usage: mgr-copy -n NAME -N NEWNAME [-s] [-B BACKEND] [OPTION]...\n"
	       "Make the container NEWNAME from NAME: its config and a copy of its root\n"
	       "filesystem, with its own hostname and MAC addresses.\n"
	       "\n"
	       "Options:\n"
	       "  -N, --newname=NEWNAME    the new container's name\n"
	       "  -p, --newpath=PATH       its container path (default: NAME's)\n"
	       "  -s, --snapshot           a copy-on-write snapshot of NAME's root\n"
	       "                           filesystem instead of a full copy: a btrfs\n"
	       "                           snapshot on btrfs, an LVM snapshot on lvm, an\n"
	       "                           overlay otherwise; NAME must be stopped, and\n"
	       "                           cannot be destroyed while an overlay or LVM\n"
	       "                           snapshot of it exists\n"
	       "  -B, --backingstorage=BACKEND\n"
	       "                           the new root filesystem's backend: dir, overlay\n"
	       "                           (a snapshot), btrfs, loop or lvm (default:\n"
	       "                           NAME's; dir for an overlay)\n"
	       "  -L, --fssize=SIZE        loop, lvm: size of the new filesystem\n"
	       "  -K, --keepname           keep the hostname\n"
	       "  -M, --keepmac            keep the MAC addresses\n"
	       "  -R, --rename             rename NAME: copy it, then destroy NAME\n"
	       "  -a, --allowrunning       copy a running NAME, frozen during the copy\n"
	       "  -e, --ephemeral          (not supported yet)\n");
	tool_help_storage();
	tool_help_common(true, false);
}

/* The copy is made: the original goes, or, when it cannot (it has
 * snapshots), the copy does. */
static int rename_finish(struct mgr_container *c, const char *newname, const char *newpath)
{
	struct mgr_container *n;
	int r = mgr_destroy(c, 0);

	if (r >= 0)
		return r;
	n = mgr_container_new(newname, newpath ? newpath : mgr_container_path(c));
	if (n) {
		(void)mgr_destroy(n, 0);
		mgr_container_free(n);
	}
	return r;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		TOOL_LONGOPT_NAME,
		{ "newname", required_argument, NULL, 'N' },
		{ "newpath", required_argument, NULL, 'p' },
		{ "snapshot", no_argument, NULL, 's' },
		{ "backingstorage", required_argument, NULL, 'B' },
		{ "keepname", no_argument, NULL, 'K' },
		{ "keepmac", no_argument, NULL, 'M' },
		{ "rename", no_argument, NULL, 'R' },
		{ "allowrunning", no_argument, NULL, 'a' },
		{ "ephemeral", no_argument, NULL, 'e' },
		TOOL_LONGOPTS_STORAGE,
		TOOL_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct tool t = TOOL_INIT("mgr-copy", help);
	struct mgr_storage_options storage = { 0 };
	const char *newname = NULL, *newpath = NULL;
	bool rename = false;
	struct mgr_container *c;
	unsigned flags = 0;
	int opt, r;

	tool_begin(&t, argc, argv);
	while ((opt = getopt_long(argc, argv, TOOL_SHORTOPT_NAME "N:p:sB:L:KMRae" TOOL_SHORTOPTS,
				  options, NULL)) != -1) {
		switch (opt) {
		case 'N':
			newname = optarg;
			break;
		case 'p':
			newpath = optarg;
			break;
		case 's':
			flags |= MGR_CLONE_SNAPSHOT;
			break;
		case 'B':
			storage.backend = optarg;
			break;
		case 'L':
			(void)tool_storage_option(&t, OPT_FSSIZE, optarg, &storage);
			break;
		case 'K':
			flags |= MGR_CLONE_KEEPNAME;
			break;
		case 'M':
			flags |= MGR_CLONE_KEEPMACADDR;
			break;
		case 'R':
			rename = true;
			break;
		case 'a':
			flags |= MGR_CLONE_LIVE;
			break;
		case 'e':
			tool_usage_error(&t, "ephemeral copies (-e) are not supported yet");
		default:
			if (!tool_storage_option(&t, opt, optarg, &storage))
				tool_common_option(&t, opt, optarg);
		}
	}
	tool_no_arguments(&t, argc, argv);
	if (!newname)
		tool_usage_error(&t, "the new name (-N) is missing");
	if (rename && (flags & (MGR_CLONE_SNAPSHOT | MGR_CLONE_LIVE)))
		tool_usage_error(&t, "-R cannot be combined with -s or -a");
	/* A renamed container is the same machine: its MAC addresses stay. */
	if (rename)
		flags |= MGR_CLONE_KEEPMACADDR;

	c = tool_open(&t);
	if (!mgr_defined(c)) {
		tool_error(&t, "container is not defined");
		r = EXIT_STATE;
	} else {
		r = mgr_clone(c, newname, newpath, flags, &storage);
		if (r >= 0 && rename)
			r = rename_finish(c, newname, newpath);
		r = r < 0 ? tool_fail(&t, c, r) : EXIT_SUCCESS;
	}
	mgr_container_free(c);
	return r;
}
