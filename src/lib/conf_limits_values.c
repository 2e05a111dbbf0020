/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The values of the limits.* and cgroup device keys: sizes and counts with
 * "max", fractions of CPUs, CPU lists, per-device I/O limits and device
 * rules.  Pure parsing; what the host makes of them is cgroups/limits.c's
 * business.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "util/macro.h"

#define CPU_MAX 65536ULL    /* limits.cpu: at most this many CPUs      */
#define CPU_LIST_MAX 8191   /* the highest CPU number the kernel knows */
#define DEVICE_MAJOR_MAX 4095
#define DEVICE_MINOR_MAX 1048575
#define SIZE_MAX_LIMIT (1ULL << 62) /* above any memory or bandwidth */

static int why(const char **ret_why, const char *reason)
{
	if (ret_why)
		*ret_why = reason;
	return -EINVAL;
}

static bool is_max(const char *s)
{
	return streq(s, "max") || streq(s, "unlimited");
}

/* ------------------------------------------------------------ sizes and counts */

int conf_limit_size(const char *s, bool allow_zero, unsigned long long *ret, const char **ret_why)
{
	unsigned long long v;
	int r;

	if (is_max(s)) {
		*ret = CONF_LIMIT_MAX;
		return 0;
	}
	r = conf_size_from_string(s, &v);
	if (r == -ERANGE || (r == 0 && v >= SIZE_MAX_LIMIT))
		return why(ret_why, "too large");
	if (r < 0)
		return why(ret_why, "not a size (a number of bytes with an optional K, M, G or T, "
				    "or max)");
	if (v == 0 && !allow_zero)
		return why(ret_why, "must be more than 0");
	*ret = v;
	return 0;
}

int conf_limit_size_format(unsigned long long v, char **ret)
{
	char *s;

	if (v != CONF_LIMIT_MAX)
		return conf_size_format(v, ret);
	s = strdup("max");
	if (!s)
		return -ENOMEM;
	*ret = s;
	return 0;
}

int conf_limit_count(const char *s, unsigned long long max, unsigned long long *ret,
		     const char **ret_why)
{
	unsigned long long v;
	int r;

	if (is_max(s)) {
		*ret = CONF_LIMIT_MAX;
		return 0;
	}
	r = conf_parse_ull(s, max, &v);
	if (r == -EINVAL)
		return why(ret_why, "not a number (or max)");
	if (r < 0 || v == 0)
		return why(ret_why, "out of range (1 or more)");
	*ret = v;
	return 0;
}

/* ------------------------------------------------------------ CPUs */

int conf_limit_cpu(const char *s, unsigned long long *ret, const char **ret_why)
{
	unsigned long long whole = 0, frac = 0, scale = CONF_CPU_PERIOD_USEC, v;
	const char *p = s;

	if (is_max(s)) {
		*ret = CONF_LIMIT_MAX;
		return 0;
	}
	if (!(*p >= '0' && *p <= '9') && !(*p == '.' && p[1] >= '0' && p[1] <= '9'))
		return why(ret_why, "not a number of CPUs (like 2, 1.5 or 0.25, or max)");
	for (; *p >= '0' && *p <= '9'; p++) {
		whole = whole * 10 + (unsigned long long)(*p - '0');
		if (whole > CPU_MAX)
			return why(ret_why, "more than 65536 CPUs");
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++) {
			if (scale == 1)
				return why(ret_why, "more than 5 decimals");
			scale /= 10;
			frac += (unsigned long long)(*p - '0') * scale;
		}
	}
	if (*p)
		return why(ret_why, "not a number of CPUs (like 2, 1.5 or 0.25, or max)");
	v = whole * CONF_CPU_PERIOD_USEC + frac;
	if (v > CPU_MAX * CONF_CPU_PERIOD_USEC)
		return why(ret_why, "more than 65536 CPUs");
	if (v < CONF_CPU_PERIOD_USEC / 100)
		return why(ret_why, "less than 0.01 CPUs");
	*ret = v;
	return 0;
}

int conf_limit_cpu_format(unsigned long long v, char **ret)
{
	char frac[8], *s;
	int r;

	if (v == CONF_LIMIT_MAX) {
		s = strdup("max");
		r = s ? 0 : -1;
	} else {
		snprintf(frac, sizeof(frac), "%05llu", v % CONF_CPU_PERIOD_USEC);
		for (size_t n = strlen(frac); n > 0 && frac[n - 1] == '0'; n--)
			frac[n - 1] = 0;
		r = asprintf(&s, "%llu%s%s", v / CONF_CPU_PERIOD_USEC, frac[0] ? "." : "", frac);
	}
	if (r < 0)
		return -ENOMEM;
	*ret = s;
	return 0;
}

/* A number up to max at *p, advancing *p. */
static bool parse_bounded(const char **p, unsigned long max, unsigned long *ret)
{
	unsigned long v = 0;
	const char *s = *p;

	if (!(*s >= '0' && *s <= '9'))
		return false;
	for (; *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > max)
			return false;
	}
	*p = s;
	*ret = v;
	return true;
}

int conf_check_cpu_list(const char *s, const char **ret_why)
{
	const char *p = s;

	for (;;) {
		unsigned long first, last;

		if (!parse_bounded(&p, CPU_LIST_MAX, &first))
			return why(ret_why, "not a CPU list (like 0, 0-3 or 0,2-3; CPUs 0 to 8191)");
		last = first;
		if (*p == '-') {
			p++;
			if (!parse_bounded(&p, CPU_LIST_MAX, &last))
				return why(ret_why,
					   "not a CPU list (like 0, 0-3 or 0,2-3; CPUs 0 to 8191)");
			if (last < first)
				return why(ret_why, "a range of CPUs goes from low to high");
		}
		if (!*p)
			return 0;
		if (*p++ != ',')
			return why(ret_why, "not a CPU list (like 0, 0-3 or 0,2-3; CPUs 0 to 8191)");
	}
}

/* ------------------------------------------------------------ I/O limits */

/* "MAJ:MIN" with numbers in range; '*' for any when wildcard. */
static bool parse_devnum(const char **p, bool wildcard, int *ret_major, int *ret_minor)
{
	unsigned long major, minor;
	const char *s = *p;
	int maj = -1, min = -1;

	if (wildcard && *s == '*')
		s++;
	else if (parse_bounded(&s, DEVICE_MAJOR_MAX, &major))
		maj = (int)major;
	else
		return false;
	if (*s++ != ':')
		return false;
	if (wildcard && *s == '*')
		s++;
	else if (parse_bounded(&s, DEVICE_MINOR_MAX, &minor))
		min = (int)minor;
	else
		return false;
	*p = s;
	*ret_major = maj;
	*ret_minor = min;
	return true;
}

int conf_io_limit_parse(const char *s, bool bytes, char **ret_device,
			unsigned long long *ret_value, const char **ret_why)
{
	size_t dlen = strcspn(s, " \t");
	const char *value = s + dlen + strspn(s + dlen, " \t"), *p = s;
	unsigned long long v;
	char *device;
	int major, minor, r;

	if (dlen == 0 || !*value || value[strcspn(value, " \t")])
		return why(ret_why, bytes ? "expected DEVICE BYTES (like /dev/vda 10M or 8:0 10M)"
					  : "expected DEVICE COUNT (like /dev/vda 100 or 8:0 100)");
	if (*s != '/' && !(parse_devnum(&p, false, &major, &minor) && p == s + dlen))
		return why(ret_why, "the device is not an absolute path or MAJOR:MINOR");
	if (bytes)
		r = conf_limit_size(value, false, &v, ret_why);
	else
		r = conf_limit_count(value, SIZE_MAX_LIMIT, &v, ret_why);
	if (r < 0)
		return r;
	device = strndup(s, dlen);
	if (!device)
		return -ENOMEM;
	*ret_device = device;
	*ret_value = v;
	return 0;
}

int conf_io_limit_format(const struct conf_io_limit *l, bool bytes, char **ret)
{
	_cleanup_free_ char *v = NULL;
	int r;

	if (bytes)
		r = conf_limit_size_format(l->value, &v);
	else if (l->value == CONF_LIMIT_MAX)
		r = (v = strdup("max")) ? 0 : -ENOMEM;
	else
		r = asprintf(&v, "%llu", l->value) < 0 ? -ENOMEM : 0;
	if (r < 0)
		return r;
	return asprintf(ret, "%s %s", l->device, v) < 0 ? -ENOMEM : 0;
}

/* ------------------------------------------------------------ device rules */

int conf_device_rule_parse(const char *s, struct conf_device_rule *ret, const char **ret_why)
{
	static const char *const form = "expected \"a\", or TYPE MAJOR:MINOR ACCESS with TYPE "
					 "b or c, numbers or *, and ACCESS of r, w and m";
	struct conf_device_rule rule = { .type = *s };
	const char *p = s + 1;

	if (streq(s, "a"))
		return why(ret_why, "\"a\" is not a rule for some devices");
	if ((rule.type != 'b' && rule.type != 'c') || (*p != ' ' && *p != '\t'))
		return why(ret_why, form);
	p += strspn(p, " \t");
	if (!parse_devnum(&p, true, &rule.major, &rule.minor) || (*p != ' ' && *p != '\t'))
		return why(ret_why, form);
	p += strspn(p, " \t");
	for (; *p && *p != ' ' && *p != '\t'; p++) {
		unsigned bit = *p == 'r' ? CONF_DEVICE_READ
			       : *p == 'w' ? CONF_DEVICE_WRITE
			       : *p == 'm' ? CONF_DEVICE_MKNOD
					   : 0;
		if (!bit)
			return why(ret_why, "the access is made of r, w and m");
		rule.access |= bit;
	}
	if (!rule.access || p[strspn(p, " \t")])
		return why(ret_why, form);
	ret->type = rule.type;
	ret->major = rule.major;
	ret->minor = rule.minor;
	ret->access = rule.access;
	return 0;
}

int conf_device_rule_format(const struct conf_device_rule *r, char **ret)
{
	char major[16] = "*", minor[16] = "*";

	if (r->major >= 0)
		snprintf(major, sizeof(major), "%d", r->major);
	if (r->minor >= 0)
		snprintf(minor, sizeof(minor), "%d", r->minor);
	if (asprintf(ret, "%c %s:%s %s%s%s", r->type, major, minor,
		     r->access & CONF_DEVICE_READ ? "r" : "", r->access & CONF_DEVICE_WRITE ? "w" : "",
		     r->access & CONF_DEVICE_MKNOD ? "m" : "") < 0)
		return -ENOMEM;
	return 0;
}
