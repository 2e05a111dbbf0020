/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "sync.h"

int sync_send(int fd, enum sync_kind kind)
{
	struct sync_msg m = { .kind = kind };

	return send(fd, &m, sizeof(m), MSG_NOSIGNAL) == (ssize_t)sizeof(m) ? 0 : -errno;
}

int sync_expect(int fd, enum sync_kind kind, struct sync_msg *ret_msg)
{
	struct sync_msg m;
	ssize_t n;

	do
		n = recv(fd, &m, sizeof(m), 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n == 0)
		return -EPIPE;
	if (n != sizeof(m))
		return -EPROTO;
	if (m.kind == SYNC_ERROR) {
		m.text[sizeof(m.text) - 1] = 0;
		if (ret_msg)
			*ret_msg = m;
		return m.err < 0 ? m.err : -EIO;
	}
	return m.kind == (int)kind ? 0 : -EPROTO;
}

int sync_error(int fd, int err, const char *fmt, ...)
{
	struct sync_msg m = { .kind = SYNC_ERROR, .err = err };
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(m.text, sizeof(m.text), fmt, ap);
	va_end(ap);
	if (err < 0 && n >= 0 && (size_t)n < sizeof(m.text))
		snprintf(m.text + n, sizeof(m.text) - n, ": %s", strerror(-err));
	(void)!send(fd, &m, sizeof(m), MSG_NOSIGNAL);
	return err;
}

int sync_report(int fd, int err, const char *msg)
{
	struct sync_msg m = { .kind = SYNC_ERROR, .err = err };

	snprintf(m.text, sizeof(m.text), "%s", msg);
	(void)!send(fd, &m, sizeof(m), MSG_NOSIGNAL);
	return err;
}

int sync_send_value(int fd, enum sync_kind kind, int value, int pass_fd)
{
	struct sync_msg m = { .kind = kind, .value = value };
	struct iovec iov = { .iov_base = &m, .iov_len = sizeof(m) };
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} control = { 0 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (pass_fd >= 0) {
		struct cmsghdr *cm;

		mh.msg_control = control.buf;
		mh.msg_controllen = sizeof(control.buf);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &pass_fd, sizeof(int));
	}
	return sendmsg(fd, &mh, MSG_NOSIGNAL) == (ssize_t)sizeof(m) ? 0 : -errno;
}

int sync_recv(int fd, struct sync_msg *ret, int *ret_fd)
{
	struct sync_msg m;
	struct iovec iov = { .iov_base = &m, .iov_len = sizeof(m) };
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} control;
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = control.buf, .msg_controllen = sizeof(control.buf),
	};
	int passed = -1;
	ssize_t n;

	do
		n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS &&
		    cm->cmsg_len == CMSG_LEN(sizeof(int)))
			memcpy(&passed, CMSG_DATA(cm), sizeof(int));
	if (n == 0)
		return -EPIPE;
	if (n != sizeof(m) || (mh.msg_flags & MSG_CTRUNC)) {
		closep(&passed);
		return -EPROTO;
	}
	m.text[sizeof(m.text) - 1] = 0;
	*ret = m;
	*ret_fd = passed;
	return 0;
}
