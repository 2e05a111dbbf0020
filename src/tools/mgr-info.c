/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mgr-info: show the state, init PID, addresses, uptime and config of a
 * container. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common.h"
#include "stats-format.h"

struct info {
	bool state, pid, ips;   /* -s, -p, -i */
	struct tool_list keys;  /* -c, in the order given */
	bool humanize;          /* cleared by -H */
	bool stats;             /* -S; also in the JSON summary */
	bool summary;           /* no selector: Name, State, PID, IP, Uptime, Link */
};

/* Privileged or not, and what it means: in the summary. */
struct privilege {
	int privileged;       /* 1, 0, or -1: config not readable */
	long long host_root;  /* the host uid of its root; -1: not known */
};

/* What is known of a running container (NULL pointers when it is not). */
struct running {
	const pid_t *pid;
	const double *uptime;
	char **ips;   /* with -i or the summary */
	char **links; /* in the summary */
	const struct mgr_stats *stats; /* with info.stats */
};

static void help(void)
{
	printf("Usage: mgr-info -n NAME [OPTION]...\n"
	       "Show information about the container NAME.  Without -s, -p, -i, -S or\n"
	       "-c, print its name, state, whether it is privileged (root in it is\n"
	       "root on the host) and, when it is running, its init PID,\n"
	       "addresses, uptime and host-side network devices (and, with --json, what\n"
	       "-S prints).\n"
	       "\n"
	       "Options:\n"
	       "  -s, --state              print the state\n"
	       "  -p, --pid                print the PID of init as seen from the host\n"
	       "                           (nothing when the container is not running)\n"
	       "  -i, --ips                print the container's IP addresses\n"
	       "  -S, --stats              print what it uses: CPU time, memory (now, at\n"
	       "                           most, the limit), tasks, block I/O, and the\n"
	       "                           bytes each network device received and sent\n"
	       "  -c, --config=KEY         print \"KEY = VALUE\" from the config, one line\n"
	       "                           per value (may be repeated)\n"
	       "  -H, --no-humanize        print -s, -p, -i and -c values without labels, and\n"
	       "                           the uptime in seconds; -S figures in\n"
	       "                           nanoseconds and bytes\n");
	tool_help_common(true, true);
}

static void privilege_read(struct mgr_container *c, struct privilege *ret)
{
	char *maps = NULL;
	unsigned long ns, host;

	ret->privileged = mgr_privileged(c);
	ret->host_root = ret->privileged == 1 ? 0 : -1;
	if (ret->privileged != 0 || mgr_get_config_item(c, "mgr.idmap", &maps) < 0)
		return;
	for (char *l = maps; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (sscanf(l, "u %lu %lu", &ns, &host) == 2 && ns == 0)
			ret->host_root = (long long)host;
	free(maps);
}

static void privilege_text(const struct privilege *p, char *buf, size_t size)
{
	if (p->privileged == 1)
		snprintf(buf, size, "yes: root in it is root on the host (mgr-shift makes it "
				    "unprivileged)");
	else if (p->privileged == 0 && p->host_root >= 0)
		snprintf(buf, size, "no: root in it is uid %lld on the host", p->host_root);
	else
		snprintf(buf, size, p->privileged == 0 ? "no" : "unknown (config not readable)");
}

/* "2026-12-07 18:40:02 UTC: asked to stop; init exited with status 0
 * after 2h 5m" */
static void last_stop_text(const struct mgr_last_stop *ls, char *buf, size_t size)
{
	static const struct {
		const char *requested, *text;
	} why[] = {
		{ "stop", "asked to stop" },
		{ "kill", "killed" },
		{ "reboot", "asked to reboot, halted instead" },
		{ "none", "init ended by itself" },
	};
	const char *reason = ls->requested;
	char when[64] = "?", how[64];
	time_t t = (time_t)ls->time;
	struct tm tm;

	if (gmtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	for (size_t i = 0; i < sizeof(why) / sizeof(why[0]); i++)
		if (strcmp(why[i].requested, ls->requested) == 0)
			reason = why[i].text;
	if (ls->signal > 0)
		snprintf(how, sizeof(how), "killed by signal %d (SIG%s)", ls->signal,
			 sigabbrev_np(ls->signal) ? sigabbrev_np(ls->signal) : "?");
	else
		snprintf(how, sizeof(how), "exited with status %d", ls->exit_status);
	snprintf(buf, size, "%s: %s; init %s after %.1f s", when, reason, how, ls->uptime);
}

static void print_field(const struct info *info, const char *label, const char *value)
{
	if (info->humanize || info->summary)
		printf("%-15s %s\n", label, value);
	else
		printf("%s\n", value);
}

static void format_uptime(const struct info *info, double seconds, char *buf, size_t size)
{
	unsigned long s = seconds > 0 ? (unsigned long)seconds : 0;
	unsigned long d = s / 86400, h = s / 3600 % 24, m = s / 60 % 60;

	s %= 60;
	if (!info->humanize)
		snprintf(buf, size, "%.0f", seconds);
	else if (d > 0)
		snprintf(buf, size, "%lud %luh %lum %lus", d, h, m, s);
	else if (h > 0)
		snprintf(buf, size, "%luh %lum %lus", h, m, s);
	else if (m > 0)
		snprintf(buf, size, "%lum %lus", m, s);
	else
		snprintf(buf, size, "%lus", s);
}

/* A config value, one line per value: "KEY = VALUE", or VALUE with -H. */
static void print_key(const struct info *info, const char *key, const char *value)
{
	const char *line = value ? value : "";

	do {
		size_t len = strcspn(line, "\n");

		if (info->humanize)
			printf("%s =%s%.*s\n", key, len > 0 ? " " : "", (int)len, line);
		else
			printf("%.*s\n", (int)len, line);
		line += len;
		if (*line == '\n')
			line++;
	} while (*line != '\0');
}

/* Reads what was asked for; returns EXIT_FAILURE if a key could not be
 * read (after reporting it), else EXIT_SUCCESS. */
static int print_text(const struct tool *t, const struct info *info, struct mgr_container *c,
		      enum mgr_state state, const struct running *run)
{
	char buf[128];
	int status = EXIT_SUCCESS;

	if (info->summary)
		print_field(info, "Name:", mgr_container_name(c));
	if (info->state)
		print_field(info, "State:", mgr_state_name(state));
	if (info->summary) {
		struct privilege p;
		struct mgr_last_stop ls;

		privilege_read(c, &p);
		privilege_text(&p, buf, sizeof(buf));
		print_field(info, "Privileged:", buf);
		if (state == MGR_STOPPED && mgr_get_last_stop(c, &ls) == 0) {
			last_stop_text(&ls, buf, sizeof(buf));
			print_field(info, "Last stop:", buf);
		}
	}
	if (info->pid && run->pid) {
		snprintf(buf, sizeof(buf), "%ld", (long)*run->pid);
		print_field(info, "PID:", buf);
	}
	for (char **ip = run->ips; ip && *ip; ip++)
		print_field(info, "IP:", *ip);
	if (info->summary && run->uptime) {
		format_uptime(info, *run->uptime, buf, sizeof(buf));
		print_field(info, "Uptime:", buf);
	}
	for (char **link = run->links; link && *link; link++)
		print_field(info, "Link:", *link);
	if (run->stats)
		stats_print_text(stdout, run->stats, info->humanize);

	for (size_t i = 0; i < info->keys.n; i++) {
		char *value = NULL;
		int r = mgr_get_config_item(c, info->keys.items[i], &value);

		if (r < 0) {
			fflush(stdout);
			status = tool_fail(t, c, r);
			continue;
		}
		print_key(info, info->keys.items[i], value);
		free(value);
	}
	return status;
}

/* ,"name":["a","b"], or null when not known. */
static void json_print_list(const char *name, char **list)
{
	printf(",\"%s\":", name);
	if (!list) {
		printf("null");
		return;
	}
	putchar('[');
	for (size_t i = 0; list[i]; i++) {
		printf("%s", i > 0 ? "," : "");
		json_print_string(stdout, list[i]);
	}
	putchar(']');
}

/* ,"last_stop":{...} or null when it never stopped. */
static void json_print_last_stop(struct mgr_container *c)
{
	struct mgr_last_stop ls;

	printf(",\"last_stop\":");
	if (mgr_get_last_stop(c, &ls) < 0) {
		printf("null");
		return;
	}
	printf("{\"time\":%lld,\"requested\":", ls.time);
	json_print_string(stdout, ls.requested);
	if (ls.exit_status >= 0)
		printf(",\"exit_status\":%d", ls.exit_status);
	else
		printf(",\"exit_status\":null");
	if (ls.signal > 0) {
		printf(",\"signal\":");
		json_print_string(stdout, sigabbrev_np(ls.signal));
	} else
		printf(",\"signal\":null");
	printf(",\"uptime\":%.3f}", ls.uptime);
}

static int print_json(const struct tool *t, const struct info *info, struct mgr_container *c,
		      enum mgr_state state, const struct running *run)
{
	int status = EXIT_SUCCESS;

	printf("{\"name\":");
	json_print_string(stdout, mgr_container_name(c));
	if (info->state) {
		printf(",\"state\":");
		json_print_string(stdout, mgr_state_name(state));
	}
	if (info->pid) {
		if (run->pid)
			printf(",\"pid\":%ld", (long)*run->pid);
		else
			printf(",\"pid\":null");
	}
	if (info->ips)
		json_print_list("ips", run->ips);
	if (info->summary) {
		if (run->uptime)
			printf(",\"uptime\":%.3f", *run->uptime);
		else
			printf(",\"uptime\":null");
		json_print_list("links", run->links);
		struct privilege p;

		privilege_read(c, &p);
		printf(",\"privileged\":%s", p.privileged == 1 ? "true" : p.privileged == 0 ? "false" : "null");
		if (p.host_root >= 0)
			printf(",\"host_root_uid\":%lld", p.host_root);
		else
			printf(",\"host_root_uid\":null");
		json_print_last_stop(c);
	}
	if (info->stats) {
		printf(",\"stats\":");
		if (run->stats)
			stats_print_json(stdout, run->stats);
		else
			printf("null");
	}

	if (info->keys.n > 0) {
		printf(",\"config\":{");
		for (size_t i = 0; i < info->keys.n; i++) {
			char *value = NULL;
			int r = mgr_get_config_item(c, info->keys.items[i], &value);

			if (r < 0)
				status = tool_fail(t, c, r);
			/* List values keep their inner newlines, not the last. */
			if (value && *value && value[strlen(value) - 1] == '\n')
				value[strlen(value) - 1] = '\0';
			printf("%s", i > 0 ? "," : "");
			json_print_string(stdout, info->keys.items[i]);
			putchar(':');
			json_print_string(stdout, r < 0 ? NULL : value ? value : "");
			free(value);
		}
		putchar('}');
	}
	printf("}\n");
	return status;
}

/* The addresses (-i, summary) and host-side devices (summary) of a running
 * container; *running goes false when it stopped meanwhile.  Returns 0 or
 * the exit status after reporting a failure. */
static int read_networks(const struct tool *t, const struct info *info, struct mgr_container *c,
			 bool *running, struct running *run)
{
	int r = 0;

	if (*running && info->ips)
		r = mgr_get_ips(c, NULL, &run->ips);
	if (r >= 0 && *running && info->summary)
		r = mgr_get_net_links(c, &run->links);
	if (r == -ESRCH) {
		*running = false;
		if (run->ips)
			mgr_free_strv(run->ips);
		run->ips = NULL;
		return 0;
	}
	return r < 0 ? tool_fail(t, c, r) : 0;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		TOOL_LONGOPT_NAME,
		{ "state", no_argument, NULL, 's' },
		{ "pid", no_argument, NULL, 'p' },
		{ "ips", no_argument, NULL, 'i' },
		{ "stats", no_argument, NULL, 'S' },
		{ "config", required_argument, NULL, 'c' },
		{ "no-humanize", no_argument, NULL, 'H' },
		TOOL_LONGOPT_JSON,
		TOOL_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct tool t = TOOL_INIT("mgr-info", help);
	struct info info = { .humanize = true };
	struct running run = { 0 };
	struct mgr_stats stats = { 0 };
	struct mgr_container *c;
	enum mgr_state state;
	pid_t pid;
	double uptime;
	bool running;
	int opt, r;

	tool_begin(&t, argc, argv);
	while ((opt = getopt_long(argc, argv, TOOL_SHORTOPT_NAME "spiSc:H" TOOL_SHORTOPTS, options,
				  NULL)) != -1) {
		switch (opt) {
		case 's':
			info.state = true;
			break;
		case 'p':
			info.pid = true;
			break;
		case 'i':
			info.ips = true;
			break;
		case 'S':
			info.stats = true;
			break;
		case 'c':
			tool_list_add(&t, &info.keys, optarg);
			break;
		case 'H':
			info.humanize = false;
			break;
		default:
			tool_common_option(&t, opt, optarg);
		}
	}
	tool_no_arguments(&t, argc, argv);
	if (!info.state && !info.pid && !info.ips && !info.stats && info.keys.n == 0) {
		info.summary = info.state = info.pid = info.ips = true;
		info.stats = t.json;
	}

	c = tool_open(&t);
	r = mgr_get_state(c, &state);
	if (r < 0) {
		r = tool_fail(&t, c, r);
		goto out;
	}
	running = state != MGR_STOPPED;
	if (!running && !mgr_defined(c)) {
		tool_error(&t, "container is not defined");
		r = EXIT_STATE;
		goto out;
	}

	/* It may stop between the calls: then it has no PID, uptime or
	 * addresses. */
	if (running) {
		r = mgr_get_init_pid(c, &pid);
		if (r < 0 && r != -ESRCH) {
			r = tool_fail(&t, c, r);
			goto out;
		}
		running = r >= 0;
	}
	if (running) {
		r = mgr_get_uptime(c, &uptime);
		if (r < 0 && r != -ESRCH) {
			r = tool_fail(&t, c, r);
			goto out;
		}
		running = r >= 0;
	}
	r = read_networks(&t, &info, c, &running, &run);
	if (r != 0)
		goto out;
	if (running && info.stats) {
		r = mgr_get_stats(c, &stats);
		if (r < 0 && r != -ESRCH) {
			r = tool_fail(&t, c, r);
			goto out;
		}
		running = r >= 0;
		if (running)
			run.stats = &stats;
	}
	if (running) {
		run.pid = &pid;
		run.uptime = &uptime;
	}

	if (t.json)
		r = print_json(&t, &info, c, state, &run);
	else
		r = print_text(&t, &info, c, state, &run);
	r = tool_flush(&t, r);
out:
	if (run.ips)
		mgr_free_strv(run.ips);
	if (run.links)
		mgr_free_strv(run.links);
	mgr_stats_free(&stats);
	mgr_container_free(c);
	tool_list_free(&info.keys);
	return r;
}
