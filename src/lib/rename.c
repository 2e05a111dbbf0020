/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mgr_rename(): the same container under a new name.  Its directory is
 * renamed in place (one rename(2), whatever the backend), the paths in
 * its config follow, and the hostname follows the name where it was the
 * name.  MAC addresses, host keys and machine ID stay: it is the same
 * machine.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "container.h"
#include "storage/storage.h"
#include "util/fileio.h"
#include "util/strv.h"

#define RENAME_CONFIG ".config.rename"

/* A path in rootfs.path starts it or follows a ':'. */
static bool path_at(const char *text, const char *where, size_t n)
{
	(void)n;
	return where == text || where[-1] == ':';
}

/* text with every path under from/ moved under to/. */
static char *path_moved(const char *text, const char *from, const char *to)
{
	_cleanup_free_ char *old = NULL, *new = NULL;

	if (asprintf(&old, "%s/", from) < 0 || asprintf(&new, "%s/", to) < 0)
		return NULL;
	return str_replace(text, old, new, path_at);
}

/* The config of c under its new name n, written as n's future config in
 * c's directory (moved into place once the directory is renamed).  1 when
 * the hostname follows the name. */
static int config_renamed(struct mgr_container *c, struct mgr_container *n, char **ret_spec)
{
	_cleanup_conf_free_ struct mgr_conf *conf = conf_new();
	_cleanup_free_ char *spec = NULL, *tmp = path_join(c->dir, RENAME_CONFIG);
	struct conf_error err = { "" };
	bool follows;
	int r = 0;

	if (!conf || !tmp)
		return container_error(c, -ENOMEM, "Failed to rename \"%s\"", c->name);
	r = conf_read_file(conf, c->config_file, &err);
	if (r < 0)
		return container_error_msg(c, r, err.message[0] ? err.message : strerror(-r));
	if (conf->rootfs_path && *conf->rootfs_path) {
		spec = path_moved(conf->rootfs_path, c->dir, n->dir);
		if (!spec)
			return container_error(c, -ENOMEM, "Failed to rename \"%s\"", c->name);
		r = conf_set_item(conf, "rootfs.path", spec, &err);
	}
	follows = conf->uts_name && streq(conf->uts_name, c->name);
	if (r == 0 && follows)
		r = conf_set_item(conf, "uts.name", n->name, &err);
	if (r < 0)
		return err.message[0] ? container_error_msg(c, r, err.message)
				      : container_error(c, r, "Failed to rename \"%s\"", c->name);
	r = conf_write_file(conf, tmp);
	if (r < 0)
		return container_error(c, r, "Failed to write \"%s\"", tmp);
	*ret_spec = TAKE_PTR(spec);
	return follows;
}

/* An overlay snapshot is listed by the owner of its lower: the entry
 * follows the rename. */
static void snapshot_entry_move(const struct storage *s, const char *from, const char *to)
{
	_cleanup_free_ char *owner = NULL, *file = NULL, *text = NULL, *moved = NULL,
			    *line_text = NULL;
	_cleanup_strv_free_ char **lines = NULL;
	char *slash;

	if (s->ops != &storage_overlay_ops || !(owner = strdup(s->src)))
		return;
	slash = strrchr(owner, '/');
	if (!slash || slash == owner)
		return;
	*slash = 0;
	file = path_join(owner, "snapshots");
	if (!file || read_file(file, &text, NULL) < 0 || strv_split(text, "\n", &lines) < 0)
		return;
	for (size_t i = 0; lines[i]; i++)
		if (streq(lines[i], from)) {
			char *t = strdup(to);

			if (!t)
				return;
			free(lines[i]);
			lines[i] = t;
		}
	moved = strv_join(lines, "\n");
	if (moved && asprintf(&line_text, "%s\n", moved) >= 0)
		(void)write_file_atomic(file, line_text, 0644);
}

static bool dir_has_entries(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	bool found = false;

	if (!d)
		return false;
	while (!found && (e = readdir(d)))
		found = !streq(e->d_name, ".") && !streq(e->d_name, "..");
	closedir(d);
	return found;
}

static int rename_checks(struct mgr_container *c, struct mgr_container *n)
{
	_cleanup_strv_free_ char **snapshots = NULL;
	_cleanup_free_ char *snaps = path_join(c->dir, "snaps");
	int r;

	r = container_require_stopped(c);
	if (r < 0)
		return r;
	if (mgr_defined(n) || path_exists(n->dir))
		return container_error(c, -EEXIST, "Container \"%s\" already exists in \"%s\"",
				       n->name, n->path);
	r = clone_snapshots(c, &snapshots);
	if (r < 0)
		return container_error(c, r, "Failed to read the snapshots of \"%s\"", c->name);
	if (r > 0 || (snaps && dir_has_entries(snaps)))
		return container_error(c, -EBUSY,
				       "\"%s\" has snapshots, which refer to its path; it cannot "
				       "be renamed",
				       c->name);
	return 0;
}

/* The handle follows the container. */
static int handle_move(struct mgr_container *c, struct mgr_container *n)
{
	char *dir = strdup(n->dir), *config = strdup(n->config_file);

	if (!dir || !config) {
		free(dir);
		free(config);
		return -ENOMEM;
	}
	free(c->dir);
	free(c->config_file);
	c->dir = dir;
	c->config_file = config;
	snprintf(c->name, sizeof(c->name), "%s", n->name);
	return 0;
}

_public_ int mgr_rename(struct mgr_container *c, const char *newname)
{
	_cleanup_storage_free_ struct storage *s = NULL;
	_cleanup_free_ char *spec = NULL, *tmp = NULL, *tmp_new = NULL;
	_cleanup_close_ int lock = -1, root = -1;
	struct mgr_container *n = NULL;
	bool hostname_follows;
	int r;

	r = container_check_new_name(c, newname);
	if (r < 0)
		return r;
	lock = container_lock_for(c);
	if (lock < 0)
		return lock;
	n = mgr_container_new(newname, c->path);
	if (!n)
		return container_error(c, -errno, "Failed to rename \"%s\"", c->name);
	r = rename_checks(c, n);
	if (r < 0)
		goto out;
	r = config_renamed(c, n, &spec);
	if (r < 0)
		goto out;
	hostname_follows = r;
	tmp = path_join(c->dir, RENAME_CONFIG);
	tmp_new = path_join(n->dir, RENAME_CONFIG);
	if (!tmp || !tmp_new) {
		r = container_error(c, -ENOMEM, "Failed to rename \"%s\"", c->name);
		goto out;
	}
	if (rename(c->dir, n->dir) < 0) {
		r = container_error(c, -errno, "Failed to rename \"%s\" to \"%s\"", c->dir, n->dir);
		(void)unlink(tmp);
		goto out;
	}
	if (rename(tmp_new, n->config_file) < 0) {
		r = container_error(c, -errno, "Failed to write \"%s\"", n->config_file);
		goto out;
	}
	if (spec && storage_parse(spec, &s) == 0) {
		snapshot_entry_move(s, c->dir, n->dir);
	}
	if (s && hostname_follows) {
		root = s->ops->open_root(s);
		r = root < 0 ? root : clone_hostname_set(c, root, n->name);
		if (r < 0) {
			container_error(c, r, "Failed to set the hostname in \"%s\"", s->spec);
			goto out;
		}
	}
	conf_free(c->conf);
	c->conf = NULL;
	r = handle_move(c, n);
	if (r < 0)
		container_error(c, r, "Failed to rename \"%s\"", c->name);
	else
		/* The handle stands for the renamed container, config included. */
		r = mgr_load_config(c);
out:
	mgr_container_free(n);
	return r;
}
