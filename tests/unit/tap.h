/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A tiny TAP producer for the unit tests:
 *
 *	ok(cond, "what", ...);
 *	is_str(got, expected, "what", ...);   NULL-safe
 *	is_int(got, expected, "what", ...);
 *	skip("why");                          a check that cannot run here
 *	return done();                        prints the plan, exit status
 *
 * plan(n) up front is optional; without it the plan is printed at the end.
 */
#ifndef MGR_TAP_H
#define MGR_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static unsigned tap_count, tap_failed, tap_planned;

static inline void plan(unsigned n)
{
	tap_planned = n;
	printf("1..%u\n", n);
}

__attribute__((format(printf, 4, 0))) static inline bool
tap_vresult(bool pass, const char *file, int line, const char *fmt, va_list ap)
{
	char desc[1024];

	tap_count++;
	vsnprintf(desc, sizeof(desc), fmt, ap);
	printf("%sok %u - ", pass ? "" : "not ", tap_count);
	/* one line per result: show newlines in the description as \n */
	for (const char *c = desc; *c; c++)
		if (*c == '\n')
			fputs("\\n", stdout);
		else
			putchar(*c);
	putchar('\n');
	if (!pass) {
		tap_failed++;
		printf("#   failed at %s:%d\n", file, line);
	}
	fflush(stdout);
	return pass;
}

__attribute__((format(printf, 4, 5))) static inline bool
tap_ok(bool pass, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vresult(pass, file, line, fmt, ap);
	va_end(ap);
	return pass;
}

__attribute__((format(printf, 5, 6))) static inline bool
tap_is_str(const char *got, const char *expected, const char *file, int line, const char *fmt,
	   ...)
{
	bool pass = (!got && !expected) || (got && expected && strcmp(got, expected) == 0);
	va_list ap;

	va_start(ap, fmt);
	tap_vresult(pass, file, line, fmt, ap);
	va_end(ap);
	if (!pass) {
		printf("#          got: %s%s%s\n", got ? "\"" : "", got ? got : "NULL", got ? "\"" : "");
		printf("#     expected: %s%s%s\n", expected ? "\"" : "",
		       expected ? expected : "NULL", expected ? "\"" : "");
	}
	return pass;
}

__attribute__((format(printf, 5, 6))) static inline bool
tap_is_int(long long got, long long expected, const char *file, int line, const char *fmt, ...)
{
	bool pass = got == expected;
	va_list ap;

	va_start(ap, fmt);
	tap_vresult(pass, file, line, fmt, ap);
	va_end(ap);
	if (!pass)
		printf("#          got: %lld\n#     expected: %lld\n", got, expected);
	return pass;
}

/* A line of diagnostics. */
__attribute__((format(printf, 1, 2))) static inline void diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define is_str(got, expected, ...) tap_is_str((got), (expected), __FILE__, __LINE__, __VA_ARGS__)
#define is_int(got, expected, ...)                                                 \
	tap_is_int((long long)(got), (long long)(expected), __FILE__, __LINE__, __VA_ARGS__)

/* Print the plan if none was given; the exit status for main(). */
/* A result that could not be checked here: TAP's SKIP, never a pass. */
static inline void skip(const char *why)
{
	printf("ok %u # SKIP %s\n", ++tap_count, why);
	fflush(stdout);
}

static inline int done(void)
{
	if (!tap_planned)
		printf("1..%u\n", tap_count);
	else if (tap_count != tap_planned) {
		printf("# planned %u tests but ran %u\n", tap_planned, tap_count);
		return 1;
	}
	if (tap_failed)
		printf("# %u of %u tests failed\n", tap_failed, tap_count);
	return tap_failed ? 1 : 0;
}

#endif
