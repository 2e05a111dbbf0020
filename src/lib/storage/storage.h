/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Where a container's root filesystem lives, behind one ops table per
 * backend.  A backend is named by the prefix of rootfs.path:
 *
 *   dir:PATH            (or a bare PATH) a directory, bound at start
 *   overlay:LOWER:UPPER an overlayfs of a read-only LOWER directory and a
 *                       writable UPPER one; its work directory and its
 *                       mount point are next to UPPER ("work", "merged")
 *
 * Functions return 0 or -errno and do not log: the caller, who knows the
 * container, says what failed.
 */
#ifndef MGR_STORAGE_H
#define MGR_STORAGE_H

#include <stdbool.h>
#include <stdint.h>

struct storage;

struct storage_ops {
	const char *name;
	/* Make the empty storage (directories); -EEXIST when it exists. */
	int (*create)(const struct storage *s);
	/* Remove what belongs to this storage (an overlay's lower stays). */
	int (*destroy)(const struct storage *s);
	/* In the container's mount namespace, after clone(): mount the rootfs
	 * on target.  No allocation here. */
	int (*mount)(const struct storage *s, const char *target);
	/* On the host: a directory fd (O_RDONLY) of the whole rootfs, to
	 * read it or change files in it, with no mount left in any mount
	 * namespace (overlay: a detached mount, gone with the fd). */
	int (*open_root)(const struct storage *s);
	/* Fill the new storage to (created here) with a full copy of from. */
	int (*copy)(const struct storage *from, const struct storage *to);
	/* Make to (created here) a copy-on-write snapshot of from. */
	int (*snapshot)(const struct storage *from, const struct storage *to);
	/* Bytes used on disk by this storage itself (an overlay's upper). */
	int (*size)(const struct storage *s, uint64_t *ret);
};

struct storage {
	const struct storage_ops *ops;
	char *spec;       /* rootfs.path with its prefix: "dir:/x"           */
	char *src;        /* dir: the directory; overlay: the lower          */
	char *upper;      /* overlay only                                    */
	char *work;       /* overlay: dirname(upper)/work                    */
	char *merged;     /* overlay: dirname(upper)/merged, the mount point */
	char *mount_data; /* overlay: lowerdir=...,upperdir=...,workdir=...  */
};

extern const struct storage_ops storage_dir_ops;
extern const struct storage_ops storage_overlay_ops;

/* The backend called name, or NULL. */
const struct storage_ops *storage_backend(const char *name);
/* True for a backend name mgr knows of but does not implement yet. */
bool storage_backend_planned(const char *name);
/* Split rootfs.path: -EINVAL for a malformed one, -EOPNOTSUPP for a
 * backend that is not available. */
int storage_parse(const char *spec, struct storage **ret);
/* A storage of backend name at dir (dir: dir itself; overlay: a
 * snapshot of lower with dir/upper, dir/work, dir/merged). */
int storage_new(const char *name, const char *dir, const char *lower, struct storage **ret);
void storage_free(struct storage *s);
static inline void storage_freep(struct storage **s) { storage_free(*s); }
#define _cleanup_storage_free_ __attribute__((cleanup(storage_freep)))

/* Where the rootfs is mounted at start (without rootfs.mount). */
const char *storage_mount_point(const struct storage *s);

/* Copy the tree of the directory fd root_fd into the existing, empty
 * directory dest with everything cp -a keeps (owners, modes, times, hard
 * links, device nodes, ACLs, xattrs, file capabilities), sparse files
 * kept sparse and reflinks where the filesystem can. */
int storage_copy_tree(int root_fd, const char *dest);
/* Bytes on disk of the tree at path (each inode once). */
int storage_tree_size(const char *path, uint64_t *ret);

#endif
