// SPDX-License-Identifier: GPL-2.0
/*
 * lapic_timer (ELF64): the local APIC timer, measured against the TSC and
 * never against an assumed bus frequency.  The current-count register's
 * rate is measured for each divide configuration (the rates must follow
 * the divisors); then one-shot mode (exactly one interrupt, not early),
 * periodic mode (N interrupts whose mean interval matches the measured
 * rate; an initial count of 0 stops it), a masked LVT entry (no
 * interrupt while masked; whether unmasking later delivers the lost
 * expiry is left open: the SDM does not say, and KVM does), HLT woken by
 * the timer, a divided rate, and TSC-deadline mode when CPUID.1:ECX[24]
 * has it.
 */
#include "lapic.h"

#define VEC_TIMER	0x50
#define PERIODS		8

static volatile u32 ticks;
static volatile u64 stamps[64];

/* Per tick, when the handler sampled the current count, and the count. */
static volatile u64 ccr_tsc[64];
static volatile u32 ccr_val[64];

/* TSC cycles per 1024 counts at each divisor (index: log2 of it). */
static u64 tsc_per_kcount[8];

/* The interval the tests use: 4 ms at the assumed TSC rate. */
static u64 period;

/*
 * The current count, and in *T the TSC at the read: the middle of the
 * RDTSCs around it, retried a few times while they lie more than 100 us
 * apart (the vCPU was preempted); then *T is 0.
 */
static u32 read_ccr(u64 *t)
{
	u64 a, b;
	u32 c;
	int i;

	for (i = 0; i < 5; i++) {
		a = rdtsc();
		c = lapic_read(APIC_TIMER_CUR);
		b = rdtsc();
		if (b - a < tsc_us(100)) {
			*t = a + (b - a) / 2;
			return c;
		}
	}
	*t = 0;
	return c;
}

static void timer_irq(struct irq_frame *f)
{
	u64 now = rdtsc(), t;
	u32 n = ticks, c;

	(void)f;
	c = read_ccr(&t);
	if (n < 64) {
		stamps[n] = now;
		ccr_tsc[n] = t;
		ccr_val[n] = c;
	}
	ticks = n + 1;
	lapic_eoi();
}

static void timer_stop(void)
{
	lapic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | VEC_TIMER);
	lapic_write(APIC_TIMER_INIT, 0);
}

/* Start the timer: LVT value, divisor index, initial count; the TSC. */
static u64 timer_start(u32 lvt, unsigned int div, u32 count)
{
	u64 t;

	irq_disable();
	ticks = 0;
	lapic_write(APIC_LVT_TIMER, lvt);
	lapic_write(APIC_TIMER_DIV, apic_div_value[div]);
	t = rdtsc();
	lapic_write(APIC_TIMER_INIT, count);
	return t;
}

/* With interrupts on, wait until WANT ticks or the time-out; the ticks. */
static u32 wait_ticks(u32 want, u64 timeout)
{
	u64 end = rdtsc() + timeout;

	irq_enable();
	while (ticks < want && (s64)(rdtsc() - end) < 0)
		cpu_relax();
	return ticks;
}

/* The initial count that lasts about TSC cycles at divisor index DIV. */
static u32 count_for(u64 tsc, unsigned int div)
{
	u64 c = tsc * 1024 / tsc_per_kcount[div];

	return c < 16 ? 16 : c > 0xffffffffULL ? 0xffffffff : c;
}

static u64 tsc_of(u32 count, unsigned int div)
{
	return (u64)count * tsc_per_kcount[div] / 1024;
}

/* Is A within PCT percent of B? */
static bool near(u64 a, u64 b, u64 pct)
{
	return a * 100 >= b * (100 - pct) && a * 100 <= b * (100 + pct);
}

static void test_measure_rates(void)
{
	u64 t0, t1, c0, c1, window = tsc_us(4000);
	unsigned int d;
	bool ok = true, enough = true, ratios = true;

	for (d = 0; d < 8; d++) {
		int tries = 0;

		do {
			timer_start(APIC_LVT_MASKED | VEC_TIMER, d, 0xffffffff);
			c0 = read_ccr(&t0);
			while (rdtsc() - t0 < window)
				cpu_relax();
			c1 = read_ccr(&t1);
			timer_stop();
		} while ((!t0 || !t1) && ++tries < 3);
		if (!t0 || !t1 || c1 >= c0) {
			ok = false;
			tsc_per_kcount[d] = 1024;
			continue;
		}
		enough &= c0 - c1 >= 100;
		tsc_per_kcount[d] = (t1 - t0) * 1024 / (c0 - c1);
		if (!tsc_per_kcount[d])
			tsc_per_kcount[d] = 1;
		spin_lock(&cons_lock);
		guest_puts("# divide by ");
		guest_put_dec(1UL << d);
		guest_puts(": ");
		guest_put_dec(c0 - c1);
		guest_puts(" counts in ");
		guest_put_dec(t1 - t0);
		guest_puts(" TSC cycles\n");
		spin_unlock(&cons_lock);
		if (d && !near(tsc_per_kcount[d], tsc_per_kcount[0] << d, 15))
			ratios = false;
	}
	guest_check(ok, "the current count decrements at every divisor");
	guest_check(enough, "at least 100 counts in each 4 ms window");
	guest_check(ratios, "rates follow the divisors 1 to 128 (within 15%)");
}

static void test_one_shot(void)
{
	u32 count = count_for(period, 0);
	u64 t0, want = tsc_of(count, 0);

	t0 = timer_start(APIC_TIMER_ONESHOT | VEC_TIMER, 0, count);
	wait_ticks(1, 10 * want + tsc_us(100000));
	tsc_delay_us(3 * want * 1000 / tsc_khz + 1000);
	guest_check_eq("one-shot: one interrupt", ticks, 1);
	guest_check(ticks && stamps[0] - t0 >= want * 8 / 10,
		    "one-shot: not early");
	guest_check_eq("one-shot: current count 0 after it",
		       lapic_read(APIC_TIMER_CUR), 0);
	timer_stop();
}

/*
 * Where each tick's period began, by the current count read in the handler
 * (its TSC minus the counts already gone since the reload), must lie a
 * whole number of periods after the previous one's, whatever the delivery
 * latency; a multiple above one is ticks merged while the vCPU did not
 * run, which the SDM allows (one IRR bit), and zero a tick taken so late
 * that the count had reloaded again (the next tick then waits in the IRR
 * and comes right after the EOI); but some must be one period apart.
 * Samples whose read was stretched by a preemption (TSC 0) are left out.
 */
static void periods_consistent(u32 count, u64 want, u64 mean)
{
	u64 begin[PERIODS], d, k, off;
	u32 i, merged = 0, single = 0, used = 0;
	bool ok = true;

	for (i = 0; i < PERIODS; i++)
		begin[i] = ccr_tsc[i] - tsc_of(count - ccr_val[i], 0);
	for (i = 1; i < PERIODS; i++) {
		if (!ccr_tsc[i] || !ccr_tsc[i - 1])
			continue;
		used++;
		d = begin[i] - begin[i - 1];
		k = (d + want / 2) / want;
		off = d > k * want ? d - k * want : k * want - d;
		if (off > want / 5) {
			ok = false;
			spin_lock(&cons_lock);
			guest_puts("# periodic: period starts ");
			guest_put_dec(d);
			guest_puts(" TSC cycles apart\n");
			spin_unlock(&cons_lock);
		} else if (k > 1) {
			merged += k - 1;
		} else if (k == 1) {
			single++;
		}
	}
	spin_lock(&cons_lock);
	guest_puts("# periodic: mean interval ");
	guest_put_dec(mean);
	guest_puts(" TSC cycles, period ");
	guest_put_dec(want);
	guest_puts(", merged ticks ");
	guest_put_dec(merged);
	guest_putc('\n');
	spin_unlock(&cons_lock);
	guest_check(used >= 3, "periodic: at least 3 intervals measured");
	guest_check(ok, "periodic: ticks a whole number of periods apart (20%)");
	guest_check(single, "periodic: some ticks one period apart");
}

static void test_periodic(void)
{
	u32 count = count_for(period, 0), n;
	u64 t0, want = tsc_of(count, 0), mean;

	t0 = timer_start(APIC_TIMER_PERIODIC | VEC_TIMER, 0, count);
	n = wait_ticks(PERIODS, 10 * PERIODS * want + tsc_us(100000));
	irq_disable();
	guest_check_eq("periodic: interrupts", n >= PERIODS, 1);
	if (n < PERIODS) {
		timer_stop();
		return;
	}
	guest_check(lapic_read(APIC_TIMER_CUR) <= count,
		    "periodic: current count within the initial count");
	mean = (stamps[PERIODS - 1] - stamps[0]) / (PERIODS - 1);
	guest_check(stamps[0] - t0 >= want * 8 / 10, "periodic: first not early");
	periods_consistent(count, want, mean);

	/* An initial count of 0 stops it; the LVT stays unmasked. */
	lapic_write(APIC_TIMER_INIT, 0);
	n = ticks;
	wait_ticks(n + 1, 4 * want);
	irq_disable();
	guest_check(ticks <= n + 1, "periodic: initial count 0 stops it");
	guest_check_eq("periodic: current count 0 when stopped",
		       lapic_read(APIC_TIMER_CUR), 0);
	timer_stop();
}

static void test_masked(void)
{
	u32 count = count_for(period, 0);
	u64 want = tsc_of(count, 0);

	timer_start(APIC_LVT_MASKED | APIC_TIMER_ONESHOT | VEC_TIMER, 0, count);
	wait_ticks(1, 4 * want + tsc_us(10000));
	irq_disable();
	guest_check_eq("masked: no interrupt", ticks, 0);
	guest_check_eq("masked: the count still ran out",
		       lapic_read(APIC_TIMER_CUR), 0);
	guest_check(!lapic_vector_bit(APIC_IRR, VEC_TIMER),
		    "masked: IRR bit clear");
	timer_stop();
}

static void test_halted(void)
{
	u32 count = count_for(period, 0);
	u64 t0, t1, want = tsc_of(count, 0);

	t0 = timer_start(APIC_TIMER_ONESHOT | VEC_TIMER, 0, count);
	asm volatile("sti; hlt" : : : "memory");
	t1 = rdtsc();
	irq_disable();
	guest_check_eq("STI; HLT woken by the timer", ticks, 1);
	guest_check(t1 - t0 >= want * 8 / 10, "HLT lasted until the timer");
	timer_stop();
}

static void test_divided(void)
{
	unsigned int d = 2;
	u32 count = count_for(period, d);
	u64 t0, want = tsc_of(count, d);

	t0 = timer_start(APIC_TIMER_ONESHOT | VEC_TIMER, d, count);
	wait_ticks(1, 10 * want + tsc_us(100000));
	irq_disable();
	guest_check_eq("divide by 4: one interrupt", ticks, 1);
	guest_check(ticks && stamps[0] - t0 >= want * 8 / 10,
		    "divide by 4: not before 4 times the undivided time");
	guest_check(count < count_for(period, 0) / 3,
		    "divide by 4: a quarter of the count lasts as long");
	timer_stop();
}

static void test_deadline(void)
{
	u32 a, b, c, d;
	u64 when;

	cpuid(1, 0, &a, &b, &c, &d);
	if (!(c & CPUID1_ECX_TSC_DEADLINE)) {
		guest_skip("TSC-deadline mode", "no CPUID.1:ECX[24]");
		return;
	}
	timer_start(APIC_TIMER_DEADLINE | VEC_TIMER, 0, 0);
	lapic_write(APIC_TIMER_INIT, 1000);
	guest_check_eq("TSC deadline: initial count ignored, current reads 0",
		       lapic_read(APIC_TIMER_CUR), 0);
	when = rdtsc() + period;
	wrmsr(MSR_IA32_TSC_DEADLINE, when);
	guest_check_eq("TSC deadline: MSR reads back", rdmsr(MSR_IA32_TSC_DEADLINE),
		       when);
	wait_ticks(1, 10 * period + tsc_us(100000));
	tsc_delay_us(2 * period * 1000 / tsc_khz);
	irq_disable();
	guest_check_eq("TSC deadline: one interrupt", ticks, 1);
	guest_check(ticks && stamps[0] >= when,
		    "TSC deadline: not before the deadline");
	guest_check_eq("TSC deadline: MSR cleared when it fired",
		       rdmsr(MSR_IA32_TSC_DEADLINE), 0);

	ticks = 0;
	when = rdtsc() + period;
	wrmsr(MSR_IA32_TSC_DEADLINE, when);
	wrmsr(MSR_IA32_TSC_DEADLINE, 0);
	wait_ticks(1, 3 * period);
	irq_disable();
	guest_check_eq("TSC deadline: writing 0 disarms it", ticks, 0);

	when = rdtsc() - 1;
	wrmsr(MSR_IA32_TSC_DEADLINE, when);
	wait_ticks(1, tsc_us(100000));
	irq_disable();
	guest_check_eq("TSC deadline: a past deadline fires at once", ticks, 1);
	timer_stop();
	wrmsr(MSR_IA32_TSC_DEADLINE, 0);
}

void guest_main(void)
{
	tsc_init();
	idt_init();
	lapic_init();
	irq_set_handler(VEC_TIMER, timer_irq);
	period = tsc_us(4000);

	test_measure_rates();
	test_one_shot();
	test_periodic();
	test_masked();
	test_halted();
	test_divided();
	test_deadline();
	guest_check_eq("ESR", lapic_esr(), 0);
	guest_check_eq("spurious interrupts", spurious_count, 0);
	guest_done("lapic_timer");
}
