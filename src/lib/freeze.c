/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <time.h>
#include <unistd.h>

#include "freeze.h"
#include "log.h"

/* The longest delay between two looks at freezer.state, and between two
 * looks at cgroup.events in case a notification went astray. */
#define FREEZE_MAX_DELAY_MS 50
#define FREEZE_EVENTS_RECHECK_MS 200
/* A v1 freeze not done after this long is thawed for FREEZE_V1_THAW_MS and
 * asked for again (see freeze.h). */
#define FREEZE_V1_RETRY_MS 250
#define FREEZE_V1_THAW_MS 10

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

int freeze_wait_begin(struct freeze_wait *w, struct cgroup *cg, int timeout)
{
	int fd = -1, r;

	r = cgroup_freeze_begin(cg, &fd);
	if (r < 0)
		return r;
	*w = (struct freeze_wait){
		.active = true,
		.fd = fd,
		.deadline = timeout < 0 ? -1 : now_ms() + timeout * 1000LL,
		.next_check = now_ms(), /* at once: idle processes freeze fast */
		.delay_ms = 1,
		.asked_at = now_ms(),
	};
	return 0;
}

int freeze_wait_fd(const struct freeze_wait *w)
{
	return w->active ? w->fd : -1;
}

int freeze_wait_timeout(const struct freeze_wait *w)
{
	long long until, now;

	if (!w->active)
		return -1;
	until = w->next_check;
	if (w->deadline >= 0 && w->deadline < until)
		until = w->deadline;
	now = now_ms();
	return until > now ? (int)(until - now) : 0;
}

void freeze_wait_end(struct freeze_wait *w)
{
	if (w->fd >= 0)
		close(w->fd);
	*w = (struct freeze_wait)FREEZE_WAIT_INIT;
}

/* The v1 freezer is not done yet: when to look again, and whether to thaw
 * for a moment or to ask again after such a moment. */
static int freeze_v1_next(struct freeze_wait *w, struct cgroup *cg, long long now)
{
	int r;

	if (w->thawed_to_retry) {
		r = cgroup_freeze_begin(cg, &w->fd);
		if (r < 0)
			return r;
		w->thawed_to_retry = false;
		w->asked_at = now;
		w->delay_ms = 1;
	} else if (now - w->asked_at >= FREEZE_V1_RETRY_MS) {
		log_debug("The freezer is still FREEZING after %d ms: thawing for %d ms, then "
			  "freezing again", FREEZE_V1_RETRY_MS, FREEZE_V1_THAW_MS);
		r = cgroup_thaw(cg);
		if (r < 0)
			return r;
		w->thawed_to_retry = true;
		w->next_check = now + FREEZE_V1_THAW_MS;
		return 0;
	}
	w->next_check = now + w->delay_ms;
	if (w->delay_ms < FREEZE_MAX_DELAY_MS)
		w->delay_ms *= 2;
	return 0;
}

int freeze_wait_step(struct freeze_wait *w, struct cgroup *cg)
{
	long long now;
	int r;

	if (!w->active)
		return -EINVAL;
	/* Thawed for a moment: nothing to look at before asking again. */
	r = w->thawed_to_retry ? 0 : cgroup_freeze_check(cg, w->fd);
	if (r == 0) {
		now = now_ms();
		if (w->deadline < 0 || now < w->deadline) {
			if (w->fd >= 0) {
				w->next_check = now + FREEZE_EVENTS_RECHECK_MS;
				return 0;
			}
			r = freeze_v1_next(w, cg, now);
			if (r == 0)
				return 0;
		} else
			r = -ETIMEDOUT;
	}
	freeze_wait_end(w);
	if (r == 1)
		return 1;
	if (cgroup_thaw(cg) < 0)
		log_warn("Failed to thaw the cgroup again after a failed freeze");
	return r;
}
