// SPDX-License-Identifier: GPL-2.0
/*
 * Starting the APs (see lib/trampoline.S) and what they share with the
 * BSP: check-in counters and result lines printed under cons_lock.
 */
#include "lapic.h"

volatile u32 ap_checkins;
volatile u32 ap_checkin[AXV_MAX_CPUS];
volatile u32 ap_present;

/* Used by the trampoline: the next free stack, and the stacks. */
volatile u32 ap_stack_next;
u8 ap_stacks[AXV_AP_STACKS][AXV_AP_STACK_SIZE] __attribute__((aligned(4096)));

static ap_main_t ap_main_fn;

void smp_lock_puts(const char *s)
{
	spin_lock(&cons_lock);
	guest_puts(s);
	spin_unlock(&cons_lock);
}

bool smp_check(bool cond, const char *what)
{
	spin_lock(&cons_lock);
	guest_check(cond, what);
	spin_unlock(&cons_lock);
	return cond;
}

bool smp_check_eq(const char *what, u64 got, u64 want)
{
	bool ok;

	spin_lock(&cons_lock);
	ok = guest_check_eq(what, got, want);
	spin_unlock(&cons_lock);
	return ok;
}

void smp_note(const char *what)
{
	spin_lock(&cons_lock);
	guest_note(what);
	spin_unlock(&cons_lock);
}

/* Put the trampoline at AXV_TRAMPOLINE; APs then call AP_MAIN(apic_id). */
void smp_prepare(ap_main_t ap_main)
{
	ap_main_fn = ap_main;
	trampoline_cr3 = read_cr3();
	memcpy((void *)AXV_TRAMPOLINE, trampoline_start,
	       trampoline_end - trampoline_start);
}

/*
 * Each AP, on its own stack in long mode: load the IDT, enable its local
 * APIC, say it is up, check in, then run the program's AP code, if any;
 * an AP whose code returns parks with interrupts off.
 */
void ap_entry64(void)
{
	u32 id;

	idt_load();
	lapic_init();
	id = lapic_id();
	spin_lock(&cons_lock);
	guest_puts("ap ");
	guest_put_dec(id);
	guest_puts(" up\n");
	spin_unlock(&cons_lock);
	if (id < AXV_MAX_CPUS) {
		atomic_inc(&ap_checkin[id]);
		__atomic_or_fetch(&ap_present, BIT(id), __ATOMIC_SEQ_CST);
	}
	atomic_inc(&ap_checkins);
	if (ap_main_fn)
		ap_main_fn(id);
	for (;;)
		asm volatile("cli; hlt" : : : "memory");
}

/*
 * Wait until WANT APs have checked in (ap_checkins), for at most
 * TIMEOUT_US; true if they did.
 */
bool smp_wait_checkins(u32 want, u64 timeout_us)
{
	u64 end = rdtsc() + tsc_us(timeout_us);

	while (atomic_read(&ap_checkins) < want) {
		if ((s64)(rdtsc() - end) >= 0)
			return false;
		cpu_relax();
	}
	return true;
}

unsigned int bit_count(u32 v)
{
	unsigned int n = 0;

	for (; v; v &= v - 1)
		n++;
	return n;
}

/*
 * Start every AP as the SDM's MP initialisation example does (INIT to all
 * excluding self, 10 ms, start-up IPI, 200 us, start-up IPI, 200 us),
 * then count the check-ins: the number of CPUs is not known, so wait until
 * none came for 50 ms or for twice as long as the last one took, or until
 * the tables are full.  (Under Bochs, whose TSC runs at 50 MHz, tsc_khz
 * is 1 GHz, so that is a second: AP threads have time to start.)
 * Returns the number of CPUs, the BSP included.
 */
unsigned int smp_boot_all(void)
{
	u32 sipi = APIC_SH_OTHERS | APIC_DM_STARTUP | APIC_LEVEL_ASSERT |
		   AXV_SIPI_VECTOR;
	u64 start, last, quiet, now;
	u32 seen = 0, n;

	lapic_send_ipi(0, APIC_SH_OTHERS | APIC_DM_INIT | APIC_LEVEL_ASSERT);
	tsc_delay_us(10000);
	lapic_send_ipi(0, sipi);
	tsc_delay_us(200);
	lapic_send_ipi(0, sipi);
	tsc_delay_us(200);

	start = rdtsc();
	last = start;
	for (;;) {
		now = rdtsc();
		n = atomic_read(&ap_checkins);
		if (n != seen) {
			seen = n;
			last = now;
		}
		if (seen >= AXV_MAX_CPUS - 1)
			break;
		quiet = 2 * (last - start);
		if (quiet < tsc_us(50000))
			quiet = tsc_us(50000);
		if (now - last > quiet)
			break;
		cpu_relax();
	}
	return 1 + bit_count(atomic_read(&ap_present) & ~BIT(lapic_id()));
}
