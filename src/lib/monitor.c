/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "console.h"
#include "freeze.h"
#include "hooks.h"
#include "last_stop.h"
#include "log.h"
#include "monitor.h"
#include "network.h"
#include "state.h"
#include "util/fileio.h"

#define MAX_CLIENTS 64

struct client {
	int fd;
	bool subscribed;
	int tty; /* the tty this connection holds (0: the console), or -1 */
	bool waits_freeze; /* for the answer to CMD_FREEZE */
	bool gone; /* done with: dropped by clients_sweep(), not before, so
		    * that no other client moves while one is being served */
};

struct monitor {
	struct monitor_setup *setup;
	struct start_ctx *ctx;
	enum mgr_state state;
	/* Every state since the monitor began (the last ones, if many), for
	 * watchers that arrive late and want to see how it came about. */
	enum mgr_state history[16];
	size_t n_history;
	int sigfd;
	struct client clients[MAX_CLIENTS];
	size_t n_clients;
	long long running_since_ms;
	bool was_running; /* reached RUNNING at least once */
	bool stop_requested;
	const char *requested; /* "stop", "kill", "reboot" since the last start */
	struct freeze_wait freeze;
	struct console console;
	bool relay; /* foreground: the console's peer is this terminal */
	bool stdin_open;
	struct termios saved_tty;
	bool tty_saved;
	/* The caller's signal mask and SIGPIPE handling, back on return (a
	 * foreground monitor runs in the caller's process). */
	sigset_t saved_mask;
	bool mask_saved;
	void (*saved_sigpipe)(int);
	int exit_code;
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void client_drop(struct monitor *m, size_t i)
{
	if (m->clients[i].tty == 0)
		console_detach(&m->console);
	close(m->clients[i].fd);
	m->clients[i] = m->clients[--m->n_clients];
}

static void state_set(struct monitor *m, enum mgr_state state)
{
	struct cmd_rsp rsp = { .value = state };

	if (m->state == state)
		return;
	m->state = state;
	if (m->n_history == ARRAY_SIZE(m->history)) {
		memmove(m->history, m->history + 1, sizeof(m->history) - sizeof(m->history[0]));
		m->n_history--;
	}
	m->history[m->n_history++] = state;
	log_info("\"%s\" is %s", m->ctx->c->name, mgr_state_name(state));
	for (size_t i = 0; i < m->n_clients; i++)
		if (m->clients[i].subscribed && !m->clients[i].gone &&
		    cmd_send(m->clients[i].fd, &rsp, sizeof(rsp)) < 0)
			m->clients[i].gone = true;
}

static void clients_sweep(struct monitor *m)
{
	for (size_t i = m->n_clients; i-- > 0;)
		if (m->clients[i].gone)
			client_drop(m, i);
}

/* --- terminals ---------------------------------------------------------- */

static bool tty_held(struct monitor *m, int tty)
{
	if (tty == 0)
		return m->console.peer_fd >= 0;
	for (size_t i = 0; i < m->n_clients; i++)
		if (m->clients[i].tty == tty)
			return true;
	return false;
}

/* CMD_CONSOLE: give client i the master of a tty (arg), or make it the
 * console's peer; it holds the tty until it goes.  On success the answer
 * has been sent. */
static int tty_request(struct monitor *m, size_t i, int tty, struct cmd_rsp *rsp)
{
	const struct terminals *t = &m->ctx->term;
	struct client *cl = &m->clients[i];
	int r;

	rsp->value = tty;
	rsp->value64 = t->n_ttys;
	if (m->ctx->init_pid <= 0)
		return -ESRCH;
	if (tty == -1 && t->n_ttys > 0) {
		for (tty = 1; tty <= (int)t->n_ttys && tty_held(m, tty); tty++)
			;
		if (tty > (int)t->n_ttys)
			return -EBUSY;
		rsp->value = tty;
	}
	if (tty < 0 || tty > (int)t->n_ttys)
		return -ENXIO;
	if (tty == 0 && !t->have_console)
		return -ENODEV;
	if (tty_held(m, tty))
		return -EBUSY;
	r = cmd_send_rsp_fd(cl->fd, rsp, tty == 0 ? t->console.master : t->ttys[tty - 1].master);
	if (r < 0)
		return r;
	cl->tty = tty;
	if (tty == 0)
		(void)console_attach(&m->console, cl->fd, true);
	return 0;
}

/* Input from a client holding a tty: the console's goes to the console; a
 * tty's client has its master and sends nothing but end of file. */
static void tty_client_input(struct monitor *m, size_t i)
{
	struct client *cl = &m->clients[i];
	char buf[256];
	bool gone;

	if (cl->tty == 0)
		gone = console_input(&m->console, cl->fd) < 0;
	else
		gone = read(cl->fd, buf, sizeof(buf)) <= 0;
	if (gone)
		client_drop(m, i);
}

/* The ptys are about to go: end every session on them. */
static void tty_clients_drop(struct monitor *m)
{
	for (size_t i = m->n_clients; i-- > 0;)
		if (m->clients[i].tty >= 0)
			client_drop(m, i);
}

/* --- freezing ----------------------------------------------------------- */

/* Answer every client waiting for the freeze: 0, or why it failed. */
static void freeze_answer(struct monitor *m, int ret)
{
	struct cmd_rsp rsp = { .ret = ret, .value = m->state };

	for (size_t i = 0; i < m->n_clients; i++) {
		struct client *cl = &m->clients[i];

		if (!cl->waits_freeze || cl->gone)
			continue;
		(void)cmd_send(cl->fd, &rsp, sizeof(rsp));
		cl->waits_freeze = false;
		cl->gone = true;
	}
}

/* CMD_FREEZE from client i: 0 when frozen already, 1 when the answer
 * comes later (from freeze_progress), or a negative errno. */
static int freeze_request(struct monitor *m, size_t i, int timeout)
{
	int r;

	if (m->state == MGR_FROZEN)
		return 0;
	if (m->state == MGR_FREEZING) {
		/* It waits with whoever asked first, for as long. */
		m->clients[i].waits_freeze = true;
		return 1;
	}
	if (m->state != MGR_RUNNING && m->state != MGR_THAWED)
		return -EBUSY;
	r = freeze_wait_begin(&m->freeze, m->ctx->cg, timeout);
	if (r < 0)
		return log_error_errno(r, "Failed to freeze \"%s\" (%s): %m", m->ctx->c->name,
				       cgroup_freezer_name(m->ctx->cg) ? cgroup_freezer_name(m->ctx->cg)
								       : "no freezer");
	m->clients[i].waits_freeze = true;
	state_set(m, MGR_FREEZING);
	return 1;
}

/* The freeze under way has news, or its time to look has come. */
static void freeze_progress(struct monitor *m)
{
	int r = freeze_wait_step(&m->freeze, m->ctx->cg);

	if (r == 0)
		return;
	if (r > 0) {
		state_set(m, MGR_FROZEN);
		freeze_answer(m, 0);
		return;
	}
	if (r == -ETIMEDOUT)
		log_warn("\"%s\" did not freeze in time: thawed it again", m->ctx->c->name);
	else
		log_error_errno(r, "Failed to freeze \"%s\": %m", m->ctx->c->name);
	state_set(m, MGR_THAWED);
	state_set(m, MGR_RUNNING);
	freeze_answer(m, r);
}

/* Thaw a frozen or freezing container: THAWED, then RUNNING.  A freeze
 * still under way ends, and its clients hear ret. */
static int thaw(struct monitor *m, int ret)
{
	int r;

	freeze_wait_end(&m->freeze);
	r = cgroup_thaw(m->ctx->cg);
	if (r < 0) {
		freeze_answer(m, r);
		return log_error_errno(r, "Failed to thaw \"%s\": %m", m->ctx->c->name);
	}
	state_set(m, MGR_THAWED);
	state_set(m, MGR_RUNNING);
	freeze_answer(m, ret);
	return 0;
}

static int handle_thaw(struct monitor *m)
{
	if (m->state == MGR_RUNNING || m->state == MGR_THAWED)
		return 0;
	if (m->state != MGR_FROZEN && m->state != MGR_FREEZING)
		return -EBUSY;
	return thaw(m, -ECANCELED);
}

/* --- control socket ----------------------------------------------------- */

static int handle_stop(struct monitor *m, int sig, bool reboot)
{
	if (sig <= 0 || sig >= NSIG)
		return -EINVAL;
	/* A frozen init would not see the signal. */
	if (m->state == MGR_FROZEN || m->state == MGR_FREEZING) {
		int r = thaw(m, -ECANCELED);

		if (r < 0)
			return r;
	}
	if (m->state != MGR_RUNNING && m->state != MGR_STOPPING)
		return -EBUSY;
	if (kill(m->ctx->init_pid, sig) < 0)
		return -errno;
	m->requested = reboot ? "reboot" : "stop";
	if (!reboot) {
		m->stop_requested = true;
		state_set(m, MGR_STOPPING);
	}
	return 0;
}

static int handle_kill(struct monitor *m)
{
	const struct mgr_conf *conf = m->ctx->c->conf;
	bool frozen = m->state == MGR_FROZEN || m->state == MGR_FREEZING;
	int r = 0;

	if (m->ctx->init_pid <= 0)
		return -ESRCH;
	m->stop_requested = true;
	m->requested = "kill";
	state_set(m, MGR_STOPPING);
	(void)kill(m->ctx->init_pid, conf->signal_stop ? conf->signal_stop : SIGKILL);
	/* With its own PID namespace, the kernel ends everything with init;
	 * what else joined the cgroup goes at teardown. */
	if (!(m->ctx->clone_flags & CLONE_NEWPID))
		r = cgroup_kill_all(m->ctx->cg);
	/* Frozen, the processes hold the signal until thawed; thawed after
	 * it, they only wake to die. */
	if (frozen) {
		freeze_wait_end(&m->freeze);
		(void)cgroup_thaw(m->ctx->cg);
		freeze_answer(m, -ECANCELED);
	}
	return r;
}

static void client_request(struct monitor *m, size_t i)
{
	struct client *cl = &m->clients[i];
	struct cmd_req req;
	struct cmd_rsp rsp = { 0 };

	if (read_all(cl->fd, &req, sizeof(req)) < 0) {
		client_drop(m, i);
		return;
	}
	switch (req.cmd) {
	case CMD_GET_STATE:
		rsp.value = m->state;
		break;
	case CMD_GET_INIT_PID:
		rsp.value = m->ctx->init_pid;
		rsp.ret = m->ctx->init_pid > 0 ? 0 : -ESRCH;
		break;
	case CMD_GET_UPTIME_MS:
		rsp.value64 = m->running_since_ms ? now_ms() - m->running_since_ms : 0;
		rsp.ret = m->running_since_ms ? 0 : -ESRCH;
		break;
	case CMD_STOP:
	case CMD_REBOOT:
		rsp.ret = handle_stop(m, req.arg, req.cmd == CMD_REBOOT);
		break;
	case CMD_KILL:
		rsp.ret = handle_kill(m);
		break;
	case CMD_FREEZE:
		rsp.ret = freeze_request(m, i, req.arg);
		if (rsp.ret > 0)
			return; /* answered by freeze_progress() */
		rsp.value = m->state;
		break;
	case CMD_THAW:
		rsp.ret = handle_thaw(m);
		rsp.value = m->state;
		break;
	case CMD_CONSOLE:
		rsp.ret = tty_request(m, i, req.arg, &rsp);
		if (rsp.ret == 0)
			return;
		break;
	case CMD_CONSOLE_LOG:
		(void)console_buffer_send(&m->console, cl->fd);
		client_drop(m, i);
		return;
	case CMD_GET_NET_LINKS:
		(void)network_links_send(m->ctx, cl->fd);
		client_drop(m, i);
		return;
	case CMD_SUBSCRIBE:
		cl->subscribed = true;
		/* arg 1: the states so far, ending with the current one. */
		for (size_t h = req.arg == 1 ? 0 : m->n_history - 1; h < m->n_history; h++) {
			rsp.value = m->history[h];
			if (cmd_send(cl->fd, &rsp, sizeof(rsp)) < 0) {
				client_drop(m, i);
				return;
			}
		}
		return;
	default:
		rsp.ret = -EOPNOTSUPP;
	}
	(void)cmd_send(cl->fd, &rsp, sizeof(rsp));
	client_drop(m, i);
}

/* Only root and the owner of the container (the user the monitor runs as)
 * may talk to it, whatever the socket file's permissions let through: a
 * process that can bypass them (CAP_DAC_OVERRIDE) is still another user. */
static bool client_allowed(const struct monitor *m, int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
		log_debug_errno(-errno, "\"%s\": refused a client without credentials: %m",
				m->ctx->c->name);
		return false;
	}
	if (cred.uid != 0 && cred.uid != geteuid()) {
		log_debug("\"%s\": refused a client of uid %u (pid %d): neither root nor the owner",
			  m->ctx->c->name, (unsigned)cred.uid, (int)cred.pid);
		return false;
	}
	if (m->n_clients == MAX_CLIENTS) {
		log_debug("\"%s\": refused a client: %d clients already", m->ctx->c->name,
			  MAX_CLIENTS);
		return false;
	}
	return true;
}

static void client_accept(struct monitor *m)
{
	int fd = accept4(m->setup->listen_fd, NULL, NULL, SOCK_CLOEXEC);

	if (fd < 0)
		return;
	/* Refused: closed without an answer. */
	if (!client_allowed(m, fd)) {
		close(fd);
		return;
	}
	m->clients[m->n_clients++] = (struct client){ .fd = fd, .tty = -1 };
}

/* --- init's life -------------------------------------------------------- */

static void report(struct monitor *m, int r)
{
	struct monitor_status st = { .ret = r };

	if (m->setup->status_fd < 0)
		return;
	if (r < 0)
		snprintf(st.message, sizeof(st.message), "%s", mgr_last_error(m->ctx->c));
	(void)write_all(m->setup->status_fd, &st, sizeof(st));
	close(m->setup->status_fd);
	m->setup->status_fd = -1;
}

static int spawn(struct monitor *m)
{
	int r;

	state_set(m, MGR_STARTING);
	r = start_spawn(m->ctx);
	if (r < 0) {
		log_error_errno(r, "%s", mgr_last_error(m->ctx->c));
		state_set(m, MGR_ABORTING);
		return r;
	}
	console_set_master(&m->console, m->ctx->term.have_console ? m->ctx->term.console.master : -1);
	if (m->relay && m->console.master >= 0)
		terminal_winsize_copy(STDIN_FILENO, m->console.master);
	m->running_since_ms = now_ms();
	m->was_running = true;
	m->stop_requested = false;
	m->requested = NULL;
	state_set(m, MGR_RUNNING);
	if (m->setup->lock_fd >= 0) {
		close(m->setup->lock_fd);
		m->setup->lock_fd = -1;
	}
	return 0;
}

static int exit_code(struct monitor *m, int status)
{
	/* A system container that halted (reboot(2) ends init with SIGINT
	 * then) stopped as it should. */
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGINT && !m->ctx->opts->use_mgr_init)
		return 0;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 255;
}

/* hook.stop (before the teardown) and hook.post-stop (after): a failure
 * is only logged, the container stops all the same. */
static void stop_hooks_run(struct monitor *m, enum conf_hook type, bool reboot)
{
	struct hook_info info;
	int r;

	start_hook_info(m->ctx, &info);
	info.target = reboot ? "reboot" : "stop";
	r = hooks_run(m->ctx->c, m->ctx->c->conf, type, &info);
	if (r < 0)
		log_error_errno(r, "%s", mgr_last_error(m->ctx->c));
}

/* For mgr-info and mgr-console --log once this monitor is gone. */
static void last_stop_write(struct monitor *m, int status, double uptime)
{
	_cleanup_free_ char *console = NULL;
	size_t len = 0;
	int r;

	if (m->console.ring.size > 0 && ring_copy(&m->console.ring, &console, &len) < 0)
		console = NULL;
	r = last_stop_record(m->ctx->c, m->requested, status, uptime, console, len);
	if (r < 0)
		log_warn("Failed to record why \"%s\" stopped: %s", m->ctx->c->name, strerror(-r));
}

/* init is gone: clean up, and start it again if it asked for a reboot.
 * Returns true when the monitor should go on. */
static bool init_exited(struct monitor *m, int status)
{
	/* In a PID namespace, reboot(2) ends init with SIGHUP; halt with SIGINT. */
	bool reboot = WIFSIGNALED(status) && WTERMSIG(status) == SIGHUP && !m->stop_requested;

	double uptime = m->running_since_ms ? (now_ms() - m->running_since_ms) / 1000.0 : 0;

	log_info("init of \"%s\" exited (status 0x%x)%s", m->ctx->c->name, status,
		 reboot ? ": rebooting" : "");
	m->ctx->init_pid = 0;
	m->running_since_ms = 0;
	m->exit_code = exit_code(m, status);
	state_set(m, MGR_STOPPING);
	freeze_wait_end(&m->freeze);
	freeze_answer(m, -ECANCELED);
	/* Drain what init wrote to the console last (a bounded amount: without
	 * a PID namespace, others may go on writing). */
	for (int k = 0; k < 64; k++) {
		struct pollfd p = { .events = POLLIN };
		short unused;

		p.fd = console_poll_fd(&m->console, &unused);
		if (p.fd < 0 || poll(&p, 1, 0) <= 0)
			break;
		console_ready(&m->console, p.revents);
	}
	tty_clients_drop(m);
	console_set_master(&m->console, -1);
	if (!reboot)
		last_stop_write(m, status, uptime);
	stop_hooks_run(m, CONF_HOOK_STOP, reboot);
	start_teardown(m->ctx);
	stop_hooks_run(m, CONF_HOOK_POST_STOP, reboot);
	if (!reboot)
		return false;
	if (mgr_load_config(m->ctx->c) < 0)
		log_warn("Keeping the old config: %s", mgr_last_error(m->ctx->c));
	return spawn(m) == 0;
}

static void reap(struct monitor *m, bool *running)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
		if (pid == m->ctx->init_pid)
			*running = init_exited(m, status);
}

static void signal_received(struct monitor *m, bool *running)
{
	struct signalfd_siginfo si;
	const struct mgr_conf *conf = m->ctx->c->conf;

	if (read(m->sigfd, &si, sizeof(si)) != sizeof(si))
		return;
	if (si.ssi_signo == SIGCHLD) {
		reap(m, running);
		return;
	}
	if (si.ssi_signo == SIGWINCH) {
		if (m->relay && m->console.master >= 0)
			terminal_winsize_copy(STDIN_FILENO, m->console.master);
		return;
	}
	if (m->ctx->init_pid <= 0)
		return;
	/* SIGINT/SIGTERM/SIGHUP to the monitor: an application container
	 * (mgr-init) gets the signal itself, a system container its halt
	 * signal. */
	if (m->ctx->opts && m->ctx->opts->use_mgr_init)
		kill(m->ctx->init_pid, si.ssi_signo);
	else
		handle_stop(m, conf->signal_halt ? conf->signal_halt : SIGPWR, false);
}

static int loop(struct monitor *m)
{
	bool running = true;

	while (running) {
		struct pollfd p[MAX_CLIENTS + 5];
		size_t n = 0, first_client;

		p[n++] = (struct pollfd){ .fd = m->sigfd, .events = POLLIN };
		p[n++] = (struct pollfd){ .fd = m->setup->listen_fd, .events = POLLIN };
		p[n].events = 0;
		p[n].fd = console_poll_fd(&m->console, &p[n].events);
		n++;
		p[n++] = (struct pollfd){ .fd = m->relay && m->stdin_open ? STDIN_FILENO : -1,
					  .events = console_wants_input(&m->console) ? POLLIN : 0 };
		p[n++] = (struct pollfd){ .fd = freeze_wait_fd(&m->freeze), .events = POLLPRI };
		first_client = n;
		for (size_t i = 0; i < m->n_clients; i++) {
			const struct client *cl = &m->clients[i];

			/* The console's client waits while its input is pending. */
			p[n++] = (struct pollfd){
				.fd = cl->fd,
				.events = cl->tty != 0 || console_wants_input(&m->console) ? POLLIN : 0,
			};
		}

		if (poll(p, n, freeze_wait_timeout(&m->freeze)) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (p[0].revents)
			signal_received(m, &running);
		if (!running)
			break;
		if (p[2].revents)
			console_ready(&m->console, p[2].revents);
		if (p[3].revents && console_input(&m->console, STDIN_FILENO) < 0)
			m->stdin_open = false;
		if (m->freeze.active && (p[4].revents || freeze_wait_timeout(&m->freeze) == 0))
			freeze_progress(m);
		/* Clients from the back, as client_drop moves the last one in. */
		for (size_t i = n; i-- > first_client;) {
			size_t c = i - first_client;

			if (!p[i].revents || c >= m->n_clients || m->clients[c].gone)
				continue;
			if (m->clients[c].tty >= 0)
				tty_client_input(m, c);
			else if (m->clients[c].waits_freeze)
				client_drop(m, c); /* hung up before the answer */
			else
				client_request(m, c);
		}
		if (p[1].revents)
			client_accept(m);
		clients_sweep(m);
	}
	return 0;
}

static int signals_block(struct monitor *m)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGWINCH);
	if (sigprocmask(SIG_BLOCK, &set, &m->saved_mask) < 0)
		return -errno;
	m->mask_saved = true;
	m->saved_sigpipe = signal(SIGPIPE, SIG_IGN);
	m->sigfd = signalfd(-1, &set, SFD_CLOEXEC);
	return m->sigfd < 0 ? -errno : 0;
}

int monitor_run(struct monitor_setup *setup)
{
	struct monitor m = {
		.setup = setup,
		.ctx = &setup->ctx,
		.state = MGR_STOPPED,
		.history = { MGR_STOPPED },
		.n_history = 1,
		.sigfd = -1,
		.console = CONSOLE_NONE,
		.freeze = FREEZE_WAIT_INIT,
	};
	int r, k;

	m.relay = setup->foreground && setup->ctx.opts && setup->ctx.opts->console_on_terminal &&
		  isatty(STDIN_FILENO);
	m.stdin_open = m.relay;
	r = signals_block(&m);
	if (r < 0) {
		container_error(m.ctx->c, r, "Failed to set up signal handling");
		report(&m, r);
		goto out;
	}
	r = console_open(&m.console, m.ctx->c->conf, m.ctx->opts);
	if (r < 0) {
		container_error(m.ctx->c, r, "Failed to set up the console");
		report(&m, r);
		goto out;
	}
	if (m.relay)
		(void)console_attach(&m.console, STDOUT_FILENO, false);
	r = spawn(&m);
	report(&m, r);
	if (r < 0)
		goto out;
	if (m.relay && terminal_raw(STDIN_FILENO, &m.saved_tty) == 0)
		m.tty_saved = true;
	r = loop(&m);
	if (r == 0)
		r = m.exit_code;
out:
	if (m.tty_saved)
		terminal_restore(STDIN_FILENO, &m.saved_tty);
	/* Gone from the runtime directory before anyone hears STOPPED, so a
	 * start right after that does not find this monitor. */
	unlink(setup->socket_path);
	close(setup->listen_fd);
	runtime_dir_tidy(m.ctx->c->path);
	/* An ephemeral container that ran is gone before STOPPED is heard: a
	 * stop that returns finds nothing.  One that failed to start is left
	 * to whoever started it. */
	if (m.ctx->c->conf->ephemeral && m.was_running && (k = mgr_destroy(m.ctx->c, 0)) < 0)
		log_error_errno(k, "Failed to destroy the ephemeral container: %s",
				mgr_last_error(m.ctx->c));
	state_set(&m, MGR_STOPPED);
	for (size_t i = m.n_clients; i-- > 0;)
		client_drop(&m, i);
	if (m.sigfd >= 0)
		close(m.sigfd);
	if (m.mask_saved) {
		if (m.saved_sigpipe != SIG_ERR)
			signal(SIGPIPE, m.saved_sigpipe);
		sigprocmask(SIG_SETMASK, &m.saved_mask, NULL);
	}
	console_close(&m.console);
	return r;
}
