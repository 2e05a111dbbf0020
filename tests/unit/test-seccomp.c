/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* seccomp policy files: parsing, errors, and a filter that really acts. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "seccomp_policy.h"
#include "tap.h"
#include "util/fileio.h"

static char dir[] = "/tmp/mgr-test-seccomp.XXXXXX";

static int compile(const char *text, char *err, size_t errlen, struct seccomp_policy **ret)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/policy", dir);
	if (write_file_atomic(path, text, 0644) < 0)
		return -EIO;
	return seccomp_policy_compile(path, ret, err, errlen);
}

static void expect_error(const char *text, const char *line, const char *what)
{
	struct seccomp_policy *p = NULL;
	char err[512] = "";
	int r = compile(text, err, sizeof(err), &p);

	ok(r == -EINVAL, "refused: %s", what);
	ok(strstr(err, line) && strstr(err, "policy"), "message names file and line: %s", err);
	seccomp_policy_free(p);
}

/* In a child: load the policy and report what mkdir and getpid do. */
static int run_child(struct seccomp_policy *p)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		char path[256];

		snprintf(path, sizeof(path), "%s/made", dir);
		/* Without CAP_SYS_ADMIN a filter needs no_new_privs. */
		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		if (seccomp_policy_load(p, true) < 0)
			_exit(100);
		if (getpid() <= 0)
			_exit(101);
		_exit(mkdir(path, 0755) < 0 ? errno : 0);
	}
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 200 + WTERMSIG(status);
}

int main(void)
{
	struct seccomp_policy *p = NULL;
	char err[512] = "";

	if (!mkdtemp(dir))
		return 1;
#ifndef HAVE_SECCOMP
	ok(compile("2\ndenylist\n", err, sizeof(err), &p) == -EOPNOTSUPP,
	   "without libseccomp a profile is refused: %s", err);
	return done();
#else
	is_int(compile("2\ndenylist\nreject_force_umount\n[all]\nkexec_load errno 1\n"
		       "open_by_handle_at errno 1\ninit_module errno 1\n"
		       "ioctl errno 1 [1,0x5412,SCMP_CMP_EQ]\n"
		       "umount2 errno 13 [1,2,SCMP_CMP_MASKED_EQ,2]\n"
		       "[x86_64]\nkeyctl errno 38\n[s390x]\nno_such_call_anywhere\n",
		       err, sizeof(err), &p),
	       0, "a denylist with arguments and sections compiles: %s", err);
	seccomp_policy_free(p);
	p = NULL;
	is_int(compile("1\nwhitelist\n0\n1\n2\n", err, sizeof(err), &p), 0,
	       "a version 1 allowlist compiles: %s", err);
	seccomp_policy_free(p);
	p = NULL;

	expect_error("3\ndenylist\n", ":1:", "unknown version");
	expect_error("2\nmaybelist\n", ":2:", "unknown policy type");
	expect_error("2\ndenylist\nno_such_syscall errno 1\n", ":3:", "unknown system call");
	expect_error("2\ndenylist\n[all]\nmkdir errno\n", ":4:", "errno without a number");
	expect_error("2\ndenylist\nmkdir errno 1 [9,1,SCMP_CMP_EQ]\n", ":3:", "argument index");
	expect_error("2\ndenylist\nmkdir errno 1 [0,1,LIKE]\n", ":3:", "unknown operator");
	expect_error("2\ndenylist\n[vax]\nmkdir\n", ":3:", "unknown architecture");

	/* The filter acts: mkdir fails with the configured errno. */
	is_int(compile("2\ndenylist\nmkdir errno 38\nmkdirat errno 38\n", err, sizeof(err), &p), 0,
	       "deny mkdir");
	is_int(run_child(p), ENOSYS, "mkdir fails with errno 38 under the filter");
	seccomp_policy_free(p);
	p = NULL;
	is_int(compile("2\ndenylist errno 1\nmkdir allow\n", err, sizeof(err), &p), 0,
	       "a denylist with a default action");
	seccomp_policy_free(p);
	p = NULL;
	/* An allowlist without mkdir: the default action answers. */
	is_int(compile("2\nallowlist errno 1\nmkdir errno 13\nmkdirat errno 13\n"
		       "getpid\nexit_group\nexit\nprctl\nseccomp\nwrite\n",
		       err, sizeof(err), &p),
	       0, "an allowlist compiles: %s", err);
#if defined(__SANITIZE_ADDRESS__)
	/* The sanitizer runtime makes system calls of its own that an
	 * allowlist this short refuses, and then spins. */
	skip("an allowlist filter cannot run under AddressSanitizer");
#else
	is_int(run_child(p), EACCES, "a listed rule with its own action applies");
#endif
	seccomp_policy_free(p);
	rm_rf(dir);
	return done();
#endif
}
