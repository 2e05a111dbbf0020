/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A byte ring: keeps the last `size` bytes written to it. */
#ifndef MGR_RING_H
#define MGR_RING_H

#include <stddef.h>

struct ring {
	char *buf;
	size_t size;  /* capacity; 0: the ring keeps nothing */
	size_t start; /* offset of the oldest byte */
	size_t len;   /* bytes held, at most size */
};

/* A ring of size bytes (0 is allowed and keeps nothing). */
int ring_init(struct ring *r, size_t size);
void ring_free(struct ring *r);
/* Append, dropping the oldest bytes when full. */
void ring_write(struct ring *r, const void *data, size_t n);
/* The bytes held, oldest first, into a malloc'd buffer (never NULL on
 * success, even when empty). */
int ring_copy(const struct ring *r, char **ret, size_t *ret_len);

#endif
