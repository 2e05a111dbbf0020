/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "rootfs.h"
#include "run_host.h"
#include "util/fileio.h"
#include "util/macro.h"

#define RUN_HOST_FLAGS (MS_NOSUID | MS_NODEV | MS_NOEXEC)

static int copy_os_release(int hostfd)
{
	const char *sources[] = { "/etc/os-release", "/usr/lib/os-release" };
	_cleanup_free_ char *text = NULL;
	int r = -ENOENT;

	for (size_t i = 0; i < ARRAY_SIZE(sources) && r < 0; i++)
		r = read_file(sources[i], &text, NULL);
	if (r < 0)
		return r == -ENOENT ? 0 : r; /* a host without one: nothing to tell */
	return create_file_at(hostfd, "os-release", text, 0444);
}

int run_host_setup(int rootfd, char *err, size_t errlen)
{
	_cleanup_close_ int hostfd = -1;
	int r;

	/* As systemd would mount it itself: exec allowed. */
	r = mount_beneath(rootfd, "tmpfs", "run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=755,size=20%",
			  BENEATH_CREATE_DIR);
	if (r < 0) {
		snprintf(err, errlen, "Failed to mount a tmpfs on /run: %s", strerror(-r));
		return r;
	}
	hostfd = open_beneath_dir(rootfd, "run/host", BENEATH_CREATE_DIR);
	if (hostfd < 0)
		r = hostfd;
	if (r == 0)
		r = create_file_at(hostfd, "container-manager", PACKAGE_NAME "\n", 0444);
	if (r == 0)
		r = copy_os_release(hostfd);
	/* Read-only for the guest: a bind of itself, remounted. */
	if (r == 0) {
		char self[64];

		snprintf(self, sizeof(self), "/proc/self/fd/%d", hostfd);
		r = mount_beneath(rootfd, self, "run/host", NULL, MS_BIND, NULL, 0);
	}
	if (r == 0)
		r = mount_beneath(rootfd, NULL, "run/host", NULL,
				  MS_REMOUNT | MS_BIND | MS_RDONLY | RUN_HOST_FLAGS, NULL, 0);
	if (r < 0)
		snprintf(err, errlen, "Failed to set up /run/host: %s", strerror(-r));
	return r;
}
