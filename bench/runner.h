/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The benchmark driver that axv_bench and kvm_bench share: every
 * benchmark, the one exit handler and the output are here, so that both
 * hypervisors run the same guest with the same userspace work per exit.
 * A backend (struct bench_hv) only turns ioctls of its device into the
 * neutral calls below.
 */
#ifndef AXV_BENCH_RUNNER_H
#define AXV_BENCH_RUNNER_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <linux/types.h>

#include "bench.h"

/* Why RUN returned, as the driver sees it. */
enum hv_exit_kind {
	HV_EXIT_IO,		/* port I/O: port, size, write, count, data */
	HV_EXIT_MMIO,		/* MMIO: gpa, size, write, data */
	HV_EXIT_HALT,		/* HLT that userspace must handle */
	HV_EXIT_INTR,		/* kicked, signal or immediate_exit */
	HV_EXIT_OTHER,		/* anything else: what says which */
};

struct hv_exit {
	enum hv_exit_kind kind;
	__u16 port;
	__u8 size;
	bool write;
	__u32 count;
	__u64 gpa;
	__u8 *data;
	char what[128];
};

/* One VM with one of its vCPUs, and its first memory slot. */
struct hv_vm {
	int vm;
	int vcpu;
	void *run;
	volatile __u8 *immediate_exit;
	__u8 *mem;
};

/**
 * struct bench_hv - one hypervisor's ioctls.
 * @name: "axvcpu" or "kvm", as the output names it.
 * @run_size: bytes of a vCPU fd to mmap; set by @init.
 * @hc_result: RAX the null hypercall returns (32-bit guest).
 * @has_nop_hypercall: false when the VMCALL benchmark cannot run.
 * @has_lapic: an in-kernel local APIC per vCPU is available; set by @init.
 * @kick_method: how @kick reaches a vCPU, for the output.
 * @pin_method: how a vCPU is kept on one host CPU, for the output.
 * @init: open the device and check its version; 0 or -1 (reason printed).
 * @vm_create: new VM in @vm->vm; @irqchip asks for the in-kernel local
 *	APICs (axvcpu's AXV_VM_F_LAPIC, KVM's KVM_CREATE_IRQCHIP), which the
 *	HLT and local APIC benchmarks use.
 * @set_region: give the guest [@gpa, @gpa + @size) backed by @host.
 * @vcpu_create: create vCPU @id of VM fd @vm, to run on host CPU @cpu
 *	only (where the hypervisor has such a setting; the runner pins
 *	the thread too), or anywhere with -1; returns its fd or -1.
 * @vcpu_setup: registers and CPU model for the entry at BENCH_IMAGE in
 *	flat protected mode; sets @vm->immediate_exit.
 * @ap_start: make a vCPU other than the first, which waits for a start
 *	in a VM with @irqchip, runnable; its registers are set after.
 * @set_entry: where a set-up vCPU starts: @rip and @rsp, flat mode.
 * @run: one RUN; fills @ex; 0, or -1 on a failure other than EINTR.
 * @kick: make vCPU @id in RUN return, from another thread; NULL: the
 *	driver sends a signal instead.
 * @kernel_exits: all VM exits the hypervisor counted so far, or -1.
 */
struct bench_hv {
	const char *name;
	size_t run_size;
	__u64 hc_result;
	bool has_nop_hypercall;
	bool has_lapic;
	const char *kick_method;
	const char *pin_method;
	int (*init)(struct bench_hv *ops);
	int (*vm_create)(struct hv_vm *vm, bool irqchip);
	int (*set_region)(struct hv_vm *vm, unsigned int slot, __u64 gpa,
			  __u64 size, void *host);
	int (*vcpu_create)(int vm, unsigned int id, int cpu);
	int (*vcpu_setup)(struct hv_vm *vm);
	int (*ap_start)(struct hv_vm *vm);
	int (*set_entry)(struct hv_vm *vm, __u64 rip, __u64 rsp);
	int (*run)(struct hv_vm *vm, struct hv_exit *ex);
	int (*kick)(struct hv_vm *vm, unsigned int id);
	long long (*kernel_exits)(void);
};

/* Run every benchmark with @ops; the main() of both runners. */
int bench_main(int argc, char **argv, struct bench_hv *ops);

void bench_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Flat 32-bit protected mode, paging off, as both ABIs spell it: struct
 * axv_sregs and struct kvm_sregs (and their segment and table types)
 * have the same field names.  Selectors match the GDT that the driver
 * writes at BENCH_GDT.
 */
#define BENCH_SEL_CODE	0x08
#define BENCH_SEL_DATA	0x10
#define BENCH_SEL_TSS	0x18

#define BENCH_SEG(seg, sel, typ, sys, lim, big)				\
	do {								\
		__typeof__(seg) *s_ = &(seg);				\
									\
		memset(s_, 0, sizeof(*s_));				\
		s_->selector = (sel);					\
		s_->type = (typ);					\
		s_->s = (sys);						\
		s_->limit = (lim);					\
		s_->db = (big);						\
		s_->g = s_->db;						\
		s_->present = 1;					\
	} while (0)

#define BENCH_FLAT_SREGS(sregs)						\
	do {								\
		__typeof__(sregs) *sr_ = &(sregs);			\
									\
		BENCH_SEG(sr_->cs, BENCH_SEL_CODE, 0xb, 1, 0xffffffff, 1); \
		BENCH_SEG(sr_->ds, BENCH_SEL_DATA, 0x3, 1, 0xffffffff, 1); \
		sr_->es = sr_->ds;					\
		sr_->fs = sr_->ds;					\
		sr_->gs = sr_->ds;					\
		sr_->ss = sr_->ds;					\
		BENCH_SEG(sr_->tr, BENCH_SEL_TSS, 0xb, 0, 0x67, 0);	\
		BENCH_SEG(sr_->ldt, 0, 0x2, 0, 0xffff, 0);		\
		sr_->ldt.present = 0;					\
		sr_->ldt.unusable = 1;					\
		memset(&sr_->gdt, 0, sizeof(sr_->gdt));			\
		sr_->gdt.base = BENCH_GDT;				\
		sr_->gdt.limit = 4 * 8 - 1;				\
		memset(&sr_->idt, 0, sizeof(sr_->idt));			\
		sr_->cr0 = 0x11;	/* PE, ET */			\
		sr_->cr3 = 0;						\
		sr_->cr4 = 0;						\
		sr_->efer = 0;						\
	} while (0)

#define BENCH_ENTRY_REGS(regs)						\
	do {								\
		__typeof__(regs) *r_ = &(regs);				\
									\
		memset(r_, 0, sizeof(*r_));				\
		r_->rip = BENCH_IMAGE;					\
		r_->rsp = BENCH_STACK;					\
		r_->rflags = 2;						\
	} while (0)

#endif /* AXV_BENCH_RUNNER_H */
