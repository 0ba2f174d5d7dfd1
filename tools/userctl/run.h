/* SPDX-License-Identifier: GPL-2.0 */
/*
 * userctl run: boot an image in a new VM and run its bootstrap processor.
 */
#ifndef USERCTL_RUN_H
#define USERCTL_RUN_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>

#include "libaxv.h"
#include "multiboot.h"
#include "x86_setup.h"

#define RUN_DEFAULT_MEM		(64ULL << 20)
#define RUN_MAX_VCPUS		(AXV_VCPU_MAX_APIC_ID + 1)	/* APIC IDs 0-0xfe */

/* For the command table and the help. */
extern const char run_synopsis[];
extern const char run_summary[];
extern const char run_details[];

/**
 * struct run_opts - the command line of userctl run.
 * @vcpus: --vcpus.
 * @mem_size: --mem, bytes.
 * @have_entry: --entry was given.
 * @entry: its value.
 * @mode: --mode, X86_MODE_NONE when not given.
 * @mods: the --module options in order: @path allocated, @args pointing
 *	into argv (NULL without a comma); the files are not read yet.
 * @nmods: how many.
 * @cmdline: --cmdline, or NULL.
 * @stats: --stats.
 * @verbose: --verbose.
 * @strict_io: --strict-io.
 * @image: IMAGE.
 * @args: ARGS (into argv).
 * @nargs: how many.
 */
struct run_opts {
	unsigned int vcpus;
	__u64 mem_size;
	bool have_entry;
	__u64 entry;
	enum x86_mode mode;
	struct mb_module *mods;
	unsigned int nmods;
	const char *cmdline;
	bool stats;
	bool verbose;
	bool strict_io;
	const char *image;
	char *const *args;
	int nargs;
};

enum run_parse_result {
	RUN_PARSE_OK,		/* @opts filled */
	RUN_PARSE_HELP,		/* --help: print the help, exit 0 */
	RUN_PARSE_USAGE,	/* usage error, reported on stderr: exit 2 */
};

/*
 * Parse the arguments of userctl run (@argv[0] is "run"; getopt's optind
 * must be 0).  @opts is filled with the defaults first; free it with
 * run_opts_free() whatever the result.
 */
enum run_parse_result run_parse_args(int argc, char *const *argv, struct run_opts *opts);

void run_opts_free(struct run_opts *opts);

/* A number in C syntax (decimal, 0x hex, 0 octal) that fits 64 bits: 0 or -EINVAL. */
int run_parse_u64(const char *str, __u64 *value);

/* --stats: exit counts by reason (only those not 0), guest time, wall time. */
void run_print_stats(FILE *f, const struct axv_vcpu_stats *stats, __u64 wall_ns);

int cmd_run(int argc, char **argv);

#endif /* USERCTL_RUN_H */
