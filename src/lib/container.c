/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The public handle: name, paths, last error and config items. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "container.h"
#include "storage/storage.h"
#include "util/fileio.h"

_public_ const char *mgr_version(void)
{
	return PACKAGE_VERSION;
}

static const char *env_or(const char *var, const char *fallback)
{
	const char *v = getenv(var);

	return v && *v ? v : fallback;
}

/* For a user other than root: $XDG_VAR/mgr, or ~/FALLBACK/mgr (computed
 * once into buf); NULL for root, who gets the configured paths. */
static const char *user_dir(char *buf, size_t size, const char *xdg_var, const char *fallback)
{
	const char *base = getenv(xdg_var), *home = getenv("HOME");

	if (geteuid() == 0)
		return NULL;
	if (!buf[0]) {
		if (base && base[0] == '/')
			snprintf(buf, size, "%s/mgr", base);
		else if (fallback && home && home[0] == '/')
			snprintf(buf, size, "%s/%s/mgr", home, fallback);
		else if (!fallback)
			snprintf(buf, size, "/run/user/%u/mgr", (unsigned)geteuid());
		else
			return NULL;
	}
	return buf;
}

_public_ const char *mgr_default_path(void)
{
	static char buf[PATH_MAX];
	const char *user = user_dir(buf, sizeof(buf), "XDG_DATA_HOME", ".local/share");

	return env_or("MGR_PATH", user ? user : MGR_CONTAINER_PATH);
}
const char *mgr_template_dir(void) { return env_or("MGR_TEMPLATE_DIR", MGR_TEMPLATE_DIR); }
const char *mgr_init_path(void) { return env_or("MGR_INIT_PATH", MGR_INIT_PATH); }
const char *mgr_monitor_path(void) { return env_or("MGR_MONITOR_PATH", MGR_MONITOR_PATH); }
const char *mgr_global_config(void) { return env_or("MGR_GLOBAL_CONFIG", MGR_GLOBAL_CONFIG); }
const char *mgr_runtime_path(void)
{
	static char buf[PATH_MAX];
	const char *user = user_dir(buf, sizeof(buf), "XDG_RUNTIME_DIR", NULL);

	return env_or("MGR_RUNTIME_PATH", user ? user : MGR_RUNTIME_PATH);
}
const char *mgr_cache_path(void)
{
	static char buf[PATH_MAX];
	const char *user = user_dir(buf, sizeof(buf), "XDG_CACHE_HOME", ".cache");

	return env_or("MGR_CACHE_PATH", user ? user : MGR_CACHE_PATH);
}

_public_ int mgr_name_check(const char *name, const char **ret_why)
{
	const char *why = NULL;
	size_t len = name ? strlen(name) : 0;

	if (len == 0)
		why = "the name is empty";
	else if (len > MGR_NAME_MAX)
		why = "the name is longer than 64 characters";
	else if (streq(name, ".") || streq(name, ".."))
		why = "\".\" and \"..\" are not names";
	else if (name[0] == '-')
		why = "the name starts with '-'";
	else if (name[0] == '.')
		why = "the name starts with '.'";
	else
		for (const char *p = name; *p; p++) {
			unsigned char ch = *p;

			if (ch == '/')
				why = "the name contains '/'";
			else if (ch < 0x20 || ch == 0x7f)
				why = "the name contains a control character";
			else if (ch == ' ' || ch == '\t')
				why = "the name contains white space";
			if (why)
				break;
		}
	if (why) {
		if (ret_why)
			*ret_why = why;
		return -EINVAL;
	}
	return 0;
}

int container_error_msg(struct mgr_container *c, int err, const char *msg)
{
	snprintf(c->error, sizeof(c->error), "%s", msg);
	return err < 0 ? err : -EINVAL;
}

int container_error(struct mgr_container *c, int err, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(c->error, sizeof(c->error), fmt, ap);
	va_end(ap);
	if (err < 0 && n >= 0 && (size_t)n < sizeof(c->error))
		snprintf(c->error + n, sizeof(c->error) - n, ": %s", strerror(-err));
	return err < 0 ? err : -EINVAL;
}

struct mgr_container *container_new_unloaded(const char *name, const char *path)
{
	struct mgr_container *c;
	char abspath[PATH_MAX];

	if (mgr_name_check(name, NULL) < 0) {
		errno = EINVAL;
		return NULL;
	}
	path = path ? path : mgr_default_path();
	if (path[0] != '/') {
		if (!getcwd(abspath, sizeof(abspath)) ||
		    strlen(abspath) + strlen(path) + 2 > sizeof(abspath)) {
			errno = ENAMETOOLONG;
			return NULL;
		}
		strcat(strcat(abspath, "/"), path);
		path = abspath;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->path = strdup(path);
	/* "/var/lib/mgr/" and "/var/lib/mgr" are the same path. */
	if (c->path)
		for (size_t n = strlen(c->path); n > 1 && c->path[n - 1] == '/'; n--)
			c->path[n - 1] = 0;
	c->dir = c->path ? path_join(c->path, name) : NULL;
	c->config_file = c->dir ? path_join(c->dir, "config") : NULL;
	if (!c->config_file) {
		mgr_container_free(c);
		errno = ENOMEM;
		return NULL;
	}
	return c;
}

_public_ struct mgr_container *mgr_container_new(const char *name, const char *path)
{
	struct mgr_container *c = container_new_unloaded(name, path);

	if (c && mgr_defined(c))
		(void)mgr_load_config(c); /* errors surface again on use */
	return c;
}

_public_ void mgr_container_free(struct mgr_container *c)
{
	if (!c)
		return;
	conf_free(c->conf);
	free(c->config_file);
	free(c->dir);
	free(c->path);
	free(c);
}

_public_ const char *mgr_container_name(const struct mgr_container *c) { return c->name; }
_public_ const char *mgr_container_path(const struct mgr_container *c) { return c->path; }
_public_ const char *mgr_config_file(const struct mgr_container *c) { return c->config_file; }
_public_ const char *mgr_last_error(const struct mgr_container *c)
{
	return c->error[0] ? c->error : "unknown error";
}

_public_ void mgr_clear_error(struct mgr_container *c)
{
	c->error[0] = 0;
}

_public_ bool mgr_defined(const struct mgr_container *c)
{
	_cleanup_free_ char *marker = path_join(c->dir, CREATING_MARKER);

	return path_exists(c->config_file) && marker && !path_exists(marker);
}

_public_ int mgr_privileged(struct mgr_container *c)
{
	int r;

	if (!c->conf && (r = mgr_load_config(c)) < 0)
		return r;
	return c->conf->n_idmaps == 0 && !c->conf->idmap_auto;
}

_public_ int mgr_load_config_file(struct mgr_container *c, const char *file)
{
	_cleanup_conf_free_ struct mgr_conf *conf = conf_new();
	struct conf_error err = { "" };
	int r;

	if (!conf)
		return container_error(c, -ENOMEM, "Failed to load the config");
	r = conf_read_file(conf, file, &err);
	if (r == -ENOENT && !err.message[0])
		return container_error(c, r, "Failed to read \"%s\"", file);
	if (r < 0)
		return container_error_msg(c, r, err.message[0] ? err.message : strerror(-r));
	conf_free(c->conf);
	c->conf = TAKE_PTR(conf);
	return 0;
}

_public_ int mgr_load_config(struct mgr_container *c)
{
	if (!mgr_defined(c))
		return container_error(c, -ENOENT, "Container \"%s\" is not defined in \"%s\"",
				       c->name, c->path);
	return mgr_load_config_file(c, c->config_file);
}

/* The config to work on: the loaded one, or an empty one for a container
 * that is being defined through set_config_item. */
static struct mgr_conf *container_conf(struct mgr_container *c)
{
	if (!c->conf)
		c->conf = conf_new();
	return c->conf;
}

_public_ int mgr_get_config_item(struct mgr_container *c, const char *key, char **ret)
{
	struct mgr_conf *conf = container_conf(c);
	char *v = NULL;
	int r;

	if (!conf)
		return container_error(c, -ENOMEM, "Failed to read \"%s\"", key);
	if (!conf_key_lookup(key))
		return container_error(c, -EINVAL, "Unknown config key \"%s\"", key);
	r = conf_get_item(conf, key, &v);
	if (r < 0)
		return container_error(c, r, "Failed to read \"%s\"", key);
	*ret = v ? v : strdup("");
	return *ret ? 0 : container_error(c, -ENOMEM, "Failed to read \"%s\"", key);
}

_public_ int mgr_set_config_item(struct mgr_container *c, const char *key, const char *value)
{
	struct mgr_conf *conf = container_conf(c);
	struct conf_error err = { "" };
	int r;

	if (!conf)
		return container_error(c, -ENOMEM, "Failed to set \"%s\"", key);
	if (!conf_key_lookup(key))
		return container_error(c, -EINVAL, "Unknown config key \"%s\"", key);
	r = conf_set_item(conf, key, value, &err);
	if (r < 0)
		return err.message[0] ? container_error_msg(c, r, err.message)
				      : container_error(c, r, "Failed to set \"%s\"", key);
	return 0;
}

_public_ int mgr_clear_config_item(struct mgr_container *c, const char *key)
{
	struct mgr_conf *conf = container_conf(c);
	int r;

	if (!conf)
		return container_error(c, -ENOMEM, "Failed to clear \"%s\"", key);
	if (!conf_key_lookup(key))
		return container_error(c, -EINVAL, "Unknown config key \"%s\"", key);
	r = conf_clear_item(conf, key);
	return r < 0 ? container_error(c, r, "Failed to clear \"%s\"", key) : 0;
}

_public_ int mgr_save_config(struct mgr_container *c)
{
	struct mgr_conf *conf = container_conf(c);
	int r;

	if (!conf)
		return container_error(c, -ENOMEM, "Failed to save the config");
	r = mkdir_p(c->dir, 0755);
	if (r < 0)
		return container_error(c, r, "Failed to create \"%s\"", c->dir);
	r = conf_write_file(conf, c->config_file);
	return r < 0 ? container_error(c, r, "Failed to write \"%s\"", c->config_file) : 0;
}

int container_storage(struct mgr_container *c, struct storage **ret)
{
	const char *p = c->conf ? c->conf->rootfs_path : NULL;
	int r;

	if (!p || !*p)
		return container_error(c, -EINVAL, "No rootfs.path is set for \"%s\"", c->name);
	r = storage_parse(p, ret);
	return r < 0 ? container_error(c, r, "Bad rootfs.path \"%s\" for \"%s\"", p, c->name) : 0;
}

int container_check_new_name(struct mgr_container *c, const char *newname)
{
	const char *why;

	if (!mgr_defined(c))
		return container_error(c, -ENOENT, "Container \"%s\" is not defined in \"%s\"",
				       c->name, c->path);
	if (mgr_name_check(newname, &why) < 0)
		return container_error(c, -EINVAL, "Bad new name \"%s\": %s", newname, why);
	return 0;
}

int storage_fail(struct mgr_container *c, int r, const struct storage *s, const char *what)
{
	char msg[sizeof(c->error)];

	/* btrfs ioctls on another filesystem */
	if (r == -ENOTTY && s->ops == &storage_btrfs_ops) {
		snprintf(msg, sizeof(msg), "Failed to %s \"%s\": not on a btrfs filesystem", what,
			 s->spec);
		return container_error_msg(c, r, msg);
	}
	return container_error(c, r, "Failed to %s \"%s\"", what, s->spec);
}

int storage_backend_usable(struct mgr_container *c, const char *name)
{
	if (storage_backend(name))
		return 0;
	if (storage_backend_planned(name))
		return container_error(c, -EOPNOTSUPP,
				       "Storage backend \"%s\" is not available in this build of mgr",
				       name);
	return container_error(c, -EINVAL,
			       "Unknown storage backend \"%s\" (dir, overlay, btrfs, loop, lvm)",
			       name);
}

int container_lock(struct mgr_container *c, bool wait)
{
	_cleanup_close_ int fd = open(c->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) < 0)
		return -errno;
	return TAKE_FD(fd);
}

int container_lock_for(struct mgr_container *c)
{
	int lock = container_lock(c, false);

	if (lock < 0)
		return container_error(c, lock == -EWOULDBLOCK ? -EBUSY : lock,
				       "Another operation on \"%s\" is in progress", c->name);
	return lock;
}

int container_require_stopped(struct mgr_container *c)
{
	enum mgr_state state;
	int r = mgr_get_state(c, &state);

	if (r < 0)
		return r;
	if (state != MGR_STOPPED)
		return container_error(c, -EBUSY, "\"%s\" is %s; stop it first", c->name,
				       mgr_state_name(state));
	return 0;
}
