/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mgr_exec_sealed(): run the calling program from a sealed in-memory copy
 * of its own binary, so that a process that joins a container does not
 * carry a writable reference to the host's binary in there. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <unistd.h>

#include "log.h"
#include "util/macro.h"

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

extern char **environ;

static bool fd_sealed(int fd)
{
	int seals = fcntl(fd, F_GET_SEALS);

	return seals >= 0 && (seals & SEALS) == SEALS;
}

/* A sealed memfd with the bytes of the file exe. */
static int sealed_copy(int exe)
{
	_cleanup_close_ int fd = memfd_create("mgr-sealed-exe", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	off_t off = 0;

	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t n = sendfile(fd, exe, &off, 1 << 20);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
	}
	if (fcntl(fd, F_ADD_SEALS, SEALS) < 0)
		return -errno;
	return TAKE_FD(fd);
}

_public_ int mgr_exec_sealed(char *const argv[])
{
	_cleanup_close_ int exe = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	_cleanup_close_ int copy = -1;

	if (exe < 0)
		return log_debug_errno(-errno, "Failed to open /proc/self/exe: %m");
	if (fd_sealed(exe))
		return 0;
	copy = sealed_copy(exe);
	if (copy < 0)
		return log_debug_errno(copy, "Failed to make a sealed copy of /proc/self/exe: %m");
	closep(&exe);
	fexecve(copy, argv, environ);
	return log_debug_errno(-errno, "Failed to execute the sealed copy of /proc/self/exe: %m");
}
