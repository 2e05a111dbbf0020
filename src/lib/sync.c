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
