/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mgr-top: a live table of the running containers and what they use. */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "stats-format.h"

enum sort_key { SORT_CPU, SORT_MEM, SORT_PIDS, SORT_NAME, _SORT_MAX };
static const char *const sort_names[_SORT_MAX] = { "cpu", "mem", "pids", "name" };

struct row {
	char name[MGR_NAME_MAX + 1];
	enum mgr_state state;
	struct mgr_stats stats; /* .have 0 when it could not be read */
	double cpu_percent;     /* of one CPU; < 0 when unknown */
	uint64_t net;
};

/* A container's CPU time at the last look, for the next one's CPU%. */
struct sample {
	char name[MGR_NAME_MAX + 1];
	uint64_t cpu_ns;
};

struct top {
	const char *path;
	double delay;       /* -d, seconds */
	enum sort_key sort; /* -s, or a key */
	long iterations;    /* -n; 0: until told to stop */
	bool batch;         /* -b, or no terminal on stdout */
	struct row *rows;
	size_t n_rows;
	struct sample *samples;
	size_t n_samples;
	double sampled_at;
};

static void help(void)
{
	printf("Usage: mgr-top [OPTION]...\n"
	       "Show the running containers and what they use, refreshed every second:\n"
	       "NAME, STATE, CPU%% (of one CPU, since the last refresh; at first since\n"
	       "the start), MEM (memory in use), PIDS (tasks), BLKIO (bytes read and\n"
	       "written), NET (bytes received and sent, lo not counted).\n"
	       "\n"
	       "Keys: c, m, p, n sort by CPU, memory, tasks or name; q quits (so does\n"
	       "Ctrl-C).\n"
	       "\n"
	       "Options:\n"
	       "  -d, --delay=SECONDS      time between refreshes (default: 1)\n"
	       "  -s, --sort=KEY           cpu (default), mem, pids or name\n"
	       "  -b, --batch              print one table after another, for programs\n"
	       "                           and files (the default without a terminal)\n"
	       "  -n, --iterations=N       stop after N tables\n");
	tool_help_common(false, false);
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static const struct sample *find_sample(const struct top *top, const char *name)
{
	for (size_t i = 0; i < top->n_samples; i++)
		if (strcmp(top->samples[i].name, name) == 0)
			return &top->samples[i];
	return NULL;
}

/* CPU% since the last look, or since the start for a container seen for
 * the first time (or restarted since). */
static double cpu_percent(const struct top *top, struct mgr_container *c, const struct row *row,
			  double now)
{
	const struct sample *prev = find_sample(top, row->name);
	double uptime;

	if (!(row->stats.have & MGR_STATS_CPU))
		return -1;
	if (prev && prev->cpu_ns <= row->stats.cpu_ns && now > top->sampled_at)
		return (row->stats.cpu_ns - prev->cpu_ns) / 1e9 / (now - top->sampled_at) * 100;
	if (mgr_get_uptime(c, &uptime) < 0 || uptime <= 0)
		return -1;
	return row->stats.cpu_ns / 1e9 / uptime * 100;
}

static void rows_free(struct top *top)
{
	for (size_t i = 0; i < top->n_rows; i++)
		mgr_stats_free(&top->rows[i].stats);
	free(top->rows);
	top->rows = NULL;
	top->n_rows = 0;
}

/* Keep this look's CPU times for the next one's CPU%. */
static void remember(struct top *top, double now)
{
	struct sample *s = calloc(top->n_rows ? top->n_rows : 1, sizeof(*s));

	if (!s)
		return; /* the next CPU% falls back to the average */
	for (size_t i = 0; i < top->n_rows; i++) {
		memcpy(s[i].name, top->rows[i].name, sizeof(s[i].name));
		s[i].cpu_ns = top->rows[i].stats.cpu_ns;
	}
	free(top->samples);
	top->samples = s;
	top->n_samples = top->n_rows;
	top->sampled_at = now;
}

/* One row per running container; -errno when they cannot be listed. */
static int collect(struct top *top)
{
	char **names = NULL;
	double now;
	int n = mgr_list(top->path, MGR_LIST_ACTIVE, &names);

	rows_free(top);
	if (n < 0)
		return n;
	top->rows = calloc(n ? n : 1, sizeof(*top->rows));
	if (!top->rows) {
		mgr_free_strv(names);
		return -ENOMEM;
	}
	now = now_seconds();
	for (int i = 0; i < n; i++) {
		struct mgr_container *c = mgr_container_new(names[i], top->path);
		struct row *row = &top->rows[top->n_rows];

		if (!c)
			continue;
		if (mgr_get_state(c, &row->state) == 0 && row->state != MGR_STOPPED) {
			snprintf(row->name, sizeof(row->name), "%s", names[i]);
			if (mgr_get_stats(c, &row->stats) < 0)
				memset(&row->stats, 0, sizeof(row->stats)); /* starting, stopping */
			row->cpu_percent = cpu_percent(top, c, row, now);
			row->net = stats_net_bytes(&row->stats);
			top->n_rows++;
		}
		mgr_container_free(c);
	}
	mgr_free_strv(names);
	remember(top, now);
	return 0;
}

static enum sort_key sort_by;

static int compare_rows(const void *pa, const void *pb)
{
	const struct row *a = pa, *b = pb;
	double x = 0, y = 0;

	switch (sort_by) {
	case SORT_CPU:
		x = a->cpu_percent;
		y = b->cpu_percent;
		break;
	case SORT_MEM:
		x = a->stats.have & MGR_STATS_MEMORY ? (double)a->stats.memory_bytes : -1;
		y = b->stats.have & MGR_STATS_MEMORY ? (double)b->stats.memory_bytes : -1;
		break;
	case SORT_PIDS:
		x = a->stats.have & MGR_STATS_PIDS ? (double)a->stats.pids : -1;
		y = b->stats.have & MGR_STATS_PIDS ? (double)b->stats.pids : -1;
		break;
	default:
		break;
	}
	/* The largest first; then by name. */
	if (x != y)
		return x < y ? 1 : -1;
	return strcmp(a->name, b->name);
}

static void cell_bytes(char *buf, size_t size, bool have, uint64_t v)
{
	if (have)
		format_bytes(v, true, buf, size);
	else
		snprintf(buf, size, "-");
}

/* The table, at most max_rows rows of containers (0: all). */
static void print_table(const struct top *top, size_t max_rows)
{
	int width = 4;
	size_t n = top->n_rows;

	if (max_rows > 0 && n > max_rows)
		n = max_rows;
	for (size_t i = 0; i < n; i++)
		if ((int)strlen(top->rows[i].name) > width)
			width = (int)strlen(top->rows[i].name);
	printf("%-*s %-9s %6s %8s %6s %8s %8s\n", width, "NAME", "STATE", "CPU%", "MEM", "PIDS",
	       "BLKIO", "NET");
	for (size_t i = 0; i < n; i++) {
		const struct row *r = &top->rows[i];
		const struct mgr_stats *s = &r->stats;
		char cpu[16], mem[16], pids[24], blkio[16], net[16];

		if (r->cpu_percent >= 0)
			snprintf(cpu, sizeof(cpu), "%.1f", r->cpu_percent);
		else
			snprintf(cpu, sizeof(cpu), "-");
		cell_bytes(mem, sizeof(mem), s->have & MGR_STATS_MEMORY, s->memory_bytes);
		if (s->have & MGR_STATS_PIDS)
			snprintf(pids, sizeof(pids), "%" PRIu64, s->pids);
		else
			snprintf(pids, sizeof(pids), "-");
		cell_bytes(blkio, sizeof(blkio), s->have & MGR_STATS_BLKIO,
			   s->blkio_read_bytes + s->blkio_write_bytes);
		cell_bytes(net, sizeof(net), s->have & MGR_STATS_NET, r->net);
		printf("%-*s %-9s %6s %8s %6s %8s %8s\n", width, r->name, mgr_state_name(r->state),
		       cpu, mem, pids, blkio, net);
	}
}

static void sort_rows(struct top *top)
{
	sort_by = top->sort;
	qsort(top->rows, top->n_rows, sizeof(*top->rows), compare_rows);
}

/* --- on a terminal -------------------------------------------------------- */

struct screen {
	int sigfd;
	bool keys; /* stdin is a terminal, in non-canonical mode */
	struct termios saved;
};

static int screen_open(struct screen *sc)
{
	struct termios raw;
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGWINCH);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	sc->sigfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (sc->sigfd < 0)
		return -errno;
	if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &sc->saved) == 0) {
		raw = sc->saved;
		raw.c_lflag &= ~(ICANON | ECHO);
		raw.c_cc[VMIN] = 1;
		raw.c_cc[VTIME] = 0;
		sc->keys = tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw) == 0;
	}
	fputs("\033[?25l", stdout); /* no cursor */
	return 0;
}

static void screen_close(struct screen *sc)
{
	if (sc->keys)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &sc->saved);
	fputs("\033[?25h", stdout);
	fflush(stdout);
	if (sc->sigfd >= 0)
		close(sc->sigfd);
}

static void draw(const struct top *top)
{
	struct winsize ws = { 0 };
	size_t max_rows = 0;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 3)
		max_rows = ws.ws_row - 3;
	fputs("\033[H\033[2J", stdout); /* home, clear */
	printf("mgr-top: %zu running, every %g s, by %s (c m p n: sort, q: quit)\n\n",
	       top->n_rows, top->delay, sort_names[top->sort]);
	print_table(top, max_rows);
	fflush(stdout);
}

/* Wait for the next refresh, a key or a signal.  Returns 1 to refresh, 0
 * to quit. */
static int screen_wait(struct top *top, struct screen *sc)
{
	double deadline = now_seconds() + top->delay;

	for (;;) {
		struct pollfd p[2] = {
			{ .fd = sc->sigfd, .events = POLLIN },
			{ .fd = sc->keys ? STDIN_FILENO : -1, .events = POLLIN },
		};
		double left = deadline - now_seconds();
		struct signalfd_siginfo si;
		char key;

		if (left <= 0)
			return 1;
		if (poll(p, 2, (int)(left * 1000) + 1) < 0 && errno != EINTR)
			return 0;
		if (p[0].revents && read(sc->sigfd, &si, sizeof(si)) == sizeof(si)) {
			if (si.ssi_signo != SIGWINCH)
				return 0;
			draw(top);
		}
		if (p[1].revents) {
			if (read(STDIN_FILENO, &key, 1) != 1)
				sc->keys = false; /* end of input: only the clock now */
			else if (key == 'q' || key == 'Q')
				return 0;
			else if (strchr("cmpn", key)) {
				top->sort = key == 'c' ? SORT_CPU : key == 'm' ? SORT_MEM
							     : key == 'p' ? SORT_PIDS
									  : SORT_NAME;
				sort_rows(top);
				draw(top);
			}
		}
	}
}

/* --- the loop ------------------------------------------------------------- */

static int run(struct top *top, const struct tool *t)
{
	struct screen sc = { .sigfd = -1 };
	int r = 0;

	if (!top->batch) {
		r = screen_open(&sc);
		if (r < 0) {
			tool_error(t, "cannot set up the terminal: %s", strerror(-r));
			return EXIT_FAILURE;
		}
	}
	for (long i = 0; top->iterations == 0 || i < top->iterations; i++) {
		if (i > 0 && top->batch) {
			struct timespec ts = { .tv_sec = (time_t)top->delay };

			ts.tv_nsec = (long)((top->delay - (double)ts.tv_sec) * 1e9);

			nanosleep(&ts, NULL);
			putchar('\n');
		}
		r = collect(top);
		if (r < 0)
			break;
		sort_rows(top);
		if (!top->batch) {
			draw(top);
			if (top->iterations != 0 && i + 1 == top->iterations)
				break;
			if (screen_wait(top, &sc) == 0)
				break;
		} else {
			print_table(top, 0);
			if (fflush(stdout) != 0)
				break;
		}
	}
	if (!top->batch)
		screen_close(&sc);
	if (r < 0) {
		tool_error(t, "cannot list the containers: %s", strerror(-r));
		return EXIT_FAILURE;
	}
	return tool_flush(t, EXIT_SUCCESS);
}

static enum sort_key parse_sort(const struct tool *t, const char *arg)
{
	for (int k = 0; k < _SORT_MAX; k++)
		if (strcmp(arg, sort_names[k]) == 0)
			return k;
	tool_usage_error(t, "invalid sort key \"%s\": expected cpu, mem, pids or name", arg);
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "delay", required_argument, NULL, 'd' },
		{ "sort", required_argument, NULL, 's' },
		{ "batch", no_argument, NULL, 'b' },
		{ "iterations", required_argument, NULL, 'n' },
		TOOL_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct tool t = TOOL_INIT("mgr-top", help);
	struct top top = { .delay = 1, .sort = SORT_CPU };
	char *end;
	int opt, r;

	tool_begin(&t, argc, argv);
	while ((opt = getopt_long(argc, argv, "d:s:bn:" TOOL_SHORTOPTS, options, NULL)) != -1) {
		switch (opt) {
		case 'd':
			errno = 0;
			top.delay = strtod(optarg, &end);
			if (errno != 0 || end == optarg || *end || !(top.delay >= 0.1) ||
			    top.delay > 86400)
				tool_usage_error(&t, "invalid delay \"%s\": expected seconds, at least 0.1",
						 optarg);
			break;
		case 's':
			top.sort = parse_sort(&t, optarg);
			break;
		case 'b':
			top.batch = true;
			break;
		case 'n':
			errno = 0;
			top.iterations = strtol(optarg, &end, 10);
			if (errno != 0 || end == optarg || *end || top.iterations < 1)
				tool_usage_error(&t, "invalid count \"%s\": expected a number from 1",
						 optarg);
			break;
		default:
			tool_common_option(&t, opt, optarg);
		}
	}
	tool_no_arguments(&t, argc, argv);
	tool_open_log(&t);
	top.path = t.path;
	if (!isatty(STDOUT_FILENO))
		top.batch = true;

	r = run(&top, &t);
	rows_free(&top);
	free(top.samples);
	return r;
}
