/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * hook.*: commands run at the moments of a container's life (hooks.h).
 * Each key is a list: every line adds a command, run in the order
 * written; an empty value clears the list.  A command line is split like
 * init.cmd; it is kept as written.
 */
#include "config.h"

#include <errno.h>

#include "conf.h"
#include "conf_keys.h"
#include "util/macro.h"
#include "util/strv.h"

const char *const conf_hook_names[CONF_HOOK_MAX] = {
	[CONF_HOOK_PRE_START] = "pre-start", [CONF_HOOK_PRE_MOUNT] = "pre-mount",
	[CONF_HOOK_MOUNT] = "mount",         [CONF_HOOK_AUTODEV] = "autodev",
	[CONF_HOOK_START] = "start",         [CONF_HOOK_STOP] = "stop",
	[CONF_HOOK_POST_STOP] = "post-stop", [CONF_HOOK_CLONE] = "clone",
	[CONF_HOOK_DESTROY] = "destroy",
};

static int hook_set(const char *key, const char *value, struct mgr_conf *conf,
		    enum conf_hook type, struct conf_error *err)
{
	_cleanup_strv_free_ char **argv = NULL;
	int r;

	if (!*value) {
		conf_key_clear_strv(&conf->hooks[type]);
		return 0;
	}
	r = strv_split_quoted(value, &argv);
	if (r == -EINVAL)
		return conf_bad_value(err, key, value, "unterminated quote");
	if (r < 0)
		return r;
	if (strv_length(argv) == 0 || !*argv[0])
		return conf_bad_value(err, key, value, "empty command");
	return strv_append(&conf->hooks[type], value);
}

static int hook_get(const char *key, const struct mgr_conf *conf, enum conf_hook type,
		    char **ret)
{
	return conf_key_get_strv(conf->hooks[type], ret);
}

static int hook_clear(const char *key, struct mgr_conf *conf, enum conf_hook type)
{
	conf_key_clear_strv(&conf->hooks[type]);
	return 0;
}

FORWARD_KEY(hook_pre_start, CONF_HOOK_PRE_START, hook_set, hook_get, hook_clear)
FORWARD_KEY(hook_pre_mount, CONF_HOOK_PRE_MOUNT, hook_set, hook_get, hook_clear)
FORWARD_KEY(hook_mount, CONF_HOOK_MOUNT, hook_set, hook_get, hook_clear)
FORWARD_KEY(hook_autodev, CONF_HOOK_AUTODEV, hook_set, hook_get, hook_clear)
FORWARD_KEY(hook_start, CONF_HOOK_START, hook_set, hook_get, hook_clear)
FORWARD_KEY(hook_stop, CONF_HOOK_STOP, hook_set, hook_get, hook_clear)
FORWARD_KEY(hook_post_stop, CONF_HOOK_POST_STOP, hook_set, hook_get, hook_clear)
FORWARD_KEY(hook_clone, CONF_HOOK_CLONE, hook_set, hook_get, hook_clear)
FORWARD_KEY(hook_destroy, CONF_HOOK_DESTROY, hook_set, hook_get, hook_clear)
