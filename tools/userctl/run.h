/* SPDX-License-Identifier: GPL-2.0 */
/*
 * userctl run: boot an image in a new VM and run its vCPUs, one thread
 * each when the kernel emulates local APICs.
 */
#ifndef USERCTL_RUN_H
#define USERCTL_RUN_H

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>

#include "libaxv.h"
#include "multiboot.h"
#include "vmconfig.h"
#include "x86_setup.h"

#define RUN_DEFAULT_MEM		VMC_DEFAULT_MEM
#define RUN_MAX_VCPUS		VMC_MAX_VCPUS	/* APIC IDs 0-0xfe */

/* Exit status when --timeout ends the run (as timeout(1)). */
#define RUN_STATUS_TIMEOUT	124

/* For the command table and the help. */
extern const char run_synopsis[];
extern const char run_summary[];
extern const char run_details[];

/* What a per-vCPU option sets. */
enum run_vcpu_field {
	RUN_VCPU_APIC_ID,	/* --apic-id V:ID */
	RUN_VCPU_ALLOWED,	/* --allowed-cpus [V:]LIST */
	RUN_VCPU_FAVOURED,	/* --favoured-cpu [V:]CPU|none */
};

/**
 * struct run_vcpu_opt - one per-vCPU option, applied after the description.
 * @field: what it sets.
 * @vcpu: the vCPU, or -1 for every vCPU.
 * @value: the APIC ID or favoured CPU (-1: none).
 * @words: the allowed-CPU bitmap (allocated).
 * @nwords: its 64-bit words.
 * @text: the option as given, for messages ("--apic-id 1:4").
 */
struct run_vcpu_opt {
	enum run_vcpu_field field;
	int vcpu;
	__s64 value;
	__u64 *words;
	unsigned int nwords;
	char text[VMC_ORIGIN_LEN];
};

/**
 * struct run_opts - the command line of userctl run.
 * @config: --config, or NULL.
 * @dry_run: --dry-run.
 * @have_vcpus: --vcpus was given.
 * @vcpus: its value.
 * @have_mem: --mem was given.
 * @mem_size: its value, bytes.
 * @have_entry: --entry was given.
 * @entry: its value.
 * @mode: --mode, X86_MODE_NONE when not given.
 * @mods: the --module options in order: @path allocated, @args pointing
 *	into argv (NULL without a comma); the files are not read yet.
 * @nmods: how many.
 * @cmdline: --cmdline, or NULL.
 * @vcpu_opts: --apic-id, --allowed-cpus and --favoured-cpu, in order.
 * @nvcpu_opts: how many.
 * @no_lapic: --no-lapic.
 * @have_uart_vector: --uart-vector was given.
 * @uart_vector: its value.
 * @timeout_ms: --timeout in milliseconds; 0 for none.
 * @stats: --stats.
 * @verbose: --verbose.
 * @strict_io: --strict-io.
 * @test_device: --test-device was given.
 * @test_device_base: its address (TESTDEV_DEFAULT_BASE without one).
 * @initrd: --initrd, or NULL.
 * @pc: --pc.
 * @image: IMAGE, or NULL (then the description names it).
 * @args: ARGS (into argv).
 * @nargs: how many.
 */
struct run_opts {
	const char *config;
	bool dry_run;
	bool have_vcpus;
	unsigned int vcpus;
	bool have_mem;
	__u64 mem_size;
	bool have_entry;
	__u64 entry;
	enum x86_mode mode;
	struct mb_module *mods;
	unsigned int nmods;
	const char *cmdline;
	struct run_vcpu_opt *vcpu_opts;
	unsigned int nvcpu_opts;
	bool no_lapic;
	bool have_uart_vector;
	__u32 uart_vector;
	__u64 timeout_ms;
	bool stats;
	bool verbose;
	bool strict_io;
	bool test_device;
	__u64 test_device_base;
	const char *initrd;
	bool pc;
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

/*
 * The VM @opts asks for: the defaults, the --config file, then the
 * options over them, checked as a whole (vmc_validate()).  @cfg is
 * initialised here; free it with vmc_free() whatever the result.  0 or
 * -errno, described in @err.
 */
int run_resolve(const struct run_opts *opts, struct vm_config *cfg, struct axv_err *err);

/* A number in C syntax (decimal, 0x hex, 0 octal) that fits 64 bits: 0 or -EINVAL. */
int run_parse_u64(const char *str, __u64 *value);

/*
 * --stats: under "userctl: statistics of @what:", exit counts by reason
 * (only those not 0), guest time, wall time.
 */
void run_print_stats(FILE *f, const char *what, const struct axv_vcpu_stats *stats,
		     __u64 wall_ns);

/*
 * --stats with AXV_CAP_VM_STATS: under "userctl: guest memory:", the
 * memory pinned for the guest (KiB, in how many chunks, how many of them
 * on huge pages), the chunks brought in since the VM was created, and the
 * mappings by size.
 */
void run_print_vm_stats(FILE *f, const struct axv_vm_stats *stats);

/*
 * Anonymous memory for @size bytes of guest RAM at guest-physical @base,
 * placed at the same offset within 2 MiB so that huge pages can back
 * it; munmap(p, @size) frees it.  MAP_FAILED with errno on failure.
 */
void *run_map_guest_ram(__u64 base, __u64 size);

/* Add @from's exit counts and guest time to @sum. */
void run_add_stats(struct axv_vcpu_stats *sum, const struct axv_vcpu_stats *from);

/* Why a run ended. */
enum run_end_reason {
	RUN_END_NONE,		/* not yet */
	RUN_END_GUEST,		/* an exit: debug exit, power off, halt, a fatal exit */
	RUN_END_ERROR,		/* an AXV_RUN that failed */
	RUN_END_SIGNAL,		/* SIGINT or SIGTERM */
	RUN_END_TIMEOUT,	/* --timeout */
	RUN_END_ALL_OFF,	/* every vCPU thread ended by itself (CPU off) */
};

/**
 * struct run_end - the end of a run, decided once by whichever thread sees
 *	a reason first.
 * @lock: protects the rest.
 * @done: the run is over.
 * @status: the exit status, set with @done.
 * @reason: why, set with @done.
 * @vcpu: the vCPU that ended it, or -1.
 * @running: vCPU threads not yet ended.
 * @wake_fd: a pipe whose read end the main thread polls: written when the
 *	run ends (and by the signal handler).
 */
struct run_end {
	pthread_mutex_t lock;
	bool done;
	int status;
	enum run_end_reason reason;
	int vcpu;
	unsigned int running;
	int wake_fd[2];
};

/* Set up @end for @running vCPU threads; 0 or -errno (the pipe). */
int run_end_init(struct run_end *end, unsigned int running);
void run_end_destroy(struct run_end *end);

/*
 * End the run with @status for @reason (by vCPU @vcpu, or -1) unless it
 * has ended already; true when this call ended it.
 */
bool run_end_request(struct run_end *end, int status, enum run_end_reason reason, int vcpu);

/* Has the run ended? */
bool run_end_done(struct run_end *end);

/*
 * A vCPU thread ends; when it is the last and the run has not ended, the
 * run ends with status 0 and RUN_END_ALL_OFF.
 */
void run_end_thread_exit(struct run_end *end);

int cmd_run(int argc, char **argv);

#endif /* USERCTL_RUN_H */
