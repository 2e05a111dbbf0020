/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mgr-tree-sum: one SHA-256 digest over a whole directory tree.
 *
 *   mgr-tree-sum DIR
 *
 * Prints the hex digest of DIR and everything below it.  The templates
 * record it when they finish a rootfs cache and compare it before they
 * reuse the cache, so that a damaged or half-written cache is rebuilt
 * instead of copied into a container.
 *
 * The walk never follows symbolic links and never enters another mount
 * (or another filesystem); the entries of each directory are visited in
 * byte order of their names, so the same tree always gives the same digest.
 * For every entry the digest covers, in this order:
 *
 *   its path relative to DIR ("." for DIR itself), NUL;
 *   "TYPE MODE UID GID NLINK SIZE MAJOR:MINOR", NUL, where TYPE is one of
 *     f d l c b p s, MODE the permission bits in octal, NLINK the link
 *     count (0 for directories, whose count depends on the filesystem),
 *     SIZE the size of regular files and symlinks (0 otherwise) and
 *     MAJOR:MINOR the device numbers of device nodes (0:0 otherwise);
 *   for a symlink its target, NUL; for a regular file its SIZE bytes;
 *   each extended attribute (ACLs, file capabilities, ...) in name order
 *     as "x", name, NUL, length in decimal, NUL, value;
 *   "\n".
 * A mount point inside DIR is recorded as its path, NUL, "m", NUL, "\n",
 * without anything of the filesystem mounted there.  Timestamps are not
 * part of the digest.
 *
 * Exit status: 0 with the digest on stdout; 1 with a message on stderr;
 * 2 for a usage error.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#define READ_BUF_SIZE (256 * 1024)

struct walk {
	gnutls_hash_hd_t hash;
	char path[PATH_MAX]; /* DIR/relative, for messages and the xattr calls */
	size_t root_len;     /* length of DIR in path */
	dev_t dev;
	uint64_t mnt_id;
	bool have_mnt_id;
	char *buf;
	char *xnames;
	size_t xnames_size;
	char *xvalue;
	size_t xvalue_size;
};

static const char *prog = "mgr-tree-sum";

/* Messages name the file; errno is saved by the caller's argument. */
static int fail(const char *path, const char *what, int err)
{
	fprintf(stderr, "%s: %s: %s: %s\n", prog, path, what, strerror(err));
	return -err;
}

static int feed(struct walk *w, const void *data, size_t len)
{
	int r = gnutls_hash(w->hash, data, len);

	if (r < 0) {
		fprintf(stderr, "%s: hashing failed: %s\n", prog, gnutls_strerror(r));
		return -EIO;
	}
	return 0;
}

static int feed_str0(struct walk *w, const char *s)
{
	return feed(w, s, strlen(s) + 1);
}

/* The path of the current entry relative to DIR, "." for DIR itself. */
static const char *rel_path(const struct walk *w)
{
	return w->path[w->root_len] ? w->path + w->root_len + 1 : ".";
}

static char type_char(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG: return 'f';
	case S_IFDIR: return 'd';
	case S_IFLNK: return 'l';
	case S_IFCHR: return 'c';
	case S_IFBLK: return 'b';
	case S_IFIFO: return 'p';
	case S_IFSOCK: return 's';
	default: return '?';
	}
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Grows *buf to at least size bytes. */
static int reserve(char **buf, size_t *cap, size_t size)
{
	char *p;

	if (size <= *cap)
		return 0;
	p = realloc(*buf, size);
	if (!p)
		return -ENOMEM;
	*buf = p;
	*cap = size;
	return 0;
}

/* Extended attributes of w->path (not followed), sorted by name. */
static int hash_xattrs(struct walk *w)
{
	char *names[256], *p;
	size_t n = 0;
	ssize_t len;
	char num[32];
	int r;

	for (;;) {
		len = llistxattr(w->path, w->xnames, w->xnames_size);
		if (len >= 0)
			break;
		if (errno == ENOTSUP)
			return 0;
		if (errno != ERANGE)
			return fail(w->path, "Failed to list extended attributes", errno);
		len = llistxattr(w->path, NULL, 0);
		if (len < 0)
			return fail(w->path, "Failed to list extended attributes", errno);
		if (reserve(&w->xnames, &w->xnames_size, (size_t)len + 1) < 0)
			return fail(w->path, "Failed to list extended attributes", ENOMEM);
	}
	for (p = w->xnames; p < w->xnames + len; p += strlen(p) + 1) {
		if (n == sizeof(names) / sizeof(names[0]))
			return fail(w->path, "Failed to read extended attributes", E2BIG);
		names[n++] = p;
	}
	qsort(names, n, sizeof(names[0]), cmp_names);

	for (size_t i = 0; i < n; i++) {
		ssize_t vlen;

		for (;;) {
			vlen = lgetxattr(w->path, names[i], w->xvalue, w->xvalue_size);
			if (vlen >= 0)
				break;
			if (errno != ERANGE)
				return fail(w->path, "Failed to read an extended attribute", errno);
			vlen = lgetxattr(w->path, names[i], NULL, 0);
			if (vlen < 0)
				return fail(w->path, "Failed to read an extended attribute", errno);
			if (reserve(&w->xvalue, &w->xvalue_size, (size_t)vlen + 1) < 0)
				return fail(w->path, "Failed to read an extended attribute", ENOMEM);
		}
		snprintf(num, sizeof(num), "%zd", vlen);
		if ((r = feed(w, "x", 1)) < 0 || (r = feed_str0(w, names[i])) < 0 ||
		    (r = feed_str0(w, num)) < 0 || (r = feed(w, w->xvalue, (size_t)vlen)) < 0)
			return r;
	}
	return 0;
}

/* The contents of a regular file, which must still be the one we stat()ed. */
static int hash_contents(struct walk *w, int dirfd, const char *name, const struct stat *st)
{
	int flags = O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | O_CLOEXEC;
	uint64_t total = 0;
	struct stat now;
	ssize_t n;
	int fd, r = 0;

	fd = openat(dirfd, name, flags | O_NOATIME);
	if (fd < 0 && errno == EPERM)
		fd = openat(dirfd, name, flags);
	if (fd < 0)
		return fail(w->path, "Failed to open", errno);
	if (fstat(fd, &now) < 0) {
		r = fail(w->path, "Failed to stat", errno);
		goto out;
	}
	if (now.st_ino != st->st_ino || now.st_dev != st->st_dev || !S_ISREG(now.st_mode)) {
		fprintf(stderr, "%s: %s: replaced while it was read\n", prog, w->path);
		r = -EAGAIN;
		goto out;
	}
	(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	while ((n = read(fd, w->buf, READ_BUF_SIZE)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = fail(w->path, "Failed to read", errno);
			goto out;
		}
		total += (uint64_t)n;
		if (total > (uint64_t)st->st_size)
			break;
		r = feed(w, w->buf, (size_t)n);
		if (r < 0)
			goto out;
	}
	if (total != (uint64_t)st->st_size) {
		fprintf(stderr, "%s: %s: changed while it was read\n", prog, w->path);
		r = -EAGAIN;
	}
out:
	close(fd);
	return r;
}

/* True if name (in dirfd) is on another mount than DIR. */
static bool other_mount(struct walk *w, int dirfd, const char *name, const struct stat *st)
{
	struct statx stx;

	if (st->st_dev != w->dev)
		return true;
	if (!w->have_mnt_id)
		return false;
	if (statx(dirfd, name, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT, STATX_MNT_ID, &stx) < 0 ||
	    !(stx.stx_mask & STATX_MNT_ID))
		return false;
	return stx.stx_mnt_id != w->mnt_id;
}

static int hash_dir(struct walk *w, int fd);

/* One entry: w->path is its full path, name its name in dirfd. */
static int hash_entry(struct walk *w, int dirfd, const char *name)
{
	char meta[160], target[PATH_MAX + 1];
	const char *rel = rel_path(w);
	struct stat st;
	unsigned long long nlink = 0, size = 0;
	int sub, r;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return fail(w->path, "Failed to stat", errno);

	if (w->path[w->root_len] && S_ISDIR(st.st_mode) && other_mount(w, dirfd, name, &st)) {
		if ((r = feed_str0(w, rel)) < 0 || (r = feed_str0(w, "m")) < 0)
			return r;
		return feed(w, "\n", 1);
	}

	if (!S_ISDIR(st.st_mode))
		nlink = (unsigned long long)st.st_nlink;
	if (S_ISREG(st.st_mode) || S_ISLNK(st.st_mode))
		size = (unsigned long long)st.st_size;
	snprintf(meta, sizeof(meta), "%c %o %u %u %llu %llu %u:%u", type_char(st.st_mode),
		 (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid, (unsigned)st.st_gid, nlink,
		 size, S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? major(st.st_rdev) : 0,
		 S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? minor(st.st_rdev) : 0);
	if ((r = feed_str0(w, rel)) < 0 || (r = feed_str0(w, meta)) < 0)
		return r;

	if (S_ISLNK(st.st_mode)) {
		ssize_t len = readlinkat(dirfd, name, target, sizeof(target) - 1);

		if (len < 0)
			return fail(w->path, "Failed to read the link", errno);
		if ((unsigned long long)len != size) {
			fprintf(stderr, "%s: %s: changed while it was read\n", prog, w->path);
			return -EAGAIN;
		}
		target[len] = 0;
		r = feed(w, target, (size_t)len + 1);
	} else if (S_ISREG(st.st_mode))
		r = hash_contents(w, dirfd, name, &st);
	if (r < 0)
		return r;
	r = hash_xattrs(w);
	if (r < 0)
		return r;
	r = feed(w, "\n", 1);
	if (r < 0 || !S_ISDIR(st.st_mode))
		return r;

	sub = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (sub < 0)
		return fail(w->path, "Failed to open the directory", errno);
	return hash_dir(w, sub); /* takes sub */
}

/* The entries of the directory fd (taken over), sorted by name. */
static int hash_dir(struct walk *w, int fd)
{
	size_t len = strlen(w->path), n = 0, cap = 0;
	char **names = NULL;
	struct dirent *de;
	DIR *d = fdopendir(fd);
	int r = 0;

	if (!d) {
		r = fail(w->path, "Failed to read the directory", errno);
		close(fd);
		return r;
	}
	while ((errno = 0, de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (n == cap) {
			char **p = realloc(names, (cap = cap ? 2 * cap : 64) * sizeof(*names));

			if (!p) {
				r = fail(w->path, "Failed to read the directory", ENOMEM);
				goto out;
			}
			names = p;
		}
		if (!(names[n] = strdup(de->d_name))) {
			r = fail(w->path, "Failed to read the directory", ENOMEM);
			goto out;
		}
		n++;
	}
	if (errno) {
		r = fail(w->path, "Failed to read the directory", errno);
		goto out;
	}
	if (n > 1)
		qsort(names, n, sizeof(*names), cmp_names);

	for (size_t i = 0; i < n && r == 0; i++) {
		size_t nlen = strlen(names[i]);

		if (len + 1 + nlen >= sizeof(w->path)) {
			r = fail(w->path, "Failed to walk below", ENAMETOOLONG);
			break;
		}
		w->path[len] = '/';
		memcpy(w->path + len + 1, names[i], nlen + 1);
		r = hash_entry(w, dirfd(d), names[i]);
		w->path[len] = 0;
	}
out:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return r;
}

static int tree_sum(const char *dir, char *hex, size_t hexlen)
{
	struct walk w = { .root_len = strlen(dir) };
	unsigned char digest[32];
	struct statx stx;
	struct stat st;
	int r;

	while (w.root_len > 1 && dir[w.root_len - 1] == '/')
		w.root_len--;
	if (w.root_len >= sizeof(w.path))
		return fail(dir, "Failed to open", ENAMETOOLONG);
	memcpy(w.path, dir, w.root_len);
	w.path[w.root_len] = 0;
	if (lstat(w.path, &st) < 0)
		return fail(w.path, "Failed to stat", errno);
	if (!S_ISDIR(st.st_mode))
		return fail(w.path, "Failed to walk", ENOTDIR);
	w.dev = st.st_dev;
	if (statx(AT_FDCWD, w.path, AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &stx) == 0 &&
	    (stx.stx_mask & STATX_MNT_ID)) {
		w.mnt_id = stx.stx_mnt_id;
		w.have_mnt_id = true;
	}
	/* Never empty: a zero size would make the xattr calls report sizes. */
	w.buf = malloc(READ_BUF_SIZE);
	if (!w.buf || reserve(&w.xnames, &w.xnames_size, 4096) < 0 ||
	    reserve(&w.xvalue, &w.xvalue_size, 4096) < 0) {
		free(w.buf);
		free(w.xnames);
		return fail(w.path, "Failed to walk", ENOMEM);
	}
	r = gnutls_hash_init(&w.hash, GNUTLS_DIG_SHA256);
	if (r < 0) {
		fprintf(stderr, "%s: Failed to start SHA-256: %s\n", prog, gnutls_strerror(r));
		free(w.buf);
		free(w.xnames);
		free(w.xvalue);
		return -EIO;
	}
	/* DIR itself: its name in its parent does not matter, so "." . */
	r = hash_entry(&w, AT_FDCWD, w.path);
	gnutls_hash_deinit(w.hash, digest);
	free(w.buf);
	free(w.xnames);
	free(w.xvalue);
	if (r < 0)
		return r;
	for (size_t i = 0; i < sizeof(digest) && 2 * i + 2 < hexlen; i++)
		snprintf(hex + 2 * i, 3, "%02x", digest[i]);
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: %s DIR\n"
		"\n"
		"Prints the SHA-256 digest of the tree DIR: every entry's path, type, mode,\n"
		"owner, link count, size, symlink target, device numbers, extended attributes\n"
		"and contents, in sorted order, without following symlinks or entering other\n"
		"mounts.\n",
		prog);
}

int main(int argc, char *argv[])
{
	char hex[65] = "";

	if (argc == 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		usage(stdout);
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "--") == 0)
		argv++, argc--;
	if (argc != 2 || (argv[1][0] == '-' && argv[1][1])) {
		usage(stderr);
		return 2;
	}
	if (tree_sum(argv[1], hex, sizeof(hex)) < 0)
		return 1;
	if (printf("%s\n", hex) < 0 || fflush(stdout) != 0) {
		fprintf(stderr, "%s: Failed to write the digest: %s\n", prog, strerror(errno));
		return 1;
	}
	return 0;
}
