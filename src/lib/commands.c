/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "commands.h"
#include "state.h"
#include "util/fileio.h"
#include "util/macro.h"

int cmd_connect(const char *container_path, const char *name)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	_cleanup_close_ int fd = -1;
	int r;

	r = runtime_socket(container_path, name, sa.sun_path, sizeof(sa.sun_path));
	if (r < 0)
		return r;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	return TAKE_FD(fd);
}

int cmd_send(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= n;
	}
	return 0;
}

int cmd_read_rsp(int fd, struct cmd_rsp *ret, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int r;

	do
		r = poll(&p, 1, timeout_ms);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	if (r == 0)
		return -ETIMEDOUT;
	r = read_all(fd, ret, sizeof(*ret));
	return r == -ECONNRESET ? -EPIPE : r;
}

int cmd_call(const char *container_path, const char *name, const struct cmd_req *req,
	     struct cmd_rsp *ret)
{
	_cleanup_close_ int fd = cmd_connect(container_path, name);
	struct cmd_rsp rsp;
	int r;

	if (fd < 0)
		return fd;
	r = cmd_send(fd, req, sizeof(*req));
	if (r < 0)
		return r;
	r = cmd_read_rsp(fd, &rsp, -1);
	if (r < 0)
		return r;
	*ret = rsp;
	return 0;
}
