/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mgr-autostart: start the containers marked start.auto, in start.order
 * (lower first), waiting start.delay seconds after each; or stop, kill,
 * reboot or list them (stopping goes the other way round).  Which
 * containers: those of the groups given with -g, in the order given
 * (default: the containers in no group), or all of them with -a.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

enum action { ACT_START, ACT_STOP, ACT_KILL, ACT_REBOOT };

struct entry {
	struct mgr_container *c;
	const char *name;
	long order, delay;
	bool autostart;
	char *groups; /* "\n"-separated, NULL: none */
	bool done;
};

static void help(void)
{
	printf("Usage: mgr-autostart [OPTION]...\n"
	       "Start the containers with start.auto = 1, by start.order (lower first),\n"
	       "waiting start.delay seconds after starting each; or stop, kill or reboot\n"
	       "them (higher start.order first).  By default only the containers in no\n"
	       "group are concerned.\n"
	       "\n"
	       "Options:\n"
	       "  -s, --shutdown           stop them cleanly, killing those still running\n"
	       "                           after the timeout\n"
	       "  -k, --kill               kill them\n"
	       "  -r, --reboot             reboot them\n"
	       "  -L, --list               only print the containers (and, for a start,\n"
	       "                           the delay after each), in order\n"
	       "  -t, --timeout=SECONDS    how long a clean stop may take (default: 60;\n"
	       "                           -1 waits forever)\n"
	       "  -g, --groups=GROUP[,...] the containers of these groups, group by group;\n"
	       "                           may be repeated; an empty name (or NULL) is the\n"
	       "                           containers in no group\n"
	       "  -a, --all                every container, whatever its groups\n"
	       "  -A, --ignore-auto        also the containers without start.auto = 1\n");
	tool_help_common(false, false);
}

static long item_number(struct mgr_container *c, const char *key)
{
	char *v = NULL;
	long n = 0;

	if (mgr_get_config_item(c, key, &v) == 0 && v)
		n = strtol(v, NULL, 10);
	free(v);
	return n;
}

static bool in_group(const struct entry *e, const char *group)
{
	size_t len = strlen(group);

	if (!*group || strcmp(group, "NULL") == 0)
		return !e->groups || !*e->groups;
	for (const char *g = e->groups; g && *g;) {
		size_t n = strcspn(g, "\n");

		if (n == len && strncmp(g, group, len) == 0)
			return true;
		g += n + (g[n] == '\n');
	}
	return false;
}

static int by_order(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int load(const struct tool *t, struct entry **ret, size_t *ret_n)
{
	char **names = NULL;
	struct entry *v;
	int n = mgr_list(t->path, MGR_LIST_DEFINED, &names);

	if (n < 0) {
		tool_error(t, "Failed to list the containers: %s", strerror(-n));
		return n;
	}
	v = calloc((size_t)n + 1, sizeof(*v));
	if (!v) {
		mgr_free_strv(names);
		return -ENOMEM;
	}
	*ret_n = 0;
	for (int i = 0; i < n; i++) {
		struct entry *e = &v[*ret_n];

		e->c = mgr_container_new(names[i], t->path);
		if (!e->c || mgr_load_config(e->c) < 0) {
			tool_error(t, "%s: %s", names[i],
				   e->c ? mgr_last_error(e->c) : strerror(errno));
			mgr_container_free(e->c);
			continue;
		}
		e->name = mgr_container_name(e->c);
		e->autostart = item_number(e->c, "mgr.start.auto") == 1;
		e->order = item_number(e->c, "mgr.start.order");
		e->delay = item_number(e->c, "mgr.start.delay");
		(void)mgr_get_config_item(e->c, "mgr.group", &e->groups);
		(*ret_n)++;
	}
	mgr_free_strv(names);
	qsort(v, *ret_n, sizeof(*v), by_order);
	*ret = v;
	return 0;
}

/* Do the action on one container; returns false when it failed. */
static bool act(const struct tool *t, struct entry *e, enum action a, int timeout, bool last)
{
	enum mgr_state state = MGR_STOPPED;
	int r;

	(void)mgr_get_state(e->c, &state);
	if (a == ACT_START) {
		if (state != MGR_STOPPED)
			return true;
		r = mgr_start(e->c, NULL);
		if (r < 0) {
			tool_error(t, "%s: %s", e->name, mgr_last_error(e->c));
			return false;
		}
		if (e->delay > 0 && !last)
			sleep((unsigned)e->delay);
		return true;
	}
	if (state == MGR_STOPPED)
		return true;
	r = mgr_stop(e->c, a == ACT_KILL ? MGR_STOP_KILL : a == ACT_REBOOT ? MGR_STOP_REBOOT
									: MGR_STOP_CLEAN,
		     timeout, false);
	if (r < 0 && r != -ESRCH) {
		tool_error(t, "%s: %s", e->name, mgr_last_error(e->c));
		return false;
	}
	return true;
}

/* The selected entries in the order of the action: each group in turn
 * (or all at once), by start.order; backwards for all but a start. */
static size_t select_entries(struct entry *v, size_t n, const struct tool_list *groups, bool all,
			     bool ignore_auto, enum action a, struct entry **out)
{
	size_t k = 0;

	for (size_t g = 0; g < (all ? 1 : groups->n); g++)
		for (size_t i = 0; i < n; i++) {
			struct entry *e = &v[a == ACT_START ? i : n - 1 - i];

			if (e->done || (!ignore_auto && !e->autostart) ||
			    (!all && !in_group(e, groups->items[g])))
				continue;
			e->done = true;
			out[k++] = e;
		}
	return k;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "shutdown", no_argument, NULL, 's' },
		{ "kill", no_argument, NULL, 'k' },
		{ "reboot", no_argument, NULL, 'r' },
		{ "list", no_argument, NULL, 'L' },
		{ "timeout", required_argument, NULL, 't' },
		{ "groups", required_argument, NULL, 'g' },
		{ "all", no_argument, NULL, 'a' },
		{ "ignore-auto", no_argument, NULL, 'A' },
		TOOL_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct tool t = TOOL_INIT("mgr-autostart", help);
	struct tool_list groups = { 0 };
	struct entry *v = NULL, **order = NULL;
	enum action a = ACT_START;
	bool list = false, all = false, ignore_auto = false, failed = false;
	int timeout = 60, n_actions = 0, opt;
	size_t n = 0, k;

	tool_begin(&t, argc, argv);
	while ((opt = getopt_long(argc, argv, "skrLt:g:aA" TOOL_SHORTOPTS, options, NULL)) != -1) {
		switch (opt) {
		case 's':
			a = ACT_STOP;
			n_actions++;
			break;
		case 'k':
			a = ACT_KILL;
			n_actions++;
			break;
		case 'r':
			a = ACT_REBOOT;
			n_actions++;
			break;
		case 'L':
			list = true;
			break;
		case 't':
			timeout = tool_parse_timeout(&t, optarg);
			break;
		case 'g':
			/* "a,b" and -g a -g b alike; "" and "NULL": no group. */
			for (char *s = optarg, *end;; s = end + 1) {
				end = strchrnul(s, ',');
				tool_list_add(&t, &groups, strndup(s, (size_t)(end - s)));
				if (!*end)
					break;
			}
			break;
		case 'a':
			all = true;
			break;
		case 'A':
			ignore_auto = true;
			break;
		default:
			tool_common_option(&t, opt, optarg);
		}
	}
	tool_no_arguments(&t, argc, argv);
	if (n_actions > 1)
		tool_usage_error(&t, "--shutdown, --kill and --reboot cannot be used together");
	if (groups.n == 0)
		tool_list_add(&t, &groups, strdup(""));
	tool_open_log(&t);

	if (load(&t, &v, &n) < 0)
		return EXIT_FAILURE;
	order = calloc(n + 1, sizeof(*order));
	if (!order) {
		tool_error(&t, "%s", strerror(ENOMEM));
		return EXIT_FAILURE;
	}
	k = select_entries(v, n, &groups, all, ignore_auto, a, order);
	for (size_t i = 0; i < k; i++) {
		if (list) {
			if (a == ACT_START)
				printf("%s %ld\n", order[i]->name, order[i]->delay);
			else
				printf("%s\n", order[i]->name);
			continue;
		}
		if (!act(&t, order[i], a, timeout, i + 1 == k))
			failed = true;
	}
	for (size_t i = 0; i < n; i++) {
		mgr_container_free(v[i].c);
		free(v[i].groups);
	}
	for (size_t i = 0; i < groups.n; i++)
		free((char *)groups.items[i]);
	tool_list_free(&groups);
	free(order);
	free(v);
	return tool_flush(&t, failed ? EXIT_FAILURE : EXIT_SUCCESS);
}
