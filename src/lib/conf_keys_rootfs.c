/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The keys of the container's filesystem and terminals: rootfs.*, mount.*,
 * autodev, tty.*, pty.max and console.*.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "conf_keys.h"
#include "storage/storage.h"
#include "util/macro.h"
#include "util/strv.h"

STRING_KEY(rootfs_mount, rootfs_mount, conf_check_absolute_path)
STRING_KEY(rootfs_options, rootfs_options, conf_check_mount_options)
STRING_KEY(mount_fstab, mount_fstab, conf_check_absolute_path)
STRING_KEY(tty_dir, tty_dir, conf_check_dir_name)
STRING_KEY(console_logfile, console_logfile, conf_check_absolute_path)

NUMBER_KEY(autodev, autodev, 0, 1, -1)
NUMBER_KEY(tty_max, tty_max, 0, 64, 0)
NUMBER_KEY(pty_max, pty_max, 0, 65536, 0)

/* ------------------------------------------------------------ rootfs.path */

int key_set_rootfs_path(const char *key, const char *value, struct mgr_conf *conf,
			struct conf_error *err)
{
	_cleanup_free_ char *name = NULL;
	struct storage *s = NULL;
	size_t n = strspn(value, "abcdefghijklmnopqrstuvwxyz0123456789_-");
	int r;

	if (!*value)
		return conf_key_replace_string(&conf->rootfs_path, value);
	/* "backend:where", or a bare directory. */
	if (n > 0 && value[n] == ':') {
		name = strndup(value, n);
		if (!name)
			return -ENOMEM;
		if (storage_backend_planned(name))
			return conf_bad_value(err, key, value,
					      "storage backend \"%s\" is not available in this build", name);
		if (!storage_backend(name))
			return conf_bad_value(err, key, value, "unknown storage backend \"%s\"",
					      name);
	}
	r = storage_parse(value, &s);
	storage_free(s);
	if (r == -EINVAL)
		return conf_bad_value(err, key, value,
				      streq(name ? name : "dir", "overlay")
					      ? "expected overlay:LOWER:UPPER, absolute paths "
						"without \",\" or \":\""
					      : "not an absolute path");
	if (r < 0)
		return r;
	return conf_key_replace_string(&conf->rootfs_path, value);
}

int key_get_rootfs_path(const char *key, const struct mgr_conf *conf, char **ret)
{
	return conf_key_dup(conf->rootfs_path, ret);
}

int key_clear_rootfs_path(const char *key, struct mgr_conf *conf)
{
	return conf_key_replace_string(&conf->rootfs_path, "");
}

/* ------------------------------------------------------------ console */

int key_set_console_path(const char *key, const char *value, struct mgr_conf *conf,
			 struct conf_error *err)
{
	if (*value && !streq(value, "none") && *value != '/')
		return conf_bad_value(err, key, value, "expected an absolute path or \"none\"");
	return conf_key_replace_string(&conf->console_path, value);
}

int key_get_console_path(const char *key, const struct mgr_conf *conf, char **ret)
{
	return conf_key_dup(conf->console_path, ret);
}

int key_clear_console_path(const char *key, struct mgr_conf *conf)
{
	return conf_key_replace_string(&conf->console_path, "");
}

static int parse_size(const char *key, const char *value, unsigned long long *ret,
		      struct conf_error *err)
{
	int r = conf_size_from_string(value, ret);

	if (r == -ERANGE)
		return conf_bad_value(err, key, value, "too large");
	if (r < 0)
		return conf_bad_value(err, key, value, "not a size (e.g. 100, 64K, 1M, 1G)");
	return 0;
}

int key_set_console_size(const char *key, const char *value, struct mgr_conf *conf,
			 struct conf_error *err)
{
	unsigned long long v = 0;
	bool is_auto = streq(value, "auto");
	int r;

	if (*value && !is_auto) {
		r = parse_size(key, value, &v, err);
		if (r < 0)
			return r;
		if (v == 0)
			return conf_bad_value(err, key, value, "the size must be above 0");
	}
	conf->console_size = v;
	conf->console_size_auto = is_auto;
	return 0;
}

int key_get_console_size(const char *key, const struct mgr_conf *conf, char **ret)
{
	if (conf->console_size_auto)
		return conf_key_dup("auto", ret);
	if (conf->console_size == 0) {
		*ret = NULL;
		return 0;
	}
	return conf_size_format(conf->console_size, ret);
}

int key_clear_console_size(const char *key, struct mgr_conf *conf)
{
	conf->console_size = 0;
	conf->console_size_auto = false;
	return 0;
}

int key_set_console_buffer_size(const char *key, const char *value, struct mgr_conf *conf,
				struct conf_error *err)
{
	unsigned long long v = 0;
	int r;

	if (*value) {
		r = parse_size(key, value, &v, err);
		if (r < 0)
			return r;
	}
	conf->console_buffer_size = v;
	conf->console_buffer_size_set = *value != 0;
	return 0;
}

int key_get_console_buffer_size(const char *key, const struct mgr_conf *conf, char **ret)
{
	if (!conf->console_buffer_size_set) {
		*ret = NULL;
		return 0;
	}
	return conf_size_format(conf->console_buffer_size, ret);
}

int key_clear_console_buffer_size(const char *key, struct mgr_conf *conf)
{
	conf->console_buffer_size = 0;
	conf->console_buffer_size_set = false;
	return 0;
}

/* ------------------------------------------------------------ mounts */

int key_set_mount_entry(const char *key, const char *value, struct mgr_conf *conf,
			struct conf_error *err)
{
	const char *why;
	int r;

	if (!*value) {
		conf_key_clear_strv(&conf->mount_entries);
		return 0;
	}
	r = conf_check_mount_entry(value, &why);
	if (r == -EINVAL)
		return conf_bad_value(err, key, value, "%s", why);
	if (r < 0)
		return r;
	return strv_append(&conf->mount_entries, value);
}

int key_get_mount_entry(const char *key, const struct mgr_conf *conf, char **ret)
{
	return conf_key_get_strv(conf->mount_entries, ret);
}

int key_clear_mount_entry(const char *key, struct mgr_conf *conf)
{
	conf_key_clear_strv(&conf->mount_entries);
	return 0;
}

int key_set_mount_auto(const char *key, const char *value, struct mgr_conf *conf,
		       struct conf_error *err)
{
	_cleanup_strv_free_ char **words = NULL;
	unsigned mask = conf->mount_auto;

	if (!*value) {
		conf->mount_auto = 0;
		return 0;
	}
	if (strv_split(value, " \t", &words) < 0)
		return -ENOMEM;
	STRV_FOREACH(w, words)
		if (conf_mount_auto_apply(*w, &mask) < 0)
			return conf_bad_value(err, key, value, "unknown word \"%s\"", *w);
	conf->mount_auto = mask;
	return 0;
}

int key_get_mount_auto(const char *key, const struct mgr_conf *conf, char **ret)
{
	if (conf->mount_auto == 0) {
		*ret = NULL;
		return 0;
	}
	return conf_mount_auto_format(conf->mount_auto, ret);
}

int key_clear_mount_auto(const char *key, struct mgr_conf *conf)
{
	conf->mount_auto = 0;
	return 0;
}
