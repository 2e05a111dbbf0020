/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mgr-copy: a new container from an existing one, copied or snapshotted. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

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
	       "  -R, --rename             rename NAME to NEWNAME (in place, nothing is\n"
	       "                           copied); NAME must be stopped\n"
	       "  -a, --allowrunning       copy a running NAME, frozen during the copy\n"
	       "  -e, --ephemeral          an ephemeral copy: a snapshot (unless -B says\n"
	       "                           otherwise), started at once and destroyed when\n"
	       "                           it stops; without -N it is named NAME-xxxxxx\n");
	tool_help_storage();
	tool_help_common(true, false);
}

/* NAME-xxxxxx, for an ephemeral copy without -N. */
static char *name_generate(const char *base)
{
	static const char digits[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	unsigned char bytes[6];
	char *name;

	if (getentropy(bytes, sizeof(bytes)) < 0 ||
	    asprintf(&name, "%s-%c%c%c%c%c%c", base, digits[bytes[0] % 36], digits[bytes[1] % 36],
		     digits[bytes[2] % 36], digits[bytes[3] % 36], digits[bytes[4] % 36],
		     digits[bytes[5] % 36]) < 0)
		return NULL;
	return name;
}

/* Start the ephemeral copy; one that does not start is not kept. */
static int ephemeral_start(struct tool *t, struct mgr_container *c, const char *name,
			   const char *path)
{
	struct mgr_container *n = mgr_container_new(name, path ? path : mgr_container_path(c));
	int r;

	if (!n) {
		tool_error(t, "%s: %m", name);
		return EXIT_FAILURE;
	}
	r = mgr_start(n, NULL);
	if (r < 0) {
		r = tool_fail(t, n, r);
		/* Its monitor holds it until it has cleaned up. */
		for (int i = 0; i < 100 && mgr_destroy(n, MGR_DESTROY_FORCE) == -EBUSY; i++)
			usleep(50 * 1000);
	} else
		r = EXIT_SUCCESS;
	mgr_container_free(n);
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
	char *generated = NULL;
	bool rename = false, ephemeral = false;
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
			ephemeral = true;
			break;
		default:
			if (!tool_storage_option(&t, opt, optarg, &storage))
				tool_common_option(&t, opt, optarg);
		}
	}
	tool_no_arguments(&t, argc, argv);
	if (rename && (flags & (MGR_CLONE_SNAPSHOT | MGR_CLONE_LIVE) || ephemeral || newpath ||
		       storage.backend))
		tool_usage_error(&t, "-R renames in place: it takes only -N");
	if (ephemeral) {
		flags |= MGR_CLONE_EPHEMERAL;
		if (!storage.backend)
			flags |= MGR_CLONE_SNAPSHOT;
		if (!newname && t.name)
			newname = generated = name_generate(t.name);
	}
	if (!newname)
		tool_usage_error(&t, "the new name (-N) is missing");

	c = tool_open(&t);
	if (!mgr_defined(c)) {
		tool_error(&t, "container is not defined");
		r = EXIT_STATE;
	} else {
		if (rename)
			r = mgr_rename(c, newname);
		else
			r = mgr_clone(c, newname, newpath, flags, &storage);
		r = r < 0 ? tool_fail(&t, c, r) : EXIT_SUCCESS;
		if (r == EXIT_SUCCESS && ephemeral) {
			r = ephemeral_start(&t, c, newname, newpath);
			if (r == EXIT_SUCCESS && generated)
				printf("%s\n", generated);
		}
	}
	mgr_container_free(c);
	free(generated);
	return r;
}
