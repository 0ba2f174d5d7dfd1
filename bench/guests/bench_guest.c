// SPDX-License-Identifier: GPL-2.0
/*
 * bench_guest: the one guest program of the benchmarks, run unchanged by
 * axv_bench (/dev/axvcpu) and kvm_bench (/dev/kvm).  32-bit protected
 * mode, paging off.  It reads what to measure from the mailbox, times
 * each iteration with RDTSC, writes the figures back and ends the run
 * through BENCH_DONE_PORT.  The local APIC benchmarks use the xAPIC page
 * and an IDT of 32-bit interrupt gates; vCPU 1 of the IPI benchmark
 * starts at ap_main() (the runner sets its registers).
 */
#include "guest.h"
#include "../bench.h"

/* The local APIC's registers and bits the benchmarks use. */
#define APIC_TASKPRI		0x080
#define APIC_EOI		0x0b0
#define APIC_SVR		0x0f0
#define APIC_ICR_LOW		0x300
#define APIC_ICR_HIGH		0x310
#define APIC_LVT_TIMER		0x320
#define APIC_TIMER_DIV		0x3e0
#define APIC_SVR_ENABLE		0x100
#define APIC_ICR_BUSY		BIT(12)	/* delivery status: send pending */
#define APIC_SH_SELF		BIT(18)
#define APIC_TIMER_DEADLINE	(2U << 17)
#define MSR_IA32_TSC_DEADLINE	0x6e0
#define CPUID1_ECX_TSC_DEADLINE	BIT(24)

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
	case BENCH_T_MMIO_READ:
		/* MOV r32, r/m32 (0x8b): the common form of an MMIO load. */
		asm volatile("movl (%1), %0"
			     : "=r"(a) : "r"(BENCH_MMIO_ADDR) : "memory");
		*value = a;
		break;
	case BENCH_T_RDMSR:
		asm volatile("rdmsr" : "=a"(a), "=d"(d) : "c"(BENCH_MSR));
		*value = ((u64)d << 32) | a;
		break;
	/*
	 * The xAPIC page, addressed as a kernel's apic_read() does: ModRM
	 * with a 32-bit displacement and no register (8B 0D, F7 05, 83 0D).
	 * ECX, so that the MOV is not the A1 form only EAX has.
	 */
	case BENCH_T_APIC_MOV:
		asm volatile("movl %c1, %0"
			     : "=c"(c) : "i"(BENCH_APIC_BASE + APIC_TASKPRI)
			     : "memory");
		*value = c;
		break;
	case BENCH_T_APIC_TEST:
		/* Polling the ICR's delivery status, as before an IPI. */
		asm volatile("testl %1, %c0"
			     : : "i"(BENCH_APIC_BASE + APIC_ICR_LOW),
				 "i"(APIC_ICR_BUSY) : "cc", "memory");
		break;
	case BENCH_T_APIC_OR:
		/* A read-modify-write of the TPR that leaves it as it is. */
		asm volatile("orl $0, %c0"
			     : : "i"(BENCH_APIC_BASE + APIC_TASKPRI)
			     : "cc", "memory");
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

/* --- The local APIC benchmarks. */

static inline u32 apic_read(u32 reg)
{
	return *(volatile u32 *)(BENCH_APIC_BASE + reg);
}

static inline void apic_write(u32 reg, u32 v)
{
	*(volatile u32 *)(BENCH_APIC_BASE + reg) = v;
}

static inline void wrmsr(u32 msr, u64 v)
{
	asm volatile("wrmsr" : : "c"(msr), "a"((u32)v), "d"((u32)(v >> 32))
		     : "memory");
}

/* Interrupts off; then, in one step, on and halted until one comes. */
static inline void cli(void)
{
	asm volatile("cli" : : : "memory");
}

static inline void sti(void)
{
	asm volatile("sti" : : : "memory");
}

static inline void sti_hlt(void)
{
	asm volatile("sti; hlt" : : : "memory");
}

/* A 32-bit interrupt gate: present, DPL 0, type 0xe. */
struct idt_gate {
	u16 offset_lo;
	u16 selector;
	u8 zero;
	u8 type;
	u16 offset_hi;
} __attribute__((packed));

struct idt_ptr {
	u16 limit;
	u32 base;
} __attribute__((packed));

static struct idt_gate idt[256] __attribute__((aligned(8)));

struct interrupt_frame;

/* What the handlers leave for the loops; the TSC at their first instruction. */
static volatile u64 irq_tsc;
static volatile u64 eoi_tsc;
static volatile u32 irq_seen;
static volatile u32 ap_up;

#define BENCH_ISR(name)							\
	__attribute__((interrupt, used))				\
	static void name(struct interrupt_frame *frame)

/* The timer and vCPU 1's answer: the time, a flag, EOI. */
BENCH_ISR(isr_note)
{
	(void)frame;
	irq_tsc = rdtsc();
	irq_seen = 1;
	apic_write(APIC_EOI, 0);
}

/* The self-IPI: the time, EOI, the time after EOI. */
BENCH_ISR(isr_self)
{
	(void)frame;
	irq_tsc = rdtsc();
	apic_write(APIC_EOI, 0);
	eoi_tsc = rdtsc();
	irq_seen = 1;
}

/* vCPU 1: answer vCPU 0 (ICR high already names it), then EOI. */
BENCH_ISR(isr_ping)
{
	(void)frame;
	apic_write(APIC_ICR_LOW, BENCH_VEC_PONG);
	apic_write(APIC_EOI, 0);
}

/* vCPU 1: its run ends here. */
BENCH_ISR(isr_stop)
{
	(void)frame;
	outb(AXV_GUEST_PASS, BENCH_DONE_PORT);
	for (;;)
		asm volatile("cli; hlt");
}

BENCH_ISR(isr_spurious)
{
	(void)frame;
}

static void idt_set(unsigned int vector, void (*isr)(struct interrupt_frame *))
{
	u32 addr = (u32)(unsigned long)isr;

	idt[vector].offset_lo = addr & 0xffff;
	idt[vector].selector = 0x08;
	idt[vector].zero = 0;
	idt[vector].type = 0x8e;
	idt[vector].offset_hi = addr >> 16;
}

static void idt_load(void)
{
	struct idt_ptr p = { sizeof(idt) - 1, (u32)(unsigned long)idt };

	asm volatile("lidt %0" : : "m"(p));
}

/* This vCPU's APIC on, with the handlers; every vCPU shares the IDT. */
static void apic_setup(void)
{
	idt_load();
	apic_write(APIC_SVR, APIC_SVR_ENABLE | BENCH_VEC_SPURIOUS);
}

static void idt_setup(void)
{
	idt_set(BENCH_VEC_TIMER, isr_note);
	idt_set(BENCH_VEC_SELF, isr_self);
	idt_set(BENCH_VEC_PING, isr_ping);
	idt_set(BENCH_VEC_PONG, isr_note);
	idt_set(BENCH_VEC_STOP, isr_stop);
	idt_set(BENCH_VEC_SPURIOUS, isr_spurious);
	apic_setup();
}

/* Interrupts off on entry and on return: halt until a handler ran. */
static void wait_irq(void)
{
	while (!irq_seen) {
		sti_hlt();
		cli();
	}
}

struct bench_stats {
	u64 total, min, max;
};

static void stats_add(struct bench_stats *st, u64 dt)
{
	st->total += dt;
	if (dt < st->min)
		st->min = dt;
	if (dt > st->max)
		st->max = dt;
}

static void stats_put(struct bench_mailbox *mb, const struct bench_stats *st)
{
	mb->total = st->total;
	mb->min = st->min;
	mb->max = st->max;
}

static bool has_tsc_deadline(void)
{
	u32 a, b, c, d;

	asm volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d)
		     : "a"(1), "c"(0));
	return c & CPUID1_ECX_TSC_DEADLINE;
}

/*
 * BENCH_T_TIMER: arm a TSC deadline arg cycles ahead, halt, and count from
 * the deadline to the handler's first instruction.  BENCH_T_TIMER_PENDING:
 * a deadline already past, written with interrupts off, so the interrupt
 * is pending before the HLT; count from just before STI; HLT to the
 * handler.
 */
static void timer_bench(struct bench_mailbox *mb, bool pending)
{
	struct bench_stats st = { 0, ~0ULL, 0 };
	u64 deadline, t0, early = 0;
	unsigned int i;

	if (!has_tsc_deadline()) {
		mb->value = BENCH_NO_DEADLINE;
		return;
	}
	idt_setup();
	apic_write(APIC_LVT_TIMER, APIC_TIMER_DEADLINE | BENCH_VEC_TIMER);
	for (i = 0; i < mb->iters; i++) {
		irq_seen = 0;
		cli();
		if (pending) {
			wrmsr(MSR_IA32_TSC_DEADLINE, rdtsc());
			t0 = rdtsc();
		} else {
			deadline = rdtsc() + mb->arg;
			wrmsr(MSR_IA32_TSC_DEADLINE, deadline);
			t0 = deadline;
		}
		wait_irq();
		sti();
		if ((long long)(irq_tsc - t0) < 0) {
			early++;
			stats_add(&st, 0);
		} else {
			stats_add(&st, irq_tsc - t0);
		}
	}
	stats_put(mb, &st);
	mb->value = early;
}

/* BENCH_T_SELF_IPI: from the ICR write to the end of the handler's EOI. */
static void self_ipi_bench(struct bench_mailbox *mb)
{
	struct bench_stats st = { 0, ~0ULL, 0 };
	unsigned int i;
	u64 t0;

	idt_setup();
	sti();
	for (i = 0; i < mb->iters; i++) {
		irq_seen = 0;
		t0 = rdtsc();
		apic_write(APIC_ICR_LOW, APIC_SH_SELF | BENCH_VEC_SELF);
		while (!irq_seen)
			asm volatile("pause" : : : "memory");
		stats_add(&st, eoi_tsc - t0);
	}
	cli();
	stats_put(mb, &st);
}

/*
 * vCPU 1 of BENCH_T_IPI, entered by the runner with ESP BENCH_AP_STACK
 * (so never returning): its APIC on, a first answer, then only handlers.
 */
__attribute__((noreturn))
static void ap_main(void)
{
	apic_setup();
	apic_write(APIC_ICR_HIGH, (u32)BENCH_BSP_APIC_ID << 24);
	ap_up = 1;
	apic_write(APIC_ICR_LOW, BENCH_VEC_PONG);
	for (;;)
		sti_hlt();
}

/*
 * BENCH_T_IPI: vCPU 0 sends BENCH_VEC_PING to vCPU 1, whose handler sends
 * BENCH_VEC_PONG back; from the ICR write to the answer's handler, while
 * vCPU 0 waits in HLT.  vCPU 1 is started by the runner at mb->ap_entry.
 */
static void ipi_bench(struct bench_mailbox *mb)
{
	struct bench_stats st = { 0, ~0ULL, 0 };
	unsigned int i;
	u64 t0;

	idt_setup();
	apic_write(APIC_ICR_HIGH, (u32)BENCH_AP_APIC_ID << 24);
	irq_seen = 0;
	cli();
	mb->ap_entry = (u32)(unsigned long)ap_main;
	outb(1, BENCH_PORT);
	/* vCPU 1's first answer says it is up. */
	wait_irq();
	if (!ap_up) {
		guest_puts("bench_guest: vCPU 1 did not start\n");
		guest_exit(AXV_GUEST_FAIL);
	}
	for (i = 0; i < mb->iters; i++) {
		irq_seen = 0;
		t0 = rdtsc();
		apic_write(APIC_ICR_LOW, BENCH_VEC_PING);
		wait_irq();
		stats_add(&st, irq_tsc - t0);
	}
	apic_write(APIC_ICR_LOW, BENCH_VEC_STOP);
	stats_put(mb, &st);
}

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
	case BENCH_T_MMIO_READ:
		BENCH_LOOP(BENCH_T_MMIO_READ, mb);
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
	case BENCH_T_TIMER:
		timer_bench(mb, false);
		break;
	case BENCH_T_TIMER_PENDING:
		timer_bench(mb, true);
		break;
	case BENCH_T_SELF_IPI:
		self_ipi_bench(mb);
		break;
	case BENCH_T_IPI:
		ipi_bench(mb);
		break;
	/* The APIC as the other local APIC rows leave it: enabled, xAPIC. */
	case BENCH_T_APIC_MOV:
		idt_setup();
		BENCH_LOOP(BENCH_T_APIC_MOV, mb);
		break;
	case BENCH_T_APIC_TEST:
		idt_setup();
		BENCH_LOOP(BENCH_T_APIC_TEST, mb);
		break;
	case BENCH_T_APIC_OR:
		idt_setup();
		BENCH_LOOP(BENCH_T_APIC_OR, mb);
		break;
	default:
		guest_puts("bench_guest: unknown test\n");
		guest_exit(AXV_GUEST_FAIL);
	}
	mb->done = 1;
	guest_exit(AXV_GUEST_PASS);
}
