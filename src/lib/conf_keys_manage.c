/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The keys of how mgr itself treats the container: its log, whether and
 * when it starts with the host, and the groups it belongs to.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>

#include "conf.h"
#include "conf_keys.h"
#include "util/macro.h"
#include "util/strv.h"

STRING_KEY(log_file, log_file, conf_check_absolute_path)

NUMBER_KEY(start_auto, start_auto, 0, 1, 0)
NUMBER_KEY(start_delay, start_delay, 0, INT_MAX, 0)
NUMBER_KEY(start_order, start_order, INT_MIN, INT_MAX, 0)
NUMBER_KEY(ephemeral, ephemeral, 0, 1, 0)

/* ------------------------------------------------------------ log */

int key_set_log_level(const char *key, const char *value, struct mgr_conf *conf,
		      struct conf_error *err)
{
	int level = -1;

	if (*value && (level = conf_log_level_from_string(value)) < 0)
		return conf_bad_value(err, key, value,
				      "expected trace, debug, info, notice, warn, error, crit, alert, fatal or 0 to 8");
	conf->log_level = level;
	return 0;
}

int key_get_log_level(const char *key, const struct mgr_conf *conf, char **ret)
{
	return conf_key_dup(conf_log_level_name(conf->log_level), ret);
}

int key_clear_log_level(const char *key, struct mgr_conf *conf)
{
	conf->log_level = -1;
	return 0;
}

/* ------------------------------------------------------------ groups */

int key_set_group(const char *key, const char *value, struct mgr_conf *conf,
		  struct conf_error *err)
{
	_cleanup_strv_free_ char **names = NULL;
	const char *why;

	if (!*value) {
		conf_key_clear_strv(&conf->groups);
		return 0;
	}
	if (strv_split(value, ", \t", &names) < 0)
		return -ENOMEM;
	STRV_FOREACH(n, names)
		if (conf_check_group_name(*n, &why) < 0)
			return conf_bad_value(err, key, value, "%s", why);
	return conf_key_merge_words(&conf->groups, names);
}

int key_get_group(const char *key, const struct mgr_conf *conf, char **ret)
{
	return conf_key_get_strv(conf->groups, ret);
}

int key_clear_group(const char *key, struct mgr_conf *conf)
{
	conf_key_clear_strv(&conf->groups);
	return 0;
}
