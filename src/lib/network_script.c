/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* net.N.script.up and net.N.script.down: executables run on the host. */
#include "config.h"

#include <errno.h>
#include <linux/close_range.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "network.h"
#include "start.h"
#include "util/exec.h"
#include "util/strv.h"

extern char **environ;

static int env_add(char ***env, const char *name, const char *value)
{
	char *s;

	if (!value || !*value)
		return 0;
	if (asprintf(&s, "%s=%s", name, value) < 0)
		return -ENOMEM;
	return strv_push(env, s);
}

/* The caller's environment with what the script is about. */
static char **script_env(const struct start_ctx *ctx, const struct net_state *s)
{
	const struct conf_net *net = s->conf;
	_cleanup_strv_free_ char **env = strv_copy(environ);
	const char *peer = net->type == NET_TYPE_VETH ? s->host_name : NULL;

	if (!env || env_add(&env, "MGR_NAME", ctx->c->name) < 0 ||
	    env_add(&env, "MGR_CONFIG_FILE", ctx->c->config_file) < 0 ||
	    env_add(&env, "MGR_NET_TYPE", conf_net_types[net->type]) < 0 ||
	    env_add(&env, "MGR_NET_LINK", net->link) < 0 ||
	    env_add(&env, "MGR_NET_PEER", peer) < 0 || env_add(&env, "MGR_NET_NAME", s->name) < 0)
		return NULL;
	return TAKE_PTR(env);
}

/* NAME net up|down TYPE [DEVICE], the device being the veth's host end or
 * the link. */
static char **script_argv(const struct start_ctx *ctx, const struct net_state *s,
			  const char *path, const char *what)
{
	const struct conf_net *net = s->conf;
	const char *dev = net->type == NET_TYPE_VETH ? s->host_name : net->link;
	const char *args[] = { path, ctx->c->name, "net", what, conf_net_types[net->type], dev };
	_cleanup_strv_free_ char **argv = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(args) && args[i] && *args[i]; i++)
		if (strv_append(&argv, args[i]) < 0)
			return NULL;
	return TAKE_PTR(argv);
}

int network_script_run(const struct start_ctx *ctx, const struct net_state *s, const char *what,
		       char *err, size_t size)
{
	const char *path = streq(what, "up") ? s->conf->script_up : s->conf->script_down;
	_cleanup_strv_free_ char **argv = NULL, **env = NULL;
	unsigned index = s->conf->index;
	int status, r;
	pid_t pid;

	if (!path)
		return 0;
	argv = script_argv(ctx, s, path, what);
	env = script_env(ctx, s);
	if (!argv || !env) {
		snprintf(err, size, "Failed to run net.%u.script.%s: %s", index, what, strerror(ENOMEM));
		return -ENOMEM;
	}
	log_debug("running net.%u.script.%s \"%s\"", index, what, path);
	pid = fork();
	if (pid < 0) {
		r = -errno;
		snprintf(err, size, "Failed to run net.%u.script.%s: %s", index, what, strerror(-r));
		return r;
	}
	if (pid == 0) {
		exec_signals_reset();
		syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC);
		execve(path, argv, env);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			r = -errno;
			snprintf(err, size, "Failed to wait for net.%u.script.%s: %s", index, what,
				 strerror(-r));
			return r;
		}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFSIGNALED(status))
		snprintf(err, size, "net.%u.script.%s \"%s\" was killed by signal %d", index, what,
			 path, WTERMSIG(status));
	else
		snprintf(err, size, "net.%u.script.%s \"%s\" failed (exit status %d)", index, what,
			 path, WEXITSTATUS(status));
	return -ECANCELED;
}
