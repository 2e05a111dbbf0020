/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

void tool_begin(struct tool *t, int argc, char **argv)
{
	/* getopt names the program after argv[0]; under libtool's wrapper
	 * that is a path into .libs, so give it the name users typed. */
	if (argc > 0)
		argv[0] = (char *)t->prog;
}

bool tool_storage_option(const struct tool *t, int opt, const char *arg,
			 struct mgr_storage_options *o)
{
	switch (opt) {
	case OPT_DIR:
		o->rootfs_dir = arg;
		return true;
	case OPT_FSSIZE:
		if (mgr_size_parse(arg, &o->fssize) < 0 || o->fssize == 0)
			tool_usage_error(t, "invalid filesystem size \"%s\" (e.g. 2G, 500M)", arg);
		return true;
	case OPT_FSTYPE:
		o->fstype = arg;
		return true;
	case OPT_VGNAME:
		o->vgname = arg;
		return true;
	case OPT_LVNAME:
		o->lvname = arg;
		return true;
	case OPT_THINPOOL:
		o->thinpool = arg;
		return true;
	default:
		return false;
	}
}

void tool_help_storage(void)
{
	printf("      --dir=DIR            dir, btrfs: put the root filesystem in DIR\n"
	       "      --fssize=SIZE        loop, lvm: size of the filesystem (default 1G;\n"
	       "                           a copy: the size of the original)\n"
	       "      --fstype=TYPE        loop, lvm: type of the filesystem (default ext4)\n"
	       "      --vgname=VG          lvm: volume group (default \"mgr\"; a snapshot:\n"
	       "                           the original's)\n"
	       "      --lvname=LV          lvm: logical volume (default: the container name)\n"
	       "      --thinpool=POOL      lvm: take the volume from this thin pool\n");
}

void tool_common_option(struct tool *t, int opt, const char *arg)
{
	int level;

	switch (opt) {
	case 'n':
		t->name = arg;
		break;
	case 'P':
		t->path = arg;
		break;
	case 'o':
		t->logfile = arg;
		break;
	case 'l':
		level = mgr_log_level_from_name(arg);
		if (level < 0)
			tool_usage_error(t, "invalid log priority \"%s\"", arg);
		t->loglevel = level;
		break;
	case 'q':
		t->quiet = true;
		break;
	case 'h':
		t->help();
		exit(EXIT_SUCCESS);
	case OPT_VERSION:
		puts(mgr_version());
		exit(EXIT_SUCCESS);
	case OPT_JSON:
		t->json = true;
		break;
	default:
		/* getopt has already said what was wrong. */
		fprintf(stderr, "Try '%s --help'.\n", t->prog);
		exit(EXIT_FAILURE);
	}
}

void tool_help_common(bool name, bool json)
{
	printf("\nCommon options:\n");
	if (name)
		printf("  -n, --name=NAME          the container's name\n");
	printf("  -P, --lxcpath=PATH       the directory holding the containers\n"
	       "                           (default: %s)\n"
	       "  -o, --logfile=FILE       append the library's log to FILE\n"
	       "  -l, --logpriority=LEVEL  log messages at LEVEL and above to FILE: trace,\n"
	       "                           debug, info, notice, warn, error (default),\n"
	       "                           crit, alert, fatal\n"
	       "  -q, --quiet              print no error messages\n",
	       mgr_default_path());
	if (json)
		printf("      --json               print JSON instead of text\n");
	printf("  -h, --help               print this help and exit\n"
	       "      --version            print the version and exit\n");
}

void tool_usage_error(const struct tool *t, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", t->prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help'.\n", t->prog);
	exit(EXIT_FAILURE);
}

void tool_no_arguments(const struct tool *t, int argc, char **argv)
{
	if (optind < argc)
		tool_usage_error(t, "unexpected argument \"%s\"", argv[optind]);
}

void tool_error(const struct tool *t, const char *fmt, ...)
{
	va_list ap;

	if (t->quiet)
		return;
	if (t->name)
		fprintf(stderr, "%s: %s: ", t->prog, t->name);
	else
		fprintf(stderr, "%s: ", t->prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int tool_fail(const struct tool *t, struct mgr_container *c, int r)
{
	const char *msg = c ? mgr_last_error(c) : NULL;

	if (!msg || !*msg)
		msg = strerror(r < 0 ? -r : r);
	tool_error(t, "%s", msg);
	return EXIT_FAILURE;
}

int tool_result(const struct tool *t, struct mgr_container *c, int r)
{
	if (r == -ESRCH) {
		tool_error(t, mgr_defined(c) ? "container is not running" : "container is not defined");
		return EXIT_STATE;
	}
	return r < 0 ? tool_fail(t, c, r) : EXIT_SUCCESS;
}

void tool_open_log(const struct tool *t)
{
	enum mgr_log_level level = t->loglevel >= 0 ? (enum mgr_log_level)t->loglevel
						    : MGR_LOG_ERROR;
	int r;

	if (!t->logfile)
		return;
	r = mgr_log_open(t->logfile, level);
	if (r < 0) {
		fprintf(stderr, "%s: cannot open log file \"%s\": %s\n", t->prog, t->logfile,
			strerror(-r));
		exit(EXIT_FAILURE);
	}
}

struct mgr_container *tool_open(const struct tool *t)
{
	struct mgr_container *c;
	const char *why = NULL;

	if (!t->name)
		tool_usage_error(t, "missing container name (-n NAME)");
	if (mgr_name_check(t->name, &why) < 0)
		tool_usage_error(t, "invalid container name \"%s\": %s", t->name,
				 why ? why : "not allowed");
	tool_open_log(t);

	c = mgr_container_new(t->name, t->path);
	if (!c) {
		tool_error(t, "%s", strerror(errno));
		exit(EXIT_FAILURE);
	}
	return c;
}

int tool_parse_timeout(const struct tool *t, const char *arg)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || v < -1 || v > INT_MAX)
		tool_usage_error(t, "invalid timeout \"%s\": expected seconds, or -1 for no limit",
				 arg);
	return (int)v;
}

void tool_list_add(const struct tool *t, struct tool_list *l, const char *item)
{
	const char **items = realloc(l->items, (l->n + 1) * sizeof(*items));

	if (!items) {
		fprintf(stderr, "%s: %s\n", t->prog, strerror(ENOMEM));
		exit(EXIT_FAILURE);
	}
	items[l->n++] = item;
	l->items = items;
}

void tool_list_free(struct tool_list *l)
{
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

void tool_check_define(const struct tool *t, const char *def)
{
	const char *eq = strchr(def, '=');

	if (!eq || eq == def)
		tool_usage_error(t, "invalid definition \"%s\": expected KEY=VALUE", def);
}

static int apply_define(struct mgr_container *c, const char *def)
{
	const char *eq = strchr(def, '=');
	const char *value = eq + 1;
	size_t keylen = (size_t)(eq - def);
	char *key;
	int r;

	/* Allow "KEY = VALUE" as in a config file. */
	while (keylen > 0 && isspace((unsigned char)def[keylen - 1]))
		keylen--;
	while (isspace((unsigned char)*value))
		value++;

	key = strndup(def, keylen);
	if (!key)
		return -ENOMEM;
	r = mgr_set_config_item(c, key, value);
	free(key);
	return r;
}

int tool_load_config(const struct tool *t, struct mgr_container *c, const char *rcfile,
		     const struct tool_list *defines)
{
	int r;

	if (rcfile) {
		r = mgr_load_config_file(c, rcfile);
		if (r < 0)
			return tool_fail(t, c, r);
	} else if (!mgr_defined(c)) {
		tool_error(t, "container is not defined");
		return EXIT_STATE;
	}

	for (size_t i = 0; i < defines->n; i++) {
		r = apply_define(c, defines->items[i]);
		if (r < 0)
			return tool_fail(t, c, r);
	}
	return 0;
}

int tool_require_stopped(const struct tool *t, struct mgr_container *c)
{
	enum mgr_state state;
	int r = mgr_get_state(c, &state);

	if (r < 0)
		return tool_fail(t, c, r);
	if (state != MGR_STOPPED) {
		tool_error(t, "container is already %s", mgr_state_name(state));
		return EXIT_FAILURE;
	}
	return 0;
}

int tool_flush(const struct tool *t, int status)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (!t->quiet)
			fprintf(stderr, "%s: write error: %s\n", t->prog, strerror(errno));
		return EXIT_FAILURE;
	}
	return status;
}

void json_print_string(FILE *f, const char *s)
{
	if (!s) {
		fputs("null", f);
		return;
	}

	fputc('"', f);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		switch (ch) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (ch < 0x20 || ch == 0x7f)
				fprintf(f, "\\u%04x", ch);
			else
				fputc(ch, f);
		}
	}
	fputc('"', f);
}

/* The last lines (at most n) of what the container's console printed. */
static void console_tail_print(struct mgr_container *c, int n)
{
	char *buf = NULL, *p;
	size_t len = 0;

	if (mgr_console_log(c, &buf, &len) < 0 || len == 0) {
		free(buf);
		return;
	}
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		len--;
	p = buf + len;
	while (p > buf && n > 0)
		if (*--p == '\n')
			n--;
	if (*p == '\n')
		p++;
	fprintf(stderr, "Its console's last lines:\n%.*s\n", (int)(buf + len - p), p);
	free(buf);
}

/* A container started in the background whose init ends within grace
 * seconds did not really start: say why, with its console's last lines. */
static int start_grace_check(const struct tool *t, struct mgr_container *c, double grace)
{
	struct timespec start, now;
	struct mgr_last_stop ls;
	enum mgr_state state;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		if (mgr_get_state(c, &state) < 0)
			return EXIT_SUCCESS; /* not ours to judge */
		if (state == MGR_STOPPED)
			break;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if ((now.tv_sec - start.tv_sec) + (now.tv_nsec - start.tv_nsec) / 1e9 >= grace)
			return EXIT_SUCCESS;
		usleep(20 * 1000);
	}
	if (mgr_get_last_stop(c, &ls) == 0 && ls.signal > 0)
		tool_error(t, "init was killed by signal %d (SIG%s) %.1f s after the start", ls.signal,
			   sigabbrev_np(ls.signal) ? sigabbrev_np(ls.signal) : "?", ls.uptime);
	else if (mgr_get_last_stop(c, &ls) == 0)
		tool_error(t, "init exited with status %d %.1f s after the start", ls.exit_status,
			   ls.uptime);
	else
		tool_error(t, "init ended right after the start");
	if (!t->quiet)
		console_tail_print(c, 10);
	return EXIT_FAILURE;
}

int tool_start(struct tool *t, const char *rcfile, struct tool_list *defines,
	       const struct mgr_start_options *opts, double grace)
{
	struct mgr_container *c = tool_open(t);
	int r;

	r = tool_load_config(t, c, rcfile, defines);
	if (r == 0)
		r = tool_require_stopped(t, c);
	if (r == 0) {
		r = mgr_start(c, opts);
		if (r < 0)
			r = tool_fail(t, c, r);
		else if (!opts->foreground && grace > 0)
			r = start_grace_check(t, c, grace);
	}
	mgr_container_free(c);
	tool_list_free(defines);
	return r;
}
