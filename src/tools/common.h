/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the mgr-* tools share: the common options, opening the container
 * handle, error and usage messages in one format, and JSON strings.
 *
 * Exit status of every tool: 0 success, 1 failure or usage error, 2 the
 * container is not in a state that allows the request (not defined, not
 * running).
 */
#ifndef MGR_TOOLS_COMMON_H
#define MGR_TOOLS_COMMON_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <mgr/mgr.h>

#define EXIT_STATE 2

/* Long-only options; tools number their own from OPT_TOOL on. */
enum {
	OPT_VERSION = 0x100,
	OPT_JSON,
	/* storage options (mgr-create, mgr-copy) */
	OPT_DIR,
	OPT_FSSIZE,
	OPT_FSTYPE,
	OPT_VGNAME,
	OPT_LVNAME,
	OPT_THINPOOL,
	OPT_TOOL = 0x200,
};

/* Every tool's optstring starts with these (after a leading '+' if any). */
#define TOOL_SHORTOPTS "P:o:l:qh"
#define TOOL_LONGOPTS                                                  \
	{ "lxcpath", required_argument, NULL, 'P' },                   \
	{ "logfile", required_argument, NULL, 'o' },                   \
	{ "logpriority", required_argument, NULL, 'l' },               \
	{ "quiet", no_argument, NULL, 'q' },                           \
	{ "help", no_argument, NULL, 'h' },                            \
	{ "version", no_argument, NULL, OPT_VERSION }
/* -n NAME, for the tools that act on one container. */
#define TOOL_SHORTOPT_NAME "n:"
#define TOOL_LONGOPT_NAME { "name", required_argument, NULL, 'n' }
/* --json, for the tools that report something. */
#define TOOL_LONGOPT_JSON { "json", no_argument, NULL, OPT_JSON }

/* Where and how a new root filesystem is made; -B is each tool's own. */
#define TOOL_LONGOPTS_STORAGE                                          \
	{ "dir", required_argument, NULL, OPT_DIR },                   \
	{ "fssize", required_argument, NULL, OPT_FSSIZE },             \
	{ "fstype", required_argument, NULL, OPT_FSTYPE },             \
	{ "vgname", required_argument, NULL, OPT_VGNAME },             \
	{ "lvname", required_argument, NULL, OPT_LVNAME },             \
	{ "thinpool", required_argument, NULL, OPT_THINPOOL }

struct tool {
	const char *prog;   /* "mgr-start": the prefix of every message */
	void (*help)(void); /* prints the --help text to stdout          */
	const char *name;   /* -n */
	const char *path;   /* -P, NULL: the library's default           */
	const char *logfile;
	int loglevel; /* -l, -1 when not given */
	bool quiet;
	bool json;
};

#define TOOL_INIT(p, h) { .prog = (p), .help = (h), .loglevel = -1 }

/* A growing list of option arguments (-s, -c, -g, ...). */
struct tool_list {
	const char **items;
	size_t n;
};

/* Call first: makes getopt's own messages start with t->prog. */
void tool_begin(struct tool *t, int argc, char **argv);
/* Handle a common option or a getopt error; exits for -h, --version and
 * usage errors.  Tools call it from the default: of their switch. */
void tool_common_option(struct tool *t, int opt, const char *arg);
/* Print the common options for --help; json: the tool takes --json. */
void tool_help_common(bool name, bool json);
/* Take opt when it is a storage option (true), into o. */
bool tool_storage_option(const struct tool *t, int opt, const char *arg,
			 struct mgr_storage_options *o);
/* The --help lines of the storage options. */
void tool_help_storage(void);

/* "prog: message" and "Try 'prog --help'." on stderr, then exit 1. */
_Noreturn void tool_usage_error(const struct tool *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Refuse arguments left after the options. */
void tool_no_arguments(const struct tool *t, int argc, char **argv);

/* "prog: name: message" on stderr (without "name: " when there is no
 * name), unless -q was given. */
void tool_error(const struct tool *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Report a failed call on c with the library's message (or strerror(-r)
 * when it has none); returns EXIT_FAILURE. */
int tool_fail(const struct tool *t, struct mgr_container *c, int r);

/* The exit status for r, what a call that needs c running returned: 0,
 * EXIT_STATE after saying c is not running (or not defined) for -ESRCH,
 * else EXIT_FAILURE after tool_fail(). */
int tool_result(const struct tool *t, struct mgr_container *c, int r);

/* Route library logs to -o at -l; exits on failure. */
void tool_open_log(const struct tool *t);
/* Open the log, check -n, and return the handle; exits on failure. */
struct mgr_container *tool_open(const struct tool *t);

/* Parse a timeout in seconds, -1 meaning forever; exits on a bad value. */
int tool_parse_timeout(const struct tool *t, const char *arg);

void tool_list_add(const struct tool *t, struct tool_list *l, const char *item);
void tool_list_free(struct tool_list *l);

/* Check a -s KEY=VAL argument; exits on a bad one. */
void tool_check_define(const struct tool *t, const char *def);
/* For start and execute: use rcfile instead of the container's config if
 * given (else the container must be defined), then apply the -s defines
 * in memory.  Returns 0 or the exit status, after printing the error. */
int tool_load_config(const struct tool *t, struct mgr_container *c, const char *rcfile,
		     const struct tool_list *defines);

/* 0 when c is STOPPED, else EXIT_FAILURE after saying what it is. */
int tool_require_stopped(const struct tool *t, struct mgr_container *c);
/* mgr-start and mgr-execute: open -n's container, load its config (or
 * rcfile) with the -s definitions, check it is stopped and start it; in
 * the background, a failure too when init ends within grace seconds.
 * Returns the exit code: 0, init's status in the foreground, or the
 * failure's. */
int tool_start(struct tool *t, const char *rcfile, struct tool_list *defines,
	       const struct mgr_start_options *opts, double grace);

/* Flush stdout; returns status, or EXIT_FAILURE after a write error. */
int tool_flush(const struct tool *t, int status);

/* s as a JSON string with quotes, or null when s is NULL. */
void json_print_string(FILE *f, const char *s);

#endif
