/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The lvm backend: the rootfs is a filesystem on an LVM logical volume,
 * /dev/VG/LV, a plain one or one of a thin pool, made, snapshotted and
 * removed with the LVM tools and mounted like an image (block.c).
 *
 * A snapshot of a thin volume is a thin volume of its own: the origin can
 * go before it.  A snapshot of a plain volume (a "thick" one) keeps the
 * blocks of its origin that changed and reads the rest from it: it
 * depends on its origin.
 *
 * Without udev (a container, a minimal system) the tools are told to make
 * the device nodes themselves (DM_DISABLE_UDEV, see lvm(8)); with udev
 * running they wait for it as usual.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "storage/storage.h"
#include "util/macro.h"

/* LVM's longest VG or LV name is 127 characters. */
#define LVM_NAME_MAX 128

struct lv_name {
	char vg[LVM_NAME_MAX];
	char lv[LVM_NAME_MAX];
	char full[2 * LVM_NAME_MAX]; /* "VG/LV", as the tools take it */
};

struct lv_info {
	char attr[16];             /* lv_attr: [0] is o(rigin), s(napshot),
				      V (thin volume), - (plain)...        */
	char origin[LVM_NAME_MAX]; /* a snapshot's origin LV, or ""         */
	uint64_t size;
	double data_percent;       /* thin volumes, snapshots; < 0: none     */
};

/* A name LVM takes, and that the tools cannot read as an option. */
static bool lvm_name_valid(const char *s, size_t n)
{
	static const char ok[] = "abcdefghijklmnopqrstuvwxyz"
				 "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+_.-";

	if (n == 0 || n >= LVM_NAME_MAX || s[0] == '-')
		return false;
	if ((n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!strchr(ok, s[i]) || !s[i])
			return false;
	return true;
}

/* "/dev/VG/LV" into its names. */
static int lv_parse(const char *src, struct lv_name *ret)
{
	const char *vg, *slash, *lv;

	if (strncmp(src, "/dev/", 5) != 0)
		return -EINVAL;
	vg = src + 5;
	slash = strchr(vg, '/');
	if (!slash)
		return -EINVAL;
	lv = slash + 1;
	if (!lvm_name_valid(vg, slash - vg) || !lvm_name_valid(lv, strlen(lv)))
		return -EINVAL;
	snprintf(ret->vg, sizeof(ret->vg), "%.*s", (int)(slash - vg), vg);
	snprintf(ret->lv, sizeof(ret->lv), "%s", lv);
	snprintf(ret->full, sizeof(ret->full), "%s/%s", ret->vg, ret->lv);
	return 0;
}

/* ------------------------------------------------------------ the tools */

/* The errno that says best what the tools' output out says. */
static int lvm_errno(const char *out)
{
	/* No device-mapper in the kernel, or not the target (thin, snapshot). */
	if (strstr(out, "Failure to communicate with kernel device-mapper") ||
	    strstr(out, "target(s) not detected"))
		return -ENODEV;
	if (strstr(out, "already exists"))
		return -EEXIST;
	if (strstr(out, "not found") || strstr(out, "Failed to find") ||
	    strstr(out, "does not exist"))
		return -ENOENT;
	if (strstr(out, "nsufficient") || strstr(out, "No space"))
		return -ENOSPC;
	if (strstr(out, "in use") || strstr(out, "is open") || strstr(out, "Can't remove open"))
		return -EBUSY;
	if (strstr(out, "not supported"))
		return -EOPNOTSUPP;
	return -EIO;
}

/* Run the LVM tool args[0] with args; its output in *ret_out (may be
 * NULL).  -ENOPKG when the tools are not installed; on failure, what
 * the tool said goes to the debug log. */
static int lvm_run(const char *const *args, char **ret_out)
{
	_cleanup_free_ char *out = NULL;
	const char *argv[24], *what = NULL;
	size_t n = 0;
	int r;

	argv[n++] = "env";
	/* Reports in one format; no complaint about the caller's fds. */
	argv[n++] = "LC_ALL=C";
	argv[n++] = "LVM_SUPPRESS_FD_WARNINGS=1";
	if (access("/run/udev/control", F_OK) < 0)
		argv[n++] = "DM_DISABLE_UDEV=1";
	for (size_t i = 0; args[i] && n < ARRAY_SIZE(argv) - 1; i++)
		what = argv[n++] = args[i];
	argv[n] = NULL;
	r = storage_run((char *const *)argv, NULL, 0, &out);
	if (r == -ENOEXEC) {
		log_debug("Failed to run %s: are the LVM tools installed?", args[0]);
		return -ENOPKG;
	}
	if (r < 0) {
		/* The tool and what it worked on, its last argument. */
		log_debug("%s ... %s failed: %s", args[0], what, out ? out : "");
		return out ? lvm_errno(out) : -EIO;
	}
	if (ret_out)
		*ret_out = TAKE_PTR(out);
	return 0;
}

/* The row in the output of lvs: the last line with all the fields
 * (n_seps separators); warnings may come before it. */
static char *report_line(char *out, size_t n_seps)
{
	char *found = NULL, *save = NULL;

	for (char *l = strtok_r(out, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		size_t seps = 0;

		l += strspn(l, " \t");
		for (const char *p = l; *p; p++)
			seps += *p == '|';
		if (seps == n_seps && strncmp(l, "WARNING", 7) != 0)
			found = l;
	}
	return found;
}

static int lv_query(const struct lv_name *n, struct lv_info *ret)
{
	const char *args[] = { "lvs", "--noheadings", "--nosuffix", "--units", "b",
			       "--separator", "|", "-o", "lv_attr,origin,lv_size,data_percent",
			       n->full, NULL };
	_cleanup_free_ char *out = NULL;
	struct lv_info info;
	char *line, *f[4], *end;
	int r;

	r = lvm_run(args, &out);
	if (r < 0)
		return r;
	line = out ? report_line(out, 3) : NULL;
	if (!line)
		return -EIO;
	/* strtok would merge empty fields: split by hand. */
	f[0] = line;
	for (int i = 1; i < 4; i++) {
		f[i] = strchr(f[i - 1], '|');
		*f[i]++ = 0;
	}
	snprintf(info.attr, sizeof(info.attr), "%s", f[0]);
	snprintf(info.origin, sizeof(info.origin), "%s", f[1]);
	errno = 0;
	info.size = strtoull(f[2], &end, 10);
	if (errno != 0 || end == f[2])
		return -EIO;
	info.data_percent = f[3][0] ? strtod(f[3], NULL) : -1;
	*ret = info;
	return 0;
}

/* /dev/VG/LV, once the LV is active: made by the tools (or udev), or
 * by vgmknodes when they did not. */
static int lv_node_ensure(const struct lv_name *n, const char *dev)
{
	const char *mknodes[] = { "vgmknodes", n->full, NULL };
	struct stat st;
	int r;

	if (stat(dev, &st) < 0) {
		if (errno != ENOENT)
			return -errno;
		r = lvm_run(mknodes, NULL);
		if (r < 0)
			return r;
		if (stat(dev, &st) < 0)
			return -errno;
	}
	return S_ISBLK(st.st_mode) ? 0 : -ENOTBLK;
}

/* Activate the LV (thin snapshots are made with activation skipped). */
static int lv_activate(const struct lv_name *n, const char *dev)
{
	const char *args[] = { "lvchange", "-ay", "-K", n->full, NULL };
	int r = lvm_run(args, NULL);

	return r < 0 ? r : lv_node_ensure(n, dev);
}

static int lv_remove(const struct lv_name *n)
{
	const char *args[] = { "lvremove", "-f", n->full, NULL };

	return lvm_run(args, NULL);
}

/* ------------------------------------------------------------ ops */

/* An LV that exists but is not active is activated here: its device node
 * is what the rest needs. */
static int lvm_check(const struct storage *s)
{
	struct lv_name n;
	struct lv_info info;
	struct stat st;
	int r;

	r = lv_parse(s->src, &n);
	if (r < 0)
		return r;
	if (stat(s->src, &st) == 0)
		return S_ISBLK(st.st_mode) ? 0 : -ENOTBLK;
	if (errno != ENOENT)
		return -errno;
	r = lv_query(&n, &info);
	if (r < 0)
		return r;
	return lv_activate(&n, s->src);
}

static int lvm_create(const struct storage *s)
{
	uint64_t size = s->fssize ? s->fssize : STORAGE_DEFAULT_FSSIZE;
	char size_arg[32], pool[2 * LVM_NAME_MAX];
	struct lv_name n;
	struct lv_info info;
	int r;

	r = lv_parse(s->src, &n);
	if (r < 0)
		return r;
	r = lv_query(&n, &info);
	if (r == 0)
		return -EEXIST;
	/* A missing VG is reported by lvcreate, below. */
	if (r != -ENOENT)
		return r;
	snprintf(size_arg, sizeof(size_arg), "%" PRIu64 "b", size);
	if (s->thinpool) {
		const char *args[] = { "lvcreate", "-y", "-Wy", "-V", size_arg, "-T", pool,
				       "-n", n.lv, NULL };

		if (!lvm_name_valid(s->thinpool, strlen(s->thinpool)))
			return -EINVAL;
		snprintf(pool, sizeof(pool), "%s/%s", n.vg, s->thinpool);
		r = lvm_run(args, NULL);
	} else {
		const char *args[] = { "lvcreate", "-y", "-Wy", "-Zy", "-L", size_arg,
				       "-n", n.lv, n.vg, NULL };

		r = lvm_run(args, NULL);
	}
	if (r < 0)
		return r;
	r = lv_node_ensure(&n, s->src);
	if (r == 0)
		r = storage_mkfs(s->fstype ? s->fstype : STORAGE_DEFAULT_FSTYPE, s->src);
	if (r < 0)
		(void)lv_remove(&n);
	return r;
}

static int lvm_destroy(const struct storage *s)
{
	struct lv_name n;
	struct lv_info info;
	int r;

	r = lv_parse(s->src, &n);
	if (r < 0)
		return r;
	r = lv_query(&n, &info);
	if (r == -ENOENT)
		return 0; /* gone already */
	if (r < 0)
		return r;
	/* lvremove -f would take the snapshots of a plain origin along. */
	if (info.attr[0] == 'o')
		return -EBUSY;
	return lv_remove(&n);
}

static int lvm_mount(const struct storage *s, const char *target)
{
	return storage_block_mount(s->src, NULL, target);
}

static int lvm_open_root(const struct storage *s)
{
	return storage_block_open_root(s->src, NULL);
}

static int lvm_open_mount(const struct storage *s)
{
	return storage_block_open_mount(s->src, NULL);
}

/* A thin snapshot of a thin origin; a plain one, of to->fssize bytes for
 * the changed blocks, of a plain origin.  Both in the origin's VG. */
static int lvm_snapshot(const struct storage *from, const struct storage *to)
{
	struct lv_name fn, tn;
	struct lv_info info;
	char size_arg[32];
	int r;

	if (from->ops != &storage_lvm_ops || to->ops != &storage_lvm_ops)
		return -EOPNOTSUPP;
	r = lv_parse(from->src, &fn);
	if (r == 0)
		r = lv_parse(to->src, &tn);
	if (r < 0)
		return r;
	if (!streq(fn.vg, tn.vg))
		return -EXDEV;
	r = lv_query(&fn, &info);
	if (r < 0)
		return r;
	snprintf(size_arg, sizeof(size_arg), "%" PRIu64 "b", to->fssize ? to->fssize : info.size);
	if (info.attr[0] == 'V') {
		/* -kn: no activation skip, so that it is activated now. */
		const char *args[] = { "lvcreate", "-y", "-s", "-kn", "-n", tn.lv, fn.full, NULL };

		r = lvm_run(args, NULL);
	} else if (info.attr[0] == 's') {
		return -EOPNOTSUPP; /* LVM has no snapshots of plain snapshots */
	} else {
		const char *args[] = { "lvcreate", "-y", "-s", "-L", size_arg, "-n", tn.lv,
				       fn.full, NULL };

		r = lvm_run(args, NULL);
	}
	if (r < 0)
		return r;
	r = lv_node_ensure(&tn, to->src);
	if (r == -ENOENT)
		r = lv_activate(&tn, to->src);
	if (r < 0)
		(void)lv_remove(&tn);
	return r;
}

/* A plain snapshot reads its origin; a thin one does not. */
static bool lvm_depends_on(const struct storage *s, const struct storage *origin)
{
	struct lv_name sn, on;
	struct lv_info info;

	if (s->ops != &storage_lvm_ops || origin->ops != &storage_lvm_ops)
		return false;
	if (lv_parse(s->src, &sn) < 0 || lv_parse(origin->src, &on) < 0 || !streq(sn.vg, on.vg))
		return false;
	if (lv_query(&sn, &info) < 0)
		return false;
	return info.attr[0] == 's' && streq(info.origin, on.lv);
}

/* The bytes the LV takes from its VG: the share of a thin volume or a
 * snapshot that holds data (Data% of its size), or the whole size of a
 * plain LV, which is all allocated. */
static int lvm_size(const struct storage *s, uint64_t *ret)
{
	struct lv_name n;
	struct lv_info info;
	int r;

	r = lv_parse(s->src, &n);
	if (r < 0)
		return r;
	r = lv_query(&n, &info);
	if (r < 0)
		return r;
	if ((info.attr[0] == 'V' || info.attr[0] == 's') && info.data_percent >= 0)
		*ret = (uint64_t)((double)info.size * info.data_percent / 100.0);
	else
		*ret = info.size;
	return 0;
}

const struct storage_ops storage_lvm_ops = {
	.name = "lvm",
	.check = lvm_check,
	.create = lvm_create,
	.destroy = lvm_destroy,
	.mount = lvm_mount,
	.open_root = lvm_open_root,
	.open_mount = lvm_open_mount,
	.snapshot = lvm_snapshot,
	.depends_on = lvm_depends_on,
	.size = lvm_size,
};
