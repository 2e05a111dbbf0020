/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mgr-snapshot: make, list, restore and destroy snapshots of a container. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common.h"

enum mode { MODE_CREATE, MODE_LIST, MODE_RESTORE, MODE_DESTROY };

static void help(void)
{
	printf("Usage: mgr-snapshot -n NAME [-c FILE | -m TEXT] [OPTION]...\n"
	       "       mgr-snapshot -n NAME -L [-C] [--json] [OPTION]...\n"
	       "       mgr-snapshot -n NAME -r SNAPSHOT [-N NEWNAME] [OPTION]...\n"
	       "       mgr-snapshot -n NAME -d SNAPSHOT|ALL [OPTION]...\n"
	       "Make a snapshot of the container NAME (snap0, snap1, ...), list its\n"
	       "snapshots, restore one, or destroy them.  A snapshot keeps NAME's config\n"
	       "and root filesystem as they are now, with the same hostname, MAC\n"
	       "addresses, SSH host keys and machine ID.\n"
	       "\n"
	       "Options:\n"
	       "  -c, --comment=FILE       keep the text in FILE (- for standard input)\n"
	       "                           as the new snapshot's comment\n"
	       "  -m, --message=TEXT       keep TEXT as the new snapshot's comment\n"
	       "  -L, --list               list the snapshots and when they were made\n"
	       "  -C, --showcomments       list them with their comments (implies -L)\n"
	       "  -r, --restore=SNAPSHOT   give NAME (stopped) the root filesystem and\n"
	       "                           config of SNAPSHOT back\n"
	       "  -N, --newname=NEWNAME    with -r: make the new container NEWNAME from\n"
	       "                           SNAPSHOT instead, with an identity of its own\n"
	       "  -d, --destroy=SNAPSHOT   destroy SNAPSHOT; ALL destroys every snapshot\n");
	tool_help_common(true, true);
}

static char *comment_read(const struct tool *t, const char *file)
{
	FILE *f = strcmp(file, "-") == 0 ? stdin : fopen(file, "re");
	char *text = NULL;
	size_t len = 0, n;
	char buf[4096];

	if (!f)
		tool_usage_error(t, "cannot read the comment file \"%s\": %s", file,
				 strerror(errno));
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		char *more = realloc(text, len + n + 1);

		if (!more) {
			fprintf(stderr, "%s: %s\n", t->prog, strerror(ENOMEM));
			exit(EXIT_FAILURE);
		}
		text = more;
		memcpy(text + len, buf, n);
		len += n;
	}
	if (ferror(f))
		tool_usage_error(t, "cannot read the comment file \"%s\"", file);
	if (f != stdin)
		fclose(f);
	if (text)
		text[len] = 0;
	return text;
}

static void time_format(time_t when, bool utc, char *buf, size_t size)
{
	struct tm tm;

	if (when == 0 || !(utc ? gmtime_r(&when, &tm) : localtime_r(&when, &tm)) ||
	    strftime(buf, size, utc ? "%Y-%m-%dT%H:%M:%SZ" : "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(buf, size, "%s", utc ? "" : "-");
}

static void print_json(const struct mgr_snapshot *list, size_t n)
{
	char when[64];

	putchar('[');
	for (size_t i = 0; i < n; i++) {
		printf("%s{\"name\":", i > 0 ? "," : "");
		json_print_string(stdout, list[i].name);
		time_format(list[i].time, true, when, sizeof(when));
		printf(",\"timestamp\":");
		json_print_string(stdout, *when ? when : NULL);
		printf(",\"comment\":");
		json_print_string(stdout, list[i].comment);
		printf(",\"path\":");
		json_print_string(stdout, list[i].dir);
		putchar('}');
	}
	printf("]\n");
}

/* "snap0  2026-11-22 14:10:05", and with comments each of their lines
 * indented below. */
static void print_text(const struct mgr_snapshot *list, size_t n, bool comments)
{
	int width = 0;
	char when[64];

	for (size_t i = 0; i < n; i++)
		if ((int)strlen(list[i].name) > width)
			width = (int)strlen(list[i].name);
	for (size_t i = 0; i < n; i++) {
		time_format(list[i].time, false, when, sizeof(when));
		printf("%-*s  %s\n", width, list[i].name, when);
		if (!comments || !list[i].comment)
			continue;
		for (const char *p = list[i].comment; *p;) {
			size_t len = strcspn(p, "\n");

			printf("    %.*s\n", (int)len, p);
			p += len + (p[len] == '\n');
		}
	}
}

static int list(const struct tool *t, struct mgr_container *c, bool comments)
{
	struct mgr_snapshot *snaps = NULL;
	size_t n = 0;
	int r = mgr_snapshot_list(c, &snaps, &n);

	if (r < 0)
		return tool_fail(t, c, r);
	if (t->json)
		print_json(snaps, n);
	else
		print_text(snaps, n, comments);
	mgr_snapshot_list_free(snaps, n);
	return tool_flush(t, EXIT_SUCCESS);
}

static int create(const struct tool *t, struct mgr_container *c, const char *comment)
{
	char *name = NULL;
	int r = mgr_snapshot(c, comment, &name);

	if (r < 0)
		return tool_fail(t, c, r);
	printf("%s\n", name);
	free(name);
	return tool_flush(t, EXIT_SUCCESS);
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		TOOL_LONGOPT_NAME,
		{ "comment", required_argument, NULL, 'c' },
		{ "message", required_argument, NULL, 'm' },
		{ "list", no_argument, NULL, 'L' },
		{ "showcomments", no_argument, NULL, 'C' },
		{ "restore", required_argument, NULL, 'r' },
		{ "newname", required_argument, NULL, 'N' },
		{ "destroy", required_argument, NULL, 'd' },
		TOOL_LONGOPT_JSON,
		TOOL_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct tool t = TOOL_INIT("mgr-snapshot", help);
	const char *comment_file = NULL, *message = NULL, *snapname = NULL, *newname = NULL;
	enum mode mode = MODE_CREATE;
	bool comments = false;
	char *comment = NULL;
	struct mgr_container *c;
	int opt, r, modes = 0;

	tool_begin(&t, argc, argv);
	while ((opt = getopt_long(argc, argv, TOOL_SHORTOPT_NAME "c:m:LCr:N:d:" TOOL_SHORTOPTS,
				  options, NULL)) != -1) {
		switch (opt) {
		case 'c':
			comment_file = optarg;
			break;
		case 'm':
			message = optarg;
			break;
		case 'C':
			comments = true;
			/* fall through */
		case 'L':
			modes |= 1 << MODE_LIST;
			mode = MODE_LIST;
			break;
		case 'r':
			modes |= 1 << MODE_RESTORE;
			mode = MODE_RESTORE;
			snapname = optarg;
			break;
		case 'N':
			newname = optarg;
			break;
		case 'd':
			modes |= 1 << MODE_DESTROY;
			mode = MODE_DESTROY;
			snapname = optarg;
			break;
		default:
			tool_common_option(&t, opt, optarg);
		}
	}
	tool_no_arguments(&t, argc, argv);
	if (modes & (modes - 1))
		tool_usage_error(&t, "-L, -r and -d exclude each other");
	if ((comment_file || message) && mode != MODE_CREATE)
		tool_usage_error(&t, "a comment (-c, -m) goes with a new snapshot only");
	if (comment_file && message)
		tool_usage_error(&t, "-c and -m exclude each other");
	if (newname && mode != MODE_RESTORE)
		tool_usage_error(&t, "-N goes with -r");
	if (t.json && mode != MODE_LIST)
		tool_usage_error(&t, "--json goes with -L");
	if (comment_file)
		comment = comment_read(&t, comment_file);

	c = tool_open(&t);
	if (!mgr_defined(c)) {
		tool_error(&t, "container is not defined");
		r = EXIT_STATE;
	} else if (mode == MODE_LIST) {
		r = list(&t, c, comments);
	} else if (mode == MODE_CREATE) {
		r = create(&t, c, comment ? comment : message);
	} else {
		if (mode == MODE_RESTORE)
			r = mgr_snapshot_restore(c, snapname, newname);
		else if (strcmp(snapname, "ALL") == 0)
			r = mgr_snapshot_destroy_all(c);
		else
			r = mgr_snapshot_destroy(c, snapname);
		r = r < 0 ? tool_fail(&t, c, r) : EXIT_SUCCESS;
	}
	free(comment);
	mgr_container_free(c);
	return r;
}
