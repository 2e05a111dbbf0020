/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mgr-wait: wait until a container reaches one of the given states. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

static void help(void)
{
	printf("Usage: mgr-wait -n NAME -s STATES [OPTION]...\n"
	       "Wait until the container NAME is in one of STATES.\n"
	       "\n"
	       "Options:\n"
	       "  -s, --state=STATES       the states to wait for, separated by \"|\",\n"
	       "                           e.g. RUNNING or 'RUNNING|FROZEN'\n"
	       "  -t, --timeout=SECONDS    give up after SECONDS; -1 waits forever\n"
	       "                           (default: -1)\n"
	       "\n"
	       "States: STOPPED, STARTING, RUNNING, STOPPING, ABORTING, FREEZING, FROZEN,\n"
	       "THAWED.\n");
	tool_help_common(true, false);
}

/* "RUNNING|FROZEN" as a set of MGR_STATE_BIT; exits on a bad name. */
static unsigned parse_states(const struct tool *t, const char *arg)
{
	unsigned mask = 0;
	const char *p = arg;

	for (;;) {
		size_t len = strcspn(p, "|");
		char word[32];
		int state;

		/* Tolerate spaces around the names: 'RUNNING | FROZEN'. */
		while (len > 0 && *p == ' ') {
			p++;
			len--;
		}
		while (len > 0 && p[len - 1] == ' ')
			len--;
		if (len == 0 || len >= sizeof(word))
			tool_usage_error(t, "invalid state list \"%s\"", arg);
		memcpy(word, p, len);
		word[len] = '\0';

		state = mgr_state_from_name(word);
		if (state < 0)
			tool_usage_error(t, "unknown state \"%s\"", word);
		mask |= MGR_STATE_BIT(state);

		p = strchr(p, '|');
		if (!p)
			return mask;
		p++;
	}
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		TOOL_LONGOPT_NAME,
		{ "state", required_argument, NULL, 's' },
		{ "timeout", required_argument, NULL, 't' },
		TOOL_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct tool t = TOOL_INIT("mgr-wait", help);
	const char *states = NULL;
	struct mgr_container *c;
	unsigned mask;
	int timeout = -1;
	int opt, r;

	tool_begin(&t, argc, argv);
	while ((opt = getopt_long(argc, argv, TOOL_SHORTOPT_NAME "s:t:" TOOL_SHORTOPTS, options,
				  NULL)) != -1) {
		switch (opt) {
		case 's':
			states = optarg;
			break;
		case 't':
			timeout = tool_parse_timeout(&t, optarg);
			break;
		default:
			tool_common_option(&t, opt, optarg);
		}
	}
	tool_no_arguments(&t, argc, argv);
	if (!states)
		tool_usage_error(&t, "missing the states to wait for (-s STATES)");
	mask = parse_states(&t, states);

	c = tool_open(&t);
	r = mgr_wait(c, mask, timeout, NULL);
	if (r == -ETIMEDOUT) {
		tool_error(&t, "timed out after %d seconds waiting for %s", timeout, states);
		r = EXIT_FAILURE;
	} else if (r < 0) {
		r = tool_fail(&t, c, r);
	} else {
		r = EXIT_SUCCESS;
	}
	mgr_container_free(c);
	return r;
}
