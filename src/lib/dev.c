/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "dev.h"
#include "rootfs.h"
#include "util/macro.h"

static const struct {
	const char *name;
	unsigned maj, min;
} dev_nodes[] = {
	{ "null", 1, 3 },   { "zero", 1, 5 }, { "full", 1, 7 },
	{ "random", 1, 8 }, { "urandom", 1, 9 }, { "tty", 5, 0 },
};

static const struct {
	const char *name, *target;
} dev_links[] = {
	{ "fd", "/proc/self/fd" },         { "stdin", "/proc/self/fd/0" },
	{ "stdout", "/proc/self/fd/1" },   { "stderr", "/proc/self/fd/2" },
	{ "ptmx", "pts/ptmx" },
};

/* mknod, or where that is not allowed (a user namespace), a bind mount of
 * the host's node. */
static int dev_node(int devfd, int rootfd, const char *name, unsigned maj, unsigned min)
{
	char host[64], inside[64];
	int fd;

	if (mknodat(devfd, name, S_IFCHR | 0666, makedev(maj, min)) == 0) {
		/* The umask must not take the world bits away. */
		return fchmodat(devfd, name, 0666, 0) < 0 ? -errno : 0;
	}
	if (errno == EEXIST)
		return 0;
	if (errno != EPERM)
		return -errno;
	fd = openat(devfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (fd < 0)
		return -errno;
	close(fd);
	snprintf(host, sizeof(host), "/dev/%s", name);
	snprintf(inside, sizeof(inside), "dev/%s", name);
	return mount_beneath(rootfd, host, inside, NULL, MS_BIND, NULL, 0);
}

static int dev_autodev(int rootfd, const struct mgr_conf *conf, char *err, size_t errlen)
{
	_cleanup_close_ int devfd = -1;
	char data[64], *p;
	mode_t old;
	int r;

	r = mount_beneath(rootfd, "none", "dev", "tmpfs", MS_NOSUID | MS_NOEXEC,
			  "size=500000,mode=755", BENEATH_CREATE_DIR);
	if (r < 0) {
		snprintf(err, errlen, "Failed to mount a tmpfs on /dev: %s", strerror(-r));
		return r;
	}
	devfd = open_beneath_dir(rootfd, "dev", 0);
	if (devfd < 0)
		return devfd;
	old = umask(0);
	for (size_t i = 0; i < ARRAY_SIZE(dev_nodes); i++) {
		r = dev_node(devfd, rootfd, dev_nodes[i].name, dev_nodes[i].maj, dev_nodes[i].min);
		if (r < 0) {
			umask(old);
			snprintf(err, errlen, "Failed to create /dev/%s: %s", dev_nodes[i].name,
				 strerror(-r));
			return r;
		}
	}
	umask(old);
	for (size_t i = 0; i < ARRAY_SIZE(dev_links); i++)
		if (symlinkat(dev_links[i].target, devfd, dev_links[i].name) < 0 && errno != EEXIST)
			return -errno;
	if (mkdirat(devfd, "pts", 0755) < 0 || mkdirat(devfd, "shm", 01777) < 0 ||
	    mkdirat(devfd, "mqueue", 0755) < 0)
		return -errno;
	(void)!fchmodat(devfd, "shm", 01777, 0);
	if (conf->pty_max)
		snprintf(data, sizeof(data), "newinstance,ptmxmode=0666,mode=0620,gid=5,max=%u",
			 conf->pty_max);
	else
		snprintf(data, sizeof(data), "newinstance,ptmxmode=0666,mode=0620,gid=5");
	r = mount_beneath(rootfd, "devpts", "dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, data, 0);
	/* A user namespace without a group 5 (tty): the ptys get root's group. */
	if (r == -EINVAL && (p = strstr(data, ",gid=5"))) {
		memmove(p, p + 6, strlen(p + 6) + 1);
		r = mount_beneath(rootfd, "devpts", "dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, data, 0);
	}
	if (r < 0) {
		snprintf(err, errlen, "Failed to mount devpts on /dev/pts: %s", strerror(-r));
		return r;
	}
	return 0;
}

static int dev_bind_pty(int rootfd, const struct pty *p, const char *path, char *err,
			size_t errlen)
{
	int r = mount_beneath(rootfd, p->slave_path, path, NULL, MS_BIND, NULL,
			      BENEATH_CREATE_DIR | BENEATH_CREATE_FILE);

	if (r < 0)
		snprintf(err, errlen, "Failed to bind \"%s\" on /%s: %s", p->slave_path, path,
			 strerror(-r));
	return r;
}

int dev_setup(int rootfd, const struct mgr_conf *conf, const struct terminals *t, char *err,
	      size_t errlen)
{
	char path[300];
	int r;

	if (conf->autodev != 0) {
		r = dev_autodev(rootfd, conf, err, errlen);
		if (r < 0)
			return r;
	}
	if (t->have_console) {
		r = dev_bind_pty(rootfd, &t->console, "dev/console", err, errlen);
		if (r < 0)
			return r;
	}
	for (unsigned i = 0; i < t->n_ttys; i++) {
		if (conf->tty_dir)
			snprintf(path, sizeof(path), "dev/%s/tty%u", conf->tty_dir, i + 1);
		else
			snprintf(path, sizeof(path), "dev/tty%u", i + 1);
		r = dev_bind_pty(rootfd, &t->ttys[i], path, err, errlen);
		if (r < 0)
			return r;
		if (conf->tty_dir) {
			char link[64], target[300];
			int d = open_beneath_dir(rootfd, "dev", 0);

			if (d < 0)
				return d;
			snprintf(link, sizeof(link), "tty%u", i + 1);
			snprintf(target, sizeof(target), "%s/tty%u", conf->tty_dir, i + 1);
			(void)unlinkat(d, link, 0);
			r = symlinkat(target, d, link) < 0 ? -errno : 0;
			close(d);
			if (r < 0)
				return r;
		}
	}
	return 0;
}
