// SPDX-License-Identifier: GPL-2.0
/*
 * The 64-bit guests' IDT, exception and interrupt dispatch, TSC delays,
 * spinlocks and local APIC access, in xAPIC mode (the page at 0xfee00000)
 * or x2APIC mode (MSRs 0x800-0x8ff).  See include/lapic.h.
 */
#include "lapic.h"

const u32 apic_div_value[8] = { 0xb, 0x0, 0x1, 0x2, 0x3, 0x8, 0x9, 0xa };

u64 tsc_khz;

/*
 * The TSC rate: CPUID 0x15 (crystal and ratio) or 0x16 (base MHz) when the
 * CPU reports it, else 1 GHz.  Only delays and time-outs depend on it, and
 * none of them has to be accurate: a VMM that passes the leaves through
 * gets the real rate, and under Bochs (a 50 MHz TSC) the delays become 20
 * times longer than named, which the waits that end on a condition do not
 * notice.
 */
void tsc_init(void)
{
	u32 a, b, c, d, max;

	cpuid(0, 0, &max, &b, &c, &d);
	tsc_khz = 1000000;
	if (max >= 0x15) {
		cpuid(0x15, 0, &a, &b, &c, &d);
		if (a && b && c) {
			tsc_khz = (u64)c * b / a / 1000;
			return;
		}
	}
	if (max >= 0x16) {
		cpuid(0x16, 0, &a, &b, &c, &d);
		if (a & 0xffff)
			tsc_khz = (u64)(a & 0xffff) * 1000;
	}
}

u64 tsc_us(u64 us)
{
	return us * tsc_khz / 1000;
}

void tsc_delay_us(u64 us)
{
	u64 end = rdtsc() + tsc_us(us);

	while ((s64)(rdtsc() - end) < 0)
		cpu_relax();
}

/* Serialises the UART between CPUs: output lines stay whole. */
struct guest_spinlock cons_lock;

void spin_lock(struct guest_spinlock *l)
{
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
			cpu_relax();
}

void spin_unlock(struct guest_spinlock *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

/* The IDT: 256 interrupt gates to the stubs of idt.S, 16 bytes apart. */
struct idt_gate {
	u16 offset_lo;
	u16 selector;
	u8 ist;
	u8 type;
	u16 offset_mid;
	u32 offset_hi;
	u32 reserved;
} __attribute__((packed));

static struct idt_gate idt[256] __attribute__((aligned(16)));
static irq_handler_t handlers[256];

volatile u32 spurious_count;

static volatile unsigned long fixup_rip;
static volatile int fault_vector = -1;

static void spurious_handler(struct irq_frame *f)
{
	(void)f;
	atomic_inc(&spurious_count);	/* no EOI for the spurious vector */
}

void idt_init(void)
{
	unsigned int i;

	for (i = 0; i < 256; i++) {
		unsigned long a = (unsigned long)irq_stubs + 16 * i;

		idt[i].offset_lo = a;
		idt[i].selector = AXV_SEL_CODE64;
		idt[i].ist = 0;
		idt[i].type = 0x8e;	/* present, DPL 0, interrupt gate */
		idt[i].offset_mid = a >> 16;
		idt[i].offset_hi = a >> 32;
		idt[i].reserved = 0;
	}
	handlers[APIC_SPURIOUS_VECTOR] = spurious_handler;
	idt_load();
}

void idt_load(void)
{
	struct {
		u16 limit;
		u64 base;
	} __attribute__((packed)) desc = { sizeof(idt) - 1, (u64)idt };

	asm volatile("lidt %0" : : "m"(desc) : "memory");
}

void irq_set_handler(unsigned int vector, irq_handler_t h)
{
	handlers[vector & 0xff] = h;
}

static int fault_taken(void)
{
	int v = fault_vector;

	fixup_rip = 0;
	fault_vector = -1;
	return v;
}

/*
 * WRMSR and RDMSR that may fault: the exception (its vector is returned,
 * else -1) resumes after the instruction, through fixup_rip.
 */
int wrmsr_safe(u32 msr, u64 v)
{
	unsigned long fix;

	fault_vector = -1;
	asm volatile("leaq 1f(%%rip), %0\n\t"
		     "movq %0, %1\n\t"
		     "wrmsr\n"
		     "1:"
		     : "=&r"(fix), "=m"(fixup_rip)
		     : "c"(msr), "a"((u32)v), "d"((u32)(v >> 32))
		     : "memory");
	return fault_taken();
}

int rdmsr_safe(u32 msr, u64 *v)
{
	unsigned long fix;
	u32 lo = 0, hi = 0;

	fault_vector = -1;
	asm volatile("leaq 1f(%%rip), %0\n\t"
		     "movq %0, %1\n\t"
		     "rdmsr\n"
		     "1:"
		     : "=&r"(fix), "=m"(fixup_rip), "+a"(lo), "+d"(hi)
		     : "c"(msr)
		     : "memory");
	*v = (u64)hi << 32 | lo;
	return fault_taken();
}

/* Output for a dying CPU: take the UART lock if it comes within ~1 s. */
static void die(struct irq_frame *f)
{
	u64 end = rdtsc() + tsc_us(1000000);

	while (__atomic_exchange_n(&cons_lock.locked, 1, __ATOMIC_ACQUIRE) &&
	       (s64)(rdtsc() - end) < 0)
		cpu_relax();
	guest_puts("not ok - unexpected vector ");
	guest_put_hex(f->vector);
	guest_puts(" error ");
	guest_put_hex(f->error);
	guest_puts(" at RIP ");
	guest_put_hex(f->rip);
	guest_puts(" on APIC ID ");
	guest_put_hex(lapic_id());
	guest_puts("\nFAIL unexpected interrupt\n");
	guest_exit(AXV_GUEST_FAIL);
}

void irq_dispatch(struct irq_frame *f)
{
	unsigned int v = f->vector;

	if (handlers[v]) {
		handlers[v](f);
		return;
	}
	if (v < 32 && fixup_rip) {
		fault_vector = v;
		f->rip = fixup_rip;
		fixup_rip = 0;
		return;
	}
	die(f);
}

bool lapic_x2apic;

static volatile u32 *lapic_mmio(u32 reg)
{
	return (volatile u32 *)(APIC_BASE_ADDR + reg);
}

u32 lapic_read(u32 reg)
{
	if (lapic_x2apic)
		return rdmsr(MSR_X2APIC_BASE + (reg >> 4));
	return *lapic_mmio(reg);
}

void lapic_write(u32 reg, u32 v)
{
	if (lapic_x2apic)
		wrmsr(MSR_X2APIC_BASE + (reg >> 4), v);
	else
		*lapic_mmio(reg) = v;
}

u32 lapic_id(void)
{
	u32 id = lapic_read(APIC_ID);

	return lapic_x2apic ? id : id >> 24;
}

void lapic_eoi(void)
{
	lapic_write(APIC_EOI, 0);
}

static bool isr_busy(void)
{
	u32 reg;

	for (reg = APIC_ISR; reg < APIC_ISR + 0x80; reg += 0x10)
		if (lapic_read(reg))
			return true;
	return false;
}

/*
 * Software-enable the local APIC with the spurious vector 0xff, TPR 0,
 * and every LVT entry masked (LINT0 and LINT1 too: under QEMU the BIOS left
 * the 8259's ExtINT on LINT0), after an EOI for anything the BIOS left in
 * service.  The 8259s are masked as well: QEMU keeps a request the PIC
 * raised before LINT0 was masked and delivers it, as a #GP, at the next
 * STI.  userctl has no 8259: those writes go to its empty bus.
 */
void lapic_init(void)
{
	u64 base = rdmsr(MSR_IA32_APIC_BASE);
	int i;

	outb(0xff, 0xa1);
	outb(0xff, 0x21);

	if (!(base & APIC_BASE_EN))
		wrmsr(MSR_IA32_APIC_BASE, base | APIC_BASE_EN);
	lapic_write(APIC_SVR, APIC_SVR_ENABLE | APIC_SPURIOUS_VECTOR);
	lapic_write(APIC_TPR, 0);
	lapic_write(APIC_LVT_TIMER, APIC_LVT_MASKED);
	lapic_write(APIC_LVT_LINT0, APIC_LVT_MASKED);
	lapic_write(APIC_LVT_LINT1, APIC_LVT_MASKED);
	lapic_write(APIC_LVT_ERROR, APIC_LVT_MASKED);
	lapic_write(APIC_TIMER_INIT, 0);
	for (i = 0; i < 256 && isr_busy(); i++)
		lapic_eoi();
}

/* xAPIC: wait (up to ~100 ms) for the ICR's delivery status to go idle. */
bool lapic_wait_idle(void)
{
	u64 end;

	if (lapic_x2apic)
		return true;
	end = rdtsc() + tsc_us(100000);
	while (lapic_read(APIC_ICR_LOW) & APIC_ICR_BUSY)
		if ((s64)(rdtsc() - end) >= 0)
			return false;
	return true;
}

/*
 * Send an IPI: LOW is the ICR's low word (vector, delivery mode,
 * destination mode, level, trigger, shorthand), DEST the destination
 * field (an APIC ID or logical destination; bits 63:56 in xAPIC mode).
 */
bool lapic_send_ipi(u32 dest, u32 low)
{
	if (lapic_x2apic) {
		wrmsr(MSR_X2APIC_ICR, (u64)dest << 32 | low);
		return true;
	}
	if (!lapic_wait_idle())
		return false;
	lapic_write(APIC_ICR_HIGH, dest << 24);
	lapic_write(APIC_ICR_LOW, low);
	return lapic_wait_idle();
}

/* The bit of VECTOR in the ISR, TMR or IRR (BASE). */
bool lapic_vector_bit(u32 base, unsigned int vector)
{
	return lapic_read(base + (vector / 32) * 0x10) & BIT(vector % 32);
}

/* The error status: a write latches the errors seen since, then read. */
u32 lapic_esr(void)
{
	if (!lapic_x2apic)
		lapic_write(APIC_ESR, 0);
	else
		wrmsr(MSR_X2APIC_BASE + (APIC_ESR >> 4), 0);
	return lapic_read(APIC_ESR);
}
