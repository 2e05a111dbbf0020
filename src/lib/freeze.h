/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A freeze the monitor waits for inside its loop, so that it goes on
 * serving its clients meanwhile: asked of the cgroup, then watched through
 * cgroup.events (POLLPRI) or, for the v1 freezer, which sends no
 * notification, by reading freezer.state again after 1, 2, 4 ... 50 ms; at
 * the deadline given up and thawed again.
 *
 * The v1 freezer can stay FREEZING for ever: a parent waiting in vfork()
 * for a child that the freezer caught before its exec cannot be frozen,
 * and the child cannot go on.  (Busybox's init and shells vfork.)  So a v1
 * freeze that has not completed after FREEZE_V1_RETRY_MS is thawed for a
 * moment, which lets such a child exec, and asked for again.
 */
#ifndef MGR_FREEZE_H
#define MGR_FREEZE_H

#include <stdbool.h>

#include "cgroups/cgroup.h"

struct freeze_wait {
	bool active;
	int fd;               /* cgroup.events, for POLLPRI; -1: none (v1) */
	long long deadline;   /* CLOCK_MONOTONIC ms; -1: none              */
	long long next_check; /* when to look again without a notification */
	int delay_ms;         /* the v1 freezer's next delay                */
	long long asked_at;   /* v1: when FROZEN was last written           */
	bool thawed_to_retry; /* v1: thawed for a moment, to ask again      */
};
#define FREEZE_WAIT_INIT { .fd = -1 }

/* Ask for the frozen state; timeout in seconds (<0: none).  -EOPNOTSUPP
 * without a freezer. */
int freeze_wait_begin(struct freeze_wait *w, struct cgroup *cg, int timeout);
/* What to give poll(): the fd (POLLPRI) or -1, and the timeout in ms until
 * the next look (-1: none, nothing is being waited for). */
int freeze_wait_fd(const struct freeze_wait *w);
int freeze_wait_timeout(const struct freeze_wait *w);
/* Look: 1 frozen, 0 not yet (call again after the next poll()), or a
 * negative errno (-ETIMEDOUT past the deadline) after thawing again.  The
 * wait is over unless 0 is returned. */
int freeze_wait_step(struct freeze_wait *w, struct cgroup *cg);
/* Stop waiting (the caller thaws, stops, ...). */
void freeze_wait_end(struct freeze_wait *w);

#endif
