/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Defining and removing containers: config, rootfs and the template run. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "container.h"
#include "hooks.h"
#include "idmap.h"
#include "storage/storage.h"
#include "util/exec.h"
#include "util/fileio.h"
#include "userns_run.h"
#include "util/strv.h"

/* A template name is looked up as TEMPLATE_DIR/mgr-NAME; anything with a
 * '/' is a path to an executable. */
static int template_resolve(struct mgr_container *c, const char *name, char **ret)
{
	_cleanup_free_ char *p = NULL;

	if (strchr(name, '/'))
		p = strdup(name);
	else if (asprintf(&p, "%s/mgr-%s", mgr_template_dir(), name) < 0)
		p = NULL;
	if (!p)
		return container_error(c, -ENOMEM, "Failed to find template \"%s\"", name);
	if (access(p, X_OK) < 0)
		return container_error(c, -errno, "Template \"%s\" (%s) is not usable", name, p);
	*ret = TAKE_PTR(p);
	return 0;
}

/* Exit status of a template process whose rootfs could not be mounted. */
#define TEMPLATE_MOUNT_FAILED 126

/* The template fills rootfs, the directory of s or (loop, lvm) the mount
 * point s is mounted on in the template's own mount namespace. */
static int template_run(struct mgr_container *c, const char *tpl, const struct storage *s,
			const char *rootfs, char *const *user_argv, bool quiet)
{
	_cleanup_strv_free_ char **argv = NULL;
	_cleanup_free_ char *a_path = NULL, *a_name = NULL, *a_rootfs = NULL;
	struct userns_handshake h;
	bool userns;
	int status, r;
	pid_t pid;

	if (asprintf(&a_path, "--path=%s", c->dir) < 0 ||
	    asprintf(&a_name, "--name=%s", c->name) < 0 ||
	    asprintf(&a_rootfs, "--rootfs=%s", rootfs) < 0)
		return container_error(c, -ENOMEM, "Failed to run the template");
	if (strv_append(&argv, tpl) < 0 || strv_append(&argv, a_path) < 0 ||
	    strv_append(&argv, a_name) < 0 || strv_append(&argv, a_rootfs) < 0)
		return container_error(c, -ENOMEM, "Failed to run the template");
	STRV_FOREACH(a, user_argv)
		if (strv_append(&argv, *a) < 0)
			return container_error(c, -ENOMEM, "Failed to run the template");

	/* A user other than root runs it as the root of the container's maps,
	 * so that the files it makes have the container's ids. */
	userns = geteuid() != 0 && c->conf && c->conf->n_idmaps > 0;
	if (userns && (r = userns_handshake_open(&h)) < 0)
		return container_error(c, r, "Failed to run the template");
	pid = fork();
	if (pid < 0) {
		r = -errno;
		if (userns)
			userns_handshake_close(&h);
		return container_error(c, r, "Failed to run the template");
	}
	if (pid == 0) {
		/* No ignored SIGPIPE or blocked signal of the caller (an
		 * interpreter, say) for the template's pipelines. */
		exec_signals_reset();
		if (userns && (userns_child_enter(&h) < 0 || chown(rootfs, 0, 0) < 0)) {
			fprintf(stderr, "Failed to enter the container's user namespace: %m\n");
			_exit(127);
		}
		if (storage_is_block(s) &&
		    (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
		     s->ops->mount(s, rootfs) < 0))
			_exit(TEMPLATE_MOUNT_FAILED);
		if (quiet) {
			int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);

			if (fd >= 0) {
				dup2(fd, STDOUT_FILENO);
				close(fd);
			}
		}
		setenv("MGR_NAME", c->name, 1);
		setenv("MGR_CONFIG_FILE", c->config_file, 1);
		setenv("MGR_ROOTFS", rootfs, 1);
		setenv("MGR_PATH", c->path, 1);
		setenv("MGR_CACHE_PATH", mgr_cache_path(), 1);
		if (chdir("/") == 0)
			execv(tpl, argv);
		fprintf(stderr, "Failed to execute template \"%s\": %m\n", tpl);
		_exit(127);
	}
	if (userns) {
		r = userns_parent_map(&h, pid, c->conf->idmaps, c->conf->n_idmaps);
		userns_handshake_close(&h);
		if (r < 0) {
			kill(pid, SIGKILL);
			(void)waitpid(pid, &status, 0);
			return container_error(c, r, "Failed to map the ids of the template's user "
						     "namespace");
		}
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return container_error(c, -errno, "Failed to wait for the template");
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == TEMPLATE_MOUNT_FAILED &&
	    storage_is_block(s))
		return container_error(c, -EIO, "Failed to mount \"%s\" for the template", s->spec);
	if (WIFSIGNALED(status))
		return container_error(c, -ECANCELED, "Template \"%s\" was killed by signal %d",
				       tpl, WTERMSIG(status));
	return container_error(c, -ECANCELED, "Template \"%s\" failed (exit status %d)", tpl,
			       WEXITSTATUS(status));
}

/* The initial config: identity and rootfs first, then the global defaults
 * and the user's file, verbatim, so that comments and includes survive. */
static int config_assemble(struct mgr_container *c, const char *spec, const char *extra,
			   char **ret)
{
	const char *files[] = { mgr_global_config(), extra };
	_cleanup_free_ char *text = NULL;
	size_t len;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return container_error(c, -ENOMEM, "Failed to write the config");
	fprintf(f, "# Container \"%s\"\nmgr.uts.name = %s\nmgr.rootfs.path = %s\n", c->name,
		c->name, spec);
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		_cleanup_free_ char *body = NULL;
		int r;

		if (!files[i])
			continue;
		r = read_file(files[i], &body, NULL);
		if (r == -ENOENT && i == 0)
			continue; /* no global defaults installed */
		if (r < 0) {
			fclose(f);
			return container_error(c, r, "Failed to read \"%s\"", files[i]);
		}
		fprintf(f, "\n# From %s\n%s%s", files[i], body,
			*body && body[strlen(body) - 1] != '\n' ? "\n" : "");
	}
	if (fclose(f) != 0)
		return container_error(c, -ENOMEM, "Failed to write the config");
	*ret = TAKE_PTR(text);
	return 0;
}

/* What the config text says of user namespaces. */
struct config_userns {
	bool maps;       /* mgr.idmap lines or "auto" */
	bool privileged; /* mgr.privileged = 1 */
};

/* Check text as the container's config would be read. */
static int config_check(struct mgr_container *c, const char *text, struct config_userns *ret)
{
	_cleanup_conf_free_ struct mgr_conf *conf = conf_new();
	struct conf_error err = { "" };
	int r;

	if (!conf)
		return container_error(c, -ENOMEM, "Failed to check the config");
	r = conf_read_string(conf, text, c->config_file, &err);
	if (r < 0)
		return container_error_msg(c, r, err.message[0] ? err.message : strerror(-r));
	ret->maps = conf->n_idmaps > 0 || conf->idmap_auto;
	ret->privileged = conf->privileged == 1;
	/* Maps given by hand must not be another container's. */
	if (conf->n_idmaps > 0) {
		char why[512];

		r = idmap_range_shared(c->path, conf->idmaps, conf->n_idmaps, why, sizeof(why));
		if (r > 0)
			return container_error_msg(c, -EEXIST, why);
		if (r < 0)
			return container_error(c, r, "Failed to read the maps of the containers in "
						     "\"%s\"", c->path);
	}
	return 0;
}

static int config_append(struct mgr_container *c, char **text, const char *lines)
{
	char *t;

	if (asprintf(&t, "%s\n%s", *text, lines) < 0)
		return container_error(c, -ENOMEM, "Failed to write the config");
	free(*text);
	*text = t;
	return 0;
}

/* Unprivileged unless asked otherwise: without maps in the config and
 * without mgr.privileged = 1 (there or as MGR_CREATE_PRIVILEGED), a
 * range of its own ("idmap = auto"). */
static int config_userns_settle(struct mgr_container *c, unsigned flags, char **text,
				bool *ret_userns)
{
	struct config_userns u;
	int r;

	r = config_check(c, *text, &u);
	if (r < 0)
		return r;
	if ((flags & MGR_CREATE_PRIVILEGED) && (flags & MGR_CREATE_UNPRIVILEGED))
		return container_error(c, -EINVAL, "A container cannot be both privileged and "
						   "unprivileged");
	if ((flags & MGR_CREATE_PRIVILEGED) && !u.privileged) {
		r = config_append(c, text, "# Privileged: root in the container is root on the host\n"
					   "mgr.privileged = 1\n");
		if (r < 0)
			return r;
		u.privileged = true;
	}
	if (u.privileged && (u.maps || (flags & MGR_CREATE_UNPRIVILEGED)))
		return container_error(c, -EINVAL,
				       "The container is to be privileged (mgr.privileged = 1 or "
				       "--privileged) but the config gives it a user namespace "
				       "(mgr.idmap): clear one of them");
	if (u.privileged && geteuid() != 0)
		return container_error(c, -EPERM, "Only root can make a privileged container");
	if (!u.privileged && !u.maps) {
		r = config_append(c, text, "# A user namespace with ids of its own: root in the "
					   "container is an ordinary user on the host\n"
					   "mgr.idmap = auto\n");
		if (r < 0)
			return r;
		u.maps = true;
	}
	*ret_userns = u.maps;
	return 0;
}

/* A veth or macvlan network without a MAC address gets one now, and a
 * pattern ("00:16:3e:xx:xx:xx") its random digits, so that the container
 * keeps its MAC address from one start to the next.  (An ipvlan device has
 * its link's.) */
static int hwaddrs_settle(struct mgr_container *c)
{
	struct conf_error err = { "" };
	bool changed = false;
	int r;

	for (size_t i = 0; i < c->conf->n_nets; i++) {
		const struct conf_net *net = &c->conf->nets[i];
		bool wants = net->type == NET_TYPE_VETH || net->type == NET_TYPE_MACVLAN;
		const char *pattern = net->hwaddr ? net->hwaddr : wants ? "00:16:3e:xx:xx:xx" : NULL;
		char key[32], mac[18];

		if (!pattern || net->type == NET_TYPE_IPVLAN || !conf_net_hwaddr_is_pattern(pattern))
			continue;
		r = conf_net_hwaddr_randomize(pattern, mac);
		snprintf(key, sizeof(key), "mgr.net.%u.hwaddr", net->index);
		if (r == 0)
			r = conf_set_item(c->conf, key, mac, &err);
		if (r < 0)
			return container_error(c, r, "Failed to set %s", key);
		changed = true;
	}
	return changed ? container_config_write(c) : 0;
}

int container_config_write(struct mgr_container *c)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int r;

	if (!f)
		return container_error(c, -ENOMEM, "Failed to write the config");
	r = conf_write(c->conf, f);
	fclose(f);
	if (r == 0)
		r = write_file_atomic(c->config_file, text, 0640);
	return r < 0 ? container_error(c, r, "Failed to write \"%s\"", c->config_file) : 0;
}

/* Make s; a dir that exists already (--dir) is used as it is and kept. */
static int storage_make(struct mgr_container *c, const struct storage *s, bool *made)
{
	int r = s->ops->create(s);

	if (r == -EEXIST && s->ops == &storage_dir_ops)
		return 0;
	if (r < 0)
		return storage_fail(c, r, s, "create the rootfs");
	*made = true;
	return 0;
}

static int create_locked(struct mgr_container *c, const struct mgr_create_options *o,
			 const struct storage *s, bool *storage_made)
{
	_cleanup_free_ char *text = NULL, *tpl = NULL, *mnt = NULL;
	const char *rootfs = s->src;
	bool userns;
	int r;

	r = config_assemble(c, s->spec, o->config_file, &text);
	if (r < 0)
		return r;
	r = config_userns_settle(c, o->flags, &text, &userns);
	if (r < 0)
		return r;
	if (userns && (r = create_userns_check(c, s)) < 0)
		return r;
	if (o->template_name && !streq(o->template_name, "none")) {
		r = template_resolve(c, o->template_name, &tpl);
		if (r < 0)
			return r;
	}
	r = write_file_atomic(c->config_file, text, 0640);
	if (r < 0)
		return container_error(c, r, "Failed to write \"%s\"", c->config_file);
	r = storage_make(c, s, storage_made);
	if (r < 0)
		return r;
	if (tpl && storage_is_block(s)) {
		/* The template sees the filesystem mounted on DIR/rootfs. */
		mnt = path_join(c->dir, "rootfs");
		if (!mnt || (mkdir(mnt, 0755) < 0 && errno != EEXIST))
			return container_error(c, mnt ? -errno : -ENOMEM,
					       "Failed to create the template's rootfs directory");
		rootfs = mnt;
	}
	/* A user other than root: the maps before the template, which runs
	 * under them. */
	if (userns && geteuid() != 0) {
		r = mgr_load_config_file(c, c->config_file);
		if (r == 0)
			r = create_userns_settle(c);
		if (r < 0)
			return r;
	}
	if (tpl) {
		r = template_run(c, tpl, s, rootfs, o->template_argv, o->flags & MGR_CREATE_QUIET);
		if (r < 0)
			return r;
	}
	/* The template may have added keys: the result must still load. */
	r = mgr_load_config_file(c, c->config_file);
	if (r < 0)
		return r;
	r = hwaddrs_settle(c);
	if (r < 0)
		return r;
	return create_userns_finish(c, s);
}

/* A template fills a directory or a filesystem.  An overlay needs a lower
 * layer, another container: that is a snapshot (mgr_clone()), not a
 * create. */
static int create_backend_check(struct mgr_container *c, const char *backend)
{
	if (streq(backend, "overlay"))
		return container_error(c, -EINVAL,
				       "The overlay backend needs a lower layer: make an overlay "
				       "snapshot of an existing container (mgr-copy -s)");
	return storage_backend_usable(c, backend);
}

/* What a create or clone killed half way left: its storage where that is
 * outside the directory (an LV) or needs more than unlinking (a btrfs
 * subvolume), then the directory.  A dir rootfs given with --dir may be
 * the user's own: it stays. */
static int half_made_clear(struct mgr_container *c)
{
	_cleanup_conf_free_ struct mgr_conf *conf = conf_new();
	_cleanup_storage_free_ struct storage *s = NULL;
	struct conf_error err = { "" };

	if (conf && conf_read_file(conf, c->config_file, &err) == 0 && conf->rootfs_path &&
	    storage_parse(conf->rootfs_path, &s) == 0 && s->ops != &storage_dir_ops &&
	    s->ops->check(s) == 0)
		(void)s->ops->destroy(s);
	return rm_rf(c->dir);
}

int container_create_begin(struct mgr_container *c)
{
	_cleanup_free_ char *marker = NULL;
	_cleanup_close_ int lock = -1;
	int r;

	r = mkdir_p(c->path, 0755);
	if (r < 0)
		return container_error(c, r, "Failed to create \"%s\"", c->path);
	marker = path_join(c->dir, CREATING_MARKER);
	if (!marker)
		return container_error(c, -ENOMEM, "Failed to create \"%s\"", c->name);
	if (mkdir(c->dir, 0755) < 0) {
		if (errno != EEXIST)
			return container_error(c, -errno, "Failed to create \"%s\"", c->dir);
		/* Left over from a create that was killed half way? */
		lock = container_lock(c, false);
		if (lock < 0 || !path_exists(marker))
			return container_error(c, -EEXIST, "Container \"%s\" already exists in \"%s\"",
					       c->name, c->path);
		r = half_made_clear(c);
		if (r < 0 || mkdir(c->dir, 0755) < 0)
			return container_error(c, r < 0 ? r : -errno,
					       "Failed to clear a half-made \"%s\"", c->dir);
		close(TAKE_FD(lock));
	}
	lock = container_lock(c, false);
	if (lock < 0 || write_file_atomic(marker, "", 0600) < 0) {
		r = container_error(c, lock < 0 ? lock : -EIO, "Failed to create \"%s\"", c->dir);
		(void)rm_rf(c->dir);
		return r;
	}
	return TAKE_FD(lock);
}

int container_create_finish(struct mgr_container *c)
{
	_cleanup_free_ char *marker = path_join(c->dir, CREATING_MARKER);

	if (!marker)
		return container_error(c, -ENOMEM, "Failed to finish \"%s\"", c->dir);
	if (unlink(marker) < 0)
		return container_error(c, -errno, "Failed to finish \"%s\"", c->dir);
	return 0;
}

_public_ int mgr_create(struct mgr_container *c, const struct mgr_create_options *opts)
{
	static const struct mgr_create_options none = { 0 };
	const struct mgr_create_options *o = opts ? opts : &none;
	const char *backend = o->storage.backend ? o->storage.backend : "dir";
	_cleanup_storage_free_ struct storage *s = NULL;
	_cleanup_close_ int lock = -1;
	bool storage_made = false;
	int r;

	r = create_backend_check(c, backend);
	if (r < 0)
		return r;
	if (o->storage.rootfs_dir && o->storage.rootfs_dir[0] != '/')
		return container_error(c, -EINVAL, "The rootfs directory \"%s\" is not absolute",
				       o->storage.rootfs_dir);
	r = storage_new(backend, c->dir, c->name, NULL, &o->storage, &s);
	if (r < 0)
		return container_error(c, r, "Bad storage options for \"%s\"", c->name);
	lock = container_create_begin(c);
	if (lock < 0)
		return lock;
	r = create_locked(c, o, s, &storage_made);
	if (r < 0)
		goto fail;
	r = container_create_finish(c);
	if (r < 0)
		goto fail;
	return 0;
fail:
	if (storage_made)
		(void)s->ops->destroy(s);
	(void)rm_rf(c->dir);
	conf_free(c->conf);
	c->conf = NULL;
	return r;
}

/* The snapshots that depend on c's storage and c's own (DIR/snaps) go
 * first (MGR_DESTROY_SNAPSHOTS), or c stays. */
static int snapshots_check(struct mgr_container *c, unsigned flags)
{
	_cleanup_strv_free_ char **dirs = NULL, **own = NULL;
	_cleanup_free_ char *list = NULL;
	int r = clone_snapshots(c, &dirs);

	if (r >= 0)
		r = snapshot_dirs(c, &own);
	if (r < 0)
		return container_error(c, r, "Failed to read the snapshots of \"%s\"", c->name);
	STRV_FOREACH(d, own)
		if (!strv_contains(dirs, *d) && strv_append(&dirs, *d) < 0)
			return container_error(c, -ENOMEM, "Failed to destroy \"%s\"", c->name);
	if (!dirs)
		return 0;
	if (!(flags & MGR_DESTROY_SNAPSHOTS)) {
		list = strv_join(dirs, ", ");
		return container_error(c, -EBUSY,
				       "\"%s\" has snapshots: %s; destroy them first or use -s",
				       c->name, list ? list : "?");
	}
	STRV_FOREACH(d, dirs) {
		_cleanup_free_ char *path = strdup(*d);
		char *slash = path ? strrchr(path, '/') : NULL;
		struct mgr_container *s;

		if (!slash)
			return container_error(c, -ENOMEM, "Failed to destroy \"%s\"", *d);
		*slash = 0;
		s = mgr_container_new(slash + 1, path);
		if (!s)
			return container_error(c, -errno, "Failed to destroy \"%s\"", *d);
		/* Gone with one destroyed before it (its own snapshot). */
		r = mgr_defined(s) ? mgr_destroy(s, flags) : 0;
		if (r < 0)
			container_error_msg(c, r, s->error);
		mgr_container_free(s);
		if (r < 0)
			return r;
	}
	return 0;
}

struct files_remove {
	struct mgr_container *c;
	const struct storage *s;
};

/* The storage, then the directory. */
static int files_remove(void *arg)
{
	const struct files_remove *f = arg;
	int r = f->s ? f->s->ops->destroy(f->s) : 0;

	return r < 0 ? r : rm_rf(f->c->dir);
}

_public_ int mgr_destroy(struct mgr_container *c, unsigned flags)
{
	_cleanup_close_ int lock = -1;
	_cleanup_storage_free_ struct storage *s = NULL;
	enum mgr_state state;
	int r;

	if (!mgr_defined(c))
		return container_error(c, -ENOENT, "Container \"%s\" is not defined in \"%s\"",
				       c->name, c->path);
	lock = container_lock_for(c);
	if (lock < 0)
		return lock;
	r = snapshots_check(c, flags);
	if (r < 0)
		return r;
	r = mgr_get_state(c, &state);
	if (r < 0)
		return r;
	if (state != MGR_STOPPED) {
		if (!(flags & MGR_DESTROY_FORCE))
			return container_error(c, -EBUSY,
					       "\"%s\" is %s; stop it first or force the destroy",
					       c->name, mgr_state_name(state));
		r = mgr_stop(c, MGR_STOP_KILL, 0, false);
		if (r < 0 && r != -ESRCH)
			return r;
	}
	if (!c->conf)
		(void)mgr_load_config(c); /* for its hooks; a broken one goes all the same */
	/* A rootfs outside the container directory (--dir) goes too; an
	 * overlay's lower stays, it belongs to another container. */
	if (c->conf && c->conf->rootfs_path && *c->conf->rootfs_path)
		(void)storage_parse(c->conf->rootfs_path, &s);
	if (s) {
		struct hook_info info = { .name = c->name, .config_file = c->config_file, .storage = s };

		r = hooks_run(c, c->conf, CONF_HOOK_DESTROY, &info);
		if (r < 0)
			return r;
	}
	/* A user other than root removes its container's files as the
	 * container's root, whose ids they have. */
	if (geteuid() != 0 && c->conf && c->conf->n_idmaps > 0) {
		struct files_remove f = { c, s };

		r = userns_run(c->conf->idmaps, c->conf->n_idmaps, files_remove, &f);
	} else
		r = files_remove(&(struct files_remove){ c, s });
	if (r < 0)
		return container_error(c, r, "Failed to remove \"%s\"", s ? s->spec : c->dir);
	conf_free(c->conf);
	c->conf = NULL;
	return 0;
}
