// SPDX-License-Identifier: GPL-2.0
/*
 * ipi_test (ELF64, two CPUs or more): interprocessor interrupts through
 * the xAPIC ICR.  1000 fixed-IPI round trips between the BSP and an AP,
 * each counted once; all-excluding-self, all-including-self and self
 * shorthands; logical destinations in the flat model; an NMI IPI; lowest
 * priority delivery to exactly one CPU of a set.  The APs wait in STI;
 * HLT, so each IPI to them also wakes a halted CPU.
 */
#include "lapic.h"

#define VEC_PING	0x40	/* BSP -> AP */
#define VEC_PONG	0x41	/* AP -> BSP */
#define VEC_OTHERS	0x42
#define VEC_ALL		0x43
#define VEC_SELF	0x44
#define VEC_LOGICAL	0x45
#define VEC_LOGICAL2	0x46
#define VEC_LOWEST	0x47
#define VEC_NMI		2

#define ROUND_TRIPS	1000

static volatile u32 hits[256][AXV_MAX_CPUS];
static volatile u32 ready;
static u32 bsp_id;

static u32 cpu_index(void)
{
	u32 id = lapic_id();

	return id < AXV_MAX_CPUS ? id : AXV_MAX_CPUS - 1;
}

static void count_irq(struct irq_frame *f)
{
	atomic_inc(&hits[f->vector][cpu_index()]);
	if (f->vector != VEC_NMI)
		lapic_eoi();
}

/* NMIs taken by the held handler below, and its hand-shake. */
static volatile u32 nmi_taken, nmi_holding, nmi_release;

/* The first NMI waits in its handler until released: NMIs blocked. */
static void nmi_hold(struct irq_frame *f)
{
	u64 end = rdtsc() + tsc_us(1000000);

	(void)f;
	if (atomic_inc(&nmi_taken) != 1)
		return;
	atomic_set(&nmi_holding, 1);
	while (!atomic_read(&nmi_release) && (s64)(rdtsc() - end) < 0)
		cpu_relax();
}

/*
 * Two NMIs sent to a CPU while it handles one: the CPU holds one pending
 * until the handler's IRET, then takes it (SDM Vol. 3, 6.7.1); the two
 * are one.
 */
static void nmi_while_handling(u32 ap)
{
	u64 end = rdtsc() + tsc_us(1000000);

	irq_set_handler(VEC_NMI, nmi_hold);
	lapic_send_ipi(ap, APIC_DM_NMI | APIC_LEVEL_ASSERT);
	while (!atomic_read(&nmi_holding) && (s64)(rdtsc() - end) < 0)
		cpu_relax();
	smp_check(atomic_read(&nmi_holding), "NMI: the AP in its handler");
	lapic_send_ipi(ap, APIC_DM_NMI | APIC_LEVEL_ASSERT);
	lapic_send_ipi(ap, APIC_DM_NMI | APIC_LEVEL_ASSERT);
	tsc_delay_us(10000);
	smp_check_eq("NMI: none taken while the handler runs",
		     atomic_read(&nmi_taken), 1);
	atomic_set(&nmi_release, 1);
	end = rdtsc() + tsc_us(1000000);
	while (atomic_read(&nmi_taken) < 2 && (s64)(rdtsc() - end) < 0)
		cpu_relax();
	tsc_delay_us(10000);
	smp_check_eq("NMI: the one held taken after the handler's IRET",
		     atomic_read(&nmi_taken), 2);
	irq_set_handler(VEC_NMI, count_irq);
}

static void ping_irq(struct irq_frame *f)
{
	atomic_inc(&hits[f->vector][cpu_index()]);
	lapic_send_ipi(bsp_id, APIC_DM_FIXED | APIC_LEVEL_ASSERT | VEC_PONG);
	lapic_eoi();
}

/* Flat logical destinations: one LDR bit per APIC ID below 8. */
static void set_logical(u32 id)
{
	lapic_write(APIC_DFR, 0xffffffff);
	lapic_write(APIC_LDR, id < 8 ? BIT(id) << 24 : 0);
}

static void ap_main(u32 id)
{
	set_logical(id);
	__atomic_or_fetch(&ready, BIT(id), __ATOMIC_SEQ_CST);
	for (;;)
		asm volatile("sti; hlt; cli" : : : "memory");
}

static u32 sum(unsigned int vector)
{
	u32 id, n = 0;

	for (id = 0; id < AXV_MAX_CPUS; id++)
		n += atomic_read(&hits[vector][id]);
	return n;
}

/* The CPUs (APIC ID bits) that took VECTOR exactly once. */
static u32 once(unsigned int vector)
{
	u32 id, m = 0;

	for (id = 0; id < AXV_MAX_CPUS; id++)
		if (atomic_read(&hits[vector][id]) == 1)
			m |= BIT(id);
	return m;
}

/* Wait for WANT deliveries of VECTOR, then 10 ms more for extra ones. */
static bool wait_sum(unsigned int vector, u32 want)
{
	u64 end = rdtsc() + tsc_us(1000000);

	while (sum(vector) < want) {
		if ((s64)(rdtsc() - end) >= 0)
			return false;
		cpu_relax();
	}
	tsc_delay_us(10000);
	return true;
}

static void expect(unsigned int vector, u32 cpus, const char *what)
{
	u32 want = bit_count(cpus);

	wait_sum(vector, want);
	smp_check_eq(what, once(vector), cpus);
	smp_check_eq("  and no other delivery", sum(vector), want);
}

static void ping_pong(u32 ap)
{
	u32 i;
	u64 end;

	for (i = 0; i < ROUND_TRIPS; i++) {
		if (!lapic_send_ipi(ap, APIC_DM_FIXED | APIC_LEVEL_ASSERT |
				    VEC_PING))
			break;
		end = rdtsc() + tsc_us(100000);
		while (atomic_read(&hits[VEC_PONG][bsp_id]) < i + 1 &&
		       (s64)(rdtsc() - end) < 0)
			cpu_relax();
		if (atomic_read(&hits[VEC_PONG][bsp_id]) != i + 1)
			break;
	}
	smp_check_eq("ping-pong round trips completed", i, ROUND_TRIPS);
	tsc_delay_us(10000);
	smp_check_eq("pings the AP took", hits[VEC_PING][ap], ROUND_TRIPS);
	smp_check_eq("pongs the BSP took", hits[VEC_PONG][bsp_id], ROUND_TRIPS);
	smp_check_eq("pings elsewhere", sum(VEC_PING), ROUND_TRIPS);
	smp_check_eq("pongs elsewhere", sum(VEC_PONG), ROUND_TRIPS);
}

static void lowest_priority(u32 aps)
{
	u32 i, dest = aps & 0xff, total = 0;
	bool each = true;

	for (i = 0; i < 8; i++) {
		lapic_send_ipi(dest, APIC_DM_LOWEST | APIC_DEST_LOGICAL |
			       APIC_LEVEL_ASSERT | VEC_LOWEST);
		wait_sum(VEC_LOWEST, i + 1);
		total = sum(VEC_LOWEST);
		each &= total == i + 1;
	}
	smp_check(each, "lowest priority: each IPI taken by one CPU");
	smp_check_eq("lowest priority: 8 IPIs taken", total, 8);
	smp_check_eq("lowest priority: none on the BSP (not in the set)",
		     hits[VEC_LOWEST][bsp_id], 0);
}

static void put_cpus(unsigned int n)
{
	spin_lock(&cons_lock);
	guest_puts("cpus ");
	guest_put_dec(n);
	guest_putc('\n');
	spin_unlock(&cons_lock);
}

void guest_main(void)
{
	u32 aps, all, last = 0, odd, id;
	unsigned int n, v;

	tsc_init();
	idt_init();
	lapic_init();
	bsp_id = lapic_id();
	for (v = VEC_OTHERS; v <= VEC_LOWEST; v++)
		irq_set_handler(v, count_irq);
	irq_set_handler(VEC_NMI, count_irq);
	irq_set_handler(VEC_PONG, count_irq);
	irq_set_handler(VEC_PING, ping_irq);
	set_logical(bsp_id);
	guest_check(bsp_id < 8, "BSP APIC ID below 8");

	smp_prepare(ap_main);
	n = smp_boot_all();
	put_cpus(n);
	aps = atomic_read(&ap_present);
	all = aps | BIT(bsp_id);
	if (!smp_check(n >= 2, "at least two CPUs"))
		guest_done("ipi_test");
	smp_check((aps & 0xff) == aps, "AP APIC IDs below 8 (flat LDR bits)");
	for (id = 0; id < AXV_MAX_CPUS; id++)
		if (aps & BIT(id))
			last = id;
	{
		u64 end = rdtsc() + tsc_us(1000000);

		while (atomic_read(&ready) != aps && (s64)(rdtsc() - end) < 0)
			cpu_relax();
	}
	smp_check_eq("APs ready", atomic_read(&ready), aps);
	irq_enable();

	ping_pong(last);

	lapic_send_ipi(0, APIC_SH_OTHERS | APIC_LEVEL_ASSERT | VEC_OTHERS);
	expect(VEC_OTHERS, aps, "all excluding self: each AP once");
	lapic_send_ipi(0, APIC_SH_ALL | APIC_LEVEL_ASSERT | VEC_ALL);
	expect(VEC_ALL, all, "all including self: each CPU once");
	lapic_send_ipi(0, APIC_SH_SELF | APIC_LEVEL_ASSERT | VEC_SELF);
	expect(VEC_SELF, BIT(bsp_id), "self: the BSP once");

	odd = all & 0xaa;
	lapic_send_ipi(odd, APIC_DEST_LOGICAL | APIC_LEVEL_ASSERT | VEC_LOGICAL);
	expect(VEC_LOGICAL, odd, "logical, flat: odd APIC IDs once");
	lapic_send_ipi(BIT(bsp_id) | BIT(last), APIC_DEST_LOGICAL |
		       APIC_LEVEL_ASSERT | VEC_LOGICAL2);
	expect(VEC_LOGICAL2, BIT(bsp_id) | BIT(last),
	       "logical, flat: the BSP and the last AP once");

	lapic_send_ipi(last, APIC_DM_NMI | APIC_LEVEL_ASSERT);
	expect(VEC_NMI, BIT(last), "NMI IPI: the last AP's NMI handler once");
	nmi_while_handling(last);

	lowest_priority(aps);

	smp_check_eq("BSP ESR", lapic_esr(), 0);
	smp_check_eq("spurious interrupts", spurious_count, 0);
	irq_disable();
	spin_lock(&cons_lock);
	guest_done("ipi_test");
}
