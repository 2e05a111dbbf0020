/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Writing configs: the user's file as written (the unexpanded text, with
 * the edits made through conf_set_item()), and a canonical dump of every
 * value through the key table.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "util/fileio.h"
#include "util/macro.h"
#include "util/strv.h"

/* Does a line for key other (both without prefix, other n long) belong to
 * key?  "net" covers every net.N.* too, and "net.N." every net.N.*. */
static bool key_covers_n(const char *key, const char *other, size_t n)
{
	size_t len = strlen(key);

	if (len == n && strncmp(key, other, n) == 0)
		return true;
	if (len > 4 && key[len - 1] == '.')
		return n > len && strncmp(other, key, len) == 0;
	return streq(key, "net") && n > 4 && strncmp(other, "net.", 4) == 0;
}

static bool key_covers(const char *key, const char *other)
{
	return key_covers_n(key, other, strlen(other));
}

/* Is line a "key = value" line of key (without prefix)? */
static bool line_is_key(const char *line, const char *key)
{
	const char *eq;
	size_t n;

	line += strspn(line, " \t\r\f\v");
	if (*line == '#' || !(eq = strchr(line, '=')))
		return false;
	n = (size_t)(eq - line);
	while (n > 0 && strchr(" \t\r\f\v", line[n - 1]))
		n--;
	if (n <= 4 || (strncmp(line, "mgr.", 4) != 0 && strncmp(line, "lxc.", 4) != 0))
		return false;
	return key_covers_n(key, line + 4, n - 4);
}

static bool from_include(const struct mgr_conf *conf, const char *key)
{
	STRV_FOREACH(k, conf->included_keys)
		if (key_covers(key, *k))
			return true;
	return false;
}

/* Drop the lines of key; returns the position of the first one or -1. */
static ssize_t remove_key_lines(char **lines, const char *key)
{
	ssize_t first = -1;
	size_t j = 0;

	for (size_t i = 0; lines && lines[i]; i++) {
		if (line_is_key(lines[i], key)) {
			if (first < 0)
				first = (ssize_t)j;
			free(lines[i]);
			continue;
		}
		lines[j++] = lines[i];
	}
	if (lines)
		lines[j] = NULL;
	return first;
}

static int insert_line(char ***lines, size_t pos, char *line)
{
	size_t n = strv_length(*lines);
	char **v = realloc(*lines, (n + 2) * sizeof(char *));

	if (!v) {
		free(line);
		return -ENOMEM;
	}
	memmove(v + pos + 1, v + pos, (n - pos + 1) * sizeof(char *));
	v[pos] = line;
	*lines = v;
	return 0;
}

/* "net.N." into buf for key "net.N.type". */
static bool net_type_prefix(const char *key, char *buf, size_t size)
{
	size_t n = strlen(key);

	if (strncmp(key, "net.", 4) != 0 || n < 10 || n - 4 >= size || !streq(key + n - 5, ".type"))
		return false;
	memcpy(buf, key, n - 4);
	buf[n - 4] = 0;
	return strspn(buf + 4, "0123456789") == n - 9;
}

/* Whether a line from pos on would undo a value of key written at pos:
 * "net =", which removes every network, for a net.N key.  (Includes are
 * known by the keys they set: see from_include.) */
static bool overridden_after(char **lines, ssize_t pos, const char *key)
{
	if (strncmp(key, "net.", 4) != 0)
		return false;
	for (size_t i = (size_t)pos; lines && lines[i]; i++)
		if (line_is_key(lines[i], "net"))
			return true;
	return false;
}

int conf_unexpanded_update(struct mgr_conf *conf, const struct conf_key *k, const char *key,
			   const char *value)
{
	bool included = from_include(conf, key);
	char *line = NULL, prefix[16];
	ssize_t first;

	/* An empty net.N.type removes the network, every line of it. */
	if (!*value && net_type_prefix(key, prefix, sizeof(prefix)))
		remove_key_lines(conf->unexpanded, prefix);

	if (*value && asprintf(&line, "mgr.%s = %s", key, value) < 0)
		return -ENOMEM;
	/* Cleared here but set by an include: clear it again after the include. */
	if (!*value && included && asprintf(&line, "mgr.%s =", key) < 0)
		return -ENOMEM;
	if (*value && (k->flags & CONF_KEY_LIST))
		return strv_push(&conf->unexpanded, line);
	first = remove_key_lines(conf->unexpanded, key);
	if (!line)
		return 0;
	/* In place of the first line, unless something after it would
	 * override the value there. */
	if (*value && !included && first >= 0 && !overridden_after(conf->unexpanded, first, key))
		return insert_line(&conf->unexpanded, (size_t)first, line);
	return strv_push(&conf->unexpanded, line);
}

int conf_unexpanded_remove_includes(struct mgr_conf *conf)
{
	remove_key_lines(conf->unexpanded, "include");
	return 0;
}

int conf_write(const struct mgr_conf *conf, FILE *f)
{
	STRV_FOREACH(line, conf->unexpanded)
		if (fprintf(f, "%s\n", *line) < 0)
			return negative_errno();
	if (fflush(f) != 0 || ferror(f))
		return negative_errno();
	return 0;
}

int conf_write_file(const struct mgr_conf *conf, const char *path)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	char *p;

	STRV_FOREACH(line, conf->unexpanded)
		len += strlen(*line) + 1;
	text = p = malloc(len + 1);
	if (!text)
		return -ENOMEM;
	STRV_FOREACH(line, conf->unexpanded) {
		p = stpcpy(p, *line);
		*p++ = '\n';
	}
	*p = 0;
	return write_file_atomic(path, text, 0644);
}

/* Every value of one full key (without prefix), one line each. */
static int dump_key(const struct mgr_conf *conf, const struct conf_key *k, const char *key,
		    FILE *f)
{
	_cleanup_free_ char *value = NULL;
	_cleanup_strv_free_ char **lines = NULL;
	int r;

	r = k->get(key, conf, &value);
	if (r < 0 || !value)
		return r;
	if (strv_split(value, "\n", &lines) < 0)
		return -ENOMEM;
	STRV_FOREACH(l, lines)
		if (fprintf(f, "mgr.%s = %s\n", key, *l) < 0)
			return negative_errno();
	return 0;
}

int conf_dump(const struct mgr_conf *conf, FILE *f)
{
	const struct conf_key *table;
	size_t n;
	int r;

	table = conf_key_table(&n);
	for (size_t i = 0; i < n; i++) {
		_cleanup_strv_free_ char **keys = NULL;

		if (table[i].flags & CONF_KEY_CLEAR_ONLY)
			continue;
		if (!table[i].instances) {
			r = dump_key(conf, &table[i], table[i].name, f);
			if (r < 0)
				return r;
			continue;
		}
		r = table[i].instances(conf, &keys);
		if (r < 0)
			return r;
		STRV_FOREACH(k, keys) {
			r = dump_key(conf, &table[i], *k, f);
			if (r < 0)
				return r;
		}
	}
	if (fflush(f) != 0 || ferror(f))
		return negative_errno();
	return 0;
}
