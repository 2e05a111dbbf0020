/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Reading config text: "key = value" lines, '#' comments, and mgr.include
 * of a file or of a directory's *.conf files.  The lines of the top-level
 * text are kept as written (conf->unexpanded) so the file can be written
 * back without inlining its includes.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "conf.h"
#include "util/fileio.h"
#include "util/macro.h"
#include "util/strv.h"

/* Nesting deeper than this is taken for a loop we failed to see. */
#define INCLUDE_DEPTH_MAX 32

static int read_path(struct mgr_conf *conf, const char *path, unsigned depth, const char *from,
		     unsigned from_line, struct conf_error *err);

static void closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static char *strip(char *s)
{
	size_t n;

	while (is_blank(*s))
		s++;
	n = strlen(s);
	while (n > 0 && is_blank(s[n - 1]))
		s[--n] = 0;
	return s;
}

/* Put "origin:line: " in front of the message already in err. */
static int located(struct conf_error *err, const char *origin, unsigned line, int r)
{
	char msg[sizeof(err->message)];
	size_t size = sizeof(err->message), n;
	int len;

	if (!err)
		return r;
	memcpy(msg, err->message, size);
	len = snprintf(err->message, size, "%s:%u: ", origin, line);
	if (len < 0 || (size_t)len >= size - 1)
		return r;
	/* as much of the message as fits */
	n = strnlen(msg, size - 1);
	if (n > size - 1 - (size_t)len)
		n = size - 1 - (size_t)len;
	memcpy(err->message + len, msg, n);
	err->message[len + n] = 0;
	return r;
}

static void strv_drop_last(char **v)
{
	size_t n = strv_length(v);

	if (n > 0) {
		free(v[n - 1]);
		v[n - 1] = NULL;
	}
}

/* The directory relative includes of origin are taken from. */
static char *origin_dir(const char *origin)
{
	const char *slash = strrchr(origin, '/');

	if (!slash)
		return strdup(".");
	if (slash == origin)
		return strdup("/");
	return strndup(origin, (size_t)(slash - origin));
}

/* The *.conf files of dir, sorted, with dir in front. */
static int list_conf_files(const char *dir, char ***ret)
{
	_cleanup_(closedirp) DIR *d = opendir(dir);
	_cleanup_strv_free_ char **files = calloc(1, sizeof(char *));
	struct dirent *de;

	if (!d)
		return -errno;
	if (!files)
		return -ENOMEM;
	while ((errno = 0, de = readdir(d))) {
		size_t len = strlen(de->d_name);

		if (de->d_name[0] == '.' || len <= 5 || !streq(de->d_name + len - 5, ".conf"))
			continue;
		if (strv_push(&files, path_join(dir, de->d_name)) < 0)
			return -ENOMEM;
	}
	if (errno)
		return -errno;
	strv_sort(files);
	*ret = TAKE_PTR(files);
	return 0;
}

static int read_error(struct conf_error *err, int r, const char *path, const char *from,
		      unsigned from_line)
{
	/* A missing include is a mistake in the including file. */
	if (from)
		return conf_errorf(err, -EINVAL, "%s:%u: cannot read include \"%s\": %s", from,
				   from_line, path, strerror(-r));
	return conf_errorf(err, r, "cannot read \"%s\": %s", path, strerror(-r));
}

/* A file, or a directory's *.conf files in sorted order. */
static int read_file_or_dir(struct mgr_conf *conf, const char *path, unsigned depth,
			    const char *from, unsigned from_line, struct conf_error *err)
{
	_cleanup_strv_free_ char **files = NULL;
	struct stat st;
	int r;

	if (stat(path, &st) < 0)
		return read_error(err, negative_errno(), path, from, from_line);
	if (!S_ISDIR(st.st_mode))
		return read_path(conf, path, depth, from, from_line, err);
	r = list_conf_files(path, &files);
	if (r < 0)
		return read_error(err, r, path, from, from_line);
	STRV_FOREACH(f, files) {
		r = read_path(conf, *f, depth, from, from_line, err);
		if (r < 0)
			return r;
	}
	return 0;
}

static int include(struct mgr_conf *conf, const char *key, const char *value, const char *origin,
		   unsigned line, unsigned depth, struct conf_error *err)
{
	_cleanup_free_ char *dir = NULL, *path = NULL;

	if (!*value)
		return located(err, origin, line,
			       conf_bad_value(err, key, value, "an include needs a path"));
	if (*value == '/')
		path = strdup(value);
	else if ((dir = origin_dir(origin)))
		path = path_join(dir, value);
	if (!path)
		return -ENOMEM;
	if (depth == 0 && strv_append(&conf->includes, value) < 0)
		return -ENOMEM;
	return read_file_or_dir(conf, path, depth + 1, origin, line, err);
}

static int record_included_key(struct mgr_conf *conf, const char *key)
{
	const char *b = conf_key_strip_prefix(key);

	if (strv_contains(conf->included_keys, b))
		return 0;
	return strv_append(&conf->included_keys, b);
}

static int parse_line(struct mgr_conf *conf, char *line, const char *origin, unsigned lineno,
		      unsigned depth, struct conf_error *err)
{
	char *eq, *key, *value;
	const char *b;
	int r;

	line = strip(line);
	if (!*line || *line == '#')
		return 0;
	eq = strchr(line, '=');
	if (!eq)
		return conf_errorf(err, -EINVAL, "%s:%u: missing \"=\" after \"%s\"", origin, lineno,
				   line);
	*eq = 0;
	key = strip(line);
	value = strip(eq + 1);
	if (!*key)
		return conf_errorf(err, -EINVAL, "%s:%u: missing key before \"=\"", origin, lineno);
	b = conf_key_strip_prefix(key);
	if (!b)
		return conf_errorf(err, -EINVAL,
				   "%s:%u: unknown key \"%s\" (keys start with \"mgr.\" or \"lxc.\")",
				   origin, lineno, key);
	if (streq(b, "include"))
		return include(conf, key, value, origin, lineno, depth, err);
	r = conf_apply(conf, key, value, err);
	if (r < 0)
		return located(err, origin, lineno, r);
	if (depth > 0)
		return record_included_key(conf, key);
	return 0;
}

static int parse_text(struct mgr_conf *conf, const char *text, const char *origin,
		      unsigned depth, struct conf_error *err)
{
	_cleanup_free_ char *copy = strdup(text);
	char *line = copy;
	unsigned lineno = 0;
	int r;

	if (!copy)
		return -ENOMEM;
	while (*line) {
		char *nl = strchr(line, '\n');

		if (nl)
			*nl = 0;
		lineno++;
		if (depth == 0 && strv_append(&conf->unexpanded, line) < 0)
			return -ENOMEM;
		r = parse_line(conf, line, origin, lineno, depth, err);
		if (r < 0)
			return r;
		if (!nl)
			break;
		line = nl + 1;
	}
	return 0;
}

/* "A -> B -> C" from the include stack and the file seen again. */
static int loop_error(const struct mgr_conf *conf, const char *again, const char *from,
		      unsigned from_line, struct conf_error *err)
{
	_cleanup_free_ char *chain = strv_join(conf->include_stack, " -> ");

	if (!chain)
		return -ENOMEM;
	return conf_errorf(err, -ELOOP, "%s:%u: include loop: %s -> %s", from, from_line, chain,
			   again);
}

/* Parse text from path with path on the include stack. */
static int parse_pushed(struct mgr_conf *conf, const char *text, const char *origin,
			const char *canonical, unsigned depth, struct conf_error *err)
{
	int r = strv_append(&conf->include_stack, canonical);

	if (r < 0)
		return r;
	r = parse_text(conf, text, origin, depth, err);
	strv_drop_last(conf->include_stack);
	if (strv_length(conf->include_stack) == 0) {
		strv_free(conf->include_stack);
		conf->include_stack = NULL;
	}
	return r;
}

static int read_path(struct mgr_conf *conf, const char *path, unsigned depth, const char *from,
		     unsigned from_line, struct conf_error *err)
{
	_cleanup_free_ char *canonical = realpath(path, NULL), *text = NULL;
	int r;

	if (canonical && strv_contains(conf->include_stack, canonical))
		return loop_error(conf, canonical, from ? from : path, from_line, err);
	if (depth > INCLUDE_DEPTH_MAX)
		return conf_errorf(err, -ELOOP, "%s:%u: includes nested more than %d deep",
				   from ? from : path, from_line, INCLUDE_DEPTH_MAX);
	r = canonical ? read_file(path, &text, NULL) : negative_errno();
	if (r < 0)
		return read_error(err, r, path, from, from_line);
	return parse_pushed(conf, text, path, canonical, depth, err);
}

int conf_read_file(struct mgr_conf *conf, const char *path, struct conf_error *err)
{
	return read_path(conf, path, 0, NULL, 0, err);
}

int conf_read_string(struct mgr_conf *conf, const char *text, const char *origin,
		     struct conf_error *err)
{
	_cleanup_free_ char *canonical = NULL;

	if (!origin)
		origin = "<string>";
	canonical = realpath(origin, NULL);
	if (!canonical && !(canonical = strdup(origin)))
		return -ENOMEM;
	return parse_pushed(conf, text, origin, canonical, 0, err);
}

int conf_read_include(struct mgr_conf *conf, const char *path, struct conf_error *err)
{
	return read_file_or_dir(conf, path, 1, NULL, 0, err);
}
