/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Snapshots of a container: containers of their own in its directory,
 * DIR/snaps/snapN, made by mgr_clone() as the same machine (hostname, MAC
 * addresses, host keys and machine ID kept), each with the time it was
 * made ("ts") and an optional comment ("comment") beside its config.
 *
 * A restore in place makes the new rootfs beside the container's own, of
 * the same backend, swaps the two, writes the config, and only then
 * removes the old rootfs: until the config is written a failure puts
 * everything back as it was.
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
#include <time.h>
#include <unistd.h>

#include "container.h"
#include "storage/storage.h"
#include "util/fileio.h"
#include "util/strv.h"

#define SNAPS_DIR "snaps"
#define SNAP_PREFIX "snap"
#define TS_FILE "ts"
#define COMMENT_FILE "comment"
#define TS_FORMAT "%Y-%m-%dT%H:%M:%SZ"
/* The rootfs a restore makes sits next to the current one under this
 * suffix until they swap ("_restoring" for an LV, whose names take no
 * dot). */
#define BESIDE_SUFFIX ".restoring"
#define BESIDE_LV_SUFFIX "_restoring"
/* Other snapshots of c made at the same time may take the next names. */
#define CREATE_TRIES 8

/* ------------------------------------------------------------ names */

/* N of the name "snapN", else -1. */
static long snap_number(const char *name)
{
	size_t n = strlen(SNAP_PREFIX);
	char *end;
	long k;

	if (strncmp(name, SNAP_PREFIX, n) != 0 || !isdigit((unsigned char)name[n]))
		return -1;
	errno = 0;
	k = strtol(name + n, &end, 10);
	return errno != 0 || *end ? -1 : k;
}

static int name_cmp(const void *a, const void *b)
{
	return strverscmp(*(char *const *)a, *(char *const *)b);
}

/* The names of c's snapshots (the containers defined in DIR/snaps),
 * snap2 before snap10.  Returns the count. */
static int snapshot_names(struct mgr_container *c, char ***ret)
{
	_cleanup_free_ char *snaps = path_join(c->dir, SNAPS_DIR);
	_cleanup_strv_free_ char **names = NULL;
	DIR *d;
	int r = 0;

	if (!snaps)
		return -ENOMEM;
	d = opendir(snaps);
	if (!d && errno != ENOENT)
		return -errno;
	for (struct dirent *e; d && (e = readdir(d));) {
		struct mgr_container *s;

		if (mgr_name_check(e->d_name, NULL) < 0)
			continue;
		s = mgr_container_new(e->d_name, snaps);
		if (!s) {
			r = -errno;
			break;
		}
		if (mgr_defined(s))
			r = strv_append(&names, e->d_name);
		mgr_container_free(s);
		if (r < 0)
			break;
	}
	if (d)
		closedir(d);
	if (r < 0)
		return r;
	if (names)
		qsort(names, strv_length(names), sizeof(*names), name_cmp);
	*ret = TAKE_PTR(names);
	return (int)strv_length(*ret);
}

int snapshot_dirs(struct mgr_container *c, char ***ret)
{
	_cleanup_strv_free_ char **names = NULL, **dirs = NULL;
	_cleanup_free_ char *snaps = path_join(c->dir, SNAPS_DIR);
	int r;

	if (!snaps)
		return -ENOMEM;
	r = snapshot_names(c, &names);
	if (r < 0)
		return r;
	STRV_FOREACH(n, names)
		if (strv_push(&dirs, path_join(snaps, *n)) < 0)
			return -ENOMEM;
	*ret = TAKE_PTR(dirs);
	return r;
}

/* A handle of c's snapshot name, which must exist. */
static int snapshot_open(struct mgr_container *c, const char *name, struct mgr_container **ret)
{
	_cleanup_free_ char *snaps = NULL;
	struct mgr_container *s;
	const char *why = NULL;

	if (!mgr_defined(c))
		return container_error(c, -ENOENT, "Container \"%s\" is not defined in \"%s\"",
				       c->name, c->path);
	if (mgr_name_check(name, &why) < 0) {
		container_error(c, 0, "Bad snapshot name \"%s\": %s", name ? name : "", why);
		return -EINVAL;
	}
	snaps = path_join(c->dir, SNAPS_DIR);
	s = snaps ? mgr_container_new(name, snaps) : NULL;
	if (!s)
		return container_error(c, -ENOMEM, "Failed to open snapshot \"%s\"", name);
	if (!mgr_defined(s)) {
		mgr_container_free(s);
		container_error(c, 0, "\"%s\" has no snapshot \"%s\" (see mgr-snapshot -L)", c->name,
				name);
		return -ENOENT;
	}
	*ret = s;
	return 0;
}

/* ------------------------------------------------------------ create */

/* Whether copies of s are copy-on-write snapshots (of the same backend)
 * rather than full copies. */
static bool storage_snapshots(const struct storage *s)
{
	return s->ops == &storage_btrfs_ops || s->ops == &storage_lvm_ops ||
	       s->ops == &storage_overlay_ops;
}

/* The LV of c's snapshot name: "LV_name", so that the snapshots of the
 * containers sharing a volume group have names of their own. */
static char *snapshot_lv_name(const struct storage *s, const char *name)
{
	const char *lv = strrchr(s->src, '/');
	char *ret;

	return lv && asprintf(&ret, "%s_%s", lv + 1, name) >= 0 ? ret : NULL;
}

/* One more than the highest N of c's snapN. */
static long snapshot_next(struct mgr_container *c)
{
	_cleanup_strv_free_ char **names = NULL;
	long next = 0;
	int r = snapshot_names(c, &names);

	if (r < 0)
		return r;
	STRV_FOREACH(n, names) {
		long k = snap_number(*n);

		if (k >= next)
			next = k + 1;
	}
	return next;
}

/* Write the snapshot's time and comment into its directory. */
static int snapshot_note(const char *dir, time_t when, const char *comment)
{
	_cleanup_free_ char *ts = path_join(dir, TS_FILE), *cf = path_join(dir, COMMENT_FILE);
	char line[64];
	struct tm tm;
	int r;

	if (!ts || !cf)
		return -ENOMEM;
	if (!gmtime_r(&when, &tm) || strftime(line, sizeof(line), TS_FORMAT "\n", &tm) == 0)
		return -EINVAL;
	r = write_file_atomic(ts, line, 0644);
	if (r == 0 && comment && *comment)
		r = write_file_atomic(cf, comment, 0644);
	return r;
}

_public_ int mgr_snapshot(struct mgr_container *c, const char *comment, char **ret_name)
{
	_cleanup_storage_free_ struct storage *from = NULL;
	_cleanup_free_ char *snaps = NULL, *name = NULL, *lv = NULL, *dir = NULL;
	unsigned flags = MGR_CLONE_KEEPNAME | MGR_CLONE_KEEPMACADDR | CLONE_KEEP_IDENTITY |
			 MGR_CLONE_LIVE;
	struct mgr_storage_options o = { 0 };
	time_t now = time(NULL);
	struct mgr_container *s;
	long next;
	int r;

	r = mgr_load_config(c);
	if (r < 0)
		return r;
	r = container_storage(c, &from);
	if (r < 0)
		return r;
	/* A running c is copied frozen; a copy-on-write snapshot needs it
	 * stopped, which mgr_clone() says. */
	if (storage_snapshots(from))
		flags |= MGR_CLONE_SNAPSHOT;
	snaps = path_join(c->dir, SNAPS_DIR);
	if (!snaps)
		return container_error(c, -ENOMEM, "Failed to snapshot \"%s\"", c->name);
	next = snapshot_next(c);
	if (next < 0)
		return container_error(c, (int)next, "Failed to read the snapshots of \"%s\"",
				       c->name);
	for (int tries = 0;; tries++, next++) {
		free(name);
		free(lv);
		lv = NULL;
		if (asprintf(&name, SNAP_PREFIX "%ld", next) < 0) {
			name = NULL;
			return container_error(c, -ENOMEM, "Failed to snapshot \"%s\"", c->name);
		}
		if (from->ops == &storage_lvm_ops) {
			lv = snapshot_lv_name(from, name);
			if (!lv)
				return container_error(c, -ENOMEM, "Failed to snapshot \"%s\"",
						       c->name);
			o.lvname = lv;
		}
		r = mgr_clone(c, name, snaps, flags, &o);
		if (r != -EEXIST || tries == CREATE_TRIES)
			break;
	}
	if (r < 0)
		return r;
	dir = path_join(snaps, name);
	r = dir ? snapshot_note(dir, now, comment) : -ENOMEM;
	if (r < 0) {
		container_error(c, r, "Failed to write the time and comment of snapshot \"%s\"",
				name);
		s = mgr_container_new(name, snaps);
		if (s)
			(void)mgr_destroy(s, 0);
		mgr_container_free(s);
		return r;
	}
	if (ret_name)
		*ret_name = TAKE_PTR(name);
	return 0;
}

/* ------------------------------------------------------------ list */

/* When the snapshot in dir was made: its note, or else when its config
 * was written; 0 when neither says. */
static time_t snapshot_time(const char *dir)
{
	_cleanup_free_ char *ts = path_join(dir, TS_FILE), *config = path_join(dir, "config");
	_cleanup_free_ char *text = NULL;
	struct tm tm = { 0 };
	struct stat st;

	if (ts && read_file(ts, &text, NULL) == 0) {
		const char *end = strptime(text, TS_FORMAT, &tm);

		if (end && (*end == '\n' || *end == 0))
			return timegm(&tm);
	}
	return config && stat(config, &st) == 0 ? st.st_mtime : 0;
}

static int snapshot_fill(const char *snaps, const char *name, struct mgr_snapshot *ret)
{
	_cleanup_free_ char *cf = NULL;
	int r;

	ret->name = strdup(name);
	ret->dir = path_join(snaps, name);
	cf = ret->dir ? path_join(ret->dir, COMMENT_FILE) : NULL;
	if (!ret->name || !cf)
		return -ENOMEM;
	ret->time = snapshot_time(ret->dir);
	r = read_file(cf, &ret->comment, NULL);
	return r == -ENOENT ? 0 : r;
}

_public_ void mgr_snapshot_list_free(struct mgr_snapshot *list, size_t n)
{
	for (size_t i = 0; list && i < n; i++) {
		free(list[i].name);
		free(list[i].dir);
		free(list[i].comment);
	}
	free(list);
}

_public_ int mgr_snapshot_list(struct mgr_container *c, struct mgr_snapshot **ret, size_t *ret_n)
{
	_cleanup_strv_free_ char **names = NULL;
	_cleanup_free_ char *snaps = NULL;
	struct mgr_snapshot *list;
	size_t n;
	int r;

	if (!mgr_defined(c))
		return container_error(c, -ENOENT, "Container \"%s\" is not defined in \"%s\"",
				       c->name, c->path);
	r = snapshot_names(c, &names);
	if (r < 0)
		return container_error(c, r, "Failed to read the snapshots of \"%s\"", c->name);
	n = (size_t)r;
	snaps = path_join(c->dir, SNAPS_DIR);
	list = calloc(n ? n : 1, sizeof(*list));
	if (!snaps || !list) {
		free(list);
		return container_error(c, -ENOMEM, "Failed to list the snapshots of \"%s\"",
				       c->name);
	}
	for (size_t i = 0; i < n; i++) {
		r = snapshot_fill(snaps, names[i], &list[i]);
		if (r < 0) {
			mgr_snapshot_list_free(list, n);
			return container_error(c, r, "Failed to read snapshot \"%s\"", names[i]);
		}
	}
	*ret = list;
	*ret_n = n;
	return (int)n;
}

/* ------------------------------------------------------------ destroy */

_public_ int mgr_snapshot_destroy(struct mgr_container *c, const char *snapname)
{
	struct mgr_container *s;
	int r;

	r = snapshot_open(c, snapname, &s);
	if (r < 0)
		return r;
	r = mgr_destroy(s, 0);
	if (r < 0)
		container_error_msg(c, r, s->error);
	mgr_container_free(s);
	return r;
}

_public_ int mgr_snapshot_destroy_all(struct mgr_container *c)
{
	_cleanup_strv_free_ char **names = NULL;
	int r, n = 0;

	if (!mgr_defined(c))
		return container_error(c, -ENOENT, "Container \"%s\" is not defined in \"%s\"",
				       c->name, c->path);
	r = snapshot_names(c, &names);
	if (r < 0)
		return container_error(c, r, "Failed to read the snapshots of \"%s\"", c->name);
	STRV_FOREACH(name, names) {
		r = mgr_snapshot_destroy(c, *name);
		if (r < 0)
			return r;
		n++;
	}
	return n;
}

/* ------------------------------------------------------------ restore */

/* The storage of c's rootfs that a restore makes beside s, its current
 * one: the same backend, next to it. */
static int storage_beside(const struct storage *s, struct storage **ret)
{
	_cleanup_free_ char *spec = NULL, *parent = NULL;
	int r;

	if (s->ops == &storage_overlay_ops) {
		/* The upper's directory holds upper, work and merged. */
		parent = strndup(s->upper, strrchr(s->upper, '/') - s->upper);
		if (!parent)
			return -ENOMEM;
		r = asprintf(&spec, "overlay:%s:%s" BESIDE_SUFFIX "/upper", s->src, parent);
	} else if (s->ops == &storage_lvm_ops)
		r = asprintf(&spec, "lvm:%s" BESIDE_LV_SUFFIX, s->src);
	else
		r = asprintf(&spec, "%s:%s" BESIDE_SUFFIX, s->ops->name, s->src);
	if (r < 0) {
		spec = NULL;
		return -ENOMEM;
	}
	return storage_parse(spec, ret);
}

/* Remove s, made by storage_beside(), and for an overlay the directory
 * holding its upper. */
static int beside_remove(const struct storage *s)
{
	_cleanup_free_ char *parent = NULL;
	int r = s->ops->destroy(s);

	if (r < 0 || s->ops != &storage_overlay_ops)
		return r;
	parent = strndup(s->upper, strrchr(s->upper, '/') - s->upper);
	if (!parent)
		return -ENOMEM;
	return rmdir(parent) < 0 && errno != ENOENT ? -errno : 0;
}

/* Remove what a restore killed half way left at s's place. */
static int beside_clear(const struct storage *s)
{
	_cleanup_free_ char *parent = NULL;

	if (s->ops != &storage_overlay_ops)
		return s->ops->check(s) == 0 ? beside_remove(s) : 0;
	parent = strndup(s->upper, strrchr(s->upper, '/') - s->upper);
	if (!parent)
		return -ENOMEM;
	return path_exists(parent) ? beside_remove(s) : 0;
}

/* A loop image is copied as a file: the filesystem in it comes along. */
static int image_copy(const char *from, const char *to)
{
	char *argv[] = { (char *)"cp", (char *)"--sparse=always", (char *)"--reflink=auto",
			 (char *)"--preserve=mode,ownership,timestamps", (char *)"--",
			 (char *)from, (char *)to, NULL };

	return storage_run(argv, NULL, 0, NULL);
}

/* Fill to (not there yet) from the snapshot's storage from, so that to
 * does not depend on from: snapshots where the backend's are independent
 * of their origin (btrfs, thin LVM; an overlay's shares the lower and
 * copies the upper), full copies otherwise. */
static int restore_fill(const struct storage *from, struct storage *to)
{
	int r;

	if (from->ops == &storage_loop_ops)
		return image_copy(from->src, to->src);
	if (from->ops == &storage_lvm_ops) {
		r = storage_block_size(from, &to->fssize);
		if (r < 0)
			return r;
		r = to->ops->snapshot(from, to);
		if (r == 0 && !(to->ops->depends_on && to->ops->depends_on(to, from)))
			return 0;
		if (r == 0)
			(void)to->ops->destroy(to);
		return storage_copy(from, to);
	}
	if (storage_snapshots(from))
		return to->ops->snapshot(from, to);
	return storage_copy(from, to);
}

/* Exchange the files or directories at a and b. */
static int path_exchange(const char *a, const char *b)
{
	_cleanup_free_ char *t = NULL;
	int r;

	if (renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -errno;
	/* A filesystem without RENAME_EXCHANGE: three renames. */
	if (asprintf(&t, "%s.swap", a) < 0)
		return -ENOMEM;
	if (rename(a, t) < 0)
		return -errno;
	if (rename(b, a) < 0) {
		r = -errno;
		(void)rename(t, a);
		return r;
	}
	if (rename(t, b) < 0) {
		r = -errno;
		(void)rename(a, b);
		(void)rename(t, a);
		return r;
	}
	return 0;
}

static int lv_rename(const char *vg, const char *from, const char *to)
{
	char *argv[] = { (char *)"lvrename", (char *)vg, (char *)from, (char *)to, NULL };

	return storage_run(argv, NULL, 0, NULL);
}

/* Exchange the names of the LVs /dev/VG/A and /dev/VG/B. */
static int lv_exchange(const char *a, const char *b)
{
	_cleanup_free_ char *vg = NULL, *t = NULL;
	const char *la = strrchr(a, '/'), *lb = strrchr(b, '/');
	int r;

	if (!la || !lb || strncmp(a, "/dev/", 5) != 0 || la < a + 5)
		return -EINVAL;
	la++, lb++;
	vg = strndup(a + 5, la - 1 - (a + 5));
	if (!vg || asprintf(&t, "%s_swap", la) < 0)
		return -ENOMEM;
	r = lv_rename(vg, la, t);
	if (r < 0)
		return r;
	r = lv_rename(vg, lb, la);
	if (r < 0) {
		(void)lv_rename(vg, t, la);
		return r;
	}
	r = lv_rename(vg, t, lb);
	if (r < 0) {
		(void)lv_rename(vg, la, lb);
		(void)lv_rename(vg, t, la);
	}
	return r;
}

/* Swap what a and b (of one backend) hold, keeping their names. */
static int storage_exchange(const struct storage *a, const struct storage *b)
{
	if (a->ops == &storage_lvm_ops)
		return lv_exchange(a->src, b->src);
	/* An overlay's work directory holds nothing between mounts. */
	if (a->ops == &storage_overlay_ops)
		return path_exchange(a->upper, b->upper);
	return path_exchange(a->src, b->src);
}

/* The snapshot s's config with c's rootfs.path, as text. */
static int config_restored(struct mgr_container *c, struct mgr_container *s, char **ret)
{
	_cleanup_conf_free_ struct mgr_conf *conf = conf_new();
	_cleanup_free_ char *text = NULL;
	struct conf_error err = { "" };
	size_t len = 0;
	FILE *f;
	int r;

	if (!conf)
		return container_error(c, -ENOMEM, "Failed to read the config of \"%s\"", s->name);
	r = conf_read_file(conf, s->config_file, &err);
	if (r == 0)
		r = conf_set_item(conf, "rootfs.path", c->conf->rootfs_path, &err);
	if (r < 0)
		return err.message[0] ? container_error_msg(c, r, err.message)
				      : container_error(c, r, "Failed to read \"%s\"",
							s->config_file);
	f = open_memstream(&text, &len);
	if (!f)
		return container_error(c, -ENOMEM, "Failed to write the config");
	r = conf_write(conf, f);
	if (fclose(f) != 0 && r == 0)
		r = -ENOMEM;
	if (r < 0)
		return container_error(c, r, "Failed to write the config");
	*ret = TAKE_PTR(text);
	return 0;
}

/* c (locked, stopped) and its snapshot s (locked): the rootfs and config
 * of s become c's. */
static int restore_locked(struct mgr_container *c, struct mgr_container *s)
{
	_cleanup_storage_free_ struct storage *cur = NULL, *from = NULL, *beside = NULL;
	_cleanup_strv_free_ char **deps = NULL;
	_cleanup_free_ char *text = NULL, *list = NULL;
	int r;

	r = container_storage(c, &cur);
	if (r < 0)
		return r;
	r = container_storage(s, &from);
	if (r < 0)
		return container_error_msg(c, r, s->error);
	if (from->ops != cur->ops)
		return container_error(c, 0,
				       "Snapshot \"%s\" is on %s storage and \"%s\" on %s: restore "
				       "it as a new container (-N)", s->name, from->ops->name,
				       c->name, cur->ops->name);
	/* Their storage would lose what it reads. */
	r = clone_snapshots(c, &deps);
	if (r < 0)
		return container_error(c, r, "Failed to read the snapshots of \"%s\"", c->name);
	if (r > 0) {
		list = strv_join(deps, ", ");
		container_error(c, 0,
				"The rootfs of \"%s\" is the origin of %s: restore the snapshot as "
				"a new container (-N)", c->name, list ? list : "snapshots");
		return -EBUSY;
	}
	r = config_restored(c, s, &text);
	if (r < 0)
		return r;
	r = storage_beside(cur, &beside);
	if (r < 0)
		return container_error(c, r, "Failed to restore \"%s\"", c->name);
	r = beside_clear(beside);
	if (r < 0)
		return container_error(c, r, "Failed to remove \"%s\", left by an earlier restore",
				       beside->spec);

	r = restore_fill(from, beside);
	if (r < 0) {
		(void)beside_clear(beside);
		return container_error(c, r, "Failed to make \"%s\" from snapshot \"%s\"",
				       beside->spec, s->name);
	}
	r = storage_exchange(cur, beside);
	if (r < 0) {
		(void)beside_clear(beside);
		return container_error(c, r, "Failed to put the rootfs of \"%s\" in place",
				       s->name);
	}
	r = write_file_atomic(c->config_file, text, 0640);
	if (r < 0) {
		/* Back as it was: the old rootfs returns, the new one goes. */
		if (storage_exchange(cur, beside) == 0)
			(void)beside_clear(beside);
		return container_error(c, r, "Failed to write \"%s\"", c->config_file);
	}
	(void)mgr_load_config(c);
	r = beside_remove(beside);
	if (r < 0)
		return container_error(c, r,
				       "\"%s\" is restored from \"%s\", but its old rootfs \"%s\" "
				       "could not be removed", c->name, s->name, beside->spec);
	return 0;
}

static int restore_in_place(struct mgr_container *c, struct mgr_container *s)
{
	_cleanup_close_ int lock = -1, snap_lock = -1;
	enum mgr_state state;
	int r;

	lock = container_lock_for(c);
	if (lock < 0)
		return lock;
	snap_lock = container_lock(s, false);
	if (snap_lock < 0)
		return container_error(c, snap_lock == -EWOULDBLOCK ? -EBUSY : snap_lock,
				       "Another operation on snapshot \"%s\" is in progress",
				       s->name);
	r = mgr_get_state(c, &state);
	if (r < 0)
		return r;
	if (state != MGR_STOPPED)
		return container_error(c, -EBUSY, "\"%s\" is %s; stop it before a restore",
				       c->name, mgr_state_name(state));
	r = mgr_load_config(c);
	return r < 0 ? r : restore_locked(c, s);
}

/* The new container newname from snapshot s: a copy the way s's backend
 * makes one that does not depend on s (a btrfs or overlay snapshot, or a
 * full copy), with an identity of its own. */
static int restore_as_new(struct mgr_container *c, struct mgr_container *s, const char *newname)
{
	_cleanup_storage_free_ struct storage *from = NULL;
	unsigned flags = 0;
	int r;

	r = container_storage(s, &from);
	if (r < 0)
		return container_error_msg(c, r, s->error);
	if (from->ops == &storage_btrfs_ops || from->ops == &storage_overlay_ops)
		flags |= MGR_CLONE_SNAPSHOT;
	r = mgr_clone(s, newname, c->path, flags, NULL);
	return r < 0 ? container_error_msg(c, r, s->error) : 0;
}

_public_ int mgr_snapshot_restore(struct mgr_container *c, const char *snapname,
				  const char *newname)
{
	struct mgr_container *s;
	int r;

	r = snapshot_open(c, snapname, &s);
	if (r < 0)
		return r;
	r = newname ? restore_as_new(c, s, newname) : restore_in_place(c, s);
	mgr_container_free(s);
	return r;
}
