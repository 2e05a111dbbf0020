/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "mount_auto.h"
#include "rootfs.h"
#include "util/fileio.h"
#include "util/macro.h"

/* Bind the container's own path onto itself, read-only or not.  The
 * flags change on the bind mount only (MS_BIND on the remount), never on a
 * superblock the host may share. */
static int remount(int rootfd, const char *path, bool ro);

static int bind_self(int rootfd, const char *path, bool ro)
{
	_cleanup_close_ int fd = open_beneath(rootfd, path, 0);
	char src[64];
	int r;

	if (fd < 0)
		return fd;
	snprintf(src, sizeof(src), "/proc/self/fd/%d", fd);
	r = mount_beneath(rootfd, src, path, NULL, MS_BIND, NULL, 0);
	if (r == 0)
		r = remount(rootfd, path, ro);
	return r;
}

static int remount(int rootfd, const char *path, bool ro)
{
	return mount_beneath(rootfd, NULL, path, NULL,
			     MS_REMOUNT | MS_BIND | MS_NOSUID | MS_NODEV | MS_NOEXEC |
				     (ro ? MS_RDONLY : 0),
			     NULL, 0);
}

static int sysctl_apply(int rootfd, const struct mgr_conf *conf, char *err, size_t errlen)
{
	_cleanup_close_ int sysfd = -1;

	if (conf->n_sysctls == 0)
		return 0;
	sysfd = open_beneath_dir(rootfd, "proc/sys", 0);
	if (sysfd < 0) {
		snprintf(err, errlen, "sysctl.* needs proc in mount.auto: %s", strerror(-sysfd));
		return sysfd;
	}
	for (size_t i = 0; i < conf->n_sysctls; i++) {
		char path[256];
		int r;

		snprintf(path, sizeof(path), "%s", conf->sysctls[i].key);
		for (char *p = path; *p; p++)
			if (*p == '.')
				*p = '/';
		r = write_file_at(sysfd, path, conf->sysctls[i].value);
		if (r < 0) {
			snprintf(err, errlen, "Failed to set sysctl \"%s\" to \"%s\": %s",
				 conf->sysctls[i].key, conf->sysctls[i].value, strerror(-r));
			return r;
		}
	}
	return 0;
}

static int mount_proc(int rootfd, char *err, size_t errlen)
{
	int r = mount_beneath(rootfd, "proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
			      NULL, BENEATH_CREATE_DIR);

	if (r < 0)
		snprintf(err, errlen, "Failed to mount proc: %s", strerror(-r));
	return r;
}

static int proc_restrict(int rootfd, unsigned flags, char *err, size_t errlen)
{
	int r;

	if (!(flags & MOUNT_AUTO_PROC_MIXED))
		return 0;
	r = bind_self(rootfd, "proc/sys", true);
	if (r == 0) {
		/* Kernels without magic SysRq have no trigger file. */
		r = bind_self(rootfd, "proc/sysrq-trigger", true);
		if (r == -ENOENT)
			r = 0;
	}
	if (r < 0)
		snprintf(err, errlen, "Failed to make /proc/sys read-only: %s", strerror(-r));
	return r;
}

static int mount_sys(int rootfd, unsigned flags, char *err, size_t errlen)
{
	int r;

	r = mount_beneath(rootfd, "sysfs", "sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL,
			  BENEATH_CREATE_DIR);
	/* A user namespace that shares a network namespace it does not own
	 * (the host's) may not make a sysfs: the host's, bound read-only,
	 * whose files its root does not own. */
	if (r == -EPERM) {
		r = mount_beneath(rootfd, "/sys", "sys", NULL, MS_BIND | MS_REC, NULL,
				  BENEATH_CREATE_DIR);
		if (r == 0)
			r = remount(rootfd, "sys", true);
		if (r < 0)
			snprintf(err, errlen, "Failed to mount sysfs: %s", strerror(-r));
		return r;
	}
	if (r == 0 && (flags & MOUNT_AUTO_SYS_MIXED))
		/* The network devices stay writable: a mount of their own. */
		r = bind_self(rootfd, "sys/devices/virtual/net", false);
	if (r == 0 && !(flags & MOUNT_AUTO_SYS_RW))
		r = remount(rootfd, "sys", true);
	if (r < 0)
		snprintf(err, errlen, "Failed to mount sysfs: %s", strerror(-r));
	return r;
}

int mount_auto_setup(int rootfd, const struct mgr_conf *conf, char *err, size_t errlen)
{
	unsigned flags = conf->mount_auto;
	int r;

	if (flags & MOUNT_AUTO_PROC_MASK) {
		r = mount_proc(rootfd, err, errlen);
		if (r < 0)
			return r;
	}
	r = sysctl_apply(rootfd, conf, err, errlen);
	if (r < 0)
		return r;
	r = proc_restrict(rootfd, flags, err, errlen);
	if (r < 0)
		return r;
	if (flags & MOUNT_AUTO_SYS_MASK) {
		r = mount_sys(rootfd, flags, err, errlen);
		if (r < 0)
			return r;
	}
	return 0;
}
