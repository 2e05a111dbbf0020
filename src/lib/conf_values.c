/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Parsers and checks for the value types of config keys: strict integers,
 * sizes, signals, namespaces, capabilities, resource limits, names.  They
 * know nothing of struct mgr_conf; the key table calls them.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#ifdef HAVE_LIBCAP
#include <sys/capability.h>
#endif

#include "conf.h"
#include "mgr/mgr.h"
#include "util/macro.h"
#include "util/strv.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* ASCII only: the ctype functions follow the locale. */
static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_lower(char c)
{
	return c >= 'a' && c <= 'z';
}

static bool is_alpha(char c)
{
	return is_lower(c) || (c >= 'A' && c <= 'Z');
}

static bool is_alnum(char c)
{
	return is_alpha(c) || is_digit(c);
}

/* ------------------------------------------------------------ integers */

int conf_parse_ull(const char *s, unsigned long long max, unsigned long long *ret)
{
	unsigned long long v;
	char *end;

	if (!is_digit(*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end)
		return -EINVAL;
	if (errno == ERANGE || v > max)
		return -ERANGE;
	*ret = v;
	return 0;
}

int conf_parse_ll(const char *s, long long min, long long max, long long *ret)
{
	long long v;
	char *end;

	if (!is_digit(*s == '-' ? s[1] : *s))
		return -EINVAL;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (*end)
		return -EINVAL;
	if (errno == ERANGE || v < min || v > max)
		return -ERANGE;
	*ret = v;
	return 0;
}

/* ------------------------------------------------------------ sizes */

static const struct {
	char unit;
	unsigned shift;
} size_units[] = {
	{ 'T', 40 }, { 'G', 30 }, { 'M', 20 }, { 'K', 10 },
};

int conf_size_from_string(const char *s, unsigned long long *ret)
{
	unsigned long long v;
	unsigned shift = 0;
	char *end;

	if (!is_digit(*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	for (size_t i = 0; i < ARRAY_SIZE(size_units); i++)
		if (toupper((unsigned char)*end) == size_units[i].unit) {
			shift = size_units[i].shift;
			end++;
			/* "KiB" or "KB" */
			if (tolower((unsigned char)*end) == 'i' && toupper((unsigned char)end[1]) == 'B')
				end++;
			break;
		}
	if (toupper((unsigned char)*end) == 'B')
		end++;
	if (*end)
		return -EINVAL;
	if (shift && v > (ULLONG_MAX >> shift))
		return -ERANGE;
	*ret = v << shift;
	return 0;
}

_public_ int mgr_size_parse(const char *s, uint64_t *ret)
{
	unsigned long long v;
	int r = conf_size_from_string(s, &v);

	if (r == 0)
		*ret = v;
	return r;
}

int conf_size_format(unsigned long long size, char **ret)
{
	unsigned long long n = size;
	char unit[2] = "";
	char *s;

	for (size_t i = 0; size && i < ARRAY_SIZE(size_units); i++)
		if (size % (1ULL << size_units[i].shift) == 0) {
			n = size >> size_units[i].shift;
			unit[0] = size_units[i].unit;
			break;
		}
	if (asprintf(&s, "%llu%s", n, unit) < 0)
		return -ENOMEM;
	*ret = s;
	return 0;
}

/* ------------------------------------------------------------ signals */

static const struct {
	const char *name;
	int sig;
} signal_names[] = {
	{ "HUP", SIGHUP },     { "INT", SIGINT },       { "QUIT", SIGQUIT },   { "ILL", SIGILL },
	{ "TRAP", SIGTRAP },   { "ABRT", SIGABRT },     { "BUS", SIGBUS },     { "FPE", SIGFPE },
	{ "KILL", SIGKILL },   { "USR1", SIGUSR1 },     { "SEGV", SIGSEGV },   { "USR2", SIGUSR2 },
	{ "PIPE", SIGPIPE },   { "ALRM", SIGALRM },     { "TERM", SIGTERM },
#ifdef SIGSTKFLT
	{ "STKFLT", SIGSTKFLT },
#endif
	{ "CHLD", SIGCHLD },   { "CONT", SIGCONT },     { "STOP", SIGSTOP },   { "TSTP", SIGTSTP },
	{ "TTIN", SIGTTIN },   { "TTOU", SIGTTOU },     { "URG", SIGURG },     { "XCPU", SIGXCPU },
	{ "XFSZ", SIGXFSZ },   { "VTALRM", SIGVTALRM }, { "PROF", SIGPROF },   { "WINCH", SIGWINCH },
	{ "IO", SIGIO },       { "PWR", SIGPWR },       { "SYS", SIGSYS },
	/* aliases, after the canonical names */
	{ "IOT", SIGABRT },    { "CLD", SIGCHLD },      { "POLL", SIGIO },
};

/* "RTMIN", "RTMIN+N", "RTMAX", "RTMAX-N" */
static int signal_from_rt_name(const char *s)
{
	unsigned long long n = 0;
	int base, sign;

	if (strncasecmp(s, "RTMIN", 5) == 0) {
		base = SIGRTMIN;
		sign = 1;
	} else if (strncasecmp(s, "RTMAX", 5) == 0) {
		base = SIGRTMAX;
		sign = -1;
	} else
		return -EINVAL;
	s += 5;
	if (*s) {
		if (*s != (sign > 0 ? '+' : '-'))
			return -EINVAL;
		if (conf_parse_ull(s + 1, (unsigned long long)(SIGRTMAX - SIGRTMIN), &n) < 0)
			return -EINVAL;
	}
	return base + sign * (int)n;
}

int conf_signal_from_name(const char *s)
{
	unsigned long long n;

	if (conf_parse_ull(s, (unsigned long long)SIGRTMAX, &n) == 0)
		return n > 0 ? (int)n : -EINVAL;
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (size_t i = 0; i < ARRAY_SIZE(signal_names); i++)
		if (strcasecmp(s, signal_names[i].name) == 0)
			return signal_names[i].sig;
	return signal_from_rt_name(s);
}

int conf_signal_name(int sig, char **ret)
{
	char *s = NULL;
	int r = -EINVAL;

	if (sig >= SIGRTMIN && sig <= SIGRTMAX)
		r = sig == SIGRTMIN ? asprintf(&s, "SIGRTMIN") :
				      asprintf(&s, "SIGRTMIN+%d", sig - SIGRTMIN);
	else
		for (size_t i = 0; i < ARRAY_SIZE(signal_names); i++)
			if (signal_names[i].sig == sig) {
				r = asprintf(&s, "SIG%s", signal_names[i].name);
				break;
			}
	if (r == -EINVAL)
		return -EINVAL;
	if (r < 0)
		return -ENOMEM;
	*ret = s;
	return 0;
}

/* ------------------------------------------------------------ namespaces */

static const struct {
	const char *name;
	int flag;
} namespace_names[] = {
	{ "cgroup", CLONE_NEWCGROUP }, { "ipc", CLONE_NEWIPC },   { "mnt", CLONE_NEWNS },
	{ "net", CLONE_NEWNET },       { "pid", CLONE_NEWPID },   { "time", CLONE_NEWTIME },
	{ "user", CLONE_NEWUSER },     { "uts", CLONE_NEWUTS },
	/* aliases */
	{ "mount", CLONE_NEWNS },      { "network", CLONE_NEWNET },
};

int conf_namespace_from_name(const char *s)
{
	for (size_t i = 0; i < ARRAY_SIZE(namespace_names); i++)
		if (strcasecmp(s, namespace_names[i].name) == 0)
			return namespace_names[i].flag;
	return -EINVAL;
}

const char *conf_namespace_name(int flag)
{
	for (size_t i = 0; i < ARRAY_SIZE(namespace_names); i++)
		if (namespace_names[i].flag == flag)
			return namespace_names[i].name;
	return NULL;
}

int conf_namespaces_format(int mask, char **ret)
{
	_cleanup_strv_free_ char **v = NULL;
	char *s;

	/* The canonical names come first in the table, in output order. */
	for (size_t i = 0; i < ARRAY_SIZE(namespace_names); i++)
		if (mask & namespace_names[i].flag) {
			mask &= ~namespace_names[i].flag;
			if (strv_append(&v, namespace_names[i].name) < 0)
				return -ENOMEM;
		}
	if (!v && !(v = calloc(1, sizeof(char *))))
		return -ENOMEM;
	s = strv_join(v, " ");
	if (!s)
		return -ENOMEM;
	*ret = s;
	return 0;
}

/* ------------------------------------------------------------ capabilities */

static const char *const capability_names[] = {
	"chown", "dac_override", "dac_read_search", "fowner", "fsetid", "kill", "setgid",
	"setuid", "setpcap", "linux_immutable", "net_bind_service", "net_broadcast",
	"net_admin", "net_raw", "ipc_lock", "ipc_owner", "sys_module", "sys_rawio",
	"sys_chroot", "sys_ptrace", "sys_pacct", "sys_admin", "sys_boot", "sys_nice",
	"sys_resource", "sys_time", "sys_tty_config", "mknod", "lease", "audit_write",
	"audit_control", "setfcap", "mac_override", "mac_admin", "syslog", "wake_alarm",
	"block_suspend", "audit_read", "perfmon", "bpf", "checkpoint_restore",
};

const char *conf_capability_name(int cap)
{
	if (cap < 0 || (size_t)cap >= ARRAY_SIZE(capability_names))
		return NULL;
	return capability_names[cap];
}

static bool capability_number_known(int cap)
{
	if (conf_capability_name(cap))
		return true;
#ifdef HAVE_LIBCAP
	/* Newer than our table, but the running libcap knows it. */
	return cap < cap_max_bits();
#else
	return false;
#endif
}

int conf_capability_from_name(const char *s)
{
	unsigned long long n;

	if (strncasecmp(s, "cap_", 4) == 0)
		s += 4;
	if (conf_parse_ull(s, 63, &n) == 0)
		return capability_number_known((int)n) ? (int)n : -EINVAL;
	if (!*s || strlen(s) > 64)
		return -EINVAL;
#ifdef HAVE_LIBCAP
	{
		char buf[72];
		cap_value_t v;

		/* Only names: cap_from_name() would take a number too. */
		if (!is_digit(*s)) {
			snprintf(buf, sizeof(buf), "cap_%s", s);
			if (cap_from_name(buf, &v) == 0)
				return (int)v;
		}
	}
#endif
	for (size_t i = 0; i < ARRAY_SIZE(capability_names); i++)
		if (strcasecmp(s, capability_names[i]) == 0)
			return (int)i;
	return -EINVAL;
}

/* ------------------------------------------------------------ log levels */

static const char *const log_level_names[] = {
	[MGR_LOG_TRACE] = "trace", [MGR_LOG_DEBUG] = "debug", [MGR_LOG_INFO] = "info",
	[MGR_LOG_NOTICE] = "notice", [MGR_LOG_WARN] = "warn", [MGR_LOG_ERROR] = "error",
	[MGR_LOG_CRIT] = "crit", [MGR_LOG_ALERT] = "alert", [MGR_LOG_FATAL] = "fatal",
};

int conf_log_level_from_string(const char *s)
{
	unsigned long long n;

	int level;

	if (conf_parse_ull(s, MGR_LOG_FATAL, &n) == 0)
		return (int)n;
	level = mgr_log_level_from_name(s);
	return level < 0 ? -EINVAL : level;
}

const char *conf_log_level_name(int level)
{
	if (level < 0 || (size_t)level >= ARRAY_SIZE(log_level_names))
		return NULL;
	return log_level_names[level];
}

/* ------------------------------------------------------------ resource limits */

static const struct {
	const char *name;
	int resource;
} prlimit_names[] = {
	{ "as", RLIMIT_AS },
	{ "core", RLIMIT_CORE },
	{ "cpu", RLIMIT_CPU },
	{ "data", RLIMIT_DATA },
	{ "fsize", RLIMIT_FSIZE },
	{ "locks", RLIMIT_LOCKS },
	{ "memlock", RLIMIT_MEMLOCK },
	{ "msgqueue", RLIMIT_MSGQUEUE },
	{ "nice", RLIMIT_NICE },
	{ "nofile", RLIMIT_NOFILE },
	{ "nproc", RLIMIT_NPROC },
	{ "rss", RLIMIT_RSS },
	{ "rtprio", RLIMIT_RTPRIO },
	{ "rttime", RLIMIT_RTTIME },
	{ "sigpending", RLIMIT_SIGPENDING },
	{ "stack", RLIMIT_STACK },
};

int conf_prlimit_resource_from_name(const char *s)
{
	for (size_t i = 0; i < ARRAY_SIZE(prlimit_names); i++)
		if (streq(s, prlimit_names[i].name))
			return prlimit_names[i].resource;
	return -EINVAL;
}

const char *conf_prlimit_resource_name(int resource)
{
	for (size_t i = 0; i < ARRAY_SIZE(prlimit_names); i++)
		if (prlimit_names[i].resource == resource)
			return prlimit_names[i].name;
	return NULL;
}

static int rlim_from_string(const char *s, rlim_t *ret)
{
	unsigned long long n;

	if (streq(s, "unlimited")) {
		*ret = RLIM_INFINITY;
		return 0;
	}
	if (conf_parse_ull(s, (unsigned long long)RLIM_INFINITY - 1, &n) < 0)
		return -EINVAL;
	*ret = (rlim_t)n;
	return 0;
}

int conf_prlimit_from_string(const char *s, rlim_t *ret_soft, rlim_t *ret_hard,
			     const char **ret_why)
{
	_cleanup_free_ char *copy = strdup(s);
	char *colon;
	rlim_t soft, hard;

	if (!copy)
		return -ENOMEM;
	colon = strchr(copy, ':');
	if (colon)
		*colon = 0;
	if (rlim_from_string(copy, &soft) < 0 ||
	    (colon && rlim_from_string(colon + 1, &hard) < 0)) {
		*ret_why = "expected a number, \"unlimited\" or SOFT:HARD";
		return -EINVAL;
	}
	if (!colon)
		hard = soft;
	if (soft > hard) {
		*ret_why = "the soft limit is above the hard limit";
		return -EINVAL;
	}
	*ret_soft = soft;
	*ret_hard = hard;
	return 0;
}

static int rlim_format(rlim_t v, char *buf, size_t size)
{
	if (v == RLIM_INFINITY)
		return snprintf(buf, size, "unlimited");
	return snprintf(buf, size, "%llu", (unsigned long long)v);
}

int conf_prlimit_format(rlim_t soft, rlim_t hard, char **ret)
{
	char a[32], b[32];
	char *s;

	rlim_format(soft, a, sizeof(a));
	rlim_format(hard, b, sizeof(b));
	if ((soft == hard ? asprintf(&s, "%s", a) : asprintf(&s, "%s:%s", a, b)) < 0)
		return -ENOMEM;
	*ret = s;
	return 0;
}

/* ------------------------------------------------------------ mount.auto */

static const struct {
	const char *word;
	unsigned flags;
	unsigned group;
} mount_auto_words[] = {
	/* canonical words first, in output order */
	{ "proc:mixed", MOUNT_AUTO_PROC_MIXED, MOUNT_AUTO_PROC_MASK },
	{ "proc:rw", MOUNT_AUTO_PROC_RW, MOUNT_AUTO_PROC_MASK },
	{ "sys:mixed", MOUNT_AUTO_SYS_MIXED, MOUNT_AUTO_SYS_MASK },
	{ "sys:ro", MOUNT_AUTO_SYS_RO, MOUNT_AUTO_SYS_MASK },
	{ "sys:rw", MOUNT_AUTO_SYS_RW, MOUNT_AUTO_SYS_MASK },
	{ "cgroup:mixed", MOUNT_AUTO_CGROUP_MIXED, MOUNT_AUTO_CGROUP_MASK },
	{ "cgroup:ro", MOUNT_AUTO_CGROUP_RO, MOUNT_AUTO_CGROUP_MASK },
	{ "cgroup:rw", MOUNT_AUTO_CGROUP_RW, MOUNT_AUTO_CGROUP_MASK },
	{ "cgroup-full:mixed", MOUNT_AUTO_CGROUP_FULL_MIXED, MOUNT_AUTO_CGROUP_MASK },
	{ "cgroup-full:ro", MOUNT_AUTO_CGROUP_FULL_RO, MOUNT_AUTO_CGROUP_MASK },
	{ "cgroup-full:rw", MOUNT_AUTO_CGROUP_FULL_RW, MOUNT_AUTO_CGROUP_MASK },
	/* short forms */
	{ "proc", MOUNT_AUTO_PROC_MIXED, MOUNT_AUTO_PROC_MASK },
	{ "sys", MOUNT_AUTO_SYS_MIXED, MOUNT_AUTO_SYS_MASK },
	{ "cgroup", MOUNT_AUTO_CGROUP_MIXED, MOUNT_AUTO_CGROUP_MASK },
	{ "cgroup-full", MOUNT_AUTO_CGROUP_FULL_MIXED, MOUNT_AUTO_CGROUP_MASK },
};

int conf_mount_auto_apply(const char *word, unsigned *mask)
{
	char buf[32];
	size_t len = strlen(word);
	unsigned force = 0;

	if (len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, word, len + 1);
	/* ":force" ends any cgroup word; "cgroup:force" alone is the default mode */
	if (strncmp(buf, "cgroup", 6) == 0 && len > 6 && streq(buf + len - 6, ":force")) {
		buf[len - 6] = 0;
		force = MOUNT_AUTO_CGROUP_FORCE;
	}
	for (size_t i = 0; i < ARRAY_SIZE(mount_auto_words); i++)
		if (streq(buf, mount_auto_words[i].word)) {
			unsigned group = mount_auto_words[i].group;

			if (group == MOUNT_AUTO_CGROUP_MASK)
				group |= MOUNT_AUTO_CGROUP_FORCE;
			*mask = (*mask & ~group) | mount_auto_words[i].flags | force;
			return 0;
		}
	return -EINVAL;
}

int conf_mount_auto_format(unsigned mask, char **ret)
{
	_cleanup_strv_free_ char **v = NULL;
	char *s;

	for (size_t i = 0; i < ARRAY_SIZE(mount_auto_words); i++) {
		const char *w = mount_auto_words[i].word;

		if (!(mask & mount_auto_words[i].flags) || !strchr(w, ':'))
			continue;
		mask &= ~mount_auto_words[i].flags; /* each flag once */
		if (mount_auto_words[i].group == MOUNT_AUTO_CGROUP_MASK &&
		    (mask & MOUNT_AUTO_CGROUP_FORCE)) {
			char *f;

			if (asprintf(&f, "%s:force", w) < 0 || strv_push(&v, f) < 0)
				return -ENOMEM;
		} else if (strv_append(&v, w) < 0)
			return -ENOMEM;
	}
	s = strv_join(v, " ");
	if (!s)
		return -ENOMEM;
	*ret = s;
	return 0;
}

/* ------------------------------------------------------------ quoting */

static bool word_needs_quotes(const char *w)
{
	return !*w || strpbrk(w, " \t\n\"'\\");
}

int conf_join_quoted(char *const *words, char **ret)
{
	size_t len = 1;
	char *s, *p;

	STRV_FOREACH(w, words)
		len += 2 * strlen(*w) + 3;
	s = p = malloc(len);
	if (!s)
		return -ENOMEM;
	STRV_FOREACH(w, words) {
		if (p != s)
			*p++ = ' ';
		if (!word_needs_quotes(*w)) {
			p = stpcpy(p, *w);
			continue;
		}
		*p++ = '"';
		for (const char *c = *w; *c; c++) {
			if (*c == '"' || *c == '\\')
				*p++ = '\\';
			*p++ = *c;
		}
		*p++ = '"';
	}
	*p = 0;
	*ret = s;
	return 0;
}

/* ------------------------------------------------------------ checks */

static int why(const char **ret_why, const char *reason)
{
	*ret_why = reason;
	return -EINVAL;
}

int conf_check_hostname(const char *s, const char **ret_why)
{
	size_t len = strlen(s);

	if (len == 0 || len > 64)
		return why(ret_why, "a host name has 1 to 64 characters");
	if (*s == '-' || *s == '.')
		return why(ret_why, "a host name cannot start with '-' or '.'");
	for (const char *p = s; *p; p++)
		if (!(is_alnum(*p) || *p == '-' || *p == '.'))
			return why(ret_why, "a host name has only letters, digits, '-' and '.'");
	return 0;
}

int conf_check_arch(const char *s, const char **ret_why)
{
	static const char *const arches[] = {
		"x86_64", "amd64", "i686", "i386", "x86", "aarch64", "arm64", "armhf",
		"armv7l", "armel", "ppc64le", "ppc64el", "s390x", "riscv64",
	};

	for (size_t i = 0; i < ARRAY_SIZE(arches); i++)
		if (streq(s, arches[i]))
			return 0;
	return why(ret_why, "unknown architecture");
}

int conf_check_absolute_path(const char *s, const char **ret_why)
{
	if (*s != '/')
		return why(ret_why, "not an absolute path");
	return 0;
}

int conf_check_mount_options(const char *s, const char **ret_why)
{
	static const char *const known[] = {
		"ro", "rw", "nosuid", "suid", "nodev", "dev", "noexec", "exec", "relatime",
		"norelatime", "noatime", "strictatime", "nodiratime", "diratime",
	};
	_cleanup_strv_free_ char **opts = NULL;

	if (*s == ',' || s[strlen(s) - 1] == ',' || strstr(s, ",,"))
		return why(ret_why, "empty mount option");
	if (strv_split(s, ",", &opts) < 0)
		return -ENOMEM;
	STRV_FOREACH(o, opts) {
		bool found = false;

		for (size_t i = 0; i < ARRAY_SIZE(known) && !found; i++)
			found = streq(*o, known[i]);
		if (!found)
			return why(ret_why, "unknown mount option");
	}
	return 0;
}

int conf_check_mount_entry(const char *s, const char **ret_why)
{
	_cleanup_strv_free_ char **fields = NULL;
	size_t n;

	if (strv_split(s, " \t", &fields) < 0)
		return -ENOMEM;
	n = strv_length(fields);
	if (n < 4 || n > 6)
		return why(ret_why, "expected \"SOURCE TARGET TYPE OPTIONS [DUMP [PASS]]\"");
	for (size_t i = 4; i < n; i++) {
		unsigned long long v;

		if (conf_parse_ull(fields[i], INT_MAX, &v) < 0)
			return why(ret_why, "the dump and pass fields are numbers");
	}
	return 0;
}

int conf_check_dir_name(const char *s, const char **ret_why)
{
	if (strchr(s, '/') || streq(s, ".") || streq(s, ".."))
		return why(ret_why, "a single directory name without '/'");
	return 0;
}

int conf_check_env(const char *s, const char **ret_why)
{
	size_t n = strcspn(s, "=");

	if (n == 0 || !(is_alpha(*s) || *s == '_'))
		return why(ret_why, "a variable name starts with a letter or '_'");
	for (size_t i = 1; i < n; i++)
		if (!(is_alnum(s[i]) || s[i] == '_'))
			return why(ret_why, "a variable name has only letters, digits and '_'");
	return 0;
}

int conf_check_group_name(const char *s, const char **ret_why)
{
	if (!*s)
		return why(ret_why, "empty group name");
	for (const char *p = s; *p; p++)
		if (!(is_alnum(*p) || strchr("_.-", *p)))
			return why(ret_why, "a group name has only letters, digits, '_', '.' and '-'");
	return 0;
}

int conf_check_sysctl_name(const char *s, const char **ret_why)
{
	if (!*s || *s == '.' || s[strlen(s) - 1] == '.' || strstr(s, ".."))
		return why(ret_why, "not a sysctl name");
	for (const char *p = s; *p; p++)
		if (!(is_lower(*p) || is_digit(*p) || strchr("_.-", *p)))
			return why(ret_why, "a sysctl name has only a-z, 0-9, '_', '.' and '-'");
	return 0;
}
