/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Small helpers used everywhere: cleanup attributes and ownership moves. */
#ifndef MGR_MACRO_H
#define MGR_MACRO_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define _public_ __attribute__((visibility("default")))
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define _noreturn_ __attribute__((noreturn))
#define _unused_ __attribute__((unused))

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static inline void freep(void *p) { free(*(void **)p); }
static inline void closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}
static inline void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)
#define _cleanup_fclose_ _cleanup_(fclosep)

/* Hand ownership out of a cleanup variable. */
#define TAKE_PTR(p)                         \
	({                                  \
		__typeof__(p) _tp = (p);    \
		(p) = NULL;                 \
		_tp;                        \
	})
#define TAKE_FD(fd)                 \
	({                          \
		int _tf = (fd);     \
		(fd) = -1;          \
		_tf;                \
	})

/* -errno of the last failed call, never 0. */
static inline int negative_errno(void) { return errno > 0 ? -errno : -EIO; }

#define streq(a, b) (strcmp((a), (b)) == 0)

#endif
