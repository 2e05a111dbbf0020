/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/exec.h"

void exec_signals_reset(void)
{
	sigset_t none;

	for (int s = 1; s < NSIG; s++)
		if (s != SIGKILL && s != SIGSTOP)
			signal(s, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

int exec_search(char *const argv[], char *const env[], const char *path)
{
	char buf[4096];
	int err = ENOENT;

	if (strchr(argv[0], '/')) {
		execve(argv[0], argv, env);
		return -errno;
	}
	for (char *const *e = env; !path && *e; e++)
		if (strncmp(*e, "PATH=", 5) == 0)
			path = *e + 5;
	for (const char *p = path ? path : EXEC_DEFAULT_PATH; *p;) {
		size_t n = strcspn(p, ":");

		/* An empty entry is the current directory. */
		if (snprintf(buf, sizeof(buf), "%.*s%s%s", (int)n, p, n ? "/" : "", argv[0]) <
		    (int)sizeof(buf)) {
			execve(buf, argv, env);
			if (errno == EACCES || errno == ENOEXEC)
				err = errno;
		}
		p += n + (p[n] == ':');
	}
	return -err;
}
