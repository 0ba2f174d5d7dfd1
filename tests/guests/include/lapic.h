/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the SMP and local APIC guests share (64-bit only): the IDT and its
 * handlers (lib/idt.S, lib/lapic.c), the local APIC in xAPIC or x2APIC
 * mode, TSC delays, a spinlock for the UART, and the start of the APs
 * (lib/smp.c, lib/trampoline.S).
 *
 * Registers are named by their xAPIC offset; in x2APIC mode register R is
 * MSR 0x800 + (R >> 4).  Time is measured with the TSC only: its rate is
 * taken from CPUID leaf 0x15 or 0x16 when they give it, else assumed to be
 * 1 GHz, which only stretches or shrinks the delays and time-outs (see
 * tsc_khz).  The APIC timer's rate is never assumed: the tests measure it.
 */
#ifndef AXV_LAPIC_H
#define AXV_LAPIC_H

#include "guest.h"

/* Where the APs start: the trampoline's page below 1 MiB, SIPI vector 8. */
#define AXV_TRAMPOLINE		0x8000
#define AXV_SIPI_VECTOR		(AXV_TRAMPOLINE >> 12)

/* Most APIC IDs the tables cover, and AP stacks (one per AP start). */
#define AXV_MAX_CPUS		16
#define AXV_AP_STACKS		64
#define AXV_AP_STACK_SIZE	4096

/* The vector of the UART's interrupt in userctl (--uart-vector). */
#define AXV_UART_VECTOR		0x24
#define AXV_UART_IER		(AXV_UART + 1)
#define AXV_UART_IIR		(AXV_UART + 2)
#define AXV_UART_MCR		(AXV_UART + 4)
#define AXV_UART_IER_THRE	0x02
#define AXV_UART_IIR_NONE	0x01
#define AXV_UART_IIR_ID		0x0e
#define AXV_UART_IIR_THRE	0x02
#define AXV_UART_MCR_OUT2	0x08

#define APIC_SPURIOUS_VECTOR	0xff

/* MSRs. */
#define MSR_IA32_APIC_BASE	0x1b
#define MSR_IA32_TSC_DEADLINE	0x6e0
#define MSR_X2APIC_BASE		0x800
#define MSR_X2APIC_ICR		0x830
#define MSR_X2APIC_SELF_IPI	0x83f
#define APIC_BASE_BSP		BIT(8)
#define APIC_BASE_EXTD		BIT(10)
#define APIC_BASE_EN		BIT(11)
#define APIC_BASE_ADDR		0xfee00000UL

/* CPUID.1:ECX. */
#define CPUID1_ECX_X2APIC	BIT(21)
#define CPUID1_ECX_TSC_DEADLINE	BIT(24)

/* Register offsets (xAPIC). */
#define APIC_ID			0x020
#define APIC_VERSION		0x030
#define APIC_TPR		0x080
#define APIC_APR		0x090
#define APIC_PPR		0x0a0
#define APIC_EOI		0x0b0
#define APIC_LDR		0x0d0
#define APIC_DFR		0x0e0
#define APIC_SVR		0x0f0
#define APIC_ISR		0x100	/* 8 registers, 0x10 apart */
#define APIC_TMR		0x180
#define APIC_IRR		0x200
#define APIC_ESR		0x280
#define APIC_ICR_LOW		0x300
#define APIC_ICR_HIGH		0x310
#define APIC_LVT_TIMER		0x320
#define APIC_LVT_THERMAL	0x330
#define APIC_LVT_PERF		0x340
#define APIC_LVT_LINT0		0x350
#define APIC_LVT_LINT1		0x360
#define APIC_LVT_ERROR		0x370
#define APIC_TIMER_INIT		0x380
#define APIC_TIMER_CUR		0x390
#define APIC_TIMER_DIV		0x3e0

#define APIC_SVR_ENABLE		BIT(8)

/* ICR low word (and the LVT bits they share). */
#define APIC_DM_FIXED		(0 << 8)
#define APIC_DM_LOWEST		BIT(8)
#define APIC_DM_NMI		(4 << 8)
#define APIC_DM_INIT		(5 << 8)
#define APIC_DM_STARTUP		(6 << 8)
#define APIC_DEST_LOGICAL	BIT(11)
#define APIC_ICR_BUSY		BIT(12)
#define APIC_LEVEL_ASSERT	BIT(14)
#define APIC_TRIGGER_LEVEL	BIT(15)
#define APIC_SH_SELF		BIT(18)
#define APIC_SH_ALL		(2 << 18)
#define APIC_SH_OTHERS		(3 << 18)

#define APIC_LVT_MASKED		BIT(16)
#define APIC_TIMER_ONESHOT	(0 << 17)
#define APIC_TIMER_PERIODIC	BIT(17)
#define APIC_TIMER_DEADLINE	(2 << 17)

#ifndef __ASSEMBLER__

typedef __INT64_TYPE__ s64;

/* Divide configuration values for 1, 2, 4 ... 128. */
extern const u32 apic_div_value[8];

/* The registers the stubs of lib/idt.S save, and what the CPU pushed. */
struct irq_frame {
	unsigned long r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
	unsigned long rdi, rsi, rdx, rcx, rax;
	unsigned long vector, error;
	unsigned long rip, cs, rflags, rsp, ss;
};

typedef void (*irq_handler_t)(struct irq_frame *f);

static inline u64 rdtsc(void)
{
	u32 lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((u64)hi << 32) | lo;
}

static inline u64 rdmsr(u32 msr)
{
	u32 lo, hi;

	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr) : "memory");
	return ((u64)hi << 32) | lo;
}

static inline void wrmsr(u32 msr, u64 v)
{
	asm volatile("wrmsr" : : "c"(msr), "a"((u32)v), "d"((u32)(v >> 32))
		     : "memory");
}

static inline unsigned long read_cr3(void)
{
	unsigned long v;

	asm volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

static inline void cpu_relax(void)
{
	asm volatile("pause" : : : "memory");
}

static inline void irq_enable(void)
{
	asm volatile("sti" : : : "memory");
}

static inline void irq_disable(void)
{
	asm volatile("cli" : : : "memory");
}

static inline unsigned long read_flags(void)
{
	unsigned long f;

	asm volatile("pushf; pop %0" : "=r"(f) : : "memory");
	return f;
}

#define X86_FLAGS_IF		BIT(9)

/* Atomics on shared counters (the compiler's, which are LOCK prefixed). */
static inline u32 atomic_inc(volatile u32 *p)
{
	return __atomic_add_fetch(p, 1, __ATOMIC_SEQ_CST);
}

static inline u32 atomic_read(const volatile u32 *p)
{
	return __atomic_load_n(p, __ATOMIC_SEQ_CST);
}

static inline void atomic_set(volatile u32 *p, u32 v)
{
	__atomic_store_n(p, v, __ATOMIC_SEQ_CST);
}

/* lib/lapic.c: the TSC. */
extern u64 tsc_khz;
void tsc_init(void);
u64 tsc_us(u64 us);
void tsc_delay_us(u64 us);

/* Spinlocks; cons_lock serialises the UART between CPUs. */
struct guest_spinlock {
	volatile u32 locked;
};

void spin_lock(struct guest_spinlock *l);
void spin_unlock(struct guest_spinlock *l);
extern struct guest_spinlock cons_lock;

/* lib/lapic.c: the IDT, shared by every CPU. */
void idt_init(void);
void idt_load(void);
void irq_set_handler(unsigned int vector, irq_handler_t h);
extern volatile u32 spurious_count;
extern char irq_stubs[];		/* lib/idt.S: 256 stubs, 16 bytes apart */
void irq_dispatch(struct irq_frame *f);

/* WRMSR, RDMSR that may fault: the exception's vector, or -1 if none. */
int wrmsr_safe(u32 msr, u64 v);
int rdmsr_safe(u32 msr, u64 *v);

/* lib/lapic.c: the local APIC of the calling CPU. */
extern bool lapic_x2apic;
u32 lapic_read(u32 reg);
void lapic_write(u32 reg, u32 v);
u32 lapic_id(void);
void lapic_init(void);
void lapic_eoi(void);
bool lapic_wait_idle(void);
bool lapic_send_ipi(u32 dest, u32 low);
bool lapic_vector_bit(u32 base, unsigned int vector);
u32 lapic_esr(void);

/* lib/smp.c: the APs. */
typedef void (*ap_main_t)(u32 apic_id);

extern volatile u32 ap_checkins;		/* AP starts, all CPUs */
extern volatile u32 ap_checkin[AXV_MAX_CPUS];	/* per APIC ID */
extern volatile u32 ap_present;			/* APIC IDs that started */

void smp_prepare(ap_main_t ap_main);
unsigned int smp_boot_all(void);
bool smp_wait_checkins(u32 want, u64 timeout_us);
void smp_lock_puts(const char *s);
unsigned int bit_count(u32 v);
void ap_entry64(void);

/* lib/trampoline.S: the code smp_prepare() copies, and its CR3 field. */
extern char trampoline_start[], trampoline_end[];
extern u32 trampoline_cr3;

/* guest_check and friends, with cons_lock held. */
bool smp_check(bool cond, const char *what);
bool smp_check_eq(const char *what, u64 got, u64 want);
void smp_note(const char *what);

#endif /* __ASSEMBLER__ */
#endif /* AXV_LAPIC_H */
