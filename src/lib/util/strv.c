/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/macro.h"
#include "util/strv.h"

size_t strv_length(char *const *v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

void strv_free(char **v)
{
	for (char **s = v; s && *s; s++)
		free(*s);
	free(v);
}

int strv_push(char ***v, char *s)
{
	size_t n = strv_length(*v);
	char **nv;

	if (!s)
		return -ENOMEM;
	nv = realloc(*v, (n + 2) * sizeof(char *));
	if (!nv) {
		free(s);
		return -ENOMEM;
	}
	nv[n] = s;
	nv[n + 1] = NULL;
	*v = nv;
	return 0;
}

int strv_append(char ***v, const char *s)
{
	return strv_push(v, strdup(s));
}

bool strv_contains(char *const *v, const char *s)
{
	STRV_FOREACH(i, v)
		if (streq(*i, s))
			return true;
	return false;
}

char **strv_copy(char *const *v)
{
	char **n = calloc(1, sizeof(char *));

	if (!n)
		return NULL;
	STRV_FOREACH(i, v)
		if (strv_append(&n, *i) < 0) {
			strv_free(n);
			return NULL;
		}
	return n;
}

int strv_split(const char *s, const char *separators, char ***ret)
{
	_cleanup_strv_free_ char **v = calloc(1, sizeof(char *));
	const char *p = s;

	if (!v)
		return -ENOMEM;
	while (*p) {
		size_t n;

		p += strspn(p, separators);
		n = strcspn(p, separators);
		if (n == 0)
			break;
		if (strv_push(&v, strndup(p, n)) < 0)
			return -ENOMEM;
		p += n;
	}
	*ret = TAKE_PTR(v);
	return 0;
}

int strv_split_quoted(const char *s, char ***ret)
{
	_cleanup_strv_free_ char **v = calloc(1, sizeof(char *));
	_cleanup_free_ char *word = malloc(strlen(s) + 1);
	const char *p = s;

	if (!v || !word)
		return -ENOMEM;
	for (;;) {
		size_t n = 0;
		char quote = 0;
		bool have = false;

		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (!*p)
			break;
		for (; *p; p++) {
			if (quote) {
				if (*p == quote)
					quote = 0;
				else if (*p == '\\' && quote == '"' && p[1])
					word[n++] = *++p;
				else
					word[n++] = *p;
				continue;
			}
			if (*p == ' ' || *p == '\t' || *p == '\n')
				break;
			if (*p == '\'' || *p == '"') {
				quote = *p;
				have = true;
			} else if (*p == '\\' && p[1])
				word[n++] = *++p;
			else
				word[n++] = *p;
		}
		if (quote)
			return -EINVAL;
		if (n || have)
			if (strv_push(&v, strndup(word, n)) < 0)
				return -ENOMEM;
	}
	*ret = TAKE_PTR(v);
	return 0;
}

char *strv_join(char *const *v, const char *sep)
{
	size_t len = 1, seplen = strlen(sep);
	char *r, *p;

	STRV_FOREACH(i, v)
		len += strlen(*i) + seplen;
	r = p = malloc(len);
	if (!r)
		return NULL;
	*p = 0;
	STRV_FOREACH(i, v) {
		if (i != v)
			p = stpcpy(p, sep);
		p = stpcpy(p, *i);
	}
	return r;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void strv_sort(char **v)
{
	qsort(v, strv_length(v), sizeof(char *), cmp_str);
}

char *str_replace(const char *text, const char *old, const char *new,
		  bool (*at)(const char *text, const char *where, size_t n))
{
	size_t n = strlen(old), len = 0;
	char *out = NULL;
	FILE *f = open_memstream(&out, &len);

	if (!f)
		return NULL;
	for (const char *p = text; *p;)
		if (strncmp(p, old, n) == 0 && (!at || at(text, p, n))) {
			fputs(new, f);
			p += n;
		} else
			fputc(*p++, f);
	if (fclose(f) != 0) {
		free(out);
		return NULL;
	}
	return out;
}
