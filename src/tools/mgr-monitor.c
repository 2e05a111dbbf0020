/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mgr-monitor: print the state changes of containers as they happen. */
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

static void help(void)
{
	printf("Usage: mgr-monitor [-n REGEX]... [OPTION]...\n"
	       "Print a line for each state change of the containers under the container\n"
	       "path whose names match, until interrupted or the timeout runs out:\n"
	       "  'NAME' changed state to [STATE]\n"
	       "\n"
	       "Options:\n"
	       "  -n, --name=REGEX         watch the containers whose whole name matches the\n"
	       "                           extended regular expression REGEX; may be\n"
	       "                           repeated (default: all)\n"
	       "  -t, --timeout=SECONDS    stop after SECONDS; -1 runs until interrupted\n"
	       "                           (default: -1)\n"
	       "\n"
	       "With --json, each change is one line: {\"name\":\"NAME\",\"state\":\"STATE\"}.\n");
	tool_help_common(false, true);
}

static int print_change(const char *name, enum mgr_state state, void *userdata)
{
	const struct tool *t = userdata;

	if (t->json) {
		printf("{\"name\":");
		json_print_string(stdout, name);
		printf(",\"state\":");
		json_print_string(stdout, mgr_state_name(state));
		printf("}\n");
	} else {
		printf("'%s' changed state to [%s]\n", name, mgr_state_name(state));
	}
	/* Stop watching once nobody reads what we print. */
	if (fflush(stdout) != 0)
		return -errno;
	return 0;
}

/* The -n expressions as one that matches whole names: ^((a)|(b))$. */
static char *build_regex(const struct tool *t, const struct tool_list *names)
{
	size_t size = sizeof("^()$");
	char *re, *p;
	regex_t check;
	int r;

	for (size_t i = 0; i < names->n; i++) {
		r = regcomp(&check, names->items[i], REG_EXTENDED | REG_NOSUB);
		if (r != 0) {
			char why[256];

			regerror(r, &check, why, sizeof(why));
			tool_usage_error(t, "invalid regular expression \"%s\": %s",
					 names->items[i], why);
		}
		regfree(&check);
		size += strlen(names->items[i]) + sizeof("|()");
	}

	re = malloc(size);
	if (!re)
		return NULL;
	p = stpcpy(re, "^(");
	for (size_t i = 0; i < names->n; i++)
		p += sprintf(p, "%s(%s)", i > 0 ? "|" : "", names->items[i]);
	strcpy(p, ")$");
	return re;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "timeout", required_argument, NULL, 't' },
		TOOL_LONGOPT_JSON,
		TOOL_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct tool t = TOOL_INIT("mgr-monitor", help);
	struct tool_list names = { 0 };
	char *regex = NULL;
	int timeout = -1;
	int opt, r;

	tool_begin(&t, argc, argv);
	while ((opt = getopt_long(argc, argv, "n:t:" TOOL_SHORTOPTS, options, NULL)) != -1) {
		switch (opt) {
		case 'n':
			tool_list_add(&t, &names, optarg);
			break;
		case 't':
			timeout = tool_parse_timeout(&t, optarg);
			break;
		default:
			tool_common_option(&t, opt, optarg);
		}
	}
	tool_no_arguments(&t, argc, argv);
	tool_open_log(&t);

	if (names.n > 0) {
		regex = build_regex(&t, &names);
		if (!regex) {
			r = tool_fail(&t, NULL, -ENOMEM);
			goto out;
		}
	}

	r = mgr_monitor_states(t.path, regex, timeout, print_change, &t);
	if (r < 0) {
		tool_error(&t, "cannot watch the containers in \"%s\": %s",
			   t.path ? t.path : mgr_default_path(), strerror(-r));
		r = EXIT_FAILURE;
	} else {
		r = EXIT_SUCCESS;
	}
out:
	free(regex);
	tool_list_free(&names);
	return r;
}
