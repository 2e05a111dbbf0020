/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mgr_clone(): a new container from an existing one, as a full copy of
 * its rootfs or as an overlay snapshot of it, with an identity of its own.
 * A source's snapshots are listed in its directory's "snapshots" file so
 * that it is not destroyed from under them.
 */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "container.h"
#include "rootfs.h"
#include "hooks.h"
#include "storage/storage.h"
#include "util/fileio.h"
#include "util/strv.h"

#define SNAPSHOTS_FILE "snapshots"
#define FREEZE_TIMEOUT 30

/* ------------------------------------------------------------ snapshots */

/* dir is a container whose storage depends on origin (a snapshot). */
static bool snapshot_of(const char *dir, const struct storage *origin)
{
	_cleanup_free_ char *path = path_join(dir, "config"), *marker = NULL;
	_cleanup_conf_free_ struct mgr_conf *conf = conf_new();
	_cleanup_storage_free_ struct storage *s = NULL;
	struct conf_error err = { "" };

	marker = path_join(dir, CREATING_MARKER);
	if (!path || !marker || !conf || path_exists(marker))
		return false;
	if (conf_read_file(conf, path, &err) < 0 || !conf->rootfs_path ||
	    storage_parse(conf->rootfs_path, &s) < 0)
		return false;
	return s->ops->depends_on && s->ops->depends_on(s, origin);
}

int clone_snapshots(struct mgr_container *c, char ***ret)
{
	_cleanup_storage_free_ struct storage *s = NULL;
	_cleanup_free_ char *file = path_join(c->dir, SNAPSHOTS_FILE), *text = NULL;
	_cleanup_strv_free_ char **lines = NULL, **found = NULL;
	int r;

	*ret = NULL;
	if (!file)
		return -ENOMEM;
	r = read_file(file, &text, NULL);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	if (!c->conf || !c->conf->rootfs_path || storage_parse(c->conf->rootfs_path, &s) < 0)
		return 0;
	r = strv_split(text, "\n", &lines);
	if (r < 0)
		return r;
	STRV_FOREACH(l, lines)
		if (**l && !strv_contains(found, *l) && snapshot_of(*l, s) &&
		    strv_append(&found, *l) < 0)
			return -ENOMEM;
	*ret = TAKE_PTR(found);
	return (int)strv_length(*ret);
}

/* Note in owner_dir (the container whose storage the snapshot depends
 * on) that the container at dir is a snapshot of it. */
static int snapshot_record(const char *owner_dir, const char *dir)
{
	_cleanup_free_ char *file = path_join(owner_dir, SNAPSHOTS_FILE), *line = NULL;
	_cleanup_close_ int fd = -1;

	if (!file || asprintf(&line, "%s\n", dir) < 0)
		return -ENOMEM;
	fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return -errno;
	return write_all(fd, line, strlen(line));
}

/* ------------------------------------------------------------ identity */

static bool hostname_char(char ch)
{
	return isalnum((unsigned char)ch) || ch == '-' || ch == '_';
}

/* A whole word: not inside a longer hostname. */
static bool word_at(const char *text, const char *where, size_t n)
{
	return (where == text || !hostname_char(where[-1])) && !hostname_char(where[n]);
}

/* Replace etc/name by a new file holding text (through an overlay, the
 * lower's file gets a whiteout), owned like etc: by the container's root,
 * also when that is a user namespace's. */
static int file_replace(int etc, const char *name, const char *text, mode_t mode)
{
	struct stat st;
	int r;

	if (fstat(etc, &st) < 0)
		return -errno;
	if (unlinkat(etc, name, 0) < 0 && errno != ENOENT)
		return -errno;
	r = create_file_at(etc, name, text, mode);
	if (r == 0 && fchownat(etc, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
		r = -errno;
	return r;
}

/* The name in /etc/hostname (a regular file of the guest's), when it is
 * one that /etc/hosts may give the machine (not localhost's). */
static char *hostname_read(int etc)
{
	_cleanup_free_ char *text = NULL;

	if (read_regular_file_at(etc, "hostname", &text) < 0)
		return NULL;
	text[strcspn(text, " \t\n")] = 0;
	if (!*text || strncmp(text, "localhost", strlen("localhost")) == 0)
		return NULL;
	return TAKE_PTR(text);
}

/* /etc/hosts names the machine by its old container name, or by the
 * hostname it kept (a copy with -K, a snapshot): both become newname. */
static int hostname_rewrite(int etc, const char *oldname, const char *newname)
{
	_cleanup_free_ char *hosts = NULL, *line = NULL, *changed = NULL, *was = NULL;
	int r;

	was = hostname_read(etc);
	if (asprintf(&line, "%s\n", newname) < 0)
		return -ENOMEM;
	r = file_replace(etc, "hostname", line, 0644);
	if (r < 0)
		return r;
	/* Only the guest's own file: not a host file it links to. */
	r = read_regular_file_at(etc, "hosts", &hosts);
	if (r == -ENOENT || r == -ELOOP || r == -EINVAL)
		return 0;
	if (r < 0)
		return r;
	changed = str_replace(hosts, oldname, newname, word_at);
	if (changed && was && !streq(was, oldname)) {
		char *again = str_replace(changed, was, newname, word_at);

		free(changed);
		changed = again;
	}
	if (!changed)
		return -ENOMEM;
	return streq(changed, hosts) ? 0 : file_replace(etc, "hosts", changed, 0644);
}

int clone_hostname_set(struct mgr_container *c, int root, const char *newname)
{
	_cleanup_close_ int etc = open_beneath_dir(root, "etc", 0);

	if (etc == -ENOENT)
		return 0;
	return etc < 0 ? etc : hostname_rewrite(etc, c->name, newname);
}

/* The guest makes new SSH host keys and a new machine ID at boot. */
static int secrets_forget(int root)
{
	_cleanup_close_ int ssh = -1, etc = -1;
	struct stat st;
	DIR *d;
	int r = 0;

	etc = open_beneath_dir(root, "etc", 0);
	if (etc >= 0 && fstatat(etc, "machine-id", &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISREG(st.st_mode) && st.st_size > 0) {
		r = file_replace(etc, "machine-id", "", 0444);
		if (r < 0)
			return r;
	}
	ssh = open_beneath_dir(root, "etc/ssh", 0);
	if (ssh < 0)
		return ssh == -ENOENT ? 0 : ssh;
	d = fdopendir(TAKE_FD(ssh));
	if (!d)
		return -errno;
	for (struct dirent *e; (e = readdir(d));)
		if (strncmp(e->d_name, "ssh_host_", 9) == 0 &&
		    unlinkat(dirfd(d), e->d_name, 0) < 0 && r == 0)
			r = -errno;
	closedir(d);
	return r;
}

static int rootfs_identity(struct mgr_container *c, const struct storage *s,
			   const char *newname, unsigned flags)
{
	_cleanup_close_ int root = -1;
	int r;

	root = s->ops->open_root(s);
	if (root < 0)
		return container_error(c, root, "Failed to open the new rootfs \"%s\"", s->spec);
	if (!(flags & MGR_CLONE_KEEPNAME)) {
		r = clone_hostname_set(c, root, newname);
		if (r < 0)
			return container_error(c, r, "Failed to set the hostname in \"%s\"", s->spec);
	}
	r = secrets_forget(root);
	return r < 0 ? container_error(c, r, "Failed to remove the host keys in \"%s\"", s->spec)
		     : 0;
}

/* ------------------------------------------------------------ config */

static int config_make(struct mgr_container *c, struct mgr_container *n,
		       const struct storage *s, unsigned flags)
{
	_cleanup_conf_free_ struct mgr_conf *conf = conf_new();
	struct conf_error err = { "" };
	int r;

	if (!conf)
		return container_error(c, -ENOMEM, "Failed to write the config of \"%s\"", n->name);
	r = conf_read_file(conf, c->config_file, &err);
	if (r < 0)
		return container_error_msg(c, r, err.message[0] ? err.message : strerror(-r));
	r = conf_set_item(conf, "rootfs.path", s->spec, &err);
	if (r == 0 && (flags & MGR_CLONE_EPHEMERAL))
		r = conf_set_item(conf, "ephemeral", "1", &err);
	if (r == 0 && !(flags & MGR_CLONE_KEEPNAME))
		r = conf_set_item(conf, "uts.name", n->name, &err);
	for (size_t i = 0; r == 0 && !(flags & MGR_CLONE_KEEPMACADDR) && i < conf->n_nets; i++) {
		const struct conf_net *net = &conf->nets[i];
		char pattern[18], mac[18], key[32];

		if (!net->hwaddr || strlen(net->hwaddr) != 17 ||
		    (net->type != NET_TYPE_VETH && net->type != NET_TYPE_MACVLAN))
			continue;
		/* The same vendor prefix, new digits. */
		snprintf(pattern, sizeof(pattern), "%.9sxx:xx:xx", net->hwaddr);
		snprintf(key, sizeof(key), "mgr.net.%u.hwaddr", net->index);
		r = conf_net_hwaddr_randomize(pattern, mac);
		if (r == 0)
			r = conf_set_item(conf, key, mac, &err);
	}
	if (r < 0)
		return err.message[0] ? container_error_msg(c, r, err.message)
				      : container_error(c, r, "Failed to write the config of \"%s\"",
							n->name);
	r = conf_write_file(conf, n->config_file);
	return r < 0 ? container_error(c, r, "Failed to write \"%s\"", n->config_file) : 0;
}

/* ------------------------------------------------------------ clone */

/* The backend of the new storage, and whether it is a snapshot. */
static int backend_pick(struct mgr_container *c, const struct storage *from, const char *backend,
			unsigned flags, bool running, const char **ret_name, bool *ret_snapshot)
{
	bool snapshot = flags & MGR_CLONE_SNAPSHOT;
	int r;

	if (backend) {
		r = storage_backend_usable(c, backend);
		if (r < 0)
			return r;
		if (streq(backend, "overlay"))
			snapshot = true;
	} else if (snapshot)
		backend = from->ops == &storage_btrfs_ops ? "btrfs"
			  : from->ops == &storage_lvm_ops ? "lvm"
							  : "overlay";
	else
		backend = from->ops == &storage_overlay_ops ? "dir" : from->ops->name;
	if (snapshot && (streq(backend, "dir") || streq(backend, "loop")))
		return container_error(c, -EINVAL,
				       "A %s storage cannot be a snapshot: use the overlay, btrfs or "
				       "lvm backend, or none", backend);
	if (snapshot && from->ops == &storage_loop_ops && streq(backend, "overlay"))
		return container_error(c, -EOPNOTSUPP,
				       "\"%s\" is in a loop image, which has no snapshots: make a "
				       "full copy", c->name);
	if (snapshot && running)
		return container_error(c, -EBUSY, "\"%s\" is running; a snapshot needs it stopped",
				       c->name);
	*ret_name = backend;
	*ret_snapshot = snapshot;
	return 0;
}

/* Fill n's storage from c's, with c frozen if it runs. */
static int rootfs_fill(struct mgr_container *c, const struct storage *from,
		       const struct storage *to, bool snapshot, bool running)
{
	int r, k;

	if (running) {
		r = mgr_freeze(c, FREEZE_TIMEOUT);
		if (r < 0)
			return r;
	}
	r = snapshot ? to->ops->snapshot(from, to) : storage_copy(from, to);
	if (running) {
		k = mgr_unfreeze(c);
		if (k < 0 && r >= 0)
			return k;
	}
	if (r == -ENOEXEC)
		return container_error(c, r, "Failed to run cp(1) to copy \"%s\"", from->spec);
	if (r == -EOPNOTSUPP && snapshot)
		return container_error(c, r, "A %s snapshot of \"%s\" (%s) is not possible",
				       to->ops->name, c->name, from->spec);
	if (r < 0) {
		_cleanup_free_ char *what = NULL;

		if (asprintf(&what, "%s \"%s\" to", snapshot ? "snapshot" : "copy", from->spec) < 0)
			return container_error(c, -ENOMEM, "Failed to copy \"%s\"", from->spec);
		return storage_fail(c, r, to, what);
	}
	return 0;
}

/* The container directory that owns the storage a snapshot of from
 * depends on: c's, or for an overlay c the one its lower belongs to
 * (DIR/rootfs of a container directory DIR); NULL when there is none. */
static char *snapshot_owner(struct mgr_container *c, const struct storage *from)
{
	_cleanup_free_ char *dir = NULL, *config = NULL;
	char *slash;

	if (from->ops != &storage_overlay_ops)
		return strdup(c->dir);
	dir = strdup(from->src);
	slash = dir ? strrchr(dir, '/') : NULL;
	if (!slash || slash == dir)
		return NULL;
	*slash = 0;
	config = path_join(dir, "config");
	return config && path_exists(config) ? TAKE_PTR(dir) : NULL;
}

/* A snapshot on LVM is in the origin's volume group. */
static int options_settle(const struct storage *from, const struct mgr_storage_options *o,
			  struct mgr_storage_options *ret, char **ret_vg)
{
	uint64_t size;
	int r;

	*ret = *o;
	if (!o->vgname && from->ops == &storage_lvm_ops) {
		const char *vg = from->src + strlen("/dev/");
		const char *slash = strchr(vg, '/');

		*ret_vg = slash ? strndup(vg, slash - vg) : NULL;
		if (!*ret_vg)
			return -EINVAL;
		ret->vgname = *ret_vg;
	}
	/* A copy of a filesystem is as large as it. */
	if (!o->fssize && storage_is_block(from)) {
		r = storage_block_size(from, &size);
		if (r < 0)
			return r;
		ret->fssize = size;
	}
	return 0;
}

/* hook.clone of the new container (its config as written), told the
 * name of the source; a failure undoes the copy. */
static int clone_hooks_run(struct mgr_container *c, struct mgr_container *n,
			   const struct storage *to)
{
	_cleanup_conf_free_ struct mgr_conf *conf = conf_new();
	struct conf_error err = { "" };
	struct hook_info info = {
		.name = n->name, .config_file = n->config_file, .src_name = c->name, .storage = to,
	};
	int r;

	if (!conf)
		return container_error(c, -ENOMEM, "Failed to read the config of \"%s\"", n->name);
	r = conf_read_file(conf, n->config_file, &err);
	if (r < 0)
		return container_error_msg(c, r, err.message[0] ? err.message : strerror(-r));
	return hooks_run(c, conf, CONF_HOOK_CLONE, &info);
}

static int clone_into(struct mgr_container *c, struct mgr_container *n, const struct storage *from,
		      const struct mgr_storage_options *opts, unsigned flags, bool running)
{
	static const struct mgr_storage_options none = { 0 };
	_cleanup_storage_free_ struct storage *to = NULL;
	_cleanup_free_ char *vg = NULL, *owner = NULL;
	struct mgr_storage_options o;
	const char *backend = NULL;
	bool snapshot = false;
	int r;

	r = backend_pick(c, from, opts ? opts->backend : NULL, flags, running, &backend, &snapshot);
	if (r < 0)
		return r;
	r = options_settle(from, opts ? opts : &none, &o, &vg);
	if (r == 0)
		r = storage_new(backend, n->dir, n->name, from, &o, &to);
	if (r < 0)
		return container_error(c, r, "Failed to clone \"%s\"", c->name);
	/* The config first: a clone killed half way is cleared through it. */
	r = config_make(c, n, to, flags);
	if (r < 0)
		return r;
	r = rootfs_fill(c, from, to, snapshot, running);
	if (r < 0) {
		if (to->ops->check(to) == 0)
			(void)to->ops->destroy(to);
		return r;
	}
	r = flags & CLONE_KEEP_IDENTITY ? 0 : rootfs_identity(c, to, n->name, flags);
	/* A range of its own, unless it is an overlay over the source's
	 * shifted files, which must keep their owners (idmapped ones keep
	 * the host's ids whatever the range). */
	if (r == 0 && !(flags & CLONE_KEEP_IDENTITY) &&
	    (to->ops != &storage_overlay_ops || c->conf->rootfs_idmapped == 1) &&
	    (r = clone_userns_settle(n, to)) < 0)
		container_error_msg(c, r, n->error); /* the copy's words, the caller's handle */
	if (r == 0 && snapshot &&
	    (to->ops == &storage_overlay_ops ||
	     (to->ops->depends_on && to->ops->depends_on(to, from)))) {
		owner = snapshot_owner(c, from);
		if (owner)
			r = snapshot_record(owner, n->dir);
		if (r < 0)
			container_error(c, r, "Failed to record the snapshot in \"%s\"", owner);
	}
	if (r == 0 && !(flags & CLONE_KEEP_IDENTITY))
		r = clone_hooks_run(c, n, to);
	if (r < 0)
		(void)to->ops->destroy(to);
	return r;
}

_public_ int mgr_clone(struct mgr_container *c, const char *newname, const char *newpath,
		       unsigned flags, const struct mgr_storage_options *storage)
{
	_cleanup_storage_free_ struct storage *from = NULL;
	_cleanup_close_ int src_lock = -1, lock = -1;
	struct mgr_container *n;
	enum mgr_state state;
	int r;

	r = container_check_new_name(c, newname);
	if (r < 0)
		return r;
	r = mgr_load_config(c);
	if (r < 0)
		return r;
	r = container_storage(c, &from);
	if (r < 0)
		return r;
	/* Held while copying: no start, destroy or other copy meanwhile. */
	src_lock = container_lock(c, false);
	r = mgr_get_state(c, &state);
	if (r < 0)
		return r;
	if (state != MGR_STOPPED && !(flags & MGR_CLONE_LIVE))
		return container_error(c, -EBUSY,
				       "\"%s\" is %s; stop it first or copy it frozen (-a)",
				       c->name, mgr_state_name(state));
	if (state == MGR_STOPPED && src_lock < 0)
		return container_error(c, -EBUSY, "Another operation on \"%s\" is in progress",
				       c->name);

	n = mgr_container_new(newname, newpath ? newpath : c->path);
	if (!n)
		return container_error(c, -errno, "Failed to clone \"%s\"", c->name);
	if (streq(n->dir, c->dir) || mgr_defined(n)) {
		r = container_error(c, -EEXIST, "Container \"%s\" already exists in \"%s\"",
				    n->name, n->path);
		goto out;
	}
	lock = container_create_begin(n);
	if (lock < 0) {
		r = container_error_msg(c, lock, n->error);
		goto out;
	}
	r = clone_into(c, n, from, storage, flags, state != MGR_STOPPED);
	if (r == 0) {
		r = container_create_finish(n);
		if (r < 0)
			container_error_msg(c, r, n->error);
	}
	if (r < 0)
		(void)rm_rf(n->dir);
out:
	mgr_container_free(n);
	return r;
}
