// SPDX-License-Identifier: GPL-2.0
/*
 * bench_guest: the one guest program of the benchmarks, run unchanged by
 * axv_bench (/dev/axvcpu) and kvm_bench (/dev/kvm).  32-bit protected
 * mode, paging off.  It reads what to measure from the mailbox, times
 * each iteration with RDTSC, writes the figures back and ends the run
 * through BENCH_DONE_PORT.
 */
#include "guest.h"
#include "../bench.h"

static inline u64 rdtsc(void)
{
	u32 lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((u64)hi << 32) | lo;
}

/* One measured operation; each keeps its result in @value. */
static inline void bench_op(unsigned int test, u64 *value)
{
	u32 a, b, c, d;

	switch (test) {
	case BENCH_T_CPUID:
		asm volatile("cpuid"
			     : "=a"(a), "=b"(b), "=c"(c), "=d"(d)
			     : "a"(0), "c"(0));
		break;
	case BENCH_T_VMCALL:
		a = BENCH_HC_NR;
		asm volatile("vmcall" : "+a"(a) : : "memory");
		*value = a;
		break;
	case BENCH_T_PIO:
		outb(0, BENCH_PORT);
		break;
	case BENCH_T_MMIO:
		/* MOV r/m32, r32 (0x89): the common form of an MMIO store. */
		asm volatile("movl %0, (%1)"
			     : : "r"(0), "r"(BENCH_MMIO_ADDR) : "memory");
		break;
	case BENCH_T_RDMSR:
		asm volatile("rdmsr" : "=a"(a), "=d"(d) : "c"(BENCH_MSR));
		*value = ((u64)d << 32) | a;
		break;
	default:
		break;
	}
}

/*
 * The measuring loop, one copy per operation so that the switch is
 * resolved outside the timed part.
 */
#define BENCH_LOOP(test, mailbox)					\
	do {								\
		struct bench_mailbox *mb_ = (mailbox);			\
		u64 t0, dt, total = 0, min = ~0ULL, max = 0;		\
		u64 value = 0;						\
		unsigned int i;						\
									\
		for (i = 0; i < mb_->iters; i++) {			\
			t0 = rdtsc();					\
			bench_op(test, &value);				\
			dt = rdtsc() - t0;				\
			total += dt;					\
			if (dt < min)					\
				min = dt;				\
			if (dt > max)					\
				max = dt;				\
		}							\
		mb_->total = total;					\
		mb_->min = min;						\
		mb_->max = max;						\
		mb_->value = value;					\
	} while (0)

/* One byte written per 4 KiB page: the whole loop is one iteration. */
static void touch_pages(struct bench_mailbox *mb)
{
	volatile u8 *p = (volatile u8 *)(unsigned long)BENCH_TOUCH_BASE;
	unsigned int i;
	u64 t0 = rdtsc();

	for (i = 0; i < mb->arg; i++)
		p[(unsigned long)i << 12] = 1;
	mb->total = rdtsc() - t0;
	mb->min = mb->total;
	mb->max = mb->total;
}

void guest_main(void)
{
	struct bench_mailbox *mb = (struct bench_mailbox *)BENCH_MAILBOX;

	if (mb->magic != BENCH_MAGIC) {
		guest_puts("bench_guest: no mailbox\n");
		guest_exit(AXV_GUEST_FAIL);
	}
	switch (mb->test) {
	case BENCH_T_START:
		break;
	case BENCH_T_LOOP:
		BENCH_LOOP(BENCH_T_LOOP, mb);
		break;
	case BENCH_T_CPUID:
		BENCH_LOOP(BENCH_T_CPUID, mb);
		break;
	case BENCH_T_VMCALL:
		BENCH_LOOP(BENCH_T_VMCALL, mb);
		break;
	case BENCH_T_PIO:
		BENCH_LOOP(BENCH_T_PIO, mb);
		break;
	case BENCH_T_MMIO:
		BENCH_LOOP(BENCH_T_MMIO, mb);
		break;
	case BENCH_T_RDMSR:
		BENCH_LOOP(BENCH_T_RDMSR, mb);
		break;
	case BENCH_T_HLT:
		/* Only kicks and signals end RUN; no interrupt ever comes. */
		for (;;)
			asm volatile("sti; hlt; cli" : : : "memory");
	case BENCH_T_TOUCH:
		touch_pages(mb);
		break;
	default:
		guest_puts("bench_guest: unknown test\n");
		guest_exit(AXV_GUEST_FAIL);
	}
	mb->done = 1;
	guest_exit(AXV_GUEST_PASS);
}
