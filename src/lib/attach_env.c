/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Who an attached command runs as, and its environment. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "attach.h"
#include "rootfs.h"
#include "util/exec.h"
#include "util/fileio.h"
#include "util/strv.h"

/* The container owns its /etc/passwd: a bigger one is not read. */
#define PASSWD_MAX (16 << 20)

/* Without a caller's TERM: what init gets (child.c). */
#define ATTACH_DEFAULT_TERM "linux"

/* Read beneath rootfd without following the container's symlinks out of
 * it, and only a regular file: a FIFO would block. */
static int read_passwd(int rootfd, char **ret)
{
	_cleanup_close_ int fd = open_beneath(rootfd, "etc/passwd", 0);
	char proc[64];
	struct stat st;

	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode) || st.st_size > PASSWD_MAX)
		return -EINVAL;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	return read_file(proc, ret, NULL);
}

/* One "name:pw:uid:gid:gecos:home:shell" line; true when it is uid's. */
static bool passwd_line(char *line, uid_t uid, char *field[7])
{
	char *end;
	unsigned long v;
	int n = 0;

	for (char *p = line; n < 7; n++) {
		field[n] = p;
		p = strchr(p, ':');
		if (!p) {
			n++;
			break;
		}
		*p++ = 0;
	}
	if (n < 7)
		return false;
	errno = 0;
	v = strtoul(field[2], &end, 10);
	return errno == 0 && end != field[2] && !*end && v == (unsigned long)uid;
}

int attach_user_lookup(int rootfd, uid_t uid, struct attach_user *ret)
{
	_cleanup_free_ char *text = NULL;
	char *save = NULL;
	int r;

	*ret = (struct attach_user){ 0 };
	r = read_passwd(rootfd, &text);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *f[7];

		if (!passwd_line(l, uid, f))
			continue;
		ret->name = strdup(f[0]);
		ret->home = strdup(*f[5] ? f[5] : "/");
		ret->shell = strdup(*f[6] ? f[6] : "/bin/sh");
		ret->gid = (gid_t)strtoul(f[3], NULL, 10);
		ret->found = true;
		if (!ret->name || !ret->home || !ret->shell) {
			attach_user_done(ret);
			return -ENOMEM;
		}
		break;
	}
	return 0;
}

void attach_user_done(struct attach_user *u)
{
	free(u->name);
	free(u->home);
	free(u->shell);
	*u = (struct attach_user){ 0 };
}

static bool var_is(const char *kv, const char *name)
{
	size_t n = strlen(name);

	return strncmp(kv, name, n) == 0 && (kv[n] == '=' || kv[n] == 0);
}

static bool var_listed(const char *kv, const char *const *names)
{
	for (; names && *names; names++)
		if (var_is(kv, *names))
			return true;
	return false;
}

/* Set kv ("NAME=VALUE"), replacing a variable of the same name. */
static int env_put(char ***env, const char *kv)
{
	const char *eq = strchr(kv, '=');
	size_t n = eq ? (size_t)(eq - kv) : strlen(kv);
	char *copy = strdup(kv);

	if (!copy)
		return -ENOMEM;
	for (char **e = *env; e && *e; e++)
		if (strncmp(*e, kv, n) == 0 && (*e)[n] == '=') {
			free(*e);
			*e = copy;
			return 0;
		}
	return strv_push(env, copy);
}

static int env_put_var(char ***env, const char *name, const char *value)
{
	_cleanup_free_ char *kv = NULL;

	if (!value)
		return 0;
	if (asprintf(&kv, "%s=%s", name, value) < 0)
		return -ENOMEM;
	return env_put(env, kv);
}

/* What every policy but "keep" starts from: nothing of the caller's but
 * its terminal type; the rest describes the container and the user
 * inside.  HOME is "/", and USER, LOGNAME and SHELL are unset, for a user
 * the container's /etc/passwd does not list. */
static int env_clean(char ***env, const struct attach_user *u, const char *home)
{
	const char *term = getenv("TERM");
	const char *name = u->found ? u->name : NULL;
	int r;

	r = env_put(env, "PATH=" EXEC_DEFAULT_PATH);
	if (r == 0)
		r = env_put_var(env, "TERM", term && *term ? term : ATTACH_DEFAULT_TERM);
	if (r == 0)
		r = env_put_var(env, "HOME", home);
	if (r == 0)
		r = env_put_var(env, "USER", name);
	if (r == 0)
		r = env_put_var(env, "LOGNAME", name);
	if (r == 0)
		r = env_put_var(env, "SHELL", u->found ? u->shell : NULL);
	return r;
}

/* The caller's variables: all of them for "keep", else those named in
 * keep_vars, over the clean values. */
static int env_from_caller(char ***env, const struct mgr_attach_options *o)
{
	extern char **environ;
	const char *const *keep = (const char *const *)o->keep_vars;
	int r = 0;

	for (char **e = environ; e && *e && r == 0; e++)
		if (strchr(*e, '=') && (o->env_policy == MGR_ATTACH_ENV_KEEP || var_listed(*e, keep)))
			r = env_put(env, *e);
	return r;
}

char **attach_env_build(const struct mgr_attach_options *o, const struct attach_user *u,
			const char *home)
{
	_cleanup_strv_free_ char **env = calloc(1, sizeof(char *));
	int r;

	if (!env)
		return NULL;
	r = o->env_policy == MGR_ATTACH_ENV_KEEP ? 0 : env_clean(&env, u, home);
	if (r == 0)
		r = env_from_caller(&env, o);
	/* Whatever the caller had: only -v (extra_env) says otherwise. */
	if (r == 0)
		r = env_put(&env, "container=mgr");
	STRV_FOREACH(kv, o->extra_env)
		if (r == 0)
			r = env_put(&env, *kv);
	return r == 0 ? TAKE_PTR(env) : NULL;
}
