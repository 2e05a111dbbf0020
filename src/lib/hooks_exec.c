/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Running a prepared hook: fork, exec, capture its output, wait.  Nothing
 * here allocates, so that the container's side of the start (after
 * clone()) can run its hooks too. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hooks.h"
#include "storage/storage.h"
#include "util/exec.h"

static void write_str(int fd, const char *s)
{
	(void)!write(fd, s, strlen(s));
}

/* In the hook's process: its stdio, its mount namespace, then exec. */
_noreturn_ static void hook_child(const struct hooks *h, const struct hook_cmd *cmd, int out_fd)
{
	int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	if (null_fd < 0 || dup2(null_fd, STDIN_FILENO) < 0 || dup2(out_fd, STDOUT_FILENO) < 0 ||
	    dup2(out_fd, STDERR_FILENO) < 0)
		_exit(126);
	exec_signals_reset();
	syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC);
	if (h->storage) {
		/* The rootfs where the hook is told it is, in a mount
		 * namespace that goes with the hook. */
		(void)mkdir(h->mount_point, 0755);
		if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0 ||
		    h->storage->ops->mount(h->storage, h->mount_point) < 0) {
			write_str(STDERR_FILENO, "Failed to mount the rootfs for the hook\n");
			_exit(126);
		}
	}
	exec_search(cmd->argv, cmd->env, NULL);
	write_str(STDERR_FILENO, "Failed to execute \"");
	write_str(STDERR_FILENO, cmd->argv[0]);
	write_str(STDERR_FILENO, "\"\n");
	_exit(127);
}

/* Keep the last size - 1 bytes of output in out. */
static void out_take(char *out, size_t size, size_t *len, const char *buf, size_t n)
{
	if (size < 2)
		return;
	if (n >= size - 1) {
		buf += n - (size - 1);
		n = size - 1;
	}
	if (*len + n > size - 1) {
		size_t drop = *len + n - (size - 1);

		memmove(out, out + drop, *len - drop);
		*len -= drop;
	}
	memcpy(out + *len, buf, n);
	*len += n;
	out[*len] = 0;
}

/* Read until the hook exits: a daemon it left behind may hold the pipe. */
static int output_collect(pid_t pid, int fd, char *out, size_t size, int *ret_status)
{
	size_t len = 0;
	bool exited = false, eof = false;
	char buf[512];
	ssize_t n;

	if (size > 0)
		out[0] = 0;
	while (!eof) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int k = poll(&p, 1, exited ? 0 : 100);

		if (k < 0 && errno != EINTR)
			return -errno;
		if (k > 0) {
			n = read(fd, buf, sizeof(buf));
			if (n > 0)
				out_take(out, size, &len, buf, (size_t)n);
			else if (n == 0 || errno != EINTR)
				eof = true;
		} else if (exited) {
			break; /* drained */
		}
		if (!exited) {
			pid_t w = waitpid(pid, ret_status, eof ? 0 : WNOHANG);

			if (w < 0 && errno != EINTR)
				return -errno;
			exited = w == pid;
		}
	}
	while (!exited) {
		pid_t w = waitpid(pid, ret_status, 0);

		if (w < 0 && errno != EINTR)
			return -errno;
		exited = w == pid;
	}
	return 0;
}

int hook_cmd_exec(const struct hooks *h, const struct hook_cmd *cmd, char *out, size_t size,
		  int *ret_status)
{
	int pipefd[2], r;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		r = -errno;
		close(pipefd[0]);
		close(pipefd[1]);
		return r;
	}
	if (pid == 0)
		hook_child(h, cmd, pipefd[1]);
	close(pipefd[1]);
	r = output_collect(pid, pipefd[0], out, size, ret_status);
	close(pipefd[0]);
	return r;
}

void hook_failure_format(const struct hooks *h, const struct hook_cmd *cmd, int status,
			 const char *out, char *err, size_t size)
{
	const char *type = conf_hook_names[h->type];
	size_t n, end = strlen(out);

	if (WIFSIGNALED(status))
		n = (size_t)snprintf(err, size, "hook.%s \"%s\" was killed by signal %d", type,
				     cmd->line, WTERMSIG(status));
	else
		n = (size_t)snprintf(err, size, "hook.%s \"%s\" failed with exit status %d", type,
				     cmd->line, WEXITSTATUS(status));
	while (end > 0 && (out[end - 1] == '\n' || out[end - 1] == ' '))
		end--;
	if (end == 0 || n + 3 >= size)
		return;
	/* The end of the output, its lines joined with "; ". */
	if (end > 240)
		out += end - 240, end = 240;
	n += (size_t)snprintf(err + n, size - n, ": ");
	for (size_t i = 0; i < end && n + 3 < size; i++) {
		if (out[i] == '\n') {
			err[n++] = ';';
			err[n++] = ' ';
		} else
			err[n++] = out[i];
	}
	err[n] = 0;
}

int hooks_exec(const struct hooks *h, char *err, size_t size)
{
	char out[512];
	int status, r;

	for (size_t i = 0; i < h->n; i++) {
		r = hook_cmd_exec(h, &h->cmds[i], out, sizeof(out), &status);
		if (r < 0) {
			snprintf(err, size, "Failed to run hook.%s \"%s\": %s",
				 conf_hook_names[h->type], h->cmds[i].line, strerror(-r));
			return r;
		}
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			hook_failure_format(h, &h->cmds[i], status, out, err, size);
			return -ECANCELED;
		}
	}
	return 0;
}
