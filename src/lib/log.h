/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The library's log: a file and a level, set by the tool (-o/-l) or by the
 * container's log.file/log.level.  Nothing goes to stderr from here. */
#ifndef MGR_LOG_H
#define MGR_LOG_H

#include "mgr/mgr.h"
#include "util/macro.h"

/* Open file for appending (NULL closes). */
int log_set_file(const char *file);
void log_set_level(enum mgr_log_level level);
enum mgr_log_level log_get_level(void);
/* Log to fd, which the log now owns (-1: nowhere). */
void log_set_fd(int fd);
/* The log's fd (-1 when none), to keep it across a close of all fds. */
int log_get_fd(void);
/* Tag lines with this prefix (the container name), NULL for none. */
void log_set_prefix(const char *prefix);
bool log_enabled(enum mgr_log_level level);
/* Log and return err (a negative errno) so callers can "return log_...". */
int log_msg(enum mgr_log_level level, int err, const char *fmt, ...) _printf_(3, 4);

#define log_trace(...) log_msg(MGR_LOG_TRACE, 0, __VA_ARGS__)
#define log_debug(...) log_msg(MGR_LOG_DEBUG, 0, __VA_ARGS__)
#define log_info(...) log_msg(MGR_LOG_INFO, 0, __VA_ARGS__)
#define log_notice(...) log_msg(MGR_LOG_NOTICE, 0, __VA_ARGS__)
#define log_warn(...) log_msg(MGR_LOG_WARN, 0, __VA_ARGS__)
#define log_error_errno(err, ...) log_msg(MGR_LOG_ERROR, (err), __VA_ARGS__)
#define log_debug_errno(err, ...) log_msg(MGR_LOG_DEBUG, (err), __VA_ARGS__)

#endif
