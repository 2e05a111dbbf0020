/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mgr_attach(): run a command inside a running container (see attach.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/close_range.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "attach.h"
#include "caps.h"
#include "log.h"
#include "sync.h"
#include "util/exec.h"
#include "util/strv.h"

/* MGR_ATTACH_NS_* in the order they are joined one by one (the mount
 * namespace last: /proc must stay the host's until then). */
static const struct {
	unsigned bit;
	int clone_flag;
	const char *file;
} namespaces[] = {
	{ MGR_ATTACH_NS_USER, CLONE_NEWUSER, "ns/user" }, /* first: it owns the others */
	{ MGR_ATTACH_NS_PID, CLONE_NEWPID, "ns/pid" },
	{ MGR_ATTACH_NS_UTS, CLONE_NEWUTS, "ns/uts" },
	{ MGR_ATTACH_NS_IPC, CLONE_NEWIPC, "ns/ipc" },
	{ MGR_ATTACH_NS_NET, CLONE_NEWNET, "ns/net" },
	{ MGR_ATTACH_NS_CGROUP, CLONE_NEWCGROUP, "ns/cgroup" },
	{ MGR_ATTACH_NS_MOUNT, CLONE_NEWNS, "ns/mnt" },
};

static void attach_ctx_done(struct attach_ctx *a)
{
	closep(&a->pidfd);
	closep(&a->procfd);
	closep(&a->sock);
	cgroup_free(a->cg);
	seccomp_policy_free(a->seccomp);
	lsm_exec_free(a->lsm);
	attach_user_done(&a->user);
	strv_free(a->argv);
	strv_free(a->env);
}

/* --- in the children (no allocation, no stdio; errors over a->sock) ----- */

static int ns_join_files(const struct attach_ctx *a)
{
	int fds[ARRAY_SIZE(namespaces)], r = 0;

	/* Open them all first: after the mount namespace /proc is another. */
	for (size_t i = 0; i < ARRAY_SIZE(namespaces); i++) {
		fds[i] = -1;
		if ((a->ns_flags & namespaces[i].clone_flag) && r == 0) {
			fds[i] = openat(a->procfd, namespaces[i].file, O_RDONLY | O_CLOEXEC);
			if (fds[i] < 0)
				r = -errno;
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(namespaces) && r == 0; i++)
		if (fds[i] >= 0 && setns(fds[i], namespaces[i].clone_flag) < 0)
			r = -errno;
	for (size_t i = 0; i < ARRAY_SIZE(namespaces); i++)
		closep(&fds[i]);
	return r;
}

static int ns_join(const struct attach_ctx *a)
{
	if (a->pidfd >= 0 && setns(a->pidfd, a->ns_flags) == 0)
		return 0;
	/* Kernels before 5.8 take no pidfd in setns(). */
	if (a->pidfd >= 0 && errno != EINVAL)
		return -errno;
	return ns_join_files(a);
}

static int identity_switch(const struct attach_ctx *a)
{
	/* A user namespace whose maker may not set groups (setgroups "deny")
	 * keeps the groups it has, none of which it maps. */
	if ((setgroups(0, NULL) < 0 && errno != EPERM) || setresgid(a->gid, a->gid, a->gid) < 0)
		return sync_error(a->sock, -errno, "Failed to switch to gid %u", (unsigned)a->gid);
	if (setresuid(a->uid, a->uid, a->uid) < 0)
		return sync_error(a->sock, -errno, "Failed to switch to uid %u", (unsigned)a->uid);
	return 0;
}

static int cwd_enter(const struct attach_ctx *a)
{
	if (a->cwd) {
		if (chdir(a->cwd) < 0)
			return sync_error(a->sock, -errno, "Failed to change to \"%s\"", a->cwd);
		return 0;
	}
	if (chdir(a->home) < 0 && chdir("/") < 0)
		return sync_error(a->sock, -errno, "Failed to change to \"/\"");
	return 0;
}

/* The command, in the container's namespaces and cgroup. */
static int command_run(const struct attach_ctx *a)
{
	const struct mgr_conf *conf = a->c->conf;
	char err[400] = "";
	pid_t parent = getppid();
	int r;

	/* Nothing stays behind when mgr-attach is killed. */
	(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (a->interactive) {
		r = attach_pty_child(a);
		if (r < 0)
			return r;
	}
	r = cwd_enter(a);
	if (r < 0)
		return r;
	if (!(a->opts->elevated & MGR_ATTACH_KEEP_CAPS)) {
		r = caps_apply(conf, err, sizeof(err));
		if (r < 0)
			return sync_report(a->sock, r, err);
	}
	/* Init's confinement, while CAP_SYS_ADMIN allows a filter without
	 * no_new_privs, and its LSM label, through the host's /proc. */
	if (a->seccomp) {
		r = seccomp_policy_load(a->seccomp, conf->seccomp_allow_nesting);
		if (r < 0)
			return sync_error(a->sock, r, "Failed to load the seccomp policy \"%s\"",
					  conf->seccomp_profile);
	}
	r = lsm_change_apply(a->lsm, err, sizeof(err));
	if (r < 0)
		return sync_report(a->sock, r, err);
	r = identity_switch(a);
	if (r < 0)
		return r;
	/* A change of ids (also becoming root of a user namespace) clears
	 * the parent-death signal: again, and mgr-attach may be gone already. */
	(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(128 + SIGKILL);
	if (conf->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return sync_error(a->sock, -errno, "Failed to set no_new_privs");
	/* Nothing of the caller's but stdio reaches the command. */
	if (syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		for (int i = 3; i < 1024; i++)
			(void)fcntl(i, F_SETFD, FD_CLOEXEC);
	exec_signals_reset();
	r = exec_search(a->argv, a->env, NULL);
	sync_error(a->sock, r, "Failed to execute \"%s\"", a->argv[0]);
	_exit(r == -ENOENT ? 127 : 126);
}

/* A fork-like clone whose child is the caller's child, not ours. */
static pid_t clone_sibling(void)
{
	struct clone_args args = { .flags = CLONE_PARENT };
	pid_t pid = syscall(SYS_clone3, &args, sizeof(args));

	if (pid < 0 && errno == ENOSYS)
		pid = syscall(SYS_clone, (unsigned long)CLONE_PARENT, NULL, NULL, NULL, NULL);
	return pid;
}

static _noreturn_ void joiner_run(const struct attach_ctx *a, bool in_unified)
{
	int r;
	pid_t pid;

	/* No one in the container may look into this process's memory. */
	(void)prctl(PR_SET_DUMPABLE, 0);
	if (!(a->opts->elevated & MGR_ATTACH_KEEP_CGROUP)) {
		r = cgroup_enter_self(a->cg, in_unified);
		/* cgroup2 moves a process only between cgroups whose common
		 * ancestor the mover may write: for a user other than root,
		 * within what was delegated to it. */
		if (r == -EACCES && geteuid() != 0) {
			sync_error(a->sock, r,
				   "Failed to enter the cgroup of \"%s\" from outside the cgroup "
				   "delegated to uid %u where it was started (run both through the "
				   "same delegation, e.g. systemd-run --user --scope)",
				   a->c->name, (unsigned)geteuid());
			_exit(1);
		}
		if (r < 0) {
			sync_error(a->sock, r, "Failed to enter the cgroup of \"%s\"", a->c->name);
			_exit(1);
		}
	}
	r = ns_join(a);
	if (r < 0) {
		sync_error(a->sock, r, "Failed to join the namespaces of \"%s\"", a->c->name);
		_exit(1);
	}
	pid = clone_sibling();
	if (pid == 0) {
		command_run(a);
		_exit(1);
	}
	if (pid < 0)
		sync_error(a->sock, -errno, "Failed to start a process in \"%s\"", a->c->name);
	else
		(void)sync_send_value(a->sock, SYNC_PID, pid, -1);
	_exit(pid < 0);
}

/* --- in the caller --------------------------------------------------------- */

/* fork(), straight into the cgroup2 directory cgroup_fd where the kernel
 * can: a move through cgroup.procs waits for the global threadgroup lock. */
static pid_t fork_into(int cgroup_fd, bool *ret_in_unified)
{
	struct clone_args args = {
		.flags = CLONE_INTO_CGROUP,
		.exit_signal = SIGCHLD,
		.cgroup = (uint64_t)cgroup_fd,
	};
	pid_t pid;

	*ret_in_unified = false;
	if (cgroup_fd >= 0) {
		pid = syscall(SYS_clone3, &args, sizeof(args));
		if (pid >= 0) {
			*ret_in_unified = true;
			return pid;
		}
	}
	return fork();
}

static int ns_flags_from(unsigned mask)
{
	int flags = 0;

	if (mask == 0)
		mask = MGR_ATTACH_NS_ALL;
	for (size_t i = 0; i < ARRAY_SIZE(namespaces); i++)
		if (mask & namespaces[i].bit)
			flags |= namespaces[i].clone_flag;
	return flags;
}

/* Running (not frozen, not in a transition), init held by a pidfd and its
 * /proc directory, both checked to be the init the monitor knows, and the
 * container's cgroup. */
static int attach_target(struct attach_ctx *a)
{
	struct mgr_container *c = a->c;
	enum mgr_state state;
	char proc[64];
	pid_t again;
	int r;

	if (!mgr_defined(c))
		return container_error_msg(c, -ENOENT, "The container is not defined");
	if (!c->conf) {
		r = mgr_load_config(c);
		if (r < 0)
			return r;
	}
	r = mgr_get_state(c, &state);
	if (r < 0)
		return r;
	if (state == MGR_STOPPED)
		return container_error_msg(c, -ESRCH, "The container is not running");
	if (state == MGR_FROZEN || state == MGR_FREEZING)
		return container_error_msg(c, -EBUSY, state == MGR_FROZEN
							   ? "The container is FROZEN: thaw it first"
							   : "The container is FREEZING: thaw it first");
	if (state != MGR_RUNNING && state != MGR_THAWED) {
		container_error(c, 0, "The container is %s, not RUNNING", mgr_state_name(state));
		return -EBUSY;
	}
	r = mgr_get_init_pid(c, &a->init_pid);
	if (r < 0)
		return r;
	a->pidfd = (int)syscall(SYS_pidfd_open, a->init_pid, 0);
	if (a->pidfd < 0 && errno != ENOSYS)
		return container_error(c, -errno, "Failed to open init of \"%s\"", c->name);
	snprintf(proc, sizeof(proc), "/proc/%d", (int)a->init_pid);
	a->procfd = open(proc, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (a->procfd < 0)
		return container_error(c, -errno, "Failed to open \"%s\"", proc);
	/* The pid may have been reused before we held it: ask again. */
	r = mgr_get_init_pid(c, &again);
	if (r < 0)
		return r;
	if (again != a->init_pid)
		return container_error_msg(c, -ESRCH, "The container restarted meanwhile");

	/* A container's own user namespace comes with any other namespace
	 * of it: they belong to it.  Joining one's own is an error. */
	if (a->ns_flags) {
		struct stat ours, theirs;

		if (fstatat(a->procfd, "ns/user", &theirs, 0) < 0 ||
		    stat("/proc/self/ns/user", &ours) < 0)
			return container_error(c, -errno, "Failed to read the user namespace of \"%s\"",
					       c->name);
		if (ours.st_ino == theirs.st_ino && ours.st_dev == theirs.st_dev)
			a->ns_flags &= ~CLONE_NEWUSER;
		else
			a->ns_flags |= CLONE_NEWUSER;
	}
	r = cgroup_open(c->name, a->init_pid, &a->cg);
	if (r < 0)
		return container_error(c, r, "Failed to find the cgroup of \"%s\"", c->name);
	/* The joiner would freeze too, on its way into the cgroup; also when
	 * someone froze the cgroup behind the monitor's back. */
	if (cgroup_is_frozen(a->cg))
		return container_error_msg(c, -EBUSY, "The container's cgroup is frozen");
	/* Init's cgroup, a leaf where the container's is not. */
	r = cgroup_follow(a->cg, a->init_pid);
	if (r < 0)
		return container_error(c, r, "Failed to read the cgroup of init of \"%s\"", c->name);
	return 0;
}

/* The user, the command, its environment and where it starts. */
static int attach_prepare(struct attach_ctx *a, char *const argv[])
{
	const struct mgr_attach_options *o = a->opts;
	struct mgr_container *c = a->c;
	_cleanup_close_ int rootfd = -1;
	int r;

	STRV_FOREACH(kv, o->extra_env)
		if (!strchr(*kv, '=') || **kv == '=')
			return container_error(c, -EINVAL, "Bad variable \"%s\": expected VAR=VALUE",
					       *kv);
	a->uid = o->uid == (uid_t)-1 ? 0 : o->uid;
	/* The user is looked up where the command will find its files. */
	if (a->ns_flags & CLONE_NEWNS)
		rootfd = openat(a->procfd, "root", O_PATH | O_DIRECTORY | O_CLOEXEC);
	else
		rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return container_error(c, -errno, "Failed to open the root of \"%s\"", c->name);
	r = attach_user_lookup(rootfd, a->uid, &a->user);
	if (r < 0)
		return container_error(c, r, "Failed to read /etc/passwd of \"%s\"", c->name);
	a->gid = o->gid != (gid_t)-1 ? o->gid : a->user.found ? a->user.gid : 0;
	a->home = a->user.found ? a->user.home : "/";
	a->cwd = o->cwd;

	if (argv && argv[0])
		a->argv = strv_copy(argv);
	else
		(void)strv_append(&a->argv, a->user.found ? a->user.shell : "/bin/sh");
	a->env = attach_env_build(o, &a->user, a->home);
	if (!a->argv || !a->env)
		return container_error(c, -ENOMEM, "Failed to prepare the command");

	a->interactive = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO) &&
			 tcgetattr(STDIN_FILENO, &a->tio) == 0;
	if (a->interactive) {
		a->stderr_on_pty = isatty(STDERR_FILENO);
		if (ioctl(STDIN_FILENO, TIOCGWINSZ, &a->ws) < 0)
			a->ws = (struct winsize){ .ws_row = 24, .ws_col = 80 };
	}
	/* The filter is compiled here, once, and only loaded by the command. */
	if (c->conf->seccomp_profile && !(o->elevated & MGR_ATTACH_KEEP_LSM)) {
		char err[512];

		r = seccomp_policy_compile(c->conf->seccomp_profile, &a->seccomp, err, sizeof(err));
		if (r < 0)
			return container_error_msg(c, r, err);
	}
	/* The label init runs with, unless elevated. */
	if (!(o->elevated & MGR_ATTACH_KEEP_LSM)) {
		r = lsm_attach_prepare(c, a->procfd, &a->lsm);
		if (r < 0)
			return r;
	}
	caps_prepare();
	return 0;
}

/* What the children say until the socket closes (the command executed,
 * or everything failed): the command's pid, the pty, or an error.
 * *ret_reported: the failure was the children's, who then exit. */
static int attach_collect(struct attach_ctx *a, int sock, pid_t *ret_pid, int *ret_master,
			  bool *ret_reported)
{
	struct sync_msg msg;
	int err = 0, fd, r;

	*ret_reported = false;
	for (;;) {
		r = sync_recv(sock, &msg, &fd);
		if (r == -EPIPE)
			break;
		if (r < 0)
			return container_error(a->c, r, "Failed to hear from the command");
		if (msg.kind == SYNC_PID)
			*ret_pid = msg.value;
		else if (msg.kind == SYNC_PTY && fd >= 0 && *ret_master < 0)
			*ret_master = TAKE_FD(fd);
		else if (msg.kind == SYNC_ERROR && err == 0) {
			err = container_error_msg(a->c, msg.err, msg.text);
			*ret_reported = true;
		}
		closep(&fd);
	}
	if (err == 0 && (*ret_pid <= 0 || (a->interactive && *ret_master < 0)))
		err = container_error(a->c, -EIO, "Failed to start a process in \"%s\"", a->c->name);
	return err;
}

static int exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

static int wait_pid(pid_t pid)
{
	int status = 0;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return status;
}

static int attach_spawn(struct attach_ctx *a, int *ret_exit_code)
{
	_cleanup_close_ int sock = -1, master = -1, log_fd = -1, cgroup_fd = -1;
	pid_t joiner, pid = 0;
	int sv[2], status, r;
	bool in_unified, reported;

	if (a->interactive && a->opts->pty_log) {
		log_fd = open(a->opts->pty_log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY,
			      0600);
		if (log_fd < 0)
			return container_error(a->c, -errno, "Failed to open the pty log \"%s\"",
					       a->opts->pty_log);
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return container_error(a->c, -errno, "Failed to create a socketpair");
	sock = sv[0];
	a->sock = sv[1];
	if (!(a->opts->elevated & MGR_ATTACH_KEEP_CGROUP))
		cgroup_fd = cgroup_clone_fd(a->cg);
	joiner = fork_into(cgroup_fd, &in_unified);
	if (joiner < 0)
		return container_error(a->c, -errno, "Failed to fork");
	if (joiner == 0) {
		closep(&sock);
		joiner_run(a, in_unified);
	}
	closep(&a->sock);
	a->sock = -1;
	r = attach_collect(a, sock, &pid, &master, &reported);
	(void)wait_pid(joiner);
	if (r < 0 && pid > 0) {
		if (!reported)
			kill(pid, SIGKILL);
		status = wait_pid(pid);
		/* Not executable: the shell's exit codes, with the reason. */
		if (status >= 0 && WIFEXITED(status) &&
		    (WEXITSTATUS(status) == 126 || WEXITSTATUS(status) == 127))
			*ret_exit_code = WEXITSTATUS(status);
		return r;
	}
	if (r < 0)
		return r;
	log_debug("attached %d to \"%s\"", (int)pid, a->c->name);
	if (master >= 0) {
		r = attach_pty_relay(master, pid, log_fd);
		if (r < 0)
			kill(pid, SIGKILL);
	}
	status = wait_pid(pid);
	if (status < 0)
		return container_error(a->c, status, "Failed to wait for the command");
	if (r < 0)
		return container_error(a->c, r, "Failed to relay the terminal");
	*ret_exit_code = exit_code(status);
	return 0;
}

_public_ int mgr_attach(struct mgr_container *c, const struct mgr_attach_options *opts,
			char *const argv[], int *ret_exit_code)
{
	static const struct mgr_attach_options defaults = MGR_ATTACH_OPTIONS_INIT;
	_cleanup_(attach_ctx_done) struct attach_ctx a = {
		.c = c, .opts = opts ? opts : &defaults, .pidfd = -1, .procfd = -1, .sock = -1,
	};
	int r;

	a.ns_flags = ns_flags_from(a.opts->namespaces);
	r = attach_target(&a);
	if (r == 0)
		r = attach_prepare(&a, argv);
	if (r == 0)
		r = attach_spawn(&a, ret_exit_code);
	return r;
}
