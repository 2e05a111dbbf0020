/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Shifting a rootfs into a container's id range, once, when it is made:
 * owners, then what a chown takes away or leaves wrong (setuid and setgid
 * bits, file capabilities, whose root id names the owner of the user
 * namespace they are for) and the ids in ACL entries.
 */
#include "config.h"

#include <dirent.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "idmap.h"
#include "util/macro.h"

#define XATTR_CAPS "security.capability"
#define XATTR_ACL_ACCESS "system.posix_acl_access"
#define XATTR_ACL_DEFAULT "system.posix_acl_default"

/* The on-disk ACL format (see acl(5) and the kernel's posix_acl_xattr.h). */
#define ACL_XATTR_VERSION 2
#define ACL_TAG_USER 0x02
#define ACL_TAG_GROUP 0x08
struct acl_entry_disk {
	uint16_t tag, perm;
	uint32_t id;
};

struct shift {
	const struct conf_idmap *from, *to;
	size_t nfrom, nto;
	dev_t dev;
};

/* The new host id of a host id, or IDMAP_INVALID to leave it. */
static long long shift_id(const struct shift *s, char type, unsigned long id)
{
	long long ns = idmap_to_ns(s->from, s->nfrom, type, id);

	if (ns == IDMAP_INVALID)
		return IDMAP_INVALID;
	return idmap_to_host(s->to, s->nto, type, (unsigned long)ns);
}

/* xattr calls by name below a directory fd, never following the name. */
static void xattr_path(char *buf, size_t size, int dfd, const char *name)
{
	snprintf(buf, size, "/proc/self/fd/%d/%s", dfd, name);
}

static int acl_shift(const struct shift *s, const char *path, const char *attr)
{
	char buf[4096];
	ssize_t n = lgetxattr(path, attr, buf, sizeof(buf));
	bool changed = false;

	if (n < 0)
		return errno == ENODATA || errno == EOPNOTSUPP ? 0 : -errno;
	if (n < 4 || le32toh(*(uint32_t *)buf) != ACL_XATTR_VERSION)
		return 0;
	for (size_t off = 4; off + sizeof(struct acl_entry_disk) <= (size_t)n;
	     off += sizeof(struct acl_entry_disk)) {
		struct acl_entry_disk *e = (struct acl_entry_disk *)(buf + off);
		uint16_t tag = le16toh(e->tag);
		long long id;

		if (tag != ACL_TAG_USER && tag != ACL_TAG_GROUP)
			continue;
		id = shift_id(s, tag == ACL_TAG_USER ? 'u' : 'g', le32toh(e->id));
		if (id != IDMAP_INVALID && (uint32_t)id != le32toh(e->id)) {
			e->id = htole32((uint32_t)id);
			changed = true;
		}
	}
	if (changed && lsetxattr(path, attr, buf, (size_t)n, 0) < 0)
		return -errno;
	return 0;
}

/* Read before the chown (which removes it); *ret_len 0: none. */
static int caps_read(const char *path, struct vfs_ns_cap_data *ret, ssize_t *ret_len)
{
	ssize_t n = lgetxattr(path, XATTR_CAPS, ret, sizeof(*ret));

	*ret_len = 0;
	if (n < 0)
		return errno == ENODATA || errno == EOPNOTSUPP ? 0 : -errno;
	*ret_len = n;
	return 0;
}

/* Write back as revision 3, for the root of the new range. */
static int caps_write(const struct shift *s, const char *path, struct vfs_ns_cap_data *c,
		      ssize_t len)
{
	uint32_t magic = le32toh(c->magic_etc);
	unsigned long rootid = 0;
	long long newroot;

	if ((magic & VFS_CAP_REVISION_MASK) == VFS_CAP_REVISION_3 &&
	    len == (ssize_t)XATTR_CAPS_SZ_3)
		rootid = le32toh(c->rootid);
	else if ((magic & VFS_CAP_REVISION_MASK) != VFS_CAP_REVISION_2 ||
		 len != (ssize_t)XATTR_CAPS_SZ_2)
		return 0; /* revision 1 or something else: left alone */
	newroot = shift_id(s, 'u', rootid);
	if (newroot == IDMAP_INVALID)
		newroot = (long long)rootid;
	c->magic_etc = htole32(VFS_CAP_REVISION_3 | (magic & VFS_CAP_FLAGS_EFFECTIVE));
	c->rootid = htole32((uint32_t)newroot);
	if (lsetxattr(path, XATTR_CAPS, c, XATTR_CAPS_SZ_3, 0) < 0)
		return -errno;
	return 0;
}

static int entry_shift(const struct shift *s, int dfd, const char *name, const struct stat *st)
{
	long long uid = shift_id(s, 'u', st->st_uid), gid = shift_id(s, 'g', st->st_gid);
	struct vfs_ns_cap_data caps;
	ssize_t caps_len = 0;
	char path[PATH_MAX];
	int r;

	if (uid == IDMAP_INVALID)
		uid = st->st_uid;
	if (gid == IDMAP_INVALID)
		gid = st->st_gid;
	if (uid == st->st_uid && gid == st->st_gid)
		return 0; /* shifted already (a second hard link), or not ours */
	xattr_path(path, sizeof(path), dfd, name);
	if (S_ISREG(st->st_mode)) {
		r = caps_read(path, &caps, &caps_len);
		if (r < 0)
			return r;
	}
	if (fchownat(dfd, name, (uid_t)uid, (gid_t)gid, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	if (S_ISLNK(st->st_mode))
		return 0;
	if (S_ISREG(st->st_mode) && (st->st_mode & (S_ISUID | S_ISGID)) &&
	    fchmodat(dfd, name, st->st_mode & 07777, 0) < 0)
		return -errno;
	if (caps_len > 0) {
		r = caps_write(s, path, &caps, caps_len);
		if (r < 0)
			return r;
	}
	r = acl_shift(s, path, XATTR_ACL_ACCESS);
	if (r == 0 && S_ISDIR(st->st_mode))
		r = acl_shift(s, path, XATTR_ACL_DEFAULT);
	return r;
}

static int dir_shift(const struct shift *s, int dfd)
{
	DIR *d;
	struct dirent *de;
	int fd = dup(dfd), r = 0;

	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (!d) {
		r = -errno;
		close(fd);
		return r;
	}
	while (r == 0 && (errno = 0, de = readdir(d))) {
		struct stat st;

		if (streq(de->d_name, ".") || streq(de->d_name, ".."))
			continue;
		if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			r = -errno;
			break;
		}
		if (st.st_dev != s->dev)
			continue; /* a mount point: another filesystem */
		/* Children first: the directory keeps its owner's access until
		 * they are done. */
		if (S_ISDIR(st.st_mode)) {
			int sub = openat(dfd, de->d_name,
					 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			if (sub < 0) {
				r = -errno;
				break;
			}
			r = dir_shift(s, sub);
			close(sub);
			if (r < 0)
				break;
		}
		r = entry_shift(s, dfd, de->d_name, &st);
	}
	if (r == 0 && errno != 0)
		r = -errno;
	closedir(d);
	return r;
}

int idmap_shift_tree(int rootfd, const struct conf_idmap *from, size_t nfrom,
		     const struct conf_idmap *to, size_t nto)
{
	struct shift s = { from, to, nfrom, nto, 0 };
	struct stat st;
	int r;

	if (fstat(rootfd, &st) < 0)
		return -errno;
	s.dev = st.st_dev;
	r = dir_shift(&s, rootfd);
	if (r < 0)
		return r;
	return entry_shift(&s, rootfd, ".", &st);
}
