/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The config model: one struct with a typed field per key, filled by the key
 * table (conf_keys.c) from "key = value" lines (conf_parse.c) and written
 * back through the same table (conf_write.c).
 */
#ifndef MGR_CONF_H
#define MGR_CONF_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "idmap.h"

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
	NET_TYPE_EMPTY,   /* a new network namespace with only lo        */
	NET_TYPE_NONE,    /* share the host's network namespace          */
	NET_TYPE_VETH,    /* a veth pair, the host end on bridge link    */
	NET_TYPE_MACVLAN, /* a macvlan device on link                    */
	NET_TYPE_IPVLAN,  /* an ipvlan device on link                    */
	NET_TYPE_VLAN,    /* a VLAN device on link                       */
	NET_TYPE_PHYS,    /* the host device link, moved in and back     */
	_NET_TYPE_MAX,
};

/* net.N.macvlan.mode and net.N.ipvlan.mode; 0 is unset (the default). */
enum net_macvlan_mode {
	NET_MACVLAN_PRIVATE = 1,
	NET_MACVLAN_VEPA,
	NET_MACVLAN_BRIDGE,
	NET_MACVLAN_PASSTHRU,
};
enum net_ipvlan_mode {
	NET_IPVLAN_L2 = 1,
	NET_IPVLAN_L3,
	NET_IPVLAN_L3S,
};

#define NET_FLAG_UP 1 /* net.N.flags = up */

/* One network, net.N.*.  Strings are NULL when unset. */
struct conf_net {
	unsigned index; /* N in net.N.* */
	enum net_type type;
	char *link;        /* bridge (veth), parent device, or the phys device */
	char *name;        /* inside; NULL: the default (conf_net_names())     */
	char *hwaddr;      /* lower case; 'x' digits are random at start       */
	char *veth_pair;   /* the host end's name                              */
	char *script_up, *script_down;
	char **ipv4_addresses; /* canonical "A.B.C.D/P[ BROADCAST]"            */
	char **ipv6_addresses; /* canonical "ADDR/P"                           */
	char *ipv4_gateway;    /* an address or "auto"                         */
	char *ipv6_gateway;
	int flags;        /* NET_FLAG_UP or 0 */
	int mtu;          /* 0 unset */
	int macvlan_mode; /* enum net_macvlan_mode, 0 unset */
	int ipvlan_mode;  /* enum net_ipvlan_mode, 0 unset */
	int vlan_id;      /* -1 unset */
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

/*
 * Resource limits (limits.*, conf_keys_limits.c): what the container may
 * use, turned into cgroup settings for the host at start
 * (cgroups/limits.c).  CONF_LIMIT_MAX is "max": explicitly no limit.
 */
#define CONF_LIMIT_MAX ULLONG_MAX
#define CONF_CPU_PERIOD_USEC 100000ULL /* the period limits.cpu is a share of */

enum conf_io_kind {
	CONF_IO_READ_BPS,
	CONF_IO_WRITE_BPS,
	CONF_IO_READ_IOPS,
	CONF_IO_WRITE_IOPS,
	_CONF_IO_MAX,
};

/* One line of limits.io.*: a device and its limit. */
struct conf_io_limit {
	char *device;             /* "/dev/vda" or "8:0", as written */
	unsigned long long value; /* bytes or operations per second, or CONF_LIMIT_MAX */
};

struct conf_limits {
	unsigned long long memory;      /* bytes; 0 unset */
	unsigned long long memory_swap; /* bytes of swap on top of memory */
	bool memory_swap_set;
	unsigned long long cpu; /* usec per CONF_CPU_PERIOD_USEC; 0 unset */
	int cpu_weight;         /* 1..10000; 0 unset */
	char *cpuset;           /* a CPU list, "0-3,6" */
	unsigned long long pids; /* 0 unset */
	struct conf_io_limit *io[_CONF_IO_MAX];
	size_t n_io[_CONF_IO_MAX];
};

/* Device access (cgroup.devices.* and cgroup2.devices.*, conf_keys_cgroup.c). */
enum {
	CONF_DEVICES_DEFAULT = 0, /* mgr's allow-list, plus the rules */
	CONF_DEVICES_DENY_ALL,    /* "deny = a": the rules only        */
	CONF_DEVICES_ALLOW_ALL,   /* "allow = a": all but the deny rules */
};
/* The access bits, as the kernel's device programs number them. */
enum {
	CONF_DEVICE_MKNOD = 1 << 0,
	CONF_DEVICE_READ = 1 << 1,
	CONF_DEVICE_WRITE = 1 << 2,
	CONF_DEVICE_ALL = (1 << 3) - 1,
};
struct conf_device_rule {
	bool allow;
	char type;        /* 'b' or 'c' */
	int major, minor; /* -1: any ('*') */
	unsigned access;  /* CONF_DEVICE_* */
	int version;      /* the key it came from: 1 cgroup.devices.*, 2 cgroup2.devices.* */
};
struct conf_devices {
	int policy;         /* CONF_DEVICES_* */
	int policy_version; /* the key that set the policy, as version above */
	struct conf_device_rule *rules;
	size_t n_rules;
};

/* hook.*: the moments an operator's command runs (hooks.h). */
enum conf_hook {
	CONF_HOOK_PRE_START,
	CONF_HOOK_PRE_MOUNT,
	CONF_HOOK_MOUNT,
	CONF_HOOK_AUTODEV,
	CONF_HOOK_START,
	CONF_HOOK_STOP,
	CONF_HOOK_POST_STOP,
	CONF_HOOK_CLONE,
	CONF_HOOK_DESTROY,
	CONF_HOOK_MAX,
};
/* "pre-start", ...: the key's last word and the hook's type argument. */
extern const char *const conf_hook_names[CONF_HOOK_MAX];

/* cgroup.view: the host's layout (legacy) or cgroup2 alone (unified) at
 * /sys/fs/cgroup on a v1 or hybrid host; auto picks unified for a guest
 * whose systemd no longer runs on v1. */
enum {
	CGROUP_VIEW_AUTO = 0,
	CGROUP_VIEW_LEGACY,
	CGROUP_VIEW_UNIFIED,
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
	int cgroup_view;     /* CGROUP_VIEW_*: what /sys/fs/cgroup shows */
	int autodev;         /* -1 unset (default on), 0, 1 */

	unsigned tty_max;
	char *tty_dir;
	unsigned pty_max;

	char *console_path; /* "none" disables the console */
	char *console_logfile;
	unsigned long long console_size;        /* bytes; rotate the log past it */
	unsigned long long console_buffer_size; /* ring buffer, bytes */
	bool console_size_auto;       /* "auto": the default size (console_size 0) */
	bool console_buffer_size_set; /* console_buffer_size given, even when 0 */

	char **init_cmd; /* split like a shell would */
	char *init_cwd;
	long long init_uid, init_gid; /* -1 unset */

	char **environment; /* KEY=VALUE */

	int signal_halt, signal_reboot, signal_stop; /* 0 unset */

	char **cap_drop; /* capability names without "cap_" */
	char **cap_keep;

	char *seccomp_profile;     /* a policy file, LXC's format version 1 or 2 */
	int seccomp_allow_nesting; /* load it even when already under seccomp */
	int no_new_privs;          /* PR_SET_NO_NEW_PRIVS before exec */

	struct conf_idmap *idmaps; /* idmap: a user namespace with these maps */
	size_t n_idmaps;
	int idmap_auto; /* "idmap = auto": mgr-create picks a range */
	int privileged; /* 1: no user namespace, chosen (mgr-create makes no
			   range); -1 unset */
	/* 1: the rootfs keeps the host's ids on disk and is mounted idmapped
	 * into the user namespace; 0: its files are shifted into the range;
	 * -1 unset: shifted, and mgr-create picks idmapped where it can. */
	int rootfs_idmapped;

	/* The LSM label init executes into (lsm/lsm.h says what unset means). */
	char *apparmor_profile;        /* a profile name, "unconfined" or "generated" */
	int apparmor_allow_nesting;    /* the generated profile lets it nest containers */
	int apparmor_allow_incomplete; /* start unconfined where AppArmor is missing */
	char *selinux_context;         /* USER:ROLE:TYPE[:LEVEL] */
	int selinux_allow_incomplete;  /* start unlabelled where SELinux is missing */

	int namespace_clone; /* CLONE_NEW* mask, 0 unset (default set) */
	int namespace_keep;  /* CLONE_NEW* mask */

	struct conf_net *nets;
	size_t n_nets;

	char *log_file;
	int log_level; /* -1 unset */

	int start_auto;  /* 0/1 */
	int ephemeral;   /* 0/1: destroyed when it stops */
	int start_delay; /* seconds */
	int start_order;
	char **groups;

	char **hooks[CONF_HOOK_MAX]; /* command lines, run in order */

	struct conf_prlimit *prlimits;
	size_t n_prlimits;
	struct conf_pair *sysctls;
	size_t n_sysctls;

	struct conf_limits limits;
	/* cgroup.CONTROLLER.FILE and cgroup2.FILE, in the order written; the
	 * key is the full key without prefix ("cgroup2.memory.max"). */
	struct conf_pair *cgroup_items;
	size_t n_cgroup_items;
	struct conf_devices devices;

	/* The chain of files being read (canonical paths), outermost first,
	 * for include loop detection; empty between reads. */
	char **include_stack;
	/* Includes as written in the file, kept so that writing the config
	 * back keeps them rather than inlining their contents. */
	char **includes;
	/* The top-level file(s) as written, one line per entry: comments,
	 * include lines and keys, but not the contents of included files.
	 * conf_set_item()/conf_clear_item() edit it; conf_write() writes it. */
	char **unexpanded;
	/* Keys (without prefix) that got a value from an included file, so
	 * that clearing them at the top level can override the include. */
	char **included_keys;
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

/* Fill err (when not NULL) with the formatted message and return r. */
int conf_errorf(struct conf_error *err, int r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* 'bad value "VALUE" for "KEY": WHY', returns -EINVAL. */
int conf_bad_value(struct conf_error *err, const char *key, const char *value,
		   const char *why_fmt, ...) __attribute__((format(printf, 4, 5)));

/* struct conf_key flags */
enum {
	CONF_KEY_LIST = 1 << 0,       /* each line adds to the value */
	CONF_KEY_CLEAR_ONLY = 1 << 1, /* only an empty value is accepted ("net") */
};

/* Highest N in net.N.* plus one. */
#define CONF_NET_MAX 1024

/*
 * The key table.  Keys are given without the "mgr." / "lxc." prefix.
 * set: parse value into conf (an empty value clears, like clear); returns 0
 *      or -EINVAL with err filled ("bad value ..." naming the key).
 * get: write the value(s) to *ret as malloc'd text, one line per value for
 *      list keys; *ret = NULL when unset.  The full key is passed so that
 *      indexed and prefix keys (net.0.type, sysctl.net.ipv4.ip_forward)
 *      know which item they stand for.
 * clear: reset the key to unset.
 * instances: for indexed and prefix keys, the full keys (without prefix,
 *      e.g. "net.0.type") that have a value; NULL for plain keys.
 *
 * Indexed keys are named with an "N" for the index: "net.N.type".
 */
struct conf_key {
	const char *name; /* "uts.name", or a prefix ending in '.' ("sysctl.") */
	int (*set)(const char *key, const char *value, struct mgr_conf *conf, struct conf_error *err);
	int (*get)(const char *key, const struct mgr_conf *conf, char **ret);
	int (*clear)(const char *key, struct mgr_conf *conf);
	unsigned flags; /* CONF_KEY_* */
	int (*instances)(const struct mgr_conf *conf, char ***ret);
};

/* Strip "mgr." or "lxc."; NULL if key has neither prefix. */
const char *conf_key_strip_prefix(const char *key);
/* The table entry for key (prefix stripped or not), NULL if unknown. */
const struct conf_key *conf_key_lookup(const char *key);
const struct conf_key *conf_key_table(size_t *ret_n);

/* Set one key (with or without prefix) as "mgr set" would: the value is
 * applied and the unexpanded text edited to match (a single-value key's
 * line is replaced in place, a list key gets a new line, an empty value
 * removes the key's lines).  "include" reads the file and adds an include
 * line.  -EINVAL with err filled on an unknown key or a bad value. */
int conf_set_item(struct mgr_conf *conf, const char *key, const char *value,
		  struct conf_error *err);
/* *ret = NULL when unset; -EINVAL for an unknown key.  "include" gives the
 * top-level includes as written. */
int conf_get_item(const struct mgr_conf *conf, const char *key, char **ret);
/* Unset the key and remove its lines from the unexpanded text.  Clearing
 * "include" removes the include lines; the values read from them stay
 * until the config is read again. */
int conf_clear_item(struct mgr_conf *conf, const char *key);
/* Apply key = value without touching the unexpanded text (as the parser
 * does).  "include" is not a table key and is refused here. */
int conf_apply(struct mgr_conf *conf, const char *key, const char *value,
	       struct conf_error *err);

/* Read a config file into conf (later values add to or override earlier
 * ones, as in LXC).  -ENOENT if the file is missing, -EINVAL on a bad line
 * (or a missing include) with err naming file, line and key, -ELOOP on an
 * include loop with err naming the chain.  Its lines are appended to the
 * unexpanded text. */
int conf_read_file(struct mgr_conf *conf, const char *path, struct conf_error *err);
/* Parse text (as from a file named origin). */
int conf_read_string(struct mgr_conf *conf, const char *text, const char *origin,
		     struct conf_error *err);
/* Write the unexpanded text: the user's lines, comments and includes. */
int conf_write(const struct mgr_conf *conf, FILE *f);
/* Write the unexpanded text to path atomically (temp file + rename). */
int conf_write_file(const struct mgr_conf *conf, const char *path);
/* Write every set key canonically, one "mgr.key = value" line per value,
 * as the table's get functions give them (includes expanded). */
int conf_dump(const struct mgr_conf *conf, FILE *f);
/* Edit the unexpanded text after key (without prefix) was set to value
 * (empty: cleared); see conf_set_item(). */
int conf_unexpanded_update(struct mgr_conf *conf, const struct conf_key *k,
			   const char *key, const char *value);
/* Remove the "mgr.include" lines from the unexpanded text. */
int conf_unexpanded_remove_includes(struct mgr_conf *conf);

/* Checks across keys, run before a start: cap.drop with cap.keep, a
 * namespace both cloned and kept, a network type that contradicts the
 * namespace keys.  -EINVAL with err filled. */
int conf_validate(const struct mgr_conf *conf, struct conf_error *err);

/* Read path (a file or a directory of *.conf files; relative to the
 * working directory) as an include given through conf_set_item(). */
int conf_read_include(struct mgr_conf *conf, const char *path, struct conf_error *err);

/* Helpers shared with the start path. */
int conf_signal_from_name(const char *s);      /* "SIGKILL", "KILL", "9", "SIGRTMIN+3" */
int conf_namespace_from_name(const char *s);   /* "pid" -> CLONE_NEWPID, ... */
const char *conf_namespace_name(int flag);
int conf_capability_from_name(const char *s);  /* "sys_admin", "CAP_SYS_ADMIN", "21" */
int conf_size_from_string(const char *s, unsigned long long *ret); /* "1M", "64K", "100" */

/*
 * Values of the limits and cgroup keys (conf_limits_values.c).  They
 * return 0, or -EINVAL with *ret_why set to a short static reason.
 */
/* A size ("64M") or "max"/"unlimited" (CONF_LIMIT_MAX); 0 only when
 * allow_zero. */
int conf_limit_size(const char *s, bool allow_zero, unsigned long long *ret, const char **ret_why);
/* "64M", "max" */
int conf_limit_size_format(unsigned long long v, char **ret);
/* A number of CPUs, "1.5", "0.25" or "max", as usec of CPU time per
 * CONF_CPU_PERIOD_USEC (150000, 25000; CONF_LIMIT_MAX): 0.01 to 65536. */
int conf_limit_cpu(const char *s, unsigned long long *ret, const char **ret_why);
int conf_limit_cpu_format(unsigned long long v, char **ret);
/* A positive number up to max, or "max" (CONF_LIMIT_MAX). */
int conf_limit_count(const char *s, unsigned long long max, unsigned long long *ret,
		     const char **ret_why);
/* A CPU list: "0", "0-3,6". */
int conf_check_cpu_list(const char *s, const char **ret_why);
/* "DEVICE VALUE": an absolute path or MAJ:MIN, and a size (bytes, when
 * bytes) or a count, or "max".  *ret_device is malloc'd. */
int conf_io_limit_parse(const char *s, bool bytes, char **ret_device,
			unsigned long long *ret_value, const char **ret_why);
int conf_io_limit_format(const struct conf_io_limit *l, bool bytes, char **ret);
/* "TYPE MAJ:MIN ACCESS" ("c 1:3 rwm", "b *:* m"); allow and version are
 * left to the caller.  "a" alone is a policy, not a rule: -EINVAL. */
int conf_device_rule_parse(const char *s, struct conf_device_rule *ret, const char **ret_why);
int conf_device_rule_format(const struct conf_device_rule *r, char **ret);

/*
 * Value parsers (conf_values.c).  They return 0 or a negative errno;
 * the check functions return -EINVAL with *ret_why set to a short static
 * reason ("not a number") for the "bad value" message.
 */
/* Decimal digits only, no sign or junk: -EINVAL, -ERANGE above max. */
int conf_parse_ull(const char *s, unsigned long long max, unsigned long long *ret);
/* Optional '-', decimal digits: -EINVAL, -ERANGE outside min..max. */
int conf_parse_ll(const char *s, long long min, long long max, long long *ret);
/* "SIGPWR", or "SIGRTMIN+N" for real-time signals. */
int conf_signal_name(int sig, char **ret);
/* Lower-case name without "cap_", NULL for a number we have no name for. */
const char *conf_capability_name(int cap);
/* The largest unit that divides size exactly: "64K", "1M", "100". */
int conf_size_format(unsigned long long size, char **ret);
/* A name or a number 0..8: the MGR_LOG_* level, or -EINVAL. */
int conf_log_level_from_string(const char *s);
const char *conf_log_level_name(int level);
/* "nofile" -> RLIMIT_NOFILE, or -EINVAL. */
int conf_prlimit_resource_from_name(const char *s);
const char *conf_prlimit_resource_name(int resource);
/* "N", "unlimited" or "SOFT:HARD" with soft <= hard. */
int conf_prlimit_from_string(const char *s, rlim_t *ret_soft, rlim_t *ret_hard,
			     const char **ret_why);
int conf_prlimit_format(rlim_t soft, rlim_t hard, char **ret);
/* Apply one mount.auto word ("proc:mixed", "cgroup:ro:force") to *mask,
 * replacing the earlier choice of its group. */
int conf_mount_auto_apply(const char *word, unsigned *mask);
/* Canonical words, space-separated, proc then sys then cgroup. */
int conf_mount_auto_format(unsigned mask, char **ret);
/* Namespace names in a fixed order, space-separated. */
int conf_namespaces_format(int mask, char **ret);
/* Words joined with spaces, quoted so strv_split_quoted() gives them back. */
int conf_join_quoted(char *const *words, char **ret);

int conf_check_hostname(const char *s, const char **ret_why);
int conf_check_arch(const char *s, const char **ret_why);
int conf_check_absolute_path(const char *s, const char **ret_why);
int conf_check_mount_options(const char *s, const char **ret_why);
int conf_check_mount_entry(const char *s, const char **ret_why);
int conf_check_dir_name(const char *s, const char **ret_why);
int conf_check_env(const char *s, const char **ret_why);
int conf_check_group_name(const char *s, const char **ret_why);
int conf_check_sysctl_name(const char *s, const char **ret_why);

/*
 * Networks (conf_net.c, conf_net_values.c).
 */
#define CONF_IFNAMSIZ 16 /* IFNAMSIZ: 15 characters and the NUL */

/* The words of net.N.type, net.N.macvlan.mode and net.N.ipvlan.mode by
 * value; [0] (unset) is NULL. */
extern const char *const conf_net_types[_NET_TYPE_MAX];
extern const char *const conf_net_macvlan_modes[NET_MACVLAN_PASSTHRU + 1];
extern const char *const conf_net_ipvlan_modes[NET_IPVLAN_L3S + 1];

struct net_addr {
	int family; /* AF_INET or AF_INET6 */
	unsigned char addr[16];
	unsigned prefix;
	bool has_broadcast; /* AF_INET only */
	unsigned char broadcast[4];
};
/* "A.B.C.D/P [BROADCAST]" for AF_INET, "ADDR/P" for AF_INET6. */
int conf_net_addr_parse(const char *s, int family, struct net_addr *ret, const char **ret_why);
/* A gateway: "auto" (*ret_auto set, *ret untouched) or a bare address. */
int conf_net_gateway_parse(const char *s, int family, struct net_addr *ret, bool *ret_auto,
			   const char **ret_why);
/* The canonical text of a valid value (what the key gives back), or
 * -EINVAL with *ret_why: an address of family, a gateway, a MAC address
 * (family unused). */
int conf_net_addr_canonical(const char *s, int family, char **ret, const char **ret_why);
int conf_net_gateway_canonical(const char *s, int family, char **ret, const char **ret_why);
int conf_net_hwaddr_canonical(const char *s, int family, char **ret, const char **ret_why);
/* An interface name: 1 to 15 characters, no '/', ':', '%' or white space,
 * not "." or "..". */
int conf_check_ifname(const char *s, const char **ret_why);
/* A MAC address "aa:bb:cc:dd:ee:ff"; any hex digit may be 'x' (random). */
int conf_check_hwaddr(const char *s, const char **ret_why);
bool conf_net_hwaddr_is_pattern(const char *s);
/* Replace the 'x' digits of a valid pattern with random ones.  When the
 * first octet's low digit is random, the address stays unicast and is
 * marked locally administered. */
int conf_net_hwaddr_randomize(const char *pattern, char ret[18]);

/* Whether the type puts a device of its own into the container. */
bool conf_net_has_device(enum net_type type);
/* The name inside the container of each network, in conf->nets order:
 * net.N.name, else the first ethK that no other network is named, counting
 * in index order; "" for the types without a device. */
void conf_net_names(const struct mgr_conf *conf, char (*ret)[CONF_IFNAMSIZ]);
/* Checks across the network keys (run by conf_validate()): a type for each
 * network, "none" alone, the keys each type needs, distinct names. */
int conf_net_validate(const struct mgr_conf *conf, struct conf_error *err);

#endif
