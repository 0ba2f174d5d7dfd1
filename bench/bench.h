/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the benchmark guest and the runners (axv_bench, kvm_bench) share:
 * the guest-physical layout, the ports and the mailbox through which a
 * runner tells the guest what to measure and reads the figures back.
 *
 * Included by 32-bit freestanding guest code and by 64-bit userspace: only
 * plain C types, and every 64-bit field at an offset that is a multiple
 * of 8 so that both ABIs lay the mailbox out the same way.
 */
#ifndef AXV_BENCH_H
#define AXV_BENCH_H

/* Guest-physical layout: the image at 1 MiB, the mailbox below the stack. */
#define BENCH_MEM_SIZE		0x400000	/* slot 0: [0, 4 MiB) */
#define BENCH_IMAGE		0x100000	/* flat image and entry point */
#define BENCH_STACK		0x7000
#define BENCH_GDT		0x6000
#define BENCH_MAILBOX		0x8000

/* The second vCPU's stack (IPI benchmark), below the GDT. */
#define BENCH_AP_STACK		0x5000

/* Where the memory benchmark's region goes (slot 1), above the hole. */
#define BENCH_TOUCH_BASE	0x40000000ULL

/* Port I/O: the benchmark port, and the port that ends a run. */
#define BENCH_PORT		0x2f0
#define BENCH_DONE_PORT		0xf4

/*
 * A guest-physical address without memory: accesses exit as MMIO, and
 * the runners answer each read with 0xff bytes.
 */
#define BENCH_MMIO_ADDR		0xe0000000UL
#define BENCH_MMIO_VALUE	0xffffffffULL	/* what a 32-bit read gets */

/*
 * The null hypercall: AXV_HC_NOP of uapi/linux/axvcpu.h, answered by
 * axvcpu in the kernel with RAX 0.  KVM does not know the number and
 * answers it in the kernel too, with -KVM_ENOSYS (-1000).
 */
#define BENCH_HC_NR		0x41585600U

/* IA32_EFER: an MSR both hypervisors read in the kernel on every access. */
#define BENCH_MSR		0xc0000080U

#define BENCH_MAGIC		0x48434e42U	/* "BNCH" */

/*
 * The local APIC benchmarks: the xAPIC page where both hypervisors put
 * it, the vCPUs' APIC IDs, the vectors, and how far ahead the timer
 * benchmark sets its TSC deadline (50,000 cycles: 1 ms of Bochs' 50 MHz
 * TSC, well past the time a vCPU takes to fall asleep in HLT and past
 * KVM's 200 us of halt polling).
 */
#define BENCH_APIC_BASE		0xfee00000UL
#define BENCH_BSP_APIC_ID	0
#define BENCH_AP_APIC_ID	1
#define BENCH_VEC_TIMER		0x40
#define BENCH_VEC_SELF		0x41
#define BENCH_VEC_PING		0x42	/* vCPU 0 to vCPU 1 */
#define BENCH_VEC_PONG		0x43	/* vCPU 1's answer */
#define BENCH_VEC_STOP		0x44	/* vCPU 0 ends vCPU 1's run */
#define BENCH_VEC_SPURIOUS	0xff
#define BENCH_TIMER_DELTA	50000

/* struct bench_mailbox.value when the guest lacks what the test needs. */
#define BENCH_NO_DEADLINE	0xdead0001ULL

/* struct bench_mailbox.test */
enum bench_test {
	BENCH_T_START,		/* end at once: the first entry */
	BENCH_T_LOOP,		/* the measuring loop with no exit in it */
	BENCH_T_CPUID,		/* CPUID leaf 0 */
	BENCH_T_VMCALL,		/* VMCALL with RAX = BENCH_HC_NR */
	BENCH_T_PIO,		/* OUT to BENCH_PORT */
	BENCH_T_MMIO,		/* 32-bit write to BENCH_MMIO_ADDR */
	BENCH_T_MMIO_READ,	/* 32-bit read of BENCH_MMIO_ADDR */
	BENCH_T_RDMSR,		/* RDMSR of BENCH_MSR */
	BENCH_T_HLT,		/* STI; HLT forever: the runner kicks it */
	BENCH_T_TOUCH,		/* write one byte per 4 KiB page of slot 1 */
	BENCH_T_TIMER,		/* HLT until a TSC deadline arg cycles ahead */
	BENCH_T_TIMER_PENDING,	/* HLT with the timer interrupt pending */
	BENCH_T_SELF_IPI,	/* self-IPI through ICR, handler, EOI */
	BENCH_T_IPI,		/* IPI to vCPU 1 and its answer */
	BENCH_T_APIC_MOV,	/* MOV from the xAPIC page's TPR */
	BENCH_T_APIC_TEST,	/* TEST of the ICR's delivery status bit */
	BENCH_T_APIC_OR,	/* OR of 0 into the xAPIC page's TPR */
	BENCH_T_COUNT
};

/**
 * struct bench_mailbox - at BENCH_MAILBOX in guest memory.
 * @magic: in: BENCH_MAGIC.
 * @test: in: enum bench_test.
 * @iters: in: iterations of the measured operation.
 * @arg: in: BENCH_T_TOUCH: pages to touch from BENCH_TOUCH_BASE;
 *	BENCH_T_TIMER: cycles from arming the TSC deadline to the deadline.
 * @total: out: TSC cycles of all iterations (RDTSC before and after each).
 * @min: out: cycles of the fastest iteration.
 * @max: out: cycles of the slowest iteration.
 * @value: out: RAX after the last VMCALL, EDX:EAX of the last RDMSR,
 *	what the last BENCH_T_MMIO_READ or BENCH_T_APIC_MOV loaded;
 *	BENCH_T_TIMER: how many interrupts came before their deadline
 *	(counted as 0 cycles); BENCH_NO_DEADLINE without a TSC-deadline
 *	timer.
 * @done: out: 1 when the figures are written.
 * @ap_entry: out: BENCH_T_IPI: where vCPU 1 starts, in flat protected
 *	mode with ESP BENCH_AP_STACK; the guest writes it, then an OUT to
 *	BENCH_PORT asks the runner to start vCPU 1 there.
 */
struct bench_mailbox {
	unsigned int magic;
	unsigned int test;
	unsigned int iters;
	unsigned int arg;
	unsigned long long total;
	unsigned long long min;
	unsigned long long max;
	unsigned long long value;
	unsigned int done;
	unsigned int ap_entry;
};

#endif /* AXV_BENCH_H */
