/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The string vector helpers. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "util/macro.h"
#include "util/strv.h"

/* The words of v joined with '|' for compact comparisons. */
static char *bars(char **v)
{
	return v ? strv_join(v, "|") : strdup("(null)");
}

static void check_split(const char *in, const char *seps, const char *expected)
{
	_cleanup_strv_free_ char **v = NULL;
	_cleanup_free_ char *s = NULL;

	is_int(strv_split(in, seps, &v), 0, "split \"%s\" succeeds", in);
	s = bars(v);
	is_str(s, expected, "split \"%s\" on \"%s\"", in, seps);
}

static void check_quoted(const char *in, const char *expected, size_t n)
{
	_cleanup_strv_free_ char **v = NULL;
	_cleanup_free_ char *s = NULL;

	is_int(strv_split_quoted(in, &v), 0, "split_quoted [%s] succeeds", in);
	is_int(strv_length(v), n, "split_quoted [%s] gives %zu words", in, n);
	s = bars(v);
	is_str(s, expected, "split_quoted [%s]", in);
}

static void test_basics(void)
{
	_cleanup_strv_free_ char **v = NULL, **c = NULL;
	_cleanup_free_ char *j = NULL;
	size_t n = 0;

	is_int(strv_length(NULL), 0, "length of NULL is 0");
	ok(!strv_contains(NULL, "a"), "NULL contains nothing");
	is_int(strv_append(&v, "b"), 0, "append to NULL");
	is_int(strv_append(&v, "a"), 0, "append");
	is_int(strv_push(&v, strdup("c")), 0, "push takes ownership");
	is_int(strv_push(&v, NULL), -ENOMEM, "push of NULL (failed strdup) is -ENOMEM");
	is_int(strv_length(v), 3, "three entries");
	ok(v[3] == NULL, "NULL-terminated");
	ok(strv_contains(v, "a") && strv_contains(v, "c"), "contains what was added");
	ok(!strv_contains(v, "d") && !strv_contains(v, ""), "does not contain others");

	c = strv_copy(v);
	ok(c && c != v && c[0] != v[0], "copy is a new vector of new strings");
	is_int(strv_length(c), 3, "copy has the same length");
	strv_sort(c);
	j = strv_join(c, ",");
	is_str(j, "a,b,c", "sort and join");
	free(j);
	j = strv_join(v, "");
	is_str(j, "bac", "join with an empty separator keeps the order");
	free(j);
	strv_free(c);
	c = strv_copy(NULL);
	ok(c && c[0] == NULL, "copy of NULL is an empty vector");
	j = strv_join(c, ",");
	is_str(j, "", "join of an empty vector is empty");

	STRV_FOREACH(s, v)
		n++;
	is_int(n, 3, "STRV_FOREACH visits every entry");
	n = 0;
	STRV_FOREACH(s, (char **)NULL)
		n++;
	is_int(n, 0, "STRV_FOREACH over NULL visits nothing");
	strv_free(NULL);
	ok(true, "strv_free(NULL) is fine");
}

static void test_split(void)
{
	check_split("a b  c", " ", "a|b|c");
	check_split("  lead and trail  ", " ", "lead|and|trail");
	check_split("a,b, c", ", ", "a|b|c");
	check_split("", " ", "");
	check_split("   ", " ", "");
	check_split("one", ",", "one");
}

static void test_split_quoted(void)
{
	_cleanup_strv_free_ char **v = NULL;

	check_quoted("/sbin/init", "/sbin/init", 1);
	check_quoted("  a   b\tc\n", "a|b|c", 3);
	check_quoted("sh -c 'echo hi there'", "sh|-c|echo hi there", 3);
	check_quoted("a \"b c\" d", "a|b c|d", 3);
	check_quoted("\"say \\\"hi\\\"\"", "say \"hi\"", 1);
	check_quoted("'no \\escape in single'", "no \\escape in single", 1);
	check_quoted("a\\ b", "a b", 1);
	check_quoted("x\"y z\"w", "xy zw", 1);
	check_quoted("'' \"\"", "|", 2);
	check_quoted("", "", 0);
	check_quoted("'it''s'", "its", 1);

	is_int(strv_split_quoted("echo 'unterminated", &v), -EINVAL,
	       "unterminated single quote is -EINVAL");
	ok(v == NULL, "ret untouched on failure");
	is_int(strv_split_quoted("a \"b", &v), -EINVAL, "unterminated double quote is -EINVAL");
	is_int(strv_split_quoted("\"a\\\"", &v), -EINVAL,
	       "an escaped closing quote leaves the quote open");
	ok(v == NULL, "ret still untouched");
}

int main(void)
{
	test_basics();
	test_split();
	test_split_quoted();
	return done();
}
