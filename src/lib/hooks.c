/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Making hooks ready to run (their argv and environment), and running
 * them on the host. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "hooks.h"
#include "log.h"
#include "storage/storage.h"
#include "util/exec.h"
#include "util/strv.h"

extern char **environ;

/* NAME=value, replacing an earlier NAME; nothing for a NULL value. */
static int env_set(char ***env, const char *name, const char *value)
{
	size_t len = strlen(name);
	char *s;

	if (!value)
		return 0;
	if (asprintf(&s, "%s=%s", name, value) < 0)
		return -ENOMEM;
	for (char **e = *env; e && *e; e++)
		if (strncmp(*e, name, len) == 0 && (*e)[len] == '=') {
			free(*e);
			*e = s;
			return 0;
		}
	return strv_push(env, s);
}

/* Each variable as MGR_X and as LXC_X. */
static int env_set_both(char ***env, const char *suffix, const char *value)
{
	char name[64];
	int r;

	snprintf(name, sizeof(name), "MGR_%s", suffix);
	r = env_set(env, name, value);
	if (r < 0)
		return r;
	snprintf(name, sizeof(name), "LXC_%s", suffix);
	return env_set(env, name, value);
}

static char **hook_env(const struct mgr_conf *conf, enum conf_hook type,
		       const struct hook_info *info)
{
	_cleanup_strv_free_ char **env = NULL;
	const struct {
		const char *suffix, *value;
	} vars[] = {
		{ "NAME", info->name },
		{ "CONFIG_FILE", info->config_file },
		{ "ROOTFS_MOUNT", info->rootfs_mount },
		{ "ROOTFS_PATH", conf->rootfs_path },
		{ "CONSOLE", conf->console_path },
		{ "CONSOLE_LOGPATH", conf->console_logfile },
		{ "HOOK_TYPE", conf_hook_names[type] },
		{ "HOOK_SECTION", "mgr" },
		{ "HOOK_VERSION", "1" },
		{ "SRC_NAME", info->src_name },
		{ "TARGET", info->target },
	};

	if (info->in_container) {
		if (strv_append(&env, "container=mgr") < 0 ||
		    strv_append(&env, "PATH=" EXEC_DEFAULT_PATH) < 0)
			return NULL;
	} else {
		env = strv_copy(environ);
		if (!env)
			return NULL;
	}
	for (size_t i = 0; i < ARRAY_SIZE(vars); i++)
		if (env_set_both(&env, vars[i].suffix, vars[i].value) < 0)
			return NULL;
	return TAKE_PTR(env);
}

void hooks_free(struct hooks *h)
{
	for (size_t i = 0; i < h->n; i++) {
		free(h->cmds[i].line);
		strv_free(h->cmds[i].argv);
		strv_free(h->cmds[i].env);
	}
	free(h->cmds);
	h->cmds = NULL;
	h->n = 0;
}

static int cmd_prepare(const char *line, enum conf_hook type, const struct hook_info *info,
		       char **env, struct hook_cmd *ret)
{
	_cleanup_strv_free_ char **argv = NULL;
	int r;

	r = strv_split_quoted(line, &argv);
	if (r < 0)
		return r;
	if (strv_length(argv) == 0)
		return -EINVAL;
	if (strv_append(&argv, info->name) < 0 || strv_append(&argv, "mgr") < 0 ||
	    strv_append(&argv, conf_hook_names[type]) < 0)
		return -ENOMEM;
	ret->line = strdup(line);
	ret->env = strv_copy(env);
	if (!ret->line || !ret->env) {
		free(ret->line);
		strv_free(ret->env);
		return -ENOMEM;
	}
	ret->argv = TAKE_PTR(argv);
	return 0;
}

/* A directory or a subvolume is where it is; anything else is mounted
 * for the hook alone. */
static bool storage_plain(const struct storage *s)
{
	return s->ops == &storage_dir_ops || s->ops == &storage_btrfs_ops;
}

int hooks_prepare(const struct mgr_conf *conf, enum conf_hook type, const struct hook_info *in,
		  struct hooks *ret)
{
	struct hooks h = { .type = type };
	struct hook_info copy = *in, *info = &copy;
	_cleanup_strv_free_ char **env = NULL;
	size_t n = strv_length(conf->hooks[type]);
	int r;

	*ret = h;
	if (n == 0)
		return 0;
	if (info->storage) {
		info->rootfs_mount = storage_plain(info->storage) ? info->storage->src
								  : storage_mount_point(info->storage);
		if (!storage_plain(info->storage)) {
			h.storage = info->storage;
			h.mount_point = info->rootfs_mount;
		}
	}
	env = hook_env(conf, type, info);
	h.cmds = calloc(n, sizeof(*h.cmds));
	if (!env || !h.cmds) {
		free(h.cmds);
		return -ENOMEM;
	}
	for (; h.n < n; h.n++) {
		r = cmd_prepare(conf->hooks[type][h.n], type, info, env, &h.cmds[h.n]);
		if (r < 0) {
			hooks_free(&h);
			return r;
		}
	}
	*ret = h;
	return 0;
}

int hooks_run(struct mgr_container *c, const struct mgr_conf *conf, enum conf_hook type,
	      const struct hook_info *info)
{
	struct hooks h;
	char out[4096], err[512];
	int status, r;

	if (!conf || !conf->hooks[type])
		return 0;
	r = hooks_prepare(conf, type, info, &h);
	if (r < 0)
		return container_error(c, r, "Failed to prepare hook.%s of \"%s\"",
				       conf_hook_names[type], info->name);
	for (size_t i = 0; i < h.n; i++) {
		log_debug("running hook.%s \"%s\"", conf_hook_names[type], h.cmds[i].line);
		r = hook_cmd_exec(&h, &h.cmds[i], out, sizeof(out), &status);
		if (r < 0) {
			container_error(c, r, "Failed to run hook.%s \"%s\"", conf_hook_names[type],
					h.cmds[i].line);
			break;
		}
		if (out[0])
			log_debug("hook.%s \"%s\" wrote: %s", conf_hook_names[type], h.cmds[i].line,
				  out);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			hook_failure_format(&h, &h.cmds[i], status, out, err, sizeof(err));
			r = container_error_msg(c, -ECANCELED, err);
			break;
		}
	}
	hooks_free(&h);
	return r;
}
