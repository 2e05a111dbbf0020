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

bool cmd_no_monitor(int r)
{
	return r == -ECONNREFUSED || r == -ENOENT || r == -EPIPE || r == -ECONNRESET;
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

int cmd_send_rsp_fd(int sock, const struct cmd_rsp *rsp, int fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control = { 0 };
	struct iovec iov = { .iov_base = (void *)rsp, .iov_len = sizeof(*rsp) };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = control.buf,
		.msg_controllen = sizeof(control.buf),
	};
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
	ssize_t n;

	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	do
		n = sendmsg(sock, &msg, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	/* The fd went with the first byte; the rest, if any, follows plainly. */
	return cmd_send(sock, (const char *)rsp + n, sizeof(*rsp) - n);
}

/* Read one response and the fd that may come with it (-1: none). */
static int read_rsp_fd(int sock, struct cmd_rsp *ret, int *ret_fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;
	struct cmd_rsp rsp;
	struct iovec iov = { .iov_base = &rsp, .iov_len = sizeof(rsp) };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = control.buf,
		.msg_controllen = sizeof(control.buf),
	};
	int fd = -1, r;
	ssize_t n;

	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n == 0)
		return -EPIPE;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
		    c->cmsg_len == CMSG_LEN(sizeof(int)))
			memcpy(&fd, CMSG_DATA(c), sizeof(int));
	r = read_all(sock, (char *)&rsp + n, sizeof(rsp) - n);
	if (r < 0) {
		if (fd >= 0)
			close(fd);
		return r == -ECONNRESET ? -EPIPE : r;
	}
	*ret = rsp;
	*ret_fd = fd;
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

int cmd_call_open(const char *container_path, const char *name, const struct cmd_req *req,
		  struct cmd_rsp *ret, int *ret_fd)
{
	_cleanup_close_ int sock = cmd_connect(container_path, name);
	struct cmd_rsp rsp;
	int fd = -1, r;

	if (sock < 0)
		return sock;
	r = cmd_send(sock, req, sizeof(*req));
	if (r < 0)
		return r;
	r = read_rsp_fd(sock, &rsp, &fd);
	if (r < 0)
		return r;
	if (ret_fd)
		*ret_fd = fd;
	else if (fd >= 0)
		close(fd);
	*ret = rsp;
	return TAKE_FD(sock);
}

int cmd_call(const char *container_path, const char *name, const struct cmd_req *req,
	     struct cmd_rsp *ret)
{
	int sock = cmd_call_open(container_path, name, req, ret, NULL);

	if (sock < 0)
		return sock;
	close(sock);
	return 0;
}
