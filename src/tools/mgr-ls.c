/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mgr-ls: list the containers under a container path. */
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "common.h"

enum column { COL_NAME, COL_STATE, COL_AUTOSTART, COL_GROUPS, COL_IPV4, COL_IPV6, COL_PID, _COL_MAX };

static const char *const column_names[_COL_MAX] = {
	[COL_NAME] = "NAME",     [COL_STATE] = "STATE", [COL_AUTOSTART] = "AUTOSTART",
	[COL_GROUPS] = "GROUPS", [COL_IPV4] = "IPV4",   [COL_IPV6] = "IPV6",
	[COL_PID] = "PID",
};

#define MAX_COLUMNS 16

enum {
	OPT_RUNNING = OPT_TOOL,
	OPT_STOPPED,
	OPT_FROZEN,
	OPT_ACTIVE,
	OPT_FILTER,
};

struct ls {
	bool one_per_line;
	bool fancy;
	enum column columns[MAX_COLUMNS];
	size_t n_columns;
	unsigned states;        /* MGR_STATE_BIT set to show; 0: all */
	struct tool_list groups; /* -g, each a comma list */
	const char *filter;
	regex_t regex;
};

struct entry {
	const char *name;
	enum mgr_state state;
	pid_t pid; /* 0 when not running */
	bool autostart;
	char *groups; /* comma-separated, NULL when none */
	char **ipv4, **ipv6; /* while running, when asked for */
};

static void help(void)
{
	printf("Usage: mgr-ls [OPTION]... [REGEX]\n"
	       "List the containers under the container path, sorted by name.  With REGEX\n"
	       "(an extended regular expression) only the names it matches are listed.\n"
	       "\n"
	       "Options:\n"
	       "  -1                       one name per line (the default when the output\n"
	       "                           is not a terminal; else names go in columns)\n"
	       "  -f, --fancy              a table with the columns NAME STATE AUTOSTART\n"
	       "                           GROUPS IPV4 IPV6 PID\n"
	       "  -F, --fancy-format=COLS  a table with the comma-separated columns COLS,\n"
	       "                           from NAME, STATE, AUTOSTART, GROUPS, IPV4,\n"
	       "                           IPV6, PID\n"
	       "      --running            only running containers\n"
	       "      --stopped            only stopped containers\n"
	       "      --frozen             only frozen containers\n"
	       "      --active             only containers that are not stopped\n"
	       "  -g, --groups=GROUPS      only containers in every one of the comma-\n"
	       "                           separated GROUPS; when repeated, in any of the\n"
	       "                           given lists\n"
	       "      --filter=REGEX       the same as the REGEX argument\n"
	       "\n"
	       "The JSON output is an array of objects with name, state, pid, autostart,\n"
	       "groups, ipv4 and ipv6.\n");
	tool_help_common(false, true);
}

static void parse_columns(const struct tool *t, struct ls *ls, const char *arg)
{
	const char *p = arg;

	ls->n_columns = 0;
	while (*p) {
		size_t len = strcspn(p, ",");
		enum column col;

		for (col = 0; col < _COL_MAX; col++)
			if (strlen(column_names[col]) == len &&
			    strncasecmp(column_names[col], p, len) == 0)
				break;
		if (col == _COL_MAX)
			tool_usage_error(t, "unknown column \"%.*s\" (known: NAME, STATE, AUTOSTART, GROUPS, IPV4, IPV6, PID)",
					 (int)len, p);
		if (ls->n_columns == MAX_COLUMNS)
			tool_usage_error(t, "too many columns in \"%s\"", arg);
		ls->columns[ls->n_columns++] = col;
		p += len;
		if (*p == ',')
			p++;
	}
	if (ls->n_columns == 0)
		tool_usage_error(t, "no columns in \"%s\"", arg);
}

/* True when every group of the comma list wanted is in the comma list have. */
static bool has_all_groups(const char *have, const char *wanted)
{
	while (*wanted) {
		size_t len = strcspn(wanted, ",");
		const char *g = have;
		bool found = false;

		while (g && *g && !found) {
			size_t glen = strcspn(g, ",");

			found = glen == len && strncmp(g, wanted, len) == 0;
			g += glen;
			if (*g == ',')
				g++;
		}
		if (len > 0 && !found)
			return false;
		wanted += len;
		if (*wanted == ',')
			wanted++;
	}
	return true;
}

static bool group_match(const struct ls *ls, const struct entry *e)
{
	if (ls->groups.n == 0)
		return true;
	for (size_t i = 0; i < ls->groups.n; i++)
		if (has_all_groups(e->groups, ls->groups.items[i]))
			return true;
	return false;
}

static void entry_free(struct entry *e)
{
	free(e->groups);
	if (e->ipv4)
		mgr_free_strv(e->ipv4);
	if (e->ipv6)
		mgr_free_strv(e->ipv6);
	memset(e, 0, sizeof(*e));
}

/* The addresses of a running container, by family. */
static void read_ips(const struct tool *named, struct mgr_container *c, struct entry *e)
{
	int r = mgr_get_ips(c, "inet", &e->ipv4);

	if (r >= 0)
		r = mgr_get_ips(c, "inet6", &e->ipv6);
	/* One that stopped meanwhile has none. */
	if (r < 0 && r != -ESRCH)
		tool_fail(named, c, r);
}

/* Fill e from the container's state and config (and its addresses with
 * ips); -errno after reporting. */
static int read_entry(const struct tool *t, const char *name, bool ips, struct entry *e)
{
	struct tool named = *t; /* errors read "mgr-ls: NAME: ..." */
	struct mgr_container *c = mgr_container_new(name, t->path);
	char *value = NULL;
	int r;

	named.name = name;
	e->name = name;
	if (!c) {
		r = -errno;
		tool_fail(&named, NULL, r);
		return r;
	}
	r = mgr_get_state(c, &e->state);
	if (r < 0) {
		tool_fail(&named, c, r);
		mgr_container_free(c);
		return r;
	}
	if (e->state != MGR_STOPPED && mgr_get_init_pid(c, &e->pid) < 0)
		e->pid = 0;
	if (ips && e->pid > 0)
		read_ips(&named, c, e);

	if (mgr_get_config_item(c, "start.auto", &value) >= 0 && value)
		e->autostart = atoi(value) != 0;
	free(value);

	/* The groups come one per line; keep them comma-separated. */
	value = NULL;
	if (mgr_get_config_item(c, "group", &value) >= 0 && value && *value) {
		size_t len = strlen(value);

		while (len > 0 && value[len - 1] == '\n')
			value[--len] = '\0';
		for (char *p = value; *p; p++)
			if (*p == '\n')
				*p = ',';
		e->groups = value;
	} else {
		free(value);
	}
	mgr_container_free(c);
	return 0;
}

static int term_width(void)
{
	struct winsize ws;
	const char *env = getenv("COLUMNS");

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	if (env && atoi(env) > 0)
		return atoi(env);
	return 80;
}

/* Names down the columns, as ls(1) does. */
static void print_columns(const struct entry *e, size_t n)
{
	size_t width = 0, cols, rows;

	for (size_t i = 0; i < n; i++)
		if (strlen(e[i].name) > width)
			width = strlen(e[i].name);
	cols = ((size_t)term_width() + 2) / (width + 2);
	if (cols == 0)
		cols = 1;
	rows = (n + cols - 1) / cols;

	for (size_t row = 0; row < rows; row++) {
		for (size_t i = row; i < n; i += rows) {
			if (i + rows < n)
				printf("%-*s  ", (int)width, e[i].name);
			else
				printf("%s", e[i].name);
		}
		putchar('\n');
	}
}

/* The addresses separated by ", ", or "-". */
static void cell_list(char **list, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; list && list[i] && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s", i > 0 ? ", " : "", list[i]);
	if (!buf[0])
		snprintf(buf, size, "-");
}

static void cell(const struct entry *e, enum column col, char *buf, size_t size)
{
	switch (col) {
	case COL_NAME:
		snprintf(buf, size, "%s", e->name);
		break;
	case COL_STATE:
		snprintf(buf, size, "%s", mgr_state_name(e->state));
		break;
	case COL_AUTOSTART:
		snprintf(buf, size, "%d", e->autostart ? 1 : 0);
		break;
	case COL_GROUPS:
		snprintf(buf, size, "%s", e->groups ? e->groups : "-");
		break;
	case COL_IPV4:
		cell_list(e->ipv4, buf, size);
		break;
	case COL_IPV6:
		cell_list(e->ipv6, buf, size);
		break;
	case COL_PID:
		if (e->pid > 0)
			snprintf(buf, size, "%ld", (long)e->pid);
		else
			snprintf(buf, size, "-");
		break;
	default:
		buf[0] = '\0';
	}
}

static void print_fancy(const struct ls *ls, const struct entry *e, size_t n)
{
	int width[MAX_COLUMNS];
	char buf[1024];

	for (size_t j = 0; j < ls->n_columns; j++) {
		width[j] = (int)strlen(column_names[ls->columns[j]]);
		for (size_t i = 0; i < n; i++) {
			cell(&e[i], ls->columns[j], buf, sizeof(buf));
			if ((int)strlen(buf) > width[j])
				width[j] = (int)strlen(buf);
		}
	}

	for (size_t j = 0; j < ls->n_columns; j++) {
		if (j + 1 < ls->n_columns)
			printf("%-*s ", width[j], column_names[ls->columns[j]]);
		else
			printf("%s\n", column_names[ls->columns[j]]);
	}
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < ls->n_columns; j++) {
			cell(&e[i], ls->columns[j], buf, sizeof(buf));
			if (j + 1 < ls->n_columns)
				printf("%-*s ", width[j], buf);
			else
				printf("%s\n", buf);
		}
}

/* ,"name":["a","b"] */
static void json_print_list(const char *name, char **list)
{
	printf(",\"%s\":[", name);
	for (size_t i = 0; list && list[i]; i++) {
		printf("%s", i > 0 ? "," : "");
		json_print_string(stdout, list[i]);
	}
	putchar(']');
}

static void print_json(const struct entry *e, size_t n)
{
	putchar('[');
	for (size_t i = 0; i < n; i++) {
		const char *g = e[i].groups;

		printf("%s{\"name\":", i > 0 ? "," : "");
		json_print_string(stdout, e[i].name);
		printf(",\"state\":");
		json_print_string(stdout, mgr_state_name(e[i].state));
		if (e[i].pid > 0)
			printf(",\"pid\":%ld", (long)e[i].pid);
		else
			printf(",\"pid\":null");
		printf(",\"autostart\":%s,\"groups\":[", e[i].autostart ? "true" : "false");
		while (g && *g) {
			size_t len = strcspn(g, ",");
			char *one = strndup(g, len);

			printf("%s", g != e[i].groups ? "," : "");
			json_print_string(stdout, one ? one : "");
			free(one);
			g += len;
			if (*g == ',')
				g++;
		}
		putchar(']');
		json_print_list("ipv4", e[i].ipv4);
		json_print_list("ipv6", e[i].ipv6);
		putchar('}');
	}
	printf("]\n");
}

static void parse_args(struct tool *t, struct ls *ls, int argc, char **argv)
{
	static const struct option options[] = {
		{ "fancy", no_argument, NULL, 'f' },
		{ "fancy-format", required_argument, NULL, 'F' },
		{ "running", no_argument, NULL, OPT_RUNNING },
		{ "stopped", no_argument, NULL, OPT_STOPPED },
		{ "frozen", no_argument, NULL, OPT_FROZEN },
		{ "active", no_argument, NULL, OPT_ACTIVE },
		{ "groups", required_argument, NULL, 'g' },
		{ "filter", required_argument, NULL, OPT_FILTER },
		TOOL_LONGOPT_JSON,
		TOOL_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	int opt, r;

	while ((opt = getopt_long(argc, argv, "1fF:g:" TOOL_SHORTOPTS, options, NULL)) != -1) {
		switch (opt) {
		case '1':
			ls->one_per_line = true;
			break;
		case 'f':
			ls->fancy = true;
			break;
		case 'F':
			ls->fancy = true;
			parse_columns(t, ls, optarg);
			break;
		case OPT_RUNNING:
			ls->states |= MGR_STATE_BIT(MGR_RUNNING);
			break;
		case OPT_STOPPED:
			ls->states |= MGR_STATE_BIT(MGR_STOPPED);
			break;
		case OPT_FROZEN:
			ls->states |= MGR_STATE_BIT(MGR_FROZEN);
			break;
		case OPT_ACTIVE:
			ls->states |= ~MGR_STATE_BIT(MGR_STOPPED) & (MGR_STATE_BIT(_MGR_STATE_MAX) - 1);
			break;
		case 'g':
			tool_list_add(t, &ls->groups, optarg);
			break;
		case OPT_FILTER:
			if (ls->filter)
				tool_usage_error(t, "only one filter may be given");
			ls->filter = optarg;
			break;
		default:
			tool_common_option(t, opt, optarg);
		}
	}
	if (optind < argc) {
		if (ls->filter)
			tool_usage_error(t, "only one filter may be given");
		ls->filter = argv[optind++];
	}
	tool_no_arguments(t, argc, argv);

	if (ls->filter) {
		r = regcomp(&ls->regex, ls->filter, REG_EXTENDED | REG_NOSUB);
		if (r != 0) {
			char why[256];

			regerror(r, &ls->regex, why, sizeof(why));
			tool_usage_error(t, "invalid regular expression \"%s\": %s", ls->filter, why);
		}
	}
}

int main(int argc, char **argv)
{
	struct tool t = TOOL_INIT("mgr-ls", help);
	struct ls ls = {
		.columns = { COL_NAME, COL_STATE, COL_AUTOSTART, COL_GROUPS, COL_IPV4, COL_IPV6, COL_PID },
		.n_columns = 7,
	};
	struct entry *entries = NULL;
	char **names = NULL;
	size_t n = 0;
	unsigned flags = MGR_LIST_DEFINED;
	bool details, ips;
	int status = EXIT_SUCCESS, r;

	tool_begin(&t, argc, argv);
	parse_args(&t, &ls, argc, argv);
	details = ls.fancy || t.json || ls.states || ls.groups.n > 0;
	ips = t.json;
	for (size_t j = 0; ls.fancy && j < ls.n_columns; j++)
		ips |= ls.columns[j] == COL_IPV4 || ls.columns[j] == COL_IPV6;
	tool_open_log(&t);

	/* A container started from an rcfile is active without being
	 * defined: ask for those too when stopped ones are not wanted. */
	if (ls.states && !(ls.states & MGR_STATE_BIT(MGR_STOPPED)))
		flags |= MGR_LIST_ACTIVE;
	r = mgr_list(t.path, flags, &names);
	if (r < 0) {
		tool_error(&t, "cannot list the containers in \"%s\": %s",
			   t.path ? t.path : mgr_default_path(), strerror(-r));
		status = EXIT_FAILURE;
		goto out;
	}

	entries = calloc((size_t)r + 1, sizeof(*entries));
	if (!entries) {
		status = tool_fail(&t, NULL, -ENOMEM);
		goto out;
	}
	for (size_t i = 0; names[i]; i++) {
		struct entry *e = &entries[n];

		if (ls.filter && regexec(&ls.regex, names[i], 0, NULL, 0) != 0)
			continue;
		if (!details) {
			e->name = names[i];
			n++;
			continue;
		}
		if (read_entry(&t, names[i], ips, e) < 0) {
			status = EXIT_FAILURE;
			continue;
		}
		if ((ls.states && !(ls.states & MGR_STATE_BIT(e->state))) || !group_match(&ls, e)) {
			entry_free(e);
			continue;
		}
		n++;
	}

	if (t.json)
		print_json(entries, n);
	else if (ls.fancy)
		print_fancy(&ls, entries, n);
	else if (ls.one_per_line || !isatty(STDOUT_FILENO))
		for (size_t i = 0; i < n; i++)
			puts(entries[i].name);
	else if (n > 0)
		print_columns(entries, n);
	status = tool_flush(&t, status);

	for (size_t i = 0; i < n; i++)
		entry_free(&entries[i]);
	free(entries);
out:
	if (names)
		mgr_free_strv(names);
	if (ls.filter)
		regfree(&ls.regex);
	tool_list_free(&ls.groups);
	return status;
}
