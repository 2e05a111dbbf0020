/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The config model: one struct with a typed field per key, filled by the key
 * table (conf_keys.c) from "key = value" lines (conf_parse.c) and written
 * back through the same table (conf_write.c).
 */
#ifndef MGR_CONF_H
#define MGR_CONF_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/types.h>

/* mount.auto flags, one group each for proc, sys and cgroup. */
enum {
	MOUNT_AUTO_PROC_MIXED = 1 << 0, /* proc rw, /proc/sys and sysrq-trigger ro */
	MOUNT_AUTO_PROC_RW = 1 << 1,
	MOUNT_AUTO_SYS_RO = 1 << 2,
	MOUNT_AUTO_SYS_RW = 1 << 3,
	MOUNT_AUTO_SYS_MIXED = 1 << 4, /* ro, /sys/devices/virtual/net rw */
	MOUNT_AUTO_CGROUP_RO = 1 << 5,
	MOUNT_AUTO_CGROUP_RW = 1 << 6,
	MOUNT_AUTO_CGROUP_MIXED = 1 << 7, /* own cgroup rw, the rest ro */
	MOUNT_AUTO_CGROUP_FULL_RO = 1 << 8,
	MOUNT_AUTO_CGROUP_FULL_RW = 1 << 9,
	MOUNT_AUTO_CGROUP_FULL_MIXED = 1 << 10,
	MOUNT_AUTO_CGROUP_FORCE = 1 << 11, /* mount even with CAP_SYS_ADMIN kept */
};
#define MOUNT_AUTO_PROC_MASK (MOUNT_AUTO_PROC_MIXED | MOUNT_AUTO_PROC_RW)
#define MOUNT_AUTO_SYS_MASK (MOUNT_AUTO_SYS_RO | MOUNT_AUTO_SYS_RW | MOUNT_AUTO_SYS_MIXED)
#define MOUNT_AUTO_CGROUP_MASK                                                       \
	(MOUNT_AUTO_CGROUP_RO | MOUNT_AUTO_CGROUP_RW | MOUNT_AUTO_CGROUP_MIXED |     \
	 MOUNT_AUTO_CGROUP_FULL_RO | MOUNT_AUTO_CGROUP_FULL_RW |                     \
	 MOUNT_AUTO_CGROUP_FULL_MIXED)

enum net_type {
	NET_TYPE_UNSET = 0,
	NET_TYPE_EMPTY, /* a new network namespace with only lo */
	NET_TYPE_NONE,  /* share the host's network namespace   */
};

struct conf_net {
	unsigned index; /* N in net.N.* */
	enum net_type type;
};

struct conf_prlimit {
	int resource; /* RLIMIT_* */
	rlim_t soft, hard;
};

/* A key = value pair for the prefix keys (sysctl.*). */
struct conf_pair {
	char *key;
	char *value;
};

struct mgr_conf {
	char *uts_name;
	char *arch; /* as written, validated: x86_64, amd64, i686, arm64, ... */

	char *rootfs_path; /* with its "dir:" prefix if it had one */
	char *rootfs_mount;
	char *rootfs_options;

	char **mount_entries; /* fstab-format lines */
	char *mount_fstab;
	unsigned mount_auto; /* MOUNT_AUTO_* */
	int autodev;         /* -1 unset (default on), 0, 1 */

	unsigned tty_max;
	char *tty_dir;
	unsigned pty_max;

	char *console_path; /* "none" disables the console */
	char *console_logfile;
	unsigned long long console_size;        /* bytes; rotate the log past it */
	unsigned long long console_buffer_size; /* ring buffer, bytes */

	char **init_cmd; /* split like a shell would */
	char *init_cwd;
	long long init_uid, init_gid; /* -1 unset */

	char **environment; /* KEY=VALUE */

	int signal_halt, signal_reboot, signal_stop; /* 0 unset */

	char **cap_drop; /* capability names without "cap_" */
	char **cap_keep;

	int namespace_clone; /* CLONE_NEW* mask, 0 unset (default set) */
	int namespace_keep;  /* CLONE_NEW* mask */

	struct conf_net *nets;
	size_t n_nets;

	char *log_file;
	int log_level; /* -1 unset */

	int start_auto;  /* 0/1 */
	int start_delay; /* seconds */
	int start_order;
	char **groups;

	struct conf_prlimit *prlimits;
	size_t n_prlimits;
	struct conf_pair *sysctls;
	size_t n_sysctls;

	/* Files read so far through mgr.include, for loop detection. */
	char **include_stack;
	/* Includes as written in the file, kept so that writing the config
	 * back keeps them rather than inlining their contents. */
	char **includes;
};

struct mgr_conf *conf_new(void);
void conf_free(struct mgr_conf *conf);
static inline void conf_freep(struct mgr_conf **c) { conf_free(*c); }
#define _cleanup_conf_free_ __attribute__((cleanup(conf_freep)))

/* A parse error: which file, line and key, and why.  Filled by the parser
 * and the key setters; message is the whole sentence. */
struct conf_error {
	char message[512];
};

/*
 * The key table.  Keys are given without the "mgr." / "lxc." prefix.
 * set: parse value into conf (an empty value clears, like clear); returns 0
 *      or -EINVAL with err filled ("bad value ..." naming the key).
 * get: write the value(s) to *ret as malloc'd text, one line per value for
 *      list keys; *ret = NULL when unset.  The full key is passed so that
 *      indexed and prefix keys (net.0.type, sysctl.net.ipv4.ip_forward)
 *      know which item they stand for.
 * clear: reset the key to unset.
 */
struct conf_key {
	const char *name; /* "uts.name", or a prefix ending in '.' ("sysctl.") */
	int (*set)(const char *key, const char *value, struct mgr_conf *conf, struct conf_error *err);
	int (*get)(const char *key, const struct mgr_conf *conf, char **ret);
	int (*clear)(const char *key, struct mgr_conf *conf);
};

/* Strip "mgr." or "lxc."; NULL if key has neither prefix. */
const char *conf_key_strip_prefix(const char *key);
/* The table entry for key (prefix stripped or not), NULL if unknown. */
const struct conf_key *conf_key_lookup(const char *key);
const struct conf_key *conf_key_table(size_t *ret_n);

/* Set one key as if read from file:line ("" and 0 when not from a file). */
int conf_set_item(struct mgr_conf *conf, const char *key, const char *value,
		  struct conf_error *err);
int conf_get_item(const struct mgr_conf *conf, const char *key, char **ret);
int conf_clear_item(struct mgr_conf *conf, const char *key);

/* Read a config file into conf (later values add to or override earlier
 * ones, as in LXC).  -ENOENT if the file is missing, -EINVAL on a bad line
 * with err naming file, line and key, -ELOOP on an include loop. */
int conf_read_file(struct mgr_conf *conf, const char *path, struct conf_error *err);
/* Parse text (as from a file named origin). */
int conf_read_string(struct mgr_conf *conf, const char *text, const char *origin,
		     struct conf_error *err);
/* Write every set key as "mgr.key = value" lines. */
int conf_write(const struct mgr_conf *conf, FILE *f);
/* Write to path atomically (temp file + rename). */
int conf_write_file(const struct mgr_conf *conf, const char *path);

/* Helpers shared with the start path. */
int conf_signal_from_name(const char *s);      /* "SIGKILL", "KILL", "9", "SIGRTMIN+3" */
int conf_namespace_from_name(const char *s);   /* "pid" -> CLONE_NEWPID, ... */
const char *conf_namespace_name(int flag);
int conf_capability_from_name(const char *s);  /* "sys_admin", "CAP_SYS_ADMIN", "21" */
int conf_size_from_string(const char *s, unsigned long long *ret); /* "1M", "64K", "100" */

#endif
