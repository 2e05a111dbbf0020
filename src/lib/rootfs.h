/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Mounting inside the container's rootfs.  Paths inside a rootfs belong to
 * the container and are untrusted: every target is resolved beneath the
 * root (openat2 RESOLVE_IN_ROOT, or a component walk refusing symlinks
 * where openat2 is missing) and mounted through its /proc/self/fd path.
 */
#ifndef MGR_ROOTFS_H
#define MGR_ROOTFS_H

#include <stdbool.h>
#include <sys/types.h>

enum {
	BENEATH_CREATE_DIR = 1 << 0,  /* create missing directories            */
	BENEATH_CREATE_FILE = 1 << 1, /* ... and the last component as a file  */
};

/* Open path (relative to the container root rootfd) with O_PATH; create
 * it as asked.  Returns the fd or -errno. */
int open_beneath(int rootfd, const char *path, unsigned create);

/* The same, opened as a directory one can create things in. */
int open_beneath_dir(int rootfd, const char *path, unsigned create);
/* A usable O_DIRECTORY fd for an O_PATH fd that was resolved safely. */
int fd_reopen_dir(int fd);

/* Mount onto path beneath rootfd (created as asked).  src may be NULL. */
int mount_beneath(int rootfd, const char *src, const char *path, const char *fstype,
		  unsigned long flags, const char *data, unsigned create);

/* Parsed fstab-style options. */
struct mount_opts {
	unsigned long flags;      /* MS_* */
	unsigned long propagation; /* MS_SHARED|MS_SLAVE|MS_PRIVATE|MS_UNBINDABLE (+MS_REC) */
	char data[512];           /* what the filesystem gets */
	unsigned create;          /* create=dir / create=file */
	bool optional;            /* a failure is not an error */
};
int mount_opts_parse(const char *opts, struct mount_opts *ret);

/* Mount one fstab-format line (SRC DST TYPE OPTS) inside the container.
 * DST is relative to the root; an absolute DST is taken inside the root
 * (a leading rootfs_mount prefix is stripped). */
int mount_entry_apply(int rootfd, const char *rootfs_mount, const char *line, char *err,
		      size_t errlen);

/* Make rootfd's directory the root: pivot_root and detach the old root
 * without its unmounts reaching the host. */
int rootfs_pivot(int rootfd);

#endif
