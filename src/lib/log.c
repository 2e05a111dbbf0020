/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static int log_fd = -1;
static enum mgr_log_level log_level = MGR_LOG_ERROR;
static char log_prefix[MGR_NAME_MAX + 1];

static const char *const level_names[] = {
	[MGR_LOG_TRACE] = "trace", [MGR_LOG_DEBUG] = "debug", [MGR_LOG_INFO] = "info",
	[MGR_LOG_NOTICE] = "notice", [MGR_LOG_WARN] = "warn", [MGR_LOG_ERROR] = "error",
	[MGR_LOG_CRIT] = "crit", [MGR_LOG_ALERT] = "alert", [MGR_LOG_FATAL] = "fatal",
};

int log_set_file(const char *file)
{
	int fd = -1;

	if (file) {
		fd = open(file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY, 0640);
		if (fd < 0)
			return -errno;
	}
	if (log_fd >= 0)
		close(log_fd);
	log_fd = fd;
	return 0;
}

void log_set_level(enum mgr_log_level level)
{
	log_level = level;
}

enum mgr_log_level log_get_level(void)
{
	return log_level;
}

void log_set_fd(int fd)
{
	if (log_fd >= 0 && log_fd != fd)
		close(log_fd);
	log_fd = fd;
}

int log_get_fd(void)
{
	return log_fd;
}

void log_set_prefix(const char *prefix)
{
	snprintf(log_prefix, sizeof(log_prefix), "%s", prefix ? prefix : "");
}

bool log_enabled(enum mgr_log_level level)
{
	return log_fd >= 0 && level >= log_level;
}

int log_msg(enum mgr_log_level level, int err, const char *fmt, ...)
{
	char buf[2048];
	struct timespec ts;
	struct tm tm;
	va_list ap;
	int n, saved = errno;

	if (!log_enabled(level))
		goto out;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ %s%s%s[%d] %s: ",
		     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
		     tm.tm_sec, ts.tv_nsec / 1000, log_prefix, *log_prefix ? " " : "",
		     "mgr", (int)getpid(), level_names[level]);
	va_start(ap, fmt);
	errno = err < 0 ? -err : saved;
	n += vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(buf) - 1)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	(void)!write(log_fd, buf, n);
out:
	errno = saved;
	return err;
}

_public_ int mgr_log_level_from_name(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(level_names); i++)
		if (strcasecmp(name, level_names[i]) == 0)
			return (int)i;
	if (strcasecmp(name, "warning") == 0)
		return MGR_LOG_WARN;
	if (strcasecmp(name, "err") == 0)
		return MGR_LOG_ERROR;
	return -EINVAL;
}

_public_ int mgr_log_open(const char *file, enum mgr_log_level level)
{
	log_set_level(level);
	return log_set_file(file);
}
