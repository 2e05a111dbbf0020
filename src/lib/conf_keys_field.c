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

/* ------------------------------------------------------------ key = value lists */

struct conf_pair *conf_pairs_find(struct conf_pair *v, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (streq(v[i].key, key))
			return &v[i];
	return NULL;
}

void conf_pairs_remove(struct conf_pair **v, size_t *n, const char *key)
{
	struct conf_pair *p = conf_pairs_find(*v, *n, key);
	size_t i;

	if (!p)
		return;
	i = (size_t)(p - *v);
	free(p->key);
	free(p->value);
	/* keep the order the user wrote them in */
	memmove(p, p + 1, (*n - i - 1) * sizeof(*p));
	if (--*n == 0) {
		free(*v);
		*v = NULL;
	}
}

int conf_pairs_set(struct conf_pair **v, size_t *n, const char *key, const char *value)
{
	_cleanup_free_ char *k = NULL, *val = strdup(value);
	struct conf_pair *p;

	if (!val)
		return -ENOMEM;
	p = conf_pairs_find(*v, *n, key);
	if (p) {
		free(p->value);
		p->value = TAKE_PTR(val);
		return 0;
	}
	k = strdup(key);
	if (!k)
		return -ENOMEM;
	p = realloc(*v, (*n + 1) * sizeof(*p));
	if (!p)
		return -ENOMEM;
	*v = p;
	p[(*n)++] = (struct conf_pair){ TAKE_PTR(k), TAKE_PTR(val) };
	return 0;
}

void conf_pairs_free(struct conf_pair **v, size_t *n)
{
	for (size_t i = 0; i < *n; i++) {
		free((*v)[i].key);
		free((*v)[i].value);
	}
	free(*v);
	*v = NULL;
	*n = 0;
}

int conf_pairs_keys(const struct conf_pair *v, size_t n, const char *prefix, char ***ret)
{
	_cleanup_strv_free_ char **keys = calloc(1, sizeof(char *));

	if (!keys)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		char *s;

		if (asprintf(&s, "%s%s", prefix, v[i].key) < 0 || strv_push(&keys, s) < 0)
			return -ENOMEM;
	}
	*ret = TAKE_PTR(keys);
	return 0;
}

int conf_key_add_line(char **text, const char *line)
{
	size_t len = *text ? strlen(*text) : 0;
	char *t = realloc(*text, len + strlen(line) + 2);

	if (!t)
		return -ENOMEM;
	sprintf(t + len, "%s%s", len ? "\n" : "", line);
	*text = t;
	return 0;
}
