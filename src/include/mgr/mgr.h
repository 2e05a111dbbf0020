/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libmgr: the public interface of the mgr system-container manager.
 *
 * Conventions: functions return 0 (or a positive count) on success and a
 * negative errno on failure.  After a failure, mgr_last_error() on the same
 * handle returns a message naming what failed and why, suitable for
 * "mgr-start: web1: <message>".  Output parameters are named ret_* and are
 * left untouched on failure.  The library never prints; it logs only to the
 * log file configured with mgr_log_open() or the container's log.file.
 */
#ifndef MGR_H
#define MGR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MGR_NAME_MAX 64

struct mgr_container;

enum mgr_state {
	MGR_STOPPED = 0,
	MGR_STARTING,
	MGR_RUNNING,
	MGR_STOPPING,
	MGR_ABORTING,
	MGR_FREEZING,
	MGR_FROZEN,
	MGR_THAWED,
	_MGR_STATE_MAX,
};

enum mgr_log_level {
	MGR_LOG_TRACE = 0,
	MGR_LOG_DEBUG,
	MGR_LOG_INFO,
	MGR_LOG_NOTICE,
	MGR_LOG_WARN,
	MGR_LOG_ERROR,
	MGR_LOG_CRIT,
	MGR_LOG_ALERT,
	MGR_LOG_FATAL,
};

/* --- library-wide ------------------------------------------------------- */

const char *mgr_version(void);
/* Default container path (-P), e.g. /var/lib/mgr. */
const char *mgr_default_path(void);
const char *mgr_state_name(enum mgr_state state);
/* Returns the state or -EINVAL for an unknown name (case-insensitive). */
int mgr_state_from_name(const char *name);
/* Level name ("trace" .. "fatal", case-insensitive) or -EINVAL. */
int mgr_log_level_from_name(const char *name);
/* Send library logs at or above level to file (NULL: none).  quiet is kept
 * for the tools: the library itself never writes to stderr. */
int mgr_log_open(const char *file, enum mgr_log_level level);
/* 0 if name is a valid container name, else -EINVAL with *ret_why set. */
int mgr_name_check(const char *name, const char **ret_why);
/* A size as the config takes it: "100", "64K", "10G", "2TiB"
 * (powers of 1024).  0 or -EINVAL / -ERANGE. */
int mgr_size_parse(const char *s, uint64_t *ret);

/* --- handles ------------------------------------------------------------ */

/* A handle for container name under path (NULL: the default path).  The
 * config is read if it exists.  Returns NULL with errno set on failure
 * (EINVAL: bad name, ENOMEM). */
struct mgr_container *mgr_container_new(const char *name, const char *path);
void mgr_container_free(struct mgr_container *c);
const char *mgr_container_name(const struct mgr_container *c);
const char *mgr_container_path(const struct mgr_container *c);
/* Path of the container's config file. */
const char *mgr_config_file(const struct mgr_container *c);
const char *mgr_last_error(const struct mgr_container *c);
/* Forget the last error: until the next failure mgr_last_error() says
 * "unknown error".  For callers that keep a handle across many calls and
 * want no earlier message mistaken for a later one's. */
void mgr_clear_error(struct mgr_container *c);
/* True when the container's config file exists. */
bool mgr_defined(const struct mgr_container *c);
/* (Re)load the config file; -ENOENT when not defined, -EINVAL on a bad
 * config with the file, line and key in mgr_last_error(). */
int mgr_load_config(struct mgr_container *c);
/* Read an alternative config file instead of the container's own. */
int mgr_load_config_file(struct mgr_container *c, const char *file);
/* 1 when the loaded (or loadable) config gives the container no user
 * namespace: root in it is root on the host; 0 when it has maps of its
 * own; -errno when the config cannot be read. */
int mgr_privileged(struct mgr_container *c);
/* Make the stopped container c unprivileged: a range of root's
 * subordinate ids of its own, its rootfs mounted idmapped or (where that
 * cannot be, or MGR_SHIFT_CHOWN) its files shifted into the range; or,
 * with MGR_SHIFT_PRIVILEGED, privileged again.  -EBUSY while it runs,
 * -EALREADY when it is so already. */
int mgr_shift(struct mgr_container *c, unsigned flags);

/* --- config items (keys with or without "mgr."/"lxc." prefix) ------------- */

/* *ret is a malloc'd string, one value per line for list keys. */
int mgr_get_config_item(struct mgr_container *c, const char *key, char **ret);
/* An empty value clears the key, as in a config file. */
int mgr_set_config_item(struct mgr_container *c, const char *key, const char *value);
int mgr_clear_config_item(struct mgr_container *c, const char *key);
/* Write the config back to the container's config file. */
int mgr_save_config(struct mgr_container *c);
/* NULL-terminated array of every key the library knows (static strings). */
const char *const *mgr_config_keys(void);

/* --- lifecycle ---------------------------------------------------------- */

enum {
	MGR_CREATE_QUIET = 1 << 0, /* template output to the log, not the terminal */
	MGR_CREATE_UNPRIVILEGED = 1 << 1, /* mgr.idmap = auto: a user namespace with a
					     range of root's subordinate ids (the
					     default unless the config says
					     mgr.privileged = 1 or gives maps) */
	MGR_CREATE_PRIVILEGED = 1 << 2,   /* no user namespace: root in the container
					     is root on the host (mgr.privileged = 1) */
};

enum {
	MGR_SHIFT_PRIVILEGED = 1 << 0, /* back to no user namespace */
	MGR_SHIFT_CHOWN = 1 << 1,      /* rewrite the owners even where an
					  idmapped mount would do */
};

/* Where and how a new root filesystem is made (create and clone). */
struct mgr_storage_options {
	const char *backend;    /* "dir", "btrfs", "loop", "lvm", and for a
				   clone "overlay"; NULL: see the caller */
	const char *rootfs_dir; /* dir, btrfs: where (default: DIR/rootfs of
				   the container's directory DIR) */
	uint64_t fssize;        /* loop, lvm: bytes (0: 1 GiB)                */
	const char *fstype;     /* loop, lvm: filesystem type (NULL: ext4)    */
	const char *vgname;     /* lvm: volume group (NULL: "mgr")            */
	const char *lvname;     /* lvm: logical volume (NULL: container name) */
	const char *thinpool;   /* lvm: a thin pool of the volume group to
				   take the LV from (NULL: a plain LV)        */
};

/* Create the container from template (a name looked up in the template
 * directory, or a path to an executable; NULL: an empty rootfs), its
 * rootfs made as storage says (backend NULL: "dir"; "overlay" is refused:
 * an overlay is a snapshot of another container, see mgr_clone()).
 * config_file is an extra config read after the global defaults.  argv are
 * passed to the template after its standard arguments.  On failure nothing
 * of the container is left behind (no directory, image, LV or mount). */
struct mgr_create_options {
	const char *template_name;
	struct mgr_storage_options storage;
	const char *config_file;
	char *const *template_argv;
	unsigned flags;
};
int mgr_create(struct mgr_container *c, const struct mgr_create_options *opts);

enum {
	MGR_DESTROY_FORCE = 1 << 0,     /* stop (kill) a running container first */
	MGR_DESTROY_SNAPSHOTS = 1 << 1, /* destroy its snapshots first           */
};
/* A container whose rootfs is the lower layer of overlay snapshots, or
 * the origin of LVM snapshots, or that has snapshots of its own
 * (mgr_snapshot()), is refused (-EBUSY, the snapshots named in the
 * message) unless MGR_DESTROY_SNAPSHOTS is given. */
int mgr_destroy(struct mgr_container *c, unsigned flags);

enum {
	MGR_CLONE_SNAPSHOT = 1 << 0,    /* a copy-on-write snapshot, not a copy  */
	MGR_CLONE_KEEPNAME = 1 << 1,    /* keep the hostname (uts.name, /etc)    */
	MGR_CLONE_KEEPMACADDR = 1 << 2, /* keep the networks' MAC addresses      */
	MGR_CLONE_LIVE = 1 << 3,        /* copy a running c, frozen meanwhile    */
	MGR_CLONE_EPHEMERAL = 1 << 4,   /* destroyed when it stops (ephemeral)   */
};
/* Make the container newname under newpath (NULL: c's path) from c: its
 * config, with rootfs.path, uts.name and the MAC addresses of its
 * networks made its own, and its rootfs, made as storage says (NULL: all
 * defaults).  A full copy keeps owners, modes, hard links, sparse files,
 * device nodes, ACLs, xattrs and file capabilities, with reflinks where
 * the filesystem has them; its backend defaults to c's ("dir" for an
 * overlay).  A snapshot (MGR_CLONE_SNAPSHOT, or backend "overlay") is
 * copy-on-write: a btrfs snapshot of a btrfs c, an LVM snapshot of an lvm
 * c, and otherwise an overlay whose read-only lower layer is c's
 * directory (or the lower of an overlay c, whose upper is copied).  In the
 * new rootfs /etc/hostname and /etc/hosts get the new name, the SSH host
 * keys are deleted and /etc/machine-id is emptied.  A running c is
 * refused (-EBUSY) unless MGR_CLONE_LIVE; a snapshot needs c stopped.
 * Until it has finished the new container is not defined: a clone killed
 * half way leaves nothing that mgr_list() shows. */
int mgr_clone(struct mgr_container *c, const char *newname, const char *newpath, unsigned flags,
	      const struct mgr_storage_options *storage);

/* Rename the stopped container c to newname in the same path: its
 * directory, the paths in its config, and its hostname (uts.name,
 * /etc/hostname, /etc/hosts) where that was its name.  MAC addresses, host
 * keys and machine ID stay.  A container with snapshots is refused (they
 * refer to its path).  On success c is the handle of newname. */
int mgr_rename(struct mgr_container *c, const char *newname);

struct mgr_start_options {
	bool foreground;          /* run the monitor in this process (-F)      */
	bool console_on_terminal; /* with foreground: relay the console to stdio */
	const char *console_path; /* -c: host file or device for the console   */
	const char *console_log;  /* -L: console log file                      */
	char *const *init_argv;   /* overrides init.cmd when non-NULL          */
	bool use_mgr_init;        /* run init_argv under mgr-init (execute)    */
	bool stdio_to_init;       /* init's stdio is the caller's (execute)    */
};
/* Start the container.  Daemonized (default): returns once the container
 * is RUNNING (0) or failed to start.  Foreground: returns when the container
 * has stopped; the return value is then init's exit status encoded as an
 * exit code (0..255, 128+N for death by signal N). */
int mgr_start(struct mgr_container *c, const struct mgr_start_options *opts);

enum mgr_stop_mode {
	MGR_STOP_CLEAN = 0, /* halt signal, wait timeout, then kill          */
	MGR_STOP_KILL,      /* SIGKILL everything at once                    */
	MGR_STOP_REBOOT,    /* reboot signal, wait until a new init runs     */
};
/* timeout < 0: wait forever for a clean stop; 0 with CLEAN: kill at once.
 * REBOOT waits (timeout seconds, < 0 forever) until the container is
 * RUNNING with a new init: -ETIMEDOUT when it is not, -ECHILD when it
 * stopped instead.  nowait: only send the signal, do not wait for the
 * result. */
int mgr_stop(struct mgr_container *c, enum mgr_stop_mode mode, int timeout, bool nowait);

/* Why the container stopped last, recorded when its init exited for good
 * (not for a reboot). */
struct mgr_last_stop {
	long long time;     /* when, in seconds since the epoch */
	char requested[16]; /* "stop", "kill", "reboot" (it halted instead), or
			       "none": init ended by itself */
	int exit_status;    /* init's exit status, -1 when a signal ended it */
	int signal;         /* the signal that ended init, or 0 */
	double uptime;      /* seconds it had run */
};
/* -ENOENT when it has not stopped since it was made. */
int mgr_get_last_stop(struct mgr_container *c, struct mgr_last_stop *ret);

/* Current state (STOPPED when no monitor answers). */
int mgr_get_state(struct mgr_container *c, enum mgr_state *ret);
/* PID of init as seen from the host; -ESRCH when not running. */
int mgr_get_init_pid(struct mgr_container *c, pid_t *ret);
/* Seconds since the container was started; -ESRCH when not running. */
int mgr_get_uptime(struct mgr_container *c, double *ret);
/* Wait until the container is in one of the states in state_mask (a set of
 * MGR_STATE_BIT(state)); timeout in seconds (<0 forever).  -ETIMEDOUT when
 * it did not get there in time.  The state reached is in *ret if non-NULL. */
#define MGR_STATE_BIT(s) (1u << (s))
int mgr_wait(struct mgr_container *c, unsigned state_mask, int timeout, enum mgr_state *ret);

/* Watch state changes of the containers under path (NULL: default) whose
 * name matches name_regex (NULL: all).  cb is called for each change; a
 * non-zero return from cb stops the watch and is returned.  timeout in
 * seconds (<0 forever); returns 0 on timeout. */
typedef int (*mgr_monitor_cb)(const char *name, enum mgr_state state, void *userdata);
int mgr_monitor_states(const char *path, const char *name_regex, int timeout,
		       mgr_monitor_cb cb, void *userdata);

/* --- snapshots ---------------------------------------------------------- */

/* A container's snapshots are containers of their own in its directory,
 * DIR/snaps/snap0, snap1, ...: its config and its rootfs as they were
 * when the snapshot was made, the same machine (the hostname, MAC
 * addresses, SSH host keys and machine ID are kept).  mgr_list() does not
 * list them; mgr_destroy() of the container destroys them only with
 * MGR_DESTROY_SNAPSHOTS. */
struct mgr_snapshot {
	char *name;    /* "snap0"                                       */
	char *dir;     /* its directory, DIR/snaps/snap0                */
	time_t time;   /* when it was made (0: unknown)                 */
	char *comment; /* as given to mgr_snapshot(); NULL when none    */
};

/* Make the snapshot snapN of c, N one more than the highest one it has
 * (snap0 first), and keep comment (NULL: none) with it; its name in
 * *ret_name (malloc'd) when ret_name is not NULL.  Its rootfs is made as
 * mgr_clone() makes one: a btrfs snapshot of a btrfs c, an LVM snapshot
 * of an lvm c (named LV_snapN, LV being c's), an overlay of an overlay c
 * sharing its lower (with a copy of its upper), and a full copy of a dir
 * or loop c.  A running c is frozen during a full copy; the other kinds
 * need it stopped (-EBUSY). */
int mgr_snapshot(struct mgr_container *c, const char *comment, char **ret_name);
/* c's snapshots, snap2 before snap10, into *ret (free it with
 * mgr_snapshot_list_free()) and their count into *ret_n; returns the
 * count. */
int mgr_snapshot_list(struct mgr_container *c, struct mgr_snapshot **ret, size_t *ret_n);
void mgr_snapshot_list_free(struct mgr_snapshot *list, size_t n);
/* newname NULL: c gets the rootfs and config of its snapshot snapname
 * back, at the place of its rootfs.path.  c must be stopped (-EBUSY).  The
 * new rootfs is made next to the current one (a copy, or a btrfs, thin
 * LVM or overlay snapshot), the two swap, the config is written and only
 * then the old rootfs removed: after a failure c is as it was.  Refused
 * (-EBUSY) while other storage depends on c's rootfs: overlay snapshots of
 * it, or thick LVM snapshots (its own too: such a c can only be restored
 * as a new container).
 * newname given: the new container newname in c's path from the snapshot,
 * with an identity of its own, as mgr_clone() makes it (a btrfs or
 * overlay snapshot, else a full copy).
 * -ENOENT when c has no snapshot snapname. */
int mgr_snapshot_restore(struct mgr_container *c, const char *snapname, const char *newname);
/* Destroy c's snapshot snapname (-ENOENT: there is none). */
int mgr_snapshot_destroy(struct mgr_container *c, const char *snapname);
/* Destroy every snapshot of c; returns how many there were. */
int mgr_snapshot_destroy_all(struct mgr_container *c);

/* --- freezing ----------------------------------------------------------- */

/* Freeze every process of the running container c (its cgroup's freezer)
 * and return once the kernel reports them all frozen: FREEZING, then
 * FROZEN.  timeout in seconds (<0: no limit): a container that has not
 * frozen by then is thawed again and -ETIMEDOUT returned.  0 when it is
 * FROZEN already; -ESRCH when not running, -EBUSY while starting or
 * stopping, -ECANCELED when a thaw or a stop came first, -EOPNOTSUPP
 * when the host has no freezer. */
int mgr_freeze(struct mgr_container *c, int timeout);
/* Thaw a frozen (or freezing) container: THAWED, then RUNNING.  0 when it
 * is RUNNING already; -ESRCH when not running, -EBUSY while starting or
 * stopping.  mgr_stop() thaws a frozen container itself. */
int mgr_unfreeze(struct mgr_container *c);

/* --- accounting --------------------------------------------------------- */

/* What one network device in the container's network namespace carried. */
struct mgr_net_stats {
	char name[16];
	uint64_t rx_bytes;
	uint64_t tx_bytes;
};

/* Which figures of struct mgr_stats the host gave. */
enum {
	MGR_STATS_CPU = 1 << 0,
	MGR_STATS_MEMORY = 1 << 1,
	MGR_STATS_MEMORY_PEAK = 1 << 2,
	MGR_STATS_MEMORY_LIMIT = 1 << 3,
	MGR_STATS_PIDS = 1 << 4,
	MGR_STATS_BLKIO = 1 << 5,
	MGR_STATS_NET = 1 << 6,
};
#define MGR_STATS_UNLIMITED UINT64_MAX

struct mgr_stats {
	unsigned have;               /* MGR_STATS_* of the figures below that are set */
	uint64_t cpu_ns;             /* CPU time of all its processes, ever       */
	uint64_t memory_bytes;       /* memory charged to it now, page cache too  */
	uint64_t memory_peak_bytes;  /* the most it was ever charged              */
	uint64_t memory_limit_bytes; /* MGR_STATS_UNLIMITED: no limit             */
	uint64_t pids;               /* its tasks (threads)                       */
	uint64_t blkio_read_bytes;   /* block I/O, summed over every device       */
	uint64_t blkio_write_bytes;
	struct mgr_net_stats *net;   /* every device, lo too (NULL when n_net 0)  */
	size_t n_net;
};
/* What the running container c has used, from its control group (CPU,
 * memory, tasks, block I/O: whichever controllers the host has) and its
 * network namespace.  Free with mgr_stats_free().  -ESRCH when c is not
 * running. */
int mgr_get_stats(struct mgr_container *c, struct mgr_stats *ret);
void mgr_stats_free(struct mgr_stats *stats);

/* --- attach ------------------------------------------------------------- */

/* The container's namespaces a command can join (mgr_attach_options). */
enum {
	MGR_ATTACH_NS_MOUNT = 1 << 0,
	MGR_ATTACH_NS_PID = 1 << 1,
	MGR_ATTACH_NS_UTS = 1 << 2,
	MGR_ATTACH_NS_IPC = 1 << 3,
	MGR_ATTACH_NS_NET = 1 << 4,
	MGR_ATTACH_NS_CGROUP = 1 << 5,
	MGR_ATTACH_NS_USER = 1 << 6, /* joined with any other when init has its own */
	MGR_ATTACH_NS_ALL = (1 << 7) - 1,
};

/* What the command keeps of the caller's privileges (elevated). */
enum {
	MGR_ATTACH_KEEP_CAPS = 1 << 0,   /* no cap.drop/cap.keep on the bounding set */
	MGR_ATTACH_KEEP_CGROUP = 1 << 1, /* stay out of the container's cgroup       */
	MGR_ATTACH_KEEP_LSM = 1 << 2,    /* no LSM label of the container           */
	MGR_ATTACH_KEEP_ALL = (1 << 3) - 1,
};

enum mgr_attach_env {
	/* Nothing of the caller's environment but TERM (else TERM=linux):
	 * container=mgr, PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:
	 * /usr/bin:/sbin:/bin, and HOME, USER, LOGNAME and SHELL of the user
	 * inside (from the container's /etc/passwd; HOME=/ and the others
	 * unset for a user it does not list); then keep_vars, extra_env. */
	MGR_ATTACH_ENV_DEFAULT = 0,
	MGR_ATTACH_ENV_KEEP,  /* the caller's environment, container=mgr    */
	MGR_ATTACH_ENV_CLEAR, /* the same as DEFAULT (LXC's name for it)    */
};

struct mgr_attach_options {
	unsigned namespaces;   /* MGR_ATTACH_NS_* to join; 0: all of them      */
	unsigned elevated;     /* MGR_ATTACH_KEEP_*                            */
	enum mgr_attach_env env_policy;
	char *const *extra_env; /* "VAR=VALUE" set last (NULL-terminated)       */
	char *const *keep_vars; /* names of the caller's variables to pass on
				 * whatever the policy (NULL-terminated)        */
	uid_t uid;             /* (uid_t)-1: root                              */
	gid_t gid;             /* (gid_t)-1: the user's group from the
				* container's /etc/passwd, else 0             */
	const char *cwd;       /* NULL: the user's home, else /                */
	const char *pty_log;   /* interactive sessions: append the output here */
};
#define MGR_ATTACH_OPTIONS_INIT { .uid = (uid_t)-1, .gid = (gid_t)-1 }

/* Run argv (NULL or empty: the user's login shell from the container's
 * /etc/passwd, else /bin/sh) inside the running container c, as a child of
 * its PID namespace, in its cgroup, with its capability bounding set,
 * and wait for it.  When stdin and stdout are terminals the command gets a
 * pty of the container's devpts as its controlling terminal, relayed to
 * the caller's terminal; otherwise it gets the caller's stdin, stdout and
 * stderr.  opts NULL: MGR_ATTACH_OPTIONS_INIT.  Returns 0 with the exit
 * code in *ret_exit_code (128+N for death by signal N).  -ENOENT: c is not
 * defined, -ESRCH: not running, -EBUSY: frozen or starting or stopping.
 * When the command cannot be executed the error is returned and, as the
 * one exception, *ret_exit_code is set too: 127 (not found) or 126. */
int mgr_attach(struct mgr_container *c, const struct mgr_attach_options *opts,
	       char *const argv[], int *ret_exit_code);

/* Re-execute the calling program, with argv and the current environment,
 * from a sealed in-memory copy of its own binary (memfd, sealed against
 * writes, growing and shrinking), unless it already runs from one.  A
 * process entering a container runs from its program's binary until it
 * executes the command; from a sealed copy, a process of the container
 * that gets hold of its /proc/PID/exe cannot write the host's binary
 * through it.  Programs that call mgr_attach() call this first thing in
 * main().  Returns 0 when already running from a sealed copy, does not
 * return when the copy was executed, and returns -errno when no copy
 * could be made or executed. */
int mgr_exec_sealed(char *const argv[]);

/* --- console ------------------------------------------------------------ */

/* Attach stdin_fd/stdout_fd to a terminal of the running container:
 * ttynum 0 is its console, N its ttyN, -1 the first tty no one holds.  A
 * terminal has one client at a time (-EBUSY for a second).  When stdin_fd
 * is a terminal it is put in raw mode and its window size follows along;
 * its settings come back on return, also after an error or a signal.
 * escape_char (e.g. 1 for Ctrl-a; -1: none) followed by 'q' detaches, and
 * typed twice sends it once.  Returns 0 when the user detached or stdin_fd
 * ended, 1 when the container closed the session (it stopped or rebooted),
 * -EINTR after SIGINT, SIGTERM, SIGHUP or SIGQUIT. */
int mgr_console(struct mgr_container *c, int ttynum, int stdin_fd, int stdout_fd,
		int escape_char);
/* The console output the monitor keeps (the last console.buffer.size
 * bytes) into a malloc'd, NUL-terminated *ret_buf of *ret_len bytes.
 * -ENODATA when console.buffer.size is 0. */
int mgr_console_log(struct mgr_container *c, char **ret_buf, size_t *ret_len);

/* --- networks ----------------------------------------------------------- */

/* The addresses of the running container c, as text without prefix, of
 * family "inet" (IPv4), "inet6" (IPv6) or NULL (both, IPv4 first): those of
 * every device in its network namespace that reach beyond the device (not
 * lo's, no link-local ones).  *ret is a NULL-terminated array to free with
 * mgr_free_strv().  Returns the count; -ESRCH when c is not running. */
int mgr_get_ips(struct mgr_container *c, const char *family, char ***ret);
/* The host-side devices of the running container's networks (the host end
 * of each veth), in the order of the networks, as mgr_get_ips() gives its
 * result.  Returns the count; -ESRCH when c is not running. */
int mgr_get_net_links(struct mgr_container *c, char ***ret);

/* --- cgroup settings ---------------------------------------------------- */

/* Read or change one cgroup setting of the running container c, now (the
 * config is not touched).  key is an interface file of the host's cgroups
 * ("memory.limit_in_bytes", "pids.max", "cpu.max"), found in the hierarchy
 * holding its controller, or a limits.* key ("limits.memory", with or
 * without "mgr."), translated for the host as at start and read back in
 * its config form ("64M").  *ret is malloc'd, without a trailing newline.
 * -ESRCH when c is not running, -ENOENT for a file the host does not
 * have, -EINVAL for a bad value of a limits.* key. */
int mgr_get_cgroup_item(struct mgr_container *c, const char *key, char **ret);
int mgr_set_cgroup_item(struct mgr_container *c, const char *key, const char *value);

/* --- listing ------------------------------------------------------------ */

enum {
	MGR_LIST_DEFINED = 1 << 0, /* every container with a config      */
	MGR_LIST_ACTIVE = 1 << 1,  /* only those not STOPPED             */
};
/* Sorted, NULL-terminated array of names; free with mgr_free_strv().
 * Returns the count. */
int mgr_list(const char *path, unsigned flags, char ***ret_names);
void mgr_free_strv(char **strv);

#ifdef __cplusplus
}
#endif
#endif
