/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the loop and lvm backends share: making a filesystem, finding out
 * which one a device holds, and mounting it, an image file through a loop
 * device.
 *
 * A loop device is set up to clear itself (LO_FLAGS_AUTOCLEAR) and the fd
 * that holds it is closed once the filesystem is mounted: the mount is
 * then its only user, and the device goes with it.  A container's rootfs
 * is mounted only in its own mount namespace, so its loop device goes
 * when the container's last process does; a detached mount's goes with
 * the last fd of it.
 */
#include "config.h"

#include <blkid.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/loop.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "storage/storage.h"
#include "util/macro.h"

/* Attempts at taking a free loop device that another process takes
 * between our LOOP_CTL_GET_FREE and our configuring it. */
#define LOOP_ATTACH_TRIES 64

/* "/dev/loop" and a number. */
#define LOOP_NAME_MAX 32

/* ------------------------------------------------------------ mkfs */

/* A filesystem type is a word: it goes into a program name. */
static bool fstype_valid(const char *fstype)
{
	size_t n = strlen(fstype);

	return n > 0 && n < 32 && strspn(fstype, "abcdefghijklmnopqrstuvwxyz0123456789") == n;
}

int storage_mkfs(const char *fstype, const char *dev)
{
	_cleanup_free_ char *out = NULL;
	char prog[48];
	const char *argv[5];
	size_t n = 0;
	int r;

	if (!fstype_valid(fstype))
		return -EINVAL;
	snprintf(prog, sizeof(prog), "mkfs.%s", fstype);
	argv[n++] = prog;
	/* Quiet, and no question about an image file or an old signature. */
	if (streq(fstype, "ext2") || streq(fstype, "ext3") || streq(fstype, "ext4")) {
		argv[n++] = "-q";
		argv[n++] = "-F";
	} else if (streq(fstype, "xfs") || streq(fstype, "btrfs")) {
		argv[n++] = "-q";
		argv[n++] = "-f";
	}
	argv[n++] = dev;
	argv[n] = NULL;
	r = storage_run((char *const *)argv, NULL, 0, &out);
	if (r == -ENOEXEC) {
		/* No mkfs for that type: a type we do not know of. */
		log_debug("There is no %s to make a %s filesystem on \"%s\"", prog, fstype, dev);
		return -ENOPKG;
	}
	if (r < 0)
		log_debug("%s \"%s\" failed: %s", prog, dev, out ? out : "");
	return r;
}

/* ------------------------------------------------------------ probing */

/* The type of the filesystem in path (an image file or a device);
 * -EINVAL when there is none that libblkid knows. */
static int fstype_probe(const char *path, char **ret)
{
	blkid_probe pr;
	const char *type = NULL;
	char *t = NULL;
	bool found;
	int r;

	errno = 0;
	pr = blkid_new_probe_from_filename(path);
	if (!pr)
		return errno > 0 ? -errno : -EIO;
	r = blkid_do_safeprobe(pr);
	found = r == 0 && blkid_probe_lookup_value(pr, "TYPE", &type, NULL) == 0 && type;
	if (found)
		t = strdup(type);
	blkid_free_probe(pr);
	if (r < 0)
		return -EIO; /* an error, or signatures of more than one kind */
	if (!found)
		return -EINVAL;
	if (!t)
		return -ENOMEM;
	*ret = t;
	return 0;
}

/* ------------------------------------------------------------ loop devices */

static void loop_info_name(struct loop_info64 *info, const char *image)
{
	size_t n = strnlen(image, LO_NAME_SIZE - 1);

	memcpy(info->lo_file_name, image, n);
	info->lo_file_name[n] = 0;
}

/* Bind the loop device lfd to the file fd, clearing itself when unused. */
static int loop_configure(int lfd, int fd, const char *image)
{
	struct loop_info64 info = { .lo_flags = LO_FLAGS_AUTOCLEAR };
	int r;

	loop_info_name(&info, image);
#ifdef LOOP_CONFIGURE
	{
		struct loop_config cfg = { .fd = fd, .info = info };

		if (ioctl(lfd, LOOP_CONFIGURE, &cfg) == 0)
			return 0;
		/* Before Linux 5.8 there is no LOOP_CONFIGURE. */
		if (errno != EINVAL && errno != ENOTTY)
			return -errno;
	}
#endif
	if (ioctl(lfd, LOOP_SET_FD, fd) < 0)
		return -errno;
	if (ioctl(lfd, LOOP_SET_STATUS64, &info) < 0) {
		r = -errno;
		(void)ioctl(lfd, LOOP_CLR_FD, 0);
		return r;
	}
	return 0;
}

/* A loop device already bound to the whole of the file st is (the one a
 * running container's rootfs is mounted from): mounting the filesystem
 * through it gives the same superblock, where a second loop device would
 * mount it twice.  Its fd and name, or -ENOENT. */
static int loop_find(const struct stat *st, char name[LOOP_NAME_MAX])
{
	DIR *d = opendir("/sys/block");
	int found = -ENOENT;

	if (!d)
		return -ENOENT;
	for (struct dirent *e; found < 0 && (e = readdir(d));) {
		struct loop_info64 info;
		char bound[PATH_MAX];
		unsigned n;
		int lfd;

		if (sscanf(e->d_name, "loop%u", &n) != 1)
			continue;
		/* loop/ is there while the device is bound. */
		snprintf(bound, sizeof(bound), "%s/loop", e->d_name);
		if (faccessat(dirfd(d), bound, F_OK, 0) < 0)
			continue;
		snprintf(name, LOOP_NAME_MAX, "/dev/loop%u", n);
		lfd = open(name, O_RDWR | O_CLOEXEC);
		if (lfd < 0)
			continue;
		if (ioctl(lfd, LOOP_GET_STATUS64, &info) == 0 && info.lo_device == st->st_dev &&
		    info.lo_inode == st->st_ino && info.lo_offset == 0 && info.lo_sizelimit == 0 &&
		    !(info.lo_flags & LO_FLAGS_READ_ONLY))
			found = lfd;
		else
			close(lfd);
	}
	closedir(d);
	return found;
}

/* A loop device for the image open as fd: its fd, its name in name. */
static int loop_attach(int fd, const char *image, char name[LOOP_NAME_MAX])
{
	_cleanup_close_ int ctl = -1;
	struct stat st;
	int lfd, r;

	if (fstat(fd, &st) < 0)
		return -errno;
	lfd = loop_find(&st, name);
	if (lfd >= 0)
		return lfd;
	ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	if (ctl < 0)
		return -errno;
	for (int i = 0; i < LOOP_ATTACH_TRIES; i++) {
		int n = ioctl(ctl, LOOP_CTL_GET_FREE);

		if (n < 0)
			return -errno;
		snprintf(name, LOOP_NAME_MAX, "/dev/loop%d", n);
		lfd = open(name, O_RDWR | O_CLOEXEC);
		if (lfd < 0)
			return -errno;
		r = loop_configure(lfd, fd, image);
		if (r == 0)
			return lfd;
		close(lfd);
		/* Taken by someone else meanwhile: the next free one. */
		if (r != -EBUSY)
			return r;
	}
	return -EBUSY;
}

/* ------------------------------------------------------------ mounting */

/* What to mount for dev: the device itself, or for an image file a loop
 * device, held by *ret_hold until the filesystem is mounted; and the
 * filesystem's type, probed when fstype is NULL. */
static int block_source(const char *dev, const char *fstype, char ret_source[PATH_MAX],
			int *ret_hold, char **ret_fstype)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *type = NULL;
	char name[LOOP_NAME_MAX];
	struct stat st;
	int r;

	if (stat(dev, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
		return -ENOTBLK;
	if (fstype)
		type = strdup(fstype);
	else {
		r = fstype_probe(dev, &type);
		if (r < 0)
			return r;
	}
	if (!type)
		return -ENOMEM;
	if (S_ISBLK(st.st_mode)) {
		if (strlen(dev) >= PATH_MAX)
			return -ENAMETOOLONG;
		strcpy(ret_source, dev);
		*ret_hold = -1;
	} else {
		fd = open(dev, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		r = loop_attach(fd, dev, name);
		if (r < 0)
			return r;
		strcpy(ret_source, name);
		*ret_hold = r;
	}
	*ret_fstype = TAKE_PTR(type);
	return 0;
}

/* An XFS snapshot has its origin's UUID, which XFS refuses to mount
 * twice; other filesystems need no options. */
static const char *block_mount_data(const char *fstype)
{
	return streq(fstype, "xfs") ? "nouuid" : NULL;
}

int storage_block_mount(const char *dev, const char *fstype, const char *target)
{
	_cleanup_free_ char *type = NULL;
	_cleanup_close_ int hold = -1;
	char source[PATH_MAX];
	int r;

	r = block_source(dev, fstype, source, &hold, &type);
	if (r < 0)
		return r;
	if (mount(source, target, type, 0, block_mount_data(type)) < 0)
		return -errno;
	/* hold closes here: the mount is the loop device's only user. */
	return 0;
}

/* The configured fs context of the filesystem on dev, and in *ret_hold
 * the loop device of an image file: it must stay open until the
 * filesystem is mounted, and then goes with the mount. */
static int block_fs_context(const char *dev, const char *fstype, int *ret_hold)
{
	_cleanup_free_ char *type = NULL;
	_cleanup_close_ int hold = -1, fs = -1;
	const char *data;
	char source[PATH_MAX];
	int r;

	r = block_source(dev, fstype, source, &hold, &type);
	if (r < 0)
		return r;
	fs = fsopen(type, FSOPEN_CLOEXEC);
	if (fs < 0)
		return -errno;
	data = block_mount_data(type);
	if (fsconfig(fs, FSCONFIG_SET_STRING, "source", source, 0) < 0 ||
	    (data && fsconfig(fs, FSCONFIG_SET_FLAG, data, NULL, 0) < 0))
		return -errno;
	*ret_hold = TAKE_FD(hold);
	return TAKE_FD(fs);
}

int storage_block_open_root(const char *dev, const char *fstype)
{
	_cleanup_close_ int hold = -1;
	_cleanup_close_ int fs = block_fs_context(dev, fstype, &hold);

	return fs < 0 ? fs : storage_fs_open_root(fs);
}

int storage_block_open_mount(const char *dev, const char *fstype)
{
	_cleanup_close_ int hold = -1;
	_cleanup_close_ int fs = block_fs_context(dev, fstype, &hold);

	return fs < 0 ? fs : storage_fs_mount(fs);
}
