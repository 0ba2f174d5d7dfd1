// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers shared by userctl's commands.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "userctl: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'userctl help%s%s'.\n", cmd ? " " : "", cmd ? cmd : "");
	return EXIT_USAGE;
}

const char *cli_bad_option(char *const *argv)
{
	return optind > 0 ? argv[optind - 1] : "?";
}

int cli_fail(const struct axv_err *err)
{
	fprintf(stderr, "userctl: %s\n", err->msg);
	return EXIT_FAILURE;
}

int cli_finish_output(int status)
{
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "userctl: write to stdout: %s\n", strerror(errno));
		return EXIT_FAILURE;
	}
	return status;
}

void cli_command_usage(FILE *f, const char *name, const char *args, const char *help,
		       const char *details)
{
	fprintf(f, "Usage: userctl %s %s\n  %s\n", name, args, help);
	if (details)
		fprintf(f, "\n%s", details);
}
