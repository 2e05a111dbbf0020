/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Reading and writing one field of struct mgr_conf for a key: strings,
 * lists, numbers.  Shared by the key groups in conf_keys_*.c.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "conf_keys.h"
#include "util/macro.h"
#include "util/strv.h"

int conf_key_dup(const char *s, char **ret)
{
	char *c = NULL;

	if (s && !(c = strdup(s)))
		return -ENOMEM;
	*ret = c;
	return 0;
}

int conf_key_replace_string(char **field, const char *value)
{
	char *s = NULL;

	if (*value && !(s = strdup(value)))
		return -ENOMEM;
	free(*field);
	*field = s;
	return 0;
}

int conf_key_set_string(const char *key, const char *value, char **field,
			int (*check)(const char *, const char **), struct conf_error *err)
{
	const char *why = NULL;
	int r;

	if (*value && check) {
		r = check(value, &why);
		if (r == -EINVAL)
			return conf_bad_value(err, key, value, "%s", why);
		if (r < 0)
			return r;
	}
	return conf_key_replace_string(field, value);
}

int conf_key_get_strv(char *const *v, char **ret)
{
	char *s = NULL;

	if (strv_length(v) > 0 && !(s = strv_join(v, "\n")))
		return -ENOMEM;
	*ret = s;
	return 0;
}

void conf_key_clear_strv(char ***v)
{
	strv_free(*v);
	*v = NULL;
}

int conf_key_parse_number(const char *key, const char *value, long long min, long long max,
			  long long *ret, struct conf_error *err)
{
	int r = conf_parse_ll(value, min, max, ret);

	if (r == -ERANGE)
		return conf_bad_value(err, key, value, "out of range (%lld to %lld)", min, max);
	if (r < 0)
		return conf_bad_value(err, key, value, "not a number");
	return 0;
}

int conf_key_format_number(long long v, long long unset, char **ret)
{
	char *s = NULL;

	if (v != unset && asprintf(&s, "%lld", v) < 0)
		return -ENOMEM;
	*ret = s;
	return 0;
}

/* Add the words not yet in *v; takes nothing from words. */
int conf_key_merge_words(char ***v, char *const *words)
{
	STRV_FOREACH(w, words)
		if (!strv_contains(*v, *w) && strv_append(v, *w) < 0)
			return -ENOMEM;
	return 0;
}
