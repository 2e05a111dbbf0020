/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Where a container's root filesystem lives, behind one ops table per
 * backend.  A backend is named by the prefix of rootfs.path:
 *
 *   dir:PATH            (or a bare PATH) a directory, bound at start
 *   overlay:LOWER:UPPER an overlayfs of a read-only LOWER directory and a
 *                       writable UPPER one; its work directory and its
 *                       mount point are next to UPPER ("work", "merged")
 *   btrfs:PATH          a btrfs subvolume, bound at start
 *   loop:FILE           an image file holding a filesystem, mounted
 *                       through a loop device that goes with the mount
 *   lvm:/dev/VG/LV      an LVM logical volume holding a filesystem
 *
 * Functions return 0 or -errno and do not log: the caller, who knows the
 * container, says what failed.
 */
#ifndef MGR_STORAGE_H
#define MGR_STORAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mgr/mgr.h"

#define STORAGE_DEFAULT_FSSIZE (1ULL << 30)
#define STORAGE_DEFAULT_FSTYPE "ext4"
#define STORAGE_DEFAULT_VGNAME "mgr"

struct storage;

struct storage_ops {
	const char *name;
	/* Is the storage there and of the right kind?  -ENOENT, -ENOTDIR,
	 * -ENOTBLK... otherwise. */
	int (*check)(const struct storage *s);
	/* Make the empty storage (a directory, a subvolume, a filesystem in
	 * an image or an LV); -EEXIST when it exists. */
	int (*create)(const struct storage *s);
	/* Remove what belongs to this storage (an overlay's lower stays). */
	int (*destroy)(const struct storage *s);
	/* In a private mount namespace (the container's after clone(), or a
	 * helper process's): mount the rootfs on target. */
	int (*mount)(const struct storage *s, const char *target);
	/* On the host: a directory fd (O_RDONLY) of the whole rootfs, to
	 * read it or change files in it, with no mount left in any mount
	 * namespace (a detached mount, gone with the fd, where the storage
	 * needs mounting). */
	int (*open_root)(const struct storage *s);
	/* On the host: the rootfs as a detached mount (the O_PATH fd of
	 * fsmount() or open_tree()), to be moved into a container's mount
	 * namespace; NULL: a recursive clone of the tree at src. */
	int (*open_mount)(const struct storage *s);
	/* The same, its files seen through the user namespace userns_fd (an
	 * idmapped mount); NULL: open_mount() then idmapped. */
	int (*open_mount_idmapped)(const struct storage *s, int userns_fd);
	/* Make to (not there yet; created here) a copy-on-write snapshot of
	 * from; -EOPNOTSUPP when this backend cannot snapshot from's. */
	int (*snapshot)(const struct storage *from, const struct storage *to);
	/* Does s need origin to exist (a snapshot that reads it)?  NULL: no. */
	bool (*depends_on)(const struct storage *s, const struct storage *origin);
	/* Bytes used on disk by this storage itself (an overlay's upper). */
	int (*size)(const struct storage *s, uint64_t *ret);
};

struct storage {
	const struct storage_ops *ops;
	char *spec;       /* rootfs.path with its prefix: "dir:/x"             */
	char *src;        /* dir, btrfs: the directory; overlay: the lower;
			     loop: the image file; lvm: the device /dev/VG/LV  */
	char *mnt;        /* where it is mounted at start (storage_mount_point) */
	/* overlay */
	char *upper;
	char *work;       /* dirname(upper)/work                               */
	char *mount_data; /* lowerdir=...,upperdir=...,workdir=...             */
	/* loop, lvm: what a new one is made with (storage_new) */
	uint64_t fssize;
	char *fstype;
	char *thinpool;   /* lvm: a thin pool of the volume group, or NULL     */
};

extern const struct storage_ops storage_dir_ops;
extern const struct storage_ops storage_overlay_ops;
extern const struct storage_ops storage_btrfs_ops;
extern const struct storage_ops storage_loop_ops;
extern const struct storage_ops storage_lvm_ops;

/* The backend called name, or NULL. */
const struct storage_ops *storage_backend(const char *name);
/* True for a backend name mgr knows of but was built without. */
bool storage_backend_planned(const char *name);
/* Split rootfs.path: -EINVAL for a malformed one, -EOPNOTSUPP for a
 * backend that is not available. */
int storage_parse(const char *spec, struct storage **ret);
/* Describe (not create) a new storage of backend name for the container
 * whose directory is cdir and whose name is cname:
 *   dir, btrfs   cdir/rootfs, or o->rootfs_dir when given
 *   overlay      cdir/overlay/{upper,work,merged} over origin's directory
 *                (origin: a dir, btrfs, or overlay storage, whose lower
 *                it shares)
 *   loop         cdir/rootdev, o->fssize bytes of o->fstype
 *   lvm          /dev/VGNAME/LVNAME (default: "mgr", cname)
 * origin may be NULL except for overlay; o may be NULL. */
int storage_new(const char *name, const char *cdir, const char *cname,
		const struct storage *origin, const struct mgr_storage_options *o,
		struct storage **ret);
void storage_free(struct storage *s);
static inline void storage_freep(struct storage **s) { storage_free(*s); }
#define _cleanup_storage_free_ __attribute__((cleanup(storage_freep)))

/* Where the rootfs is mounted at start (without rootfs.mount). */
const char *storage_mount_point(const struct storage *s);
/* True when the rootfs is not a directory of the host (loop, lvm): it is
 * seen only through a mount. */
bool storage_is_block(const struct storage *s);

/* Create to and fill it with a full copy of from, through their roots. */
int storage_copy(const struct storage *from, const struct storage *to);
/* Copy the tree of the directory fd from_fd into the empty directory fd
 * to_fd with everything cp -a keeps (owners, modes, times, hard links,
 * device nodes, ACLs, xattrs, file capabilities), sparse files kept
 * sparse and reflinks where the filesystem can.  -ENOEXEC: no cp(1). */
int storage_copy_tree(int from_fd, int to_fd);
/* Bytes on disk of the tree at path (each inode once). */
int storage_tree_size(const char *path, uint64_t *ret);

/* Create the filesystem of the configured fs context fs (fsopen) and
 * mount it detached: a directory fd (O_RDONLY) to read it through; the
 * mount goes with that fd. */
int storage_fs_open_root(int fs);
/* The same as the detached mount itself (an O_PATH fd). */
int storage_fs_mount(int fs);
/* The detached mount of any storage (ops->open_mount, or a clone of src). */
int storage_open_mount(const struct storage *s);
/* The same, idmapped through the user namespace userns_fd: -EINVAL where
 * the filesystem cannot be, -ENOSYS before Linux 5.12. */
int storage_open_mount_idmapped(const struct storage *s, int userns_fd);
/* Make the detached mount mnt (and its submounts) idmapped. */
int storage_mount_idmap(int mnt, int userns_fd);
/* For loop and lvm: the detached mount of the filesystem on the block
 * device dev (fstype NULL: probed), as a directory fd; and mounting it. */
int storage_block_open_root(const char *dev, const char *fstype);
int storage_block_open_mount(const char *dev, const char *fstype);
int storage_block_mount(const char *dev, const char *fstype, const char *target);
/* The size in bytes of a loop image or an LV. */
int storage_block_size(const struct storage *s, uint64_t *ret);
/* Make a filesystem of type fstype on dev (an image file or a device). */
int storage_mkfs(const char *fstype, const char *dev);
/* Run the program argv[0] (looked up in PATH) with the fds keep[0..n_keep)
 * inherited, stdin from /dev/null; its stdout and stderr kept in *out
 * (out NULL: dropped).  0, -ENOEXEC when it cannot run, -EIO when it
 * failed (*out then says why).  Killed with its caller. */
int storage_run(char *const *argv, const int *keep, size_t n_keep, char **out);

#endif
