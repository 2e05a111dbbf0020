/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Reading and writing small files, directories. */
#ifndef MGR_FILEIO_H
#define MGR_FILEIO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Whole file into a NUL-terminated malloc'd buffer. */
int read_file(const char *path, char **ret, size_t *ret_len);
int read_file_at(int dirfd, const char *path, char **ret, size_t *ret_len);
/* The same for a file that must be a regular one, not reached through a
 * symlink (a file of a guest, read from the host): -ELOOP, -EINVAL else. */
int read_regular_file_at(int dirfd, const char *name, char **ret);
/* Write s (no newline added) to an existing file, e.g. in /proc or /sys. */
int write_file(const char *path, const char *s);
int write_file_at(int dirfd, const char *path, const char *s);
/* Create a new file name in dirfd (never following a symlink) holding s. */
int create_file_at(int dirfd, const char *name, const char *s, mode_t mode);
/* Write atomically: temp file in the same directory, fsync, rename. */
int write_file_atomic(const char *path, const char *s, mode_t mode);
/* The same for len bytes of data (NUL bytes included). */
int write_data_atomic(const char *path, const void *data, size_t len, mode_t mode);
/* Write all of buf to fd, retrying on EINTR and short writes. */
int write_all(int fd, const void *buf, size_t len);
/* Read exactly len bytes; -EPIPE on early EOF. */
int read_all(int fd, void *buf, size_t len);
int mkdir_p(const char *path, mode_t mode);
/* Remove a tree without crossing into other mounts. */
int rm_rf(const char *path);
bool path_exists(const char *path);
/* malloc'd "a/b", NULL on ENOMEM. */
char *path_join(const char *a, const char *b);

#endif
