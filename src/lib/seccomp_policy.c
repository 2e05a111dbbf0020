/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mount.h>
#include <sys/prctl.h>

#include "seccomp_policy.h"
#include "util/fileio.h"
#include "util/macro.h"
#include "util/strv.h"

#ifdef HAVE_SECCOMP
#include <seccomp.h>

/* One filter per architecture family the host runs, merged at the end:
 * the native one, and the compat ones a 64-bit kernel also executes, so
 * that a 32-bit binary cannot walk around a denylist. */
struct seccomp_policy {
	scmp_filter_ctx ctx[3];
	uint32_t arch[3];
	size_t n;
};

struct parse {
	const char *path;
	unsigned line;
	char *err;
	size_t errlen;
	bool allowlist;
	uint32_t rule_default;
	int section; /* -1: every architecture, else index into policy arch */
	bool skip;   /* a section for an architecture this host does not run */
};

static int parse_error(struct parse *ps, const char *fmt, ...) _printf_(2, 3);
static int parse_error(struct parse *ps, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(ps->err, ps->errlen, "%s:%u: ", ps->path, ps->line);

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < ps->errlen)
		vsnprintf(ps->err + n, ps->errlen - n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* "errno 1", "kill", ...: *used says how many words it took. */
static int parse_action(char *const *w, uint32_t *ret, size_t *used)
{
	static const struct {
		const char *name;
		uint32_t action;
	} simple[] = {
		{ "kill", SCMP_ACT_KILL },   { "kill_process", SCMP_ACT_KILL_PROCESS },
		{ "trap", SCMP_ACT_TRAP },   { "allow", SCMP_ACT_ALLOW },
		{ "log", SCMP_ACT_LOG },
	};

	*used = 0;
	if (!w[0])
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(simple); i++)
		if (streq(w[0], simple[i].name)) {
			*ret = simple[i].action;
			*used = 1;
			return 0;
		}
	if (streq(w[0], "errno")) {
		char *end;
		long e = w[1] ? strtol(w[1], &end, 10) : -1;

		if (!w[1] || *end || e < 0 || e > 4095)
			return -EINVAL;
		*ret = SCMP_ACT_ERRNO((uint16_t)e);
		*used = 2;
		return 0;
	}
	return 0; /* not an action: an argument or nothing */
}

static int parse_op(const char *s, enum scmp_compare *ret)
{
	static const struct {
		const char *name, *alias, *symbol;
		enum scmp_compare op;
	} ops[] = {
		{ "SCMP_CMP_NE", "ne", "!=", SCMP_CMP_NE },
		{ "SCMP_CMP_LT", "lt", "<", SCMP_CMP_LT },
		{ "SCMP_CMP_LE", "le", "<=", SCMP_CMP_LE },
		{ "SCMP_CMP_EQ", "eq", "==", SCMP_CMP_EQ },
		{ "SCMP_CMP_GE", "ge", ">=", SCMP_CMP_GE },
		{ "SCMP_CMP_GT", "gt", ">", SCMP_CMP_GT },
		{ "SCMP_CMP_MASKED_EQ", "masked_eq", "&=", SCMP_CMP_MASKED_EQ },
	};

	for (size_t i = 0; i < ARRAY_SIZE(ops); i++)
		if (streq(s, ops[i].name) || strcasecmp(s, ops[i].alias) == 0 ||
		    streq(s, ops[i].symbol)) {
			*ret = ops[i].op;
			return 0;
		}
	return -EINVAL;
}

/* "[1,0x5412,SCMP_CMP_EQ]" or with a fourth field for masked_eq. */
static int parse_arg(const char *s, struct scmp_arg_cmp *ret)
{
	_cleanup_strv_free_ char **f = NULL;
	_cleanup_free_ char *inner = NULL;
	size_t len = strlen(s);
	unsigned long long v[3] = { 0 };
	enum scmp_compare op;
	char *end;

	if (len < 2 || s[0] != '[' || s[len - 1] != ']')
		return -EINVAL;
	inner = strndup(s + 1, len - 2);
	if (!inner || strv_split(inner, ",", &f) < 0)
		return -ENOMEM;
	if (strv_length(f) < 3 || strv_length(f) > 4 || parse_op(f[2], &op) < 0)
		return -EINVAL;
	for (size_t i = 0; i < strv_length(f); i++) {
		if (i == 2)
			continue;
		errno = 0;
		v[i < 2 ? i : 2] = strtoull(f[i], &end, 0);
		if (errno || *end)
			return -EINVAL;
	}
	if (v[0] > 5)
		return -EINVAL;
	/* For masked_eq: [INDEX,MASK,OP,VALUE], (arg & MASK) == VALUE. */
	*ret = (struct scmp_arg_cmp){ .arg = (unsigned)v[0], .op = op, .datum_a = v[1],
				      .datum_b = v[2] };
	return 0;
}

static int rule_add(struct seccomp_policy *p, struct parse *ps, const char *name,
		    uint32_t action, const struct scmp_arg_cmp *args, unsigned n_args)
{
	bool known = false;

	for (size_t i = 0; i < p->n; i++) {
		int nr, r;

		if (ps->section >= 0 && (size_t)ps->section != i)
			continue;
		if (seccomp_syscall_resolve_name_arch(p->arch[i], name) == __NR_SCMP_ERROR)
			continue; /* not a syscall of that architecture */
		known = true;
		/* Rules take libseccomp's own numbering, translated per
		 * architecture, not the architecture's numbers. */
		nr = seccomp_syscall_resolve_name(name);
		r = seccomp_rule_add_array(p->ctx[i], action, nr, n_args, args);
		/* The default action already: nothing to add. */
		if (r == -EACCES || r == -EEXIST)
			continue;
		if (r < 0)
			return parse_error(ps, "Failed to add a rule for \"%s\": %s", name,
					   strerror(-r));
	}
	if (!known && ps->section < 0)
		return parse_error(ps, "unknown system call \"%s\"", name);
	return 0;
}

static int parse_section(struct seccomp_policy *p, struct parse *ps, const char *word)
{
	static const struct {
		const char *name;
		uint32_t arch;
	} arches[] = {
		{ "x86_64", SCMP_ARCH_X86_64 }, { "x86-64", SCMP_ARCH_X86_64 },
		{ "amd64", SCMP_ARCH_X86_64 },  { "i386", SCMP_ARCH_X86 },
		{ "x86", SCMP_ARCH_X86 },       { "i686", SCMP_ARCH_X86 },
		{ "x32", SCMP_ARCH_X32 },       { "arm64", SCMP_ARCH_AARCH64 },
		{ "aarch64", SCMP_ARCH_AARCH64 }, { "arm", SCMP_ARCH_ARM },
		{ "armhf", SCMP_ARCH_ARM },     { "ppc64le", SCMP_ARCH_PPC64LE },
		{ "s390x", SCMP_ARCH_S390X },   { "riscv64", SCMP_ARCH_RISCV64 },
	};
	size_t len = strlen(word);
	char name[32];

	snprintf(name, sizeof(name), "%.*s", (int)(len - 2), word + 1);
	ps->skip = false;
	if (strcasecmp(name, "all") == 0) {
		ps->section = -1;
		return 0;
	}
	if (strcasecmp(name, "native") == 0) {
		ps->section = 0;
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(arches); i++) {
		if (strcasecmp(name, arches[i].name) != 0)
			continue;
		ps->skip = true;
		for (size_t j = 0; j < p->n; j++)
			if (p->arch[j] == arches[i].arch) {
				ps->section = (int)j;
				ps->skip = false;
			}
		return 0;
	}
	return parse_error(ps, "unknown architecture section \"%s\"", word);
}

static int parse_line(struct seccomp_policy *p, struct parse *ps, char *line)
{
	_cleanup_strv_free_ char **w = NULL;
	struct scmp_arg_cmp args[6];
	unsigned n_args = 0;
	uint32_t action = ps->rule_default;
	size_t used, i;
	int r;

	*strchrnul(line, '#') = 0;
	r = strv_split(line, " \t", &w);
	if (r < 0)
		return r;
	if (!w[0])
		return 0;
	if (w[0][0] == '[' && w[0][strlen(w[0]) - 1] == ']' && !w[1])
		return parse_section(p, ps, w[0]);
	if (ps->skip)
		return 0;
	if (streq(w[0], "reject_force_umount")) {
		struct scmp_arg_cmp force = { .arg = 1, .op = SCMP_CMP_MASKED_EQ,
					      .datum_a = MNT_FORCE, .datum_b = MNT_FORCE };

		return rule_add(p, ps, "umount2", SCMP_ACT_ERRNO(EACCES), &force, 1);
	}
	r = parse_action(w + 1, &action, &used);
	if (r < 0)
		return parse_error(ps, "bad action for \"%s\"", w[0]);
	for (i = 1 + used; w[i]; i++) {
		if (n_args == ARRAY_SIZE(args) || parse_arg(w[i], &args[n_args]) < 0)
			return parse_error(ps, "bad argument \"%s\" for \"%s\"", w[i], w[0]);
		n_args++;
	}
	return rule_add(p, ps, w[0], action, args, n_args);
}

static int policy_new(struct seccomp_policy **ret, uint32_t default_action)
{
	struct seccomp_policy *p = calloc(1, sizeof(*p));
	uint32_t native = seccomp_arch_native();

	if (!p)
		return -ENOMEM;
	p->arch[p->n++] = native;
	if (native == SCMP_ARCH_X86_64) {
		p->arch[p->n++] = SCMP_ARCH_X86;
		p->arch[p->n++] = SCMP_ARCH_X32;
	} else if (native == SCMP_ARCH_AARCH64)
		p->arch[p->n++] = SCMP_ARCH_ARM;
	for (size_t i = 0; i < p->n; i++) {
		p->ctx[i] = seccomp_init(default_action);
		/* Not no_new_privs: setuid programs inside must keep working;
		 * the filter is loaded while CAP_SYS_ADMIN is still held. */
		if (p->ctx[i] && seccomp_attr_set(p->ctx[i], SCMP_FLTATR_CTL_NNP, 0) < 0) {
			seccomp_policy_free(p);
			return -EINVAL;
		}
		if (!p->ctx[i] ||
		    (p->arch[i] != native &&
		     (seccomp_arch_add(p->ctx[i], p->arch[i]) < 0 ||
		      seccomp_arch_remove(p->ctx[i], native) < 0))) {
			seccomp_policy_free(p);
			return -ENOMEM;
		}
	}
	*ret = p;
	return 0;
}

/* Version 1: "1", "whitelist", then allowed syscall numbers. */
static int parse_v1(struct seccomp_policy *p, struct parse *ps, char **lines)
{
	for (char **l = lines; *l; l++, ps->line++) {
		char *end;
		long nr;

		if (!**l || **l == '#')
			continue;
		nr = strtol(*l, &end, 10);
		if (*end || nr < 0)
			return parse_error(ps, "not a system call number: \"%s\"", *l);
		if (seccomp_rule_add(p->ctx[0], SCMP_ACT_ALLOW, (int)nr, 0) < 0)
			return parse_error(ps, "Failed to allow system call %ld", nr);
	}
	return 0;
}

int seccomp_policy_compile(const char *path, struct seccomp_policy **ret, char *err,
			   size_t errlen)
{
	_cleanup_strv_free_ char **lines = NULL, **head = NULL;
	_cleanup_free_ char *text = NULL;
	struct seccomp_policy *p = NULL;
	struct parse ps = { .path = path, .line = 2, .err = err, .errlen = errlen, .section = -1 };
	uint32_t policy_default;
	size_t used;
	int version, r;

	r = read_file(path, &text, NULL);
	if (r < 0) {
		snprintf(err, errlen, "Failed to read the seccomp policy \"%s\": %s", path,
			 strerror(-r));
		return r;
	}
	r = strv_split(text, "\n", &lines);
	if (r < 0)
		return r;
	if (strv_length(lines) < 2 || (!streq(lines[0], "1") && !streq(lines[0], "2"))) {
		snprintf(err, errlen, "%s:1: not a seccomp policy of version 1 or 2", path);
		return -EINVAL;
	}
	version = lines[0][0] - '0';
	r = strv_split(lines[1], " \t", &head);
	if (r < 0)
		return r;
	if (!head[0])
		return parse_error(&ps, "no policy type");
	if (streq(head[0], "allowlist") || streq(head[0], "whitelist"))
		ps.allowlist = true;
	else if (!streq(head[0], "denylist") && !streq(head[0], "blacklist"))
		return parse_error(&ps, "unknown policy type \"%s\"", head[0]);
	if (version == 1 && !ps.allowlist)
		return parse_error(&ps, "version 1 policies are allowlists");
	policy_default = ps.allowlist ? SCMP_ACT_KILL : SCMP_ACT_ALLOW;
	ps.rule_default = ps.allowlist ? SCMP_ACT_ALLOW : SCMP_ACT_KILL;
	if (parse_action(head + 1, &policy_default, &used) < 0 || head[1 + used])
		return parse_error(&ps, "bad default action");

	r = policy_new(&p, policy_default);
	if (r < 0)
		return r;
	ps.line = 3;
	if (version == 1)
		r = parse_v1(p, &ps, lines + 2);
	else
		for (char **l = lines + 2; *l && r == 0; l++, ps.line++)
			r = parse_line(p, &ps, *l);
	if (r < 0) {
		seccomp_policy_free(p);
		return r;
	}
	/* One filter holding every architecture. */
	for (size_t i = 1; i < p->n; i++) {
		r = seccomp_merge(p->ctx[0], p->ctx[i]);
		p->ctx[i] = NULL;
		if (r < 0) {
			snprintf(err, errlen, "Failed to merge the seccomp filters of \"%s\": %s", path,
				 strerror(-r));
			seccomp_policy_free(p);
			return r;
		}
	}
	p->n = 1;
	*ret = p;
	return 0;
}

static bool under_seccomp(void)
{
	_cleanup_free_ char *status = NULL;
	const char *s;

	if (read_file("/proc/self/status", &status, NULL) < 0)
		return false;
	s = strstr(status, "\nSeccomp:");
	return s && strtol(s + 9, NULL, 10) != 0;
}

int seccomp_policy_load(struct seccomp_policy *p, bool allow_nesting)
{
	if (!allow_nesting && under_seccomp())
		return 0;
	return seccomp_load(p->ctx[0]);
}

void seccomp_policy_free(struct seccomp_policy *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(p->ctx); i++)
		if (p->ctx[i])
			seccomp_release(p->ctx[i]);
	free(p);
}

#else /* !HAVE_SECCOMP */

int seccomp_policy_compile(const char *path, struct seccomp_policy **ret, char *err,
			   size_t errlen)
{
	snprintf(err, errlen, "seccomp.profile \"%s\" is set but mgr was built without libseccomp",
		 path);
	return -EOPNOTSUPP;
}

int seccomp_policy_load(struct seccomp_policy *p, bool allow_nesting)
{
	return -EOPNOTSUPP;
}

void seccomp_policy_free(struct seccomp_policy *p)
{
}

#endif
