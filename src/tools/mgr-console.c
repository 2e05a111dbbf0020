/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mgr-console: this terminal on a container's console or one of its ttys. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

enum {
	OPT_LOG = OPT_TOOL,
};

static void help(void)
{
	printf("Usage: mgr-console -n NAME [OPTION]...\n"
	       "Attach this terminal to a tty of the running container NAME, or print\n"
	       "what its console printed lately.\n"
	       "\n"
	       "Options:\n"
	       "  -t, --tty=N              tty N, 0 for the console (default: the first\n"
	       "                           tty no one is attached to)\n"
	       "  -e, --escape=CHAR        the escape character: ^X for Ctrl-X, or one\n"
	       "                           character (default: ^a)\n"
	       "      --log                print the console buffer and exit; of a\n"
	       "                           stopped container, what its last run printed\n"
	       "\n"
	       "In the session, the escape character followed by q detaches, and typed\n"
	       "twice sends it once.\n");
	tool_help_common(true, false);
}

static int parse_tty(const struct tool *t, const char *arg)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || v < 0 || v > INT_MAX)
		tool_usage_error(t, "invalid tty \"%s\": expected a number, 0 for the console", arg);
	return (int)v;
}

/* "^a" or "^A" is Ctrl-a ("^[" .. "^_" the other control characters); one
 * other character stands for itself. */
static int parse_escape(const struct tool *t, const char *arg)
{
	unsigned char ch = arg[0] ? arg[1] : 0;

	if (arg[0] == '^' && ch && !arg[2] && ((ch >= '@' && ch <= '_') || (ch >= 'a' && ch <= 'z')))
		return ch & 0x1f;
	if (arg[0] && !arg[1] && arg[0] != 'q')
		return (unsigned char)arg[0];
	tool_usage_error(t, "invalid escape \"%s\": expected ^X for Ctrl-X, or one character but q",
			 arg);
}

/* "Ctrl-a" or "'x'", for the hint. */
static void escape_name(int escape, char *buf, size_t size)
{
	if (escape >= 1 && escape <= 26)
		snprintf(buf, size, "Ctrl-%c", escape + 'a' - 1);
	else if (escape < 0x20)
		snprintf(buf, size, "Ctrl-%c", escape + '@');
	else
		snprintf(buf, size, "'%c'", escape);
}

static int console_fail(const struct tool *t, struct mgr_container *c, int r)
{
	if (r != -ESRCH)
		return tool_fail(t, c, r);
	tool_error(t, mgr_defined(c) ? "container is not running" : "container is not defined");
	return EXIT_STATE;
}

static int print_log(const struct tool *t, struct mgr_container *c)
{
	char *buf = NULL;
	size_t len = 0;
	int r = mgr_console_log(c, &buf, &len);

	if (r == -ESRCH && mgr_defined(c)) {
		tool_error(t, "%s", mgr_last_error(c));
		return EXIT_STATE;
	}
	if (r < 0)
		return console_fail(t, c, r);
	fwrite(buf, 1, len, stdout);
	free(buf);
	return tool_flush(t, EXIT_SUCCESS);
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		TOOL_LONGOPT_NAME,
		{ "tty", required_argument, NULL, 't' },
		{ "escape", required_argument, NULL, 'e' },
		{ "log", no_argument, NULL, OPT_LOG },
		TOOL_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct tool t = TOOL_INIT("mgr-console", help);
	struct mgr_container *c;
	int tty = -1, escape = 1, opt, r;
	bool log = false;
	char name[16];

	tool_begin(&t, argc, argv);
	while ((opt = getopt_long(argc, argv, TOOL_SHORTOPT_NAME "t:e:" TOOL_SHORTOPTS, options,
				  NULL)) != -1) {
		switch (opt) {
		case 't':
			tty = parse_tty(&t, optarg);
			break;
		case 'e':
			escape = parse_escape(&t, optarg);
			break;
		case OPT_LOG:
			log = true;
			break;
		default:
			tool_common_option(&t, opt, optarg);
		}
	}
	tool_no_arguments(&t, argc, argv);

	c = tool_open(&t);
	if (log) {
		r = print_log(&t, c);
		goto out;
	}
	if (!t.quiet && isatty(STDIN_FILENO)) {
		escape_name(escape, name, sizeof(name));
		fprintf(stderr, "Type %s q to detach, %s %s for a literal %s.\n", name, name, name,
			name);
	}
	r = mgr_console(c, tty, STDIN_FILENO, STDOUT_FILENO, escape);
	/* 1: the container ended the session, which is no failure. */
	r = r < 0 ? console_fail(&t, c, r) : EXIT_SUCCESS;
out:
	mgr_container_free(c);
	return r;
}
