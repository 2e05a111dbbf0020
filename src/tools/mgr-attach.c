/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mgr-attach: run a command inside a running container. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common.h"

enum {
	OPT_CLEAR_ENV = OPT_TOOL,
	OPT_KEEP_ENV,
	OPT_KEEP_VAR,
	OPT_CWD,
};

static void help(void)
{
	printf("Usage: mgr-attach -n NAME [OPTION]... [--] [COMMAND [ARG]...]\n"
	       "Run COMMAND (default: the user's shell) inside the running container NAME,\n"
	       "in its namespaces and cgroup, and exit with COMMAND's exit status (128+N\n"
	       "when it is killed by signal N).  On a terminal, COMMAND gets a terminal of\n"
	       "the container; otherwise it uses this process's stdin, stdout and stderr.\n"
	       "Its environment is container=mgr, TERM, a default PATH and HOME, USER,\n"
	       "LOGNAME and SHELL of the user inside, unless --keep-env, -v or --keep-var.\n"
	       "\n"
	       "Options:\n"
	       "  -s, --namespaces=NS      join only these namespaces, separated by '|':\n"
	       "                           MOUNT, PID, UTSNAME, IPC, NETWORK, CGROUP,\n"
	       "                           USER (joined whenever the container has one\n"
	       "                           and any other is joined)\n"
	       "  -e, --elevated-privileges[=PRIVS]\n"
	       "                           keep privileges: CAP (no capability drop), CGROUP\n"
	       "                           (stay out of the cgroup), LSM (no seccomp filter,\n"
	       "                           not init's AppArmor or SELinux label);\n"
	       "                           '|'-separated (default: all of them)\n"
	       "      --keep-env           pass this process's whole environment on\n"
	       "      --clear-env          nothing of this process's environment but TERM\n"
	       "                           (the default; see ENVIRONMENT in mgr-attach(1))\n"
	       "  -v, --set-var=VAR=VALUE  set an environment variable (may be repeated)\n"
	       "      --keep-var=VAR       pass this process's VAR on (may be repeated)\n"
	       "  -u, --uid=UID            run as user UID (default: 0)\n"
	       "  -g, --gid=GID            run as group GID (default: the user's group)\n"
	       "      --cwd=DIR            start in DIR (default: the user's home)\n"
	       "  -L, --pty-log=FILE       append the terminal's output to FILE\n");
	tool_help_common(true, false);
}

/* "A|B|C" against names[i] -> bits[i]; 0 for an unknown word. */
static unsigned parse_mask(const char *arg, const char *const *names, const unsigned *bits)
{
	unsigned mask = 0;
	char *copy = strdup(arg), *save = NULL;

	if (!copy)
		return 0;
	for (char *w = strtok_r(copy, "|", &save); w; w = strtok_r(NULL, "|", &save)) {
		unsigned bit = 0;

		for (size_t i = 0; names[i]; i++)
			if (strcasecmp(w, names[i]) == 0)
				bit = bits[i];
		if (!bit) {
			mask = 0;
			break;
		}
		mask |= bit;
	}
	free(copy);
	return mask;
}

static unsigned parse_namespaces(const struct tool *t, const char *arg)
{
	static const char *const names[] = { "MOUNT", "PID", "UTSNAME", "IPC", "NETWORK",
					     "CGROUP", "USER", NULL };
	static const unsigned bits[] = { MGR_ATTACH_NS_MOUNT, MGR_ATTACH_NS_PID,
					 MGR_ATTACH_NS_UTS, MGR_ATTACH_NS_IPC,
					 MGR_ATTACH_NS_NET, MGR_ATTACH_NS_CGROUP,
					 MGR_ATTACH_NS_USER };
	unsigned mask = parse_mask(arg, names, bits);

	if (!mask)
		tool_usage_error(t, "invalid namespaces \"%s\": expected MOUNT, PID, UTSNAME, "
				    "IPC, NETWORK, CGROUP or USER, separated by '|'", arg);
	return mask;
}

static unsigned parse_privileges(const struct tool *t, const char *arg)
{
	static const char *const names[] = { "CAP", "CGROUP", "LSM", NULL };
	static const unsigned bits[] = { MGR_ATTACH_KEEP_CAPS, MGR_ATTACH_KEEP_CGROUP,
					 MGR_ATTACH_KEEP_LSM };
	unsigned mask;

	if (!arg)
		return MGR_ATTACH_KEEP_ALL;
	mask = parse_mask(arg, names, bits);
	if (!mask)
		tool_usage_error(t, "invalid privileges \"%s\": expected CAP, CGROUP or LSM, "
				    "separated by '|'", arg);
	return mask;
}

static unsigned long parse_id(const struct tool *t, const char *what, const char *arg)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno != 0 || end == arg || *end || arg[0] == '-' || v >= UINT_MAX)
		tool_usage_error(t, "invalid %s \"%s\": expected a number", what, arg);
	return v;
}

/* A NULL-terminated copy of a tool_list, for the library. */
static char **list_strv(const struct tool *t, const struct tool_list *l)
{
	char **v = calloc(l->n + 1, sizeof(char *));

	if (!v) {
		fprintf(stderr, "%s: %s\n", t->prog, strerror(ENOMEM));
		exit(EXIT_FAILURE);
	}
	for (size_t i = 0; i < l->n; i++)
		v[i] = (char *)l->items[i];
	return v;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		TOOL_LONGOPT_NAME,
		{ "namespaces", required_argument, NULL, 's' },
		{ "elevated-privileges", optional_argument, NULL, 'e' },
		{ "clear-env", no_argument, NULL, OPT_CLEAR_ENV },
		{ "keep-env", no_argument, NULL, OPT_KEEP_ENV },
		{ "set-var", required_argument, NULL, 'v' },
		{ "keep-var", required_argument, NULL, OPT_KEEP_VAR },
		{ "uid", required_argument, NULL, 'u' },
		{ "gid", required_argument, NULL, 'g' },
		{ "cwd", required_argument, NULL, OPT_CWD },
		{ "pty-log", required_argument, NULL, 'L' },
		TOOL_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct tool t = TOOL_INIT("mgr-attach", help);
	struct mgr_attach_options opts = MGR_ATTACH_OPTIONS_INIT;
	struct tool_list set_vars = { 0 }, keep_vars = { 0 };
	char **extra_env, **keep;
	bool clear_env = false, keep_env = false;
	struct mgr_container *c;
	int opt, r, code = -1;

	tool_begin(&t, argc, argv);
	/* "+": the first word that is not an option starts the command. */
	while ((opt = getopt_long(argc, argv, "+" TOOL_SHORTOPT_NAME "s:e::v:u:g:L:" TOOL_SHORTOPTS,
				  options, NULL)) != -1) {
		switch (opt) {
		case 's':
			opts.namespaces |= parse_namespaces(&t, optarg);
			break;
		case 'e':
			opts.elevated |= parse_privileges(&t, optarg);
			break;
		case OPT_CLEAR_ENV:
			clear_env = true;
			break;
		case OPT_KEEP_ENV:
			keep_env = true;
			break;
		case 'v':
			if (!strchr(optarg, '=') || optarg[0] == '=')
				tool_usage_error(&t, "invalid variable \"%s\": expected VAR=VALUE",
						 optarg);
			tool_list_add(&t, &set_vars, optarg);
			break;
		case OPT_KEEP_VAR:
			if (!optarg[0] || strchr(optarg, '='))
				tool_usage_error(&t, "invalid variable name \"%s\"", optarg);
			tool_list_add(&t, &keep_vars, optarg);
			break;
		case 'u':
			opts.uid = (uid_t)parse_id(&t, "uid", optarg);
			break;
		case 'g':
			opts.gid = (gid_t)parse_id(&t, "gid", optarg);
			break;
		case OPT_CWD:
			opts.cwd = optarg;
			break;
		case 'L':
			opts.pty_log = optarg;
			break;
		default:
			tool_common_option(&t, opt, optarg);
		}
	}
	if (clear_env && keep_env)
		tool_usage_error(&t, "--clear-env and --keep-env cannot be used together");
	opts.env_policy = clear_env  ? MGR_ATTACH_ENV_CLEAR
			  : keep_env ? MGR_ATTACH_ENV_KEEP
				     : MGR_ATTACH_ENV_DEFAULT;
	opts.extra_env = extra_env = list_strv(&t, &set_vars);
	opts.keep_vars = keep = list_strv(&t, &keep_vars);

	/* What enters the container runs from a sealed copy of this binary,
	 * never from the host's file. */
	r = mgr_exec_sealed(argv);
	if (r < 0) {
		tool_error(&t, "failed to run from a sealed copy of itself: %s", strerror(-r));
		return EXIT_FAILURE;
	}
	c = tool_open(&t);
	r = mgr_attach(c, &opts, argv + optind, &code);
	if (r < 0) {
		tool_fail(&t, c, r);
		if (code < 0)
			code = r == -ENOENT || r == -ESRCH || r == -EBUSY ? EXIT_STATE : EXIT_FAILURE;
		/* else the command could not be executed: 126 or 127 */
	}
	r = code;
	mgr_container_free(c);
	free(extra_env);
	free(keep);
	tool_list_free(&set_vars);
	tool_list_free(&keep_vars);
	return r;
}
