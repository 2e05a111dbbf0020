/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mgr-init: a tiny PID 1 for application containers (mgr-execute).
 *
 *   mgr-init [--] CMD [ARGS...]
 *
 * Runs CMD as its only direct child, forwards the signals a container
 * manager sends to its init, reaps every process that ends up orphaned on
 * it, and when CMD exits terminates whatever is left (SIGTERM, then SIGKILL
 * after two seconds) and exits with CMD's status: its exit code, or 128+N
 * if it died of signal N.  127: CMD not found, 126: CMD not executable,
 * 125: mgr-init itself failed.
 *
 * When it is not PID 1 (for testing) it only waits for CMD and its own
 * children and never signals anything but CMD.
 *
 * Linked statically and copied into containers: no allocation, no stdio
 * after fork, nothing but libc.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define EXIT_INIT_FAILED 125
#define SHUTDOWN_GRACE_SEC 2

static void write_str(const char *s)
{
	ssize_t r;
	size_t len = strlen(s);

	while (len > 0) {
		r = write(STDERR_FILENO, s, len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return;
		s += r;
		len -= (size_t)r;
	}
}

/* In the child: clean signal state, foreground process group, exec. */
static _Noreturn void exec_command(char **argv)
{
	sigset_t empty;
	int sig, err;

	for (sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL); /* fails harmlessly for KILL, STOP, libc-internal */

	/* Own process group, and the terminal's foreground if stdin is one we
	 * control, so keyboard signals reach the command and not us.  Every
	 * signal is still blocked here, so tcsetpgrp() cannot stop us. */
	if (setpgid(0, 0) == 0 && isatty(STDIN_FILENO))
		(void)tcsetpgrp(STDIN_FILENO, getpid());

	sigemptyset(&empty);
	sigprocmask(SIG_SETMASK, &empty, NULL);

	execvp(argv[0], argv);
	err = errno;
	write_str("mgr-init: ");
	write_str(argv[0]);
	write_str(": ");
	write_str(strerror(err));
	write_str("\n");
	_exit(err == EACCES ? 126 : 127);
}

static int exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return EXIT_INIT_FAILED;
}

/* Reap every zombie; records the main child's status.  Returns false once
 * there are no children left at all. */
static bool reap_zombies(pid_t child, bool *child_done, int *child_status)
{
	int status;
	pid_t pid;

	for (;;) {
		pid = waitpid(-1, &status, WNOHANG);
		if (pid > 0) {
			if (pid == child) {
				*child_done = true;
				*child_status = status;
			}
			continue;
		}
		if (pid < 0 && errno == EINTR)
			continue;
		return !(pid < 0 && errno == ECHILD);
	}
}

static void forward_signal(pid_t child, int sig)
{
	switch (sig) {
	case SIGTERM: case SIGINT: case SIGHUP: case SIGQUIT:
	case SIGUSR1: case SIGUSR2: case SIGWINCH: case SIGCONT:
		kill(child, sig);
		break;
	case SIGPWR:
		/* halt/poweroff request (the default halt signal, and SIGRTMIN+3
		 * for systemd-style managers): pass it on, then ask to stop */
		kill(child, sig);
		kill(child, SIGTERM);
		break;
	default:
		if (sig == SIGRTMIN + 3) {
			kill(child, sig);
			kill(child, SIGTERM);
		}
		break;
	}
}

/* PID 1 only: every other process in the namespace is our descendant, so
 * once we have no children left the namespace is empty. */
static void terminate_remaining(const sigset_t *set)
{
	struct timespec deadline, now, left;
	bool dummy_done = false;
	int dummy_status;

	if (kill(-1, SIGTERM) < 0 && errno == ESRCH)
		return;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += SHUTDOWN_GRACE_SEC;
	while (reap_zombies(0, &dummy_done, &dummy_status)) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		left.tv_sec = deadline.tv_sec - now.tv_sec;
		left.tv_nsec = deadline.tv_nsec - now.tv_nsec;
		if (left.tv_nsec < 0) {
			left.tv_sec--;
			left.tv_nsec += 1000000000L;
		}
		if (left.tv_sec < 0)
			break;
		if (sigtimedwait(set, NULL, &left) < 0 && errno == EAGAIN)
			break;
	}

	kill(-1, SIGKILL);
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;
}

int main(int argc, char *argv[])
{
	sigset_t all;
	bool pid1 = getpid() == 1, child_done = false;
	int child_status = 0, sig;
	pid_t child;

	if (argc > 1 && strcmp(argv[1], "--") == 0) {
		argv++;
		argc--;
	}
	if (argc < 2 || argv[1][0] == '\0') {
		fprintf(stderr, "usage: mgr-init [--] CMD [ARGS...]\n");
		return EXIT_INIT_FAILED;
	}

	/* An inherited SIG_IGN for SIGCHLD would auto-reap CMD and lose its
	 * status. */
	signal(SIGCHLD, SIG_DFL);
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, NULL);

	child = fork();
	if (child < 0) {
		fprintf(stderr, "mgr-init: fork: %s\n", strerror(errno));
		return EXIT_INIT_FAILED;
	}
	if (child == 0)
		exec_command(argv + 1);

	while (!child_done) {
		sig = sigwaitinfo(&all, NULL);
		if (sig < 0)
			continue;
		if (sig == SIGCHLD)
			reap_zombies(child, &child_done, &child_status);
		else
			forward_signal(child, sig);
	}

	/* Take the terminal back from the command's process group. */
	if (isatty(STDIN_FILENO) && tcgetpgrp(STDIN_FILENO) == child)
		(void)tcsetpgrp(STDIN_FILENO, getpgrp());

	if (pid1)
		terminate_remaining(&all);
	else
		reap_zombies(0, &child_done, &child_status);

	return exit_code(child_status);
}
