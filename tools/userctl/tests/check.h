/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host tests' harness: CHECK macros that report a failed check and go
 * on, RUN() to run a test function, check_report() for the last line
 * ("N passed, N failed") and the exit status.  Include it once per test
 * program.
 */
#ifndef USERCTL_TESTS_CHECK_H
#define USERCTL_TESTS_CHECK_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tests_passed, tests_failed, checks_failed;
static const char *current_test;

__attribute__((format(printf, 3, 4)))
static void check_failed(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	checks_failed++;
	printf("     %s: %s:%d: ", current_test, file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

#define CHECK(cond)							\
	do {								\
		if (!(cond))						\
			check_failed(__FILE__, __LINE__, "%s", #cond);	\
	} while (0)

#define CHECK_INT(expr, expected)					\
	do {								\
		long long got_ = (expr), want_ = (expected);		\
		if (got_ != want_)					\
			check_failed(__FILE__, __LINE__,		\
				     "%s is %lld, expected %lld",	\
				     #expr, got_, want_);		\
	} while (0)

#define CHECK_HEX(expr, expected)					\
	do {								\
		unsigned long long got_ = (expr), want_ = (expected);	\
		if (got_ != want_)					\
			check_failed(__FILE__, __LINE__,		\
				     "%s is 0x%llx, expected 0x%llx",	\
				     #expr, got_, want_);		\
	} while (0)

#define CHECK_STR_HAS(str, needle)					\
	do {								\
		const char *s_ = (str), *n_ = (needle);			\
		if (!s_ || !strstr(s_, n_))				\
			check_failed(__FILE__, __LINE__,		\
				     "'%s' does not contain '%s'",	\
				     s_ ? s_ : "(null)", n_);		\
	} while (0)

#define CHECK_STR_EQ(str, expected)					\
	do {								\
		const char *s_ = (str), *e_ = (expected);		\
		if (!s_ || strcmp(s_, e_))				\
			check_failed(__FILE__, __LINE__,		\
				     "'%s' is not '%s'",		\
				     s_ ? s_ : "(null)", e_);		\
	} while (0)

static void run_test(const char *name, void (*fn)(void))
{
	int before = checks_failed;

	current_test = name;
	fn();
	if (checks_failed == before) {
		tests_passed++;
		printf("ok   %s\n", name);
	} else {
		tests_failed++;
		printf("FAIL %s\n", name);
	}
}

#define RUN(fn)	run_test(#fn, fn)

/* Print the summary line; the exit status of the test program. */
static int check_report(void)
{
	printf("%d passed, %d failed\n", tests_passed, tests_failed);
	return tests_failed ? 1 : 0;
}

#endif /* USERCTL_TESTS_CHECK_H */
