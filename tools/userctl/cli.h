/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What userctl's commands share: usage messages, error reports, and the
 * exit statuses.
 */
#ifndef USERCTL_CLI_H
#define USERCTL_CLI_H

#include <stdio.h>

#include "libaxv.h"

/* Exit status of a usage error (0 success, 1 error). */
#define EXIT_USAGE	2

/*
 * Print "userctl: MESSAGE" and a hint to "userctl help [@cmd]" on stderr;
 * returns EXIT_USAGE.  @cmd is NULL for the global options.
 */
__attribute__((format(printf, 2, 3)))
int cli_usage_error(const char *cmd, const char *fmt, ...);

/* The option getopt_long() rejected last, for a usage message. */
const char *cli_bad_option(char *const *argv);

/* Print "userctl: @err->msg" on stderr; returns EXIT_FAILURE. */
int cli_fail(const struct axv_err *err);

/* Flush stdout and turn a write error (full disk, closed pipe) into status 1. */
int cli_finish_output(int status);

/*
 * The help of one command: "Usage: userctl @name @args", the one-line
 * @help, and @details (several lines, or NULL) after an empty line.
 */
void cli_command_usage(FILE *f, const char *name, const char *args, const char *help,
		       const char *details);

#endif /* USERCTL_CLI_H */
