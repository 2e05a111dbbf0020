/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/ring.h"

int ring_init(struct ring *r, size_t size)
{
	*r = (struct ring){ .size = size };
	if (size == 0)
		return 0;
	r->buf = malloc(size);
	if (!r->buf) {
		r->size = 0;
		return -ENOMEM;
	}
	return 0;
}

void ring_free(struct ring *r)
{
	free(r->buf);
	*r = (struct ring){ 0 };
}

void ring_write(struct ring *r, const void *data, size_t n)
{
	const char *p = data;
	size_t end, first;

	if (r->size == 0 || n == 0)
		return;
	if (n >= r->size) {
		/* Only the tail of data survives. */
		memcpy(r->buf, p + n - r->size, r->size);
		r->start = 0;
		r->len = r->size;
		return;
	}
	end = (r->start + r->len) % r->size;
	first = r->size - end < n ? r->size - end : n;
	memcpy(r->buf + end, p, first);
	memcpy(r->buf, p + first, n - first);
	r->len += n;
	if (r->len > r->size) {
		r->start = (r->start + r->len - r->size) % r->size;
		r->len = r->size;
	}
}

int ring_copy(const struct ring *r, char **ret, size_t *ret_len)
{
	size_t first = r->len;
	char *out = malloc(r->len + 1);

	if (!out)
		return -ENOMEM;
	if (r->len) {
		if (r->start + r->len > r->size)
			first = r->size - r->start;
		memcpy(out, r->buf + r->start, first);
		memcpy(out + first, r->buf, r->len - first);
	}
	out[r->len] = 0;
	*ret = out;
	*ret_len = r->len;
	return 0;
}
