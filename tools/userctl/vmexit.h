/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What userctl does with each exit of AXV_RUN, given the mapped struct
 * axv_run: device accesses, the hypercall, and the ends of a run.
 */
#ifndef USERCTL_VMEXIT_H
#define USERCTL_VMEXIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <linux/types.h>

#include "devices.h"
#include "libaxv.h"

/* The one hypercall userctl implements: returns its first argument plus 1. */
#define HYPERCALL_PING		0
/* What the guest gets in RAX for any other hypercall number. */
#define HYPERCALL_ENOSYS	((__u64)-38)

/* Exit status of a run that failed (as userctl's other errors). */
#define RUN_STATUS_ERROR	1
/* Exit status of a run the guest ended by resetting the machine. */
#define RUN_STATUS_RESET	4

enum vmexit_action {
	VMEXIT_CONTINUE,	/* enter the guest again */
	VMEXIT_STOP,		/* the run is over: see vmexit_ctx.status */
	VMEXIT_VCPU_OFF,	/* this vCPU turned itself off; the others go on */
};

/**
 * struct vmexit_ctx - what exit handling works with.
 * @dev: the guest's devices.
 * @log: where messages go (stderr).
 * @verbose: --verbose.
 * @strict: --strict-io (also makes unhandled MSRs an error).
 * @lapic: the VM has the kernel's local APICs (AXV_VM_F_LAPIC): the
 *	vCPUs start each other, so AXV_EXIT_CPU_UP is news, not an error,
 *	and AXV_EXIT_CPU_DOWN ends only this vCPU.
 * @vcpu_fd: the vCPU, to read its registers for a failed entry's dump.
 * @prefix: put before each message after "userctl: " ("vCPU 1: " when
 *	several vCPUs run, "" otherwise).
 * @run_size: bytes mapped at the run structure (I/O data must lie within).
 * @status: the exit status of the run, set with VMEXIT_STOP.
 */
struct vmexit_ctx {
	struct devices *dev;
	FILE *log;
	bool verbose;
	bool strict;
	bool lapic;
	int vcpu_fd;
	const char *prefix;
	size_t run_size;
	int status;
};

/* Handle the exit @run describes; VMEXIT_STOP sets @ctx->status. */
enum vmexit_action vmexit_handle(struct vmexit_ctx *ctx, struct axv_run *run);

/* RAX for hypercall @nr with arguments @args[6]. */
__u64 hypercall_result(__u64 nr, const __u64 *args);

/* Print @regs and @sregs to @f, one register group per line. */
void x86_dump_state(FILE *f, const struct axv_regs *regs, const struct axv_sregs *sregs);

#endif /* USERCTL_VMEXIT_H */
