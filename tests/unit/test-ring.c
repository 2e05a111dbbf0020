/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The byte ring behind the console buffer. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "util/macro.h"
#include "util/ring.h"

/* What r holds, as a string. */
static char *held(const struct ring *r)
{
	char *s = NULL;
	size_t len = 0;

	if (ring_copy(r, &s, &len) < 0)
		return NULL;
	if (strlen(s) != len) {
		free(s);
		return NULL;
	}
	return s;
}

static void check(const struct ring *r, const char *expected, const char *what)
{
	_cleanup_free_ char *s = held(r);

	is_str(s, expected, "%s", what);
}

int main(void)
{
	struct ring r;

	is_int(ring_init(&r, 8), 0, "a ring of 8 bytes");
	check(&r, "", "empty at first");
	ring_write(&r, "abc", 3);
	check(&r, "abc", "keeps what fits");
	ring_write(&r, "defgh", 5);
	check(&r, "abcdefgh", "full to the byte");
	ring_write(&r, "ij", 2);
	check(&r, "cdefghij", "drops the oldest when full");
	ring_write(&r, "klmno", 5);
	check(&r, "hijklmno", "wraps around");
	ring_write(&r, "0123456789", 10);
	check(&r, "23456789", "a write larger than the ring keeps its tail");
	ring_write(&r, "x", 1);
	check(&r, "3456789x", "and goes on from there");
	ring_free(&r);

	is_int(ring_init(&r, 0), 0, "a ring of 0 bytes");
	ring_write(&r, "abc", 3);
	check(&r, "", "keeps nothing");
	ring_free(&r);
	return done();
}
