/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The generated AppArmor profile: its name, and its text from the template
 * config/apparmor-profile.in. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsm/lsm.h"
#include "state.h"
#include "util/fileio.h"

#define NESTING_MARK "@nesting@"

int lsm_profile_name(const char *name, const char *container_dir, char *buf, size_t size)
{
	size_t n;
	int k;

	/* The name as far as it is plain (a container name may hold quotes
	 * and globbing characters); the hash of its directory makes it
	 * unique. */
	k = snprintf(buf, size, "mgr-%s_%016llx", name,
		     (unsigned long long)runtime_path_hash(container_dir));
	if (k < 0 || (size_t)k >= size)
		return -ENAMETOOLONG;
	n = strlen("mgr-") + strlen(name);
	for (size_t i = strlen("mgr-"); i < n; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-+",
			    buf[i]))
			buf[i] = '_';
	return 0;
}

/* Append s[0..len) to the growing text. */
static int append(char **text, size_t *len, size_t *cap, const char *s, size_t n)
{
	if (*len + n + 1 > *cap) {
		size_t want = (*len + n + 1) * 2;
		char *t = realloc(*text, want);

		if (!t)
			return -ENOMEM;
		*text = t;
		*cap = want;
	}
	memcpy(*text + *len, s, n);
	*len += n;
	(*text)[*len] = 0;
	return 0;
}

/* One line (with its newline, if any), the placeholders replaced. */
static int append_line(char **text, size_t *len, size_t *cap, const char *line, size_t n,
		       const char *profile, const char *name)
{
	static const char *const words[] = { "@PROFILE@", "@NAME@" };
	const char *values[] = { profile, name };
	const char *end = line + n;
	int r = 0;

	while (line < end && r == 0) {
		const char *at = memchr(line, '@', (size_t)(end - line));
		size_t i;

		if (!at) {
			r = append(text, len, cap, line, (size_t)(end - line));
			break;
		}
		r = append(text, len, cap, line, (size_t)(at - line));
		for (i = 0; i < ARRAY_SIZE(words) && r == 0; i++)
			if ((size_t)(end - at) >= strlen(words[i]) &&
			    strncmp(at, words[i], strlen(words[i])) == 0)
				break;
		if (r < 0)
			break;
		if (i < ARRAY_SIZE(words)) {
			r = append(text, len, cap, values[i], strlen(values[i]));
			line = at + strlen(words[i]);
		} else {
			r = append(text, len, cap, "@", 1);
			line = at + 1;
		}
	}
	return r;
}

int lsm_profile_render(const char *template, const char *profile, const char *name,
		       bool nesting, char **ret)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0, cap = 0;
	int r;

	r = append(&text, &len, &cap, "", 0);
	for (const char *line = template; *line && r == 0;) {
		const char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line) + 1 : strlen(line);

		if (strncmp(line, NESTING_MARK, strlen(NESTING_MARK)) == 0) {
			if (nesting)
				r = append_line(&text, &len, &cap, line + strlen(NESTING_MARK),
						n - strlen(NESTING_MARK), profile, name);
		} else
			r = append_line(&text, &len, &cap, line, n, profile, name);
		line += n;
	}
	if (r < 0)
		return r;
	*ret = TAKE_PTR(text);
	return 0;
}

char *lsm_profile_template_path(void)
{
	const char *dir = getenv("MGR_CONFIG_DIR");

	return path_join(dir && *dir ? dir : MGR_CONFIG_DIR, "apparmor-profile.in");
}
