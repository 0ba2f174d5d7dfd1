// SPDX-License-Identifier: GPL-2.0
/*
 * irq_test (ELF64, one CPU): interrupt acceptance by the local APIC.
 * TPR masking by priority class; an interrupt raised with IF=0 waits in
 * the IRR until STI, for a self-IPI and for the UART's THRE interrupt,
 * which then prints a line one byte per interrupt; a higher-priority
 * interrupt nests in a handler while a lower one waits for its EOI; and,
 * when CPUID.1:ECX[21] has it, x2APIC mode through IA32_APIC_BASE.EXTD:
 * the same self-IPIs through the SELF IPI and ICR MSRs, and #GP for the
 * illegal transitions and registers.
 */
#include "lapic.h"

#define VEC_TPR4	0x45
#define VEC_TPR5	0x55
#define VEC_TPR6	0x65
#define VEC_IF		0x46
#define VEC_LOW		0x40
#define VEC_OUTER	0x50
#define VEC_INNER	0x70
#define VEC_X2_SELF	0x48
#define VEC_X2_ICR	0x49
#define VEC_X2_PHYS	0x4a
#define VEC_X2_TPR	0x4b
#define VEC_BACK	0x4c
#define VEC_GP		13

/* The I/O APIC of a PC (QEMU): userctl has none, so writes go nowhere. */
#define IOAPIC_BASE	0xfec00000UL
#define IOAPIC_REDIR(n)	(0x10 + 2 * (n))
#define UART_IRQ	4

static volatile u32 hits[256];

/* The order of handler events: a vector, or EOI_MARK + vector. */
#define EOI_MARK	0x100
static volatile u32 order[8];
static volatile u32 norder;

/* What the nesting handlers saw. */
static volatile bool outer_isr, inner_isr_both, low_waited, outer_ppr;
static volatile bool inner_ppr, outer_isr_cleared;

static void log_event(u32 e)
{
	if (norder < 8)
		order[norder] = e;
	norder++;
}

static void count_irq(struct irq_frame *f)
{
	hits[f->vector]++;
	lapic_eoi();
}

/* Wait up to ~10 ms for the handler of VECTOR to have run WANT times. */
static bool wait_hits(unsigned int vector, u32 want)
{
	u64 end = rdtsc() + tsc_us(10000);

	while (hits[vector] < want && (s64)(rdtsc() - end) < 0)
		cpu_relax();
	return hits[vector] >= want;
}

static void self_ipi(unsigned int vector)
{
	lapic_send_ipi(0, APIC_SH_SELF | APIC_LEVEL_ASSERT | vector);
}

static void tpr(void)
{
	irq_enable();
	lapic_write(APIC_TPR, 0x50);
	guest_check_eq("TPR reads back", lapic_read(APIC_TPR), 0x50);
	guest_check_eq("PPR follows TPR", lapic_read(APIC_PPR) & 0xf0, 0x50);
	self_ipi(VEC_TPR4);
	self_ipi(VEC_TPR5);
	self_ipi(VEC_TPR6);
	wait_hits(VEC_TPR6, 1);
	tsc_delay_us(1000);
	guest_check_eq("TPR 0x50: vector 0x65 taken", hits[VEC_TPR6], 1);
	guest_check_eq("TPR 0x50: vector 0x55 held (same class)",
		       hits[VEC_TPR5], 0);
	guest_check_eq("TPR 0x50: vector 0x45 held", hits[VEC_TPR4], 0);
	guest_check(lapic_vector_bit(APIC_IRR, VEC_TPR4) &&
		    lapic_vector_bit(APIC_IRR, VEC_TPR5),
		    "TPR 0x50: both held in the IRR");
	lapic_write(APIC_TPR, 0x40);
	wait_hits(VEC_TPR5, 1);
	tsc_delay_us(1000);
	guest_check_eq("TPR 0x40: vector 0x55 taken", hits[VEC_TPR5], 1);
	guest_check_eq("TPR 0x40: vector 0x45 still held", hits[VEC_TPR4], 0);
	lapic_write(APIC_TPR, 0);
	wait_hits(VEC_TPR4, 1);
	guest_check_eq("TPR 0: vector 0x45 taken", hits[VEC_TPR4], 1);
	guest_check(!lapic_vector_bit(APIC_IRR, VEC_TPR4) &&
		    !lapic_vector_bit(APIC_IRR, VEC_TPR5) &&
		    !lapic_vector_bit(APIC_ISR, VEC_TPR4),
		    "TPR 0: IRR and ISR clear");
	irq_disable();
}

static void if_off(void)
{
	u32 after_sti;

	irq_disable();
	self_ipi(VEC_IF);
	tsc_delay_us(1000);
	guest_check_eq("IF=0: self-IPI not taken", hits[VEC_IF], 0);
	guest_check(lapic_vector_bit(APIC_IRR, VEC_IF), "IF=0: in the IRR");
	asm volatile("sti; nop" : : : "memory");
	after_sti = hits[VEC_IF];
	wait_hits(VEC_IF, 1);
	irq_disable();
	guest_check_eq("STI: taken", hits[VEC_IF], 1);
	guest_check_eq("STI: taken right after the instruction after STI",
		       after_sti, 1);
}

/* The UART's THRE interrupt prints this, one byte per interrupt. */
static const char uart_line[] = "uart irq: hello through THRE interrupts\n";
static volatile u32 uart_pos, uart_irqs, uart_done;

static void uart_irq(struct irq_frame *f)
{
	u8 iir = inb(AXV_UART_IIR);

	(void)f;
	uart_irqs++;
	if (!(iir & AXV_UART_IIR_NONE) &&
	    (iir & AXV_UART_IIR_ID) == AXV_UART_IIR_THRE) {
		if (uart_line[uart_pos]) {
			outb(uart_line[uart_pos++], AXV_UART_THR);
		} else {
			outb(0, AXV_UART_IER);
			uart_done = 1;
		}
	}
	lapic_eoi();
}

static void ioapic_write(u32 reg, u32 v)
{
	*(volatile u32 *)IOAPIC_BASE = reg;
	*(volatile u32 *)(IOAPIC_BASE + 0x10) = v;
}

static void uart_thre(void)
{
	u64 end;
	bool pending;

	/* QEMU: route ISA IRQ 4 to the vector (edge, fixed, to this CPU). */
	ioapic_write(IOAPIC_REDIR(UART_IRQ) + 1, lapic_id() << 24);
	ioapic_write(IOAPIC_REDIR(UART_IRQ), AXV_UART_VECTOR);

	irq_disable();
	outb(inb(AXV_UART_MCR) | AXV_UART_MCR_OUT2, AXV_UART_MCR);
	outb(AXV_UART_IER_THRE, AXV_UART_IER);
	end = rdtsc() + tsc_us(10000);
	while (!(pending = lapic_vector_bit(APIC_IRR, AXV_UART_VECTOR)) &&
	       (s64)(rdtsc() - end) < 0)
		cpu_relax();
	guest_check(pending, "IER.THRE with IF=0: vector 0x24 in the IRR");
	guest_check_eq("IF=0: not taken", uart_irqs, 0);

	irq_enable();
	end = rdtsc() + tsc_us(1000000);
	while (!uart_done && (s64)(rdtsc() - end) < 0)
		cpu_relax();
	irq_disable();
	outb(0, AXV_UART_IER);
	guest_check(uart_done, "STI: the THRE interrupts printed the line");
	guest_check_eq("bytes printed by the interrupt handler", uart_pos,
		       sizeof(uart_line) - 1);
	guest_check(uart_irqs >= sizeof(uart_line),
		    "one THRE interrupt per byte, and one to finish");
	ioapic_write(IOAPIC_REDIR(UART_IRQ), APIC_LVT_MASKED);
}

static void outer_irq(struct irq_frame *f)
{
	(void)f;
	log_event(VEC_OUTER);
	outer_isr = lapic_vector_bit(APIC_ISR, VEC_OUTER);
	outer_ppr = (lapic_read(APIC_PPR) & 0xf0) == (VEC_OUTER & 0xf0);
	self_ipi(VEC_LOW);
	self_ipi(VEC_INNER);
	irq_enable();
	wait_hits(VEC_INNER, 1);
	tsc_delay_us(1000);
	low_waited = hits[VEC_LOW] == 0 && lapic_vector_bit(APIC_IRR, VEC_LOW);
	irq_disable();
	log_event(EOI_MARK + VEC_OUTER);
	lapic_eoi();
	outer_isr_cleared = !lapic_vector_bit(APIC_ISR, VEC_OUTER);
}

static void inner_irq(struct irq_frame *f)
{
	log_event(f->vector);
	inner_isr_both = lapic_vector_bit(APIC_ISR, VEC_OUTER) &&
			 lapic_vector_bit(APIC_ISR, VEC_INNER);
	inner_ppr = (lapic_read(APIC_PPR) & 0xf0) == (VEC_INNER & 0xf0);
	hits[f->vector]++;
	lapic_eoi();
}

static void low_irq(struct irq_frame *f)
{
	log_event(f->vector);
	hits[f->vector]++;
	lapic_eoi();
}

static void nesting(void)
{
	static const u32 want[] = {
		VEC_OUTER, VEC_INNER, EOI_MARK + VEC_OUTER, VEC_LOW
	};
	bool same = true;
	u32 i;

	irq_enable();
	self_ipi(VEC_OUTER);
	wait_hits(VEC_LOW, 1);
	irq_disable();
	guest_check(outer_isr, "in a handler: its vector in the ISR");
	guest_check(outer_ppr, "in a handler: PPR is its class");
	guest_check(inner_isr_both, "nested: both vectors in the ISR");
	guest_check(inner_ppr, "nested: PPR is the inner class");
	guest_check(low_waited, "lower class waits in the IRR until the EOI");
	guest_check(outer_isr_cleared, "EOI clears the ISR bit");
	for (i = 0; i < 4; i++)
		same &= norder == 4 && order[i] == want[i];
	guest_check(same, "order: 0x50, nested 0x70, EOI of 0x50, then 0x40");
	guest_check_eq("ISR empty after all", lapic_read(APIC_ISR + 0x20) |
		       lapic_read(APIC_ISR + 0x30) | lapic_read(APIC_ISR + 0x40),
		       0);
}

static void x2apic(void)
{
	u32 a, b, c, d, id = lapic_id(), version = lapic_read(APIC_VERSION);
	u64 base = rdmsr(MSR_IA32_APIC_BASE), v;

	cpuid(1, 0, &a, &b, &c, &d);
	if (!(c & CPUID1_ECX_X2APIC)) {
		guest_skip("x2APIC mode", "no CPUID.1:ECX[21]");
		return;
	}
	guest_check_eq("xAPIC mode: x2APIC MSR read raises #GP",
		       rdmsr_safe(MSR_X2APIC_BASE + (APIC_ID >> 4), &v), VEC_GP);
	guest_check_eq("xAPIC to x2APIC: no fault",
		       wrmsr_safe(MSR_IA32_APIC_BASE, base | APIC_BASE_EXTD),
		       (u64)-1);
	lapic_x2apic = true;
	guest_check_eq("x2APIC ID is the xAPIC ID", lapic_id(), id);
	guest_check_eq("x2APIC version is the xAPIC version",
		       lapic_read(APIC_VERSION), version);
	guest_check_eq("x2APIC LDR: cluster and bit from the ID",
		       lapic_read(APIC_LDR),
		       ((id >> 4) << 16) | BIT(id & 0xf));
	lapic_write(APIC_SVR, APIC_SVR_ENABLE | APIC_SPURIOUS_VECTOR);

	irq_enable();
	wrmsr(MSR_X2APIC_SELF_IPI, VEC_X2_SELF);
	guest_check(wait_hits(VEC_X2_SELF, 1), "SELF IPI MSR: taken");
	wrmsr(MSR_X2APIC_ICR, APIC_SH_SELF | VEC_X2_ICR);
	guest_check(wait_hits(VEC_X2_ICR, 1), "ICR MSR, self shorthand: taken");
	wrmsr(MSR_X2APIC_ICR, (u64)id << 32 | VEC_X2_PHYS);
	guest_check(wait_hits(VEC_X2_PHYS, 1), "ICR MSR, own ID: taken");
	lapic_write(APIC_TPR, 0x40);
	wrmsr(MSR_X2APIC_SELF_IPI, VEC_X2_TPR);
	tsc_delay_us(1000);
	guest_check_eq("TPR MSR 0x40: vector 0x4b held", hits[VEC_X2_TPR], 0);
	lapic_write(APIC_TPR, 0);
	guest_check(wait_hits(VEC_X2_TPR, 1), "TPR MSR 0: vector 0x4b taken");
	irq_disable();
	guest_check_eq("taken once each", hits[VEC_X2_SELF] + hits[VEC_X2_ICR] +
		       hits[VEC_X2_PHYS] + hits[VEC_X2_TPR], 4);

	guest_check_eq("x2APIC: EOI MSR write of non-zero raises #GP",
		       wrmsr_safe(MSR_X2APIC_BASE + (APIC_EOI >> 4), 1), VEC_GP);
	guest_check_eq("x2APIC: ICR high MSR 0x831 raises #GP",
		       rdmsr_safe(MSR_X2APIC_BASE + (APIC_ICR_HIGH >> 4), &v),
		       VEC_GP);
	guest_check_eq("x2APIC to xAPIC directly raises #GP",
		       wrmsr_safe(MSR_IA32_APIC_BASE,
				  (base | APIC_BASE_EN) & ~APIC_BASE_EXTD),
		       VEC_GP);
	guest_check(rdmsr(MSR_IA32_APIC_BASE) & APIC_BASE_EXTD,
		    "  and leaves x2APIC mode on");
	guest_check_eq("x2APIC to disabled: no fault",
		       wrmsr_safe(MSR_IA32_APIC_BASE,
				  base & ~(APIC_BASE_EN | APIC_BASE_EXTD)),
		       (u64)-1);
	guest_check_eq("disabled to EXTD without EN raises #GP",
		       wrmsr_safe(MSR_IA32_APIC_BASE,
				  (base & ~APIC_BASE_EN) | APIC_BASE_EXTD),
		       VEC_GP);
	guest_check_eq("disabled to xAPIC: no fault",
		       wrmsr_safe(MSR_IA32_APIC_BASE, base | APIC_BASE_EN),
		       (u64)-1);
	lapic_x2apic = false;
	lapic_init();
	guest_check_eq("xAPIC again: ID", lapic_id(), id);
	irq_enable();
	self_ipi(VEC_BACK);
	guest_check(wait_hits(VEC_BACK, 1), "xAPIC again: self-IPI taken");
	irq_disable();
}

void guest_main(void)
{
	unsigned int v;

	tsc_init();
	idt_init();
	lapic_init();
	for (v = 0x40; v < 0x70; v++)
		irq_set_handler(v, count_irq);
	irq_set_handler(VEC_OUTER, outer_irq);
	irq_set_handler(VEC_INNER, inner_irq);
	irq_set_handler(VEC_LOW, low_irq);
	irq_set_handler(AXV_UART_VECTOR, uart_irq);

	tpr();
	if_off();
	uart_thre();
	nesting();
	x2apic();
	guest_check_eq("ESR", lapic_esr(), 0);
	guest_check_eq("spurious interrupts", spurious_count, 0);
	guest_done("irq_test");
}
