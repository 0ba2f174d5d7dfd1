// SPDX-License-Identifier: GPL-2.0
/*
 * smp_boot (ELF64): the BSP starts every AP with INIT, start-up, start-up
 * to all excluding self, counts the APs that check in and prints
 * "cpus N"; each AP comes up through the real-mode trampoline at 0x8000
 * into long mode on the BSP's page tables and prints "ap ID up".  Then,
 * with an AP: a start-up IPI to a running AP is ignored, INIT and a
 * start-up IPI restart it, and a start-up IPI to it is ignored again.
 */
#include "lapic.h"

/* What each AP saw: IA32_APIC_BASE, CS, and its trampoline's CR3. */
static volatile u64 ap_apic_base[AXV_MAX_CPUS];
static volatile u16 ap_cs[AXV_MAX_CPUS];
static volatile u64 ap_cr3[AXV_MAX_CPUS];
static volatile bool ap_cpuid_id_ok[AXV_MAX_CPUS];

/*
 * CPUID gives this CPU's APIC ID where the SDM (Vol. 2, CPUID) says:
 * leaf 1 EBX[31:24], and the x2APIC ID in EDX of leaf 0BH for its levels
 * and past them (sub-leaf 7, whose ECX is then 7 alone).
 */
static bool cpuid_apic_id_ok(u32 id)
{
	u32 max, a, b, c, d, d2;

	cpuid(1, 0, &a, &b, &c, &d);
	if (b >> 24 != id)
		return false;
	cpuid(0, 0, &max, &b, &c, &d);
	if (max < 0xb)
		return true;
	cpuid(0xb, 0, &a, &b, &c, &d);
	cpuid(0xb, 7, &a, &b, &c, &d2);
	return d == id && d2 == id && c == 7 && !a && !b;
}

static void ap_main(u32 id)
{
	if (id >= AXV_MAX_CPUS)
		return;
	ap_apic_base[id] = rdmsr(MSR_IA32_APIC_BASE);
	ap_cs[id] = read_seg(cs);
	ap_cr3[id] = read_cr3();
	ap_cpuid_id_ok[id] = cpuid_apic_id_ok(id);
}

static void put_cpus(unsigned int n)
{
	spin_lock(&cons_lock);
	guest_puts("cpus ");
	guest_put_dec(n);
	guest_putc('\n');
	spin_unlock(&cons_lock);
}

static void check_aps(u32 bsp, u32 present)
{
	u32 id, once = 0, bsp_flag = 0, cs_ok = 0, cr3_ok = 0, cpuid_ok = 0;

	for (id = 0; id < AXV_MAX_CPUS; id++) {
		if (!(present & BIT(id)))
			continue;
		if (ap_checkin[id] == 1)
			once |= BIT(id);
		if (ap_apic_base[id] & APIC_BASE_BSP)
			bsp_flag |= BIT(id);
		if (ap_cs[id] == AXV_SEL_CODE64)
			cs_ok |= BIT(id);
		if (ap_cr3[id] == read_cr3())
			cr3_ok |= BIT(id);
		if (ap_cpuid_id_ok[id])
			cpuid_ok |= BIT(id);
	}
	smp_check_eq("the BSP did not start itself", present & BIT(bsp), 0);
	smp_check_eq("each AP checked in once (APIC ID bits)", once, present);
	smp_check_eq("APs with IA32_APIC_BASE.BSP set", bsp_flag, 0);
	smp_check_eq("APs in 64-bit code (APIC ID bits)", cs_ok, present);
	smp_check_eq("APs on the BSP's page tables (APIC ID bits)", cr3_ok,
		     present);
	smp_check_eq("APs whose CPUID gives their APIC ID (APIC ID bits)",
		     cpuid_ok, present);
}

/* A start-up IPI to AP ID, which is running: no new check-in. */
static void sipi_ignored(u32 id, u32 want, const char *what)
{
	u32 total = atomic_read(&ap_checkins);

	smp_check(lapic_send_ipi(id, APIC_DM_STARTUP | APIC_LEVEL_ASSERT |
				 AXV_SIPI_VECTOR), "start-up IPI sent");
	smp_wait_checkins(total + 1, 20000);
	smp_check_eq(what, atomic_read(&ap_checkin[id]), want);
	smp_check_eq("no other AP checked in", atomic_read(&ap_checkins),
		     total);
}

static void restart(u32 id)
{
	u32 total = atomic_read(&ap_checkins);
	bool sent;

	sent = lapic_send_ipi(id, APIC_DM_INIT | APIC_LEVEL_ASSERT);
	tsc_delay_us(10000);
	sent &= lapic_send_ipi(id, APIC_DM_STARTUP | APIC_LEVEL_ASSERT |
			       AXV_SIPI_VECTOR);
	smp_check(sent, "INIT and start-up IPI to one AP sent");
	smp_check(smp_wait_checkins(total + 1, 1000000),
		  "INIT, start-up: the AP checked in again");
	smp_check_eq("its check-ins", atomic_read(&ap_checkin[id]), 2);
}

void guest_main(void)
{
	u32 bsp, present, version, last = 0, id;
	u64 base;
	unsigned int n;

	tsc_init();
	idt_init();
	lapic_init();
	bsp = lapic_id();
	base = rdmsr(MSR_IA32_APIC_BASE);
	version = lapic_read(APIC_VERSION);
	guest_check(base & APIC_BASE_BSP, "IA32_APIC_BASE.BSP set on the BSP");
	guest_check(base & APIC_BASE_EN, "IA32_APIC_BASE.EN set");
	guest_check_eq("IA32_APIC_BASE address", base & ~0xfffULL,
		       APIC_BASE_ADDR);
	guest_check((version & 0xff) >= 0x10 && (version & 0xff) <= 0x15,
		    "APIC version: an integrated APIC");
	guest_check(((version >> 16) & 0xff) >= 3, "APIC version: LVT entries");
	guest_check(bsp < AXV_MAX_CPUS, "BSP APIC ID within the tables");
	guest_check(cpuid_apic_id_ok(bsp),
		    "CPUID leaves 1 and 0BH give the BSP's APIC ID");

	smp_prepare(ap_main);
	n = smp_boot_all();
	put_cpus(n);
	present = atomic_read(&ap_present);
	smp_check_eq("check-ins: one per AP", atomic_read(&ap_checkins), n - 1);
	smp_check_eq("ESR after the start", lapic_esr(), 0);
	check_aps(bsp, present);

	for (id = 0; id < AXV_MAX_CPUS; id++)
		if (present & BIT(id))
			last = id;
	if (n < 2) {
		guest_skip("start-up IPI to a running AP", "one CPU");
		guest_skip("INIT, start-up IPI restart an AP", "one CPU");
	} else {
		sipi_ignored(last, 1, "start-up IPI to a running AP ignored");
		restart(last);
		sipi_ignored(last, 2, "start-up IPI to the restarted AP ignored");
		check_aps(bsp, present & ~BIT(last));
	}
	spin_lock(&cons_lock);
	guest_done("smp_boot");
}
