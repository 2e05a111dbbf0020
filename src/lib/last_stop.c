/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Why a container stopped, kept after its monitor is gone: the monitor
 * writes DIR/last-stop (when, who asked, how init ended, how long it ran)
 * and DIR/console.last (what its console printed last) when init exits for
 * good; mgr_get_last_stop() and mgr_console_log() read them back.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "container.h"
#include "last_stop.h"
#include "util/fileio.h"
#include "util/macro.h"

#define LAST_STOP_FILE "last-stop"
#define CONSOLE_LAST_FILE "console.last"
#define LAST_STOP_MAX 4096
#define CONSOLE_LAST_MAX (16 << 20)

static char *file_of(const struct mgr_container *c, const char *name)
{
	return path_join(c->dir, name);
}

int last_stop_record(const struct mgr_container *c, const char *requested, int status,
		     double uptime, const char *console, size_t console_len)
{
	_cleanup_free_ char *stop = file_of(c, LAST_STOP_FILE);
	_cleanup_free_ char *log = file_of(c, CONSOLE_LAST_FILE);
	char text[256];
	int r;

	if (!stop || !log)
		return -ENOMEM;
	snprintf(text, sizeof(text), "time=%lld\nrequested=%s\nexit_status=%d\nsignal=%d\nuptime=%.3f\n",
		 (long long)time(NULL), requested ? requested : "none",
		 WIFEXITED(status) ? WEXITSTATUS(status) : -1,
		 WIFSIGNALED(status) ? WTERMSIG(status) : 0, uptime);
	if (console)
		r = write_data_atomic(log, console, console_len, 0640);
	else
		r = unlink(log) < 0 && errno != ENOENT ? -errno : 0; /* not an older run's */
	if (r == 0)
		r = write_file_atomic(stop, text, 0640);
	return r;
}

_public_ int mgr_get_last_stop(struct mgr_container *c, struct mgr_last_stop *ret)
{
	_cleanup_free_ char *path = file_of(c, LAST_STOP_FILE), *text = NULL;
	struct mgr_last_stop s = { .exit_status = -1 };
	char *save = NULL;
	size_t len;
	int r;

	if (!path)
		return container_error(c, -ENOMEM, "Failed to read the last stop of \"%s\"", c->name);
	r = read_file(path, &text, &len);
	if (r == -ENOENT)
		return r; /* never stopped since it records them */
	if (r == 0 && len > LAST_STOP_MAX)
		r = -EFBIG;
	if (r < 0)
		return container_error(c, r, "Failed to read \"%s\"", path);
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *eq = strchr(l, '=');

		if (!eq)
			continue;
		*eq++ = 0;
		if (streq(l, "time"))
			s.time = strtoll(eq, NULL, 10);
		else if (streq(l, "requested"))
			snprintf(s.requested, sizeof(s.requested), "%s", eq);
		else if (streq(l, "exit_status"))
			s.exit_status = atoi(eq);
		else if (streq(l, "signal"))
			s.signal = atoi(eq);
		else if (streq(l, "uptime"))
			s.uptime = strtod(eq, NULL);
	}
	*ret = s;
	return 0;
}

int last_console_read(struct mgr_container *c, char **ret, size_t *ret_len)
{
	_cleanup_free_ char *path = file_of(c, CONSOLE_LAST_FILE);
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r;

	if (!path)
		return -ENOMEM;
	r = read_file(path, &text, &len);
	if (r < 0)
		return r;
	if (len > CONSOLE_LAST_MAX)
		return -EFBIG;
	*ret = TAKE_PTR(text);
	*ret_len = len;
	return 0;
}
