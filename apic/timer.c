// SPDX-License-Identifier: GPL-2.0
/*
 * The local APIC timer (SDM Vol. 3, 10.5.4): one-shot and periodic modes
 * counting down at 1 GHz divided by the divide configuration, and the
 * TSC-deadline mode.  An hrtimer stands behind each; its expiry only
 * counts and wakes the owner, which turns it into an interrupt
 * (lapic_timer_take()), so that the registers are touched by the owner
 * alone.
 */
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/ktime.h>
#include <linux/timekeeping.h>
#include <asm/tsc.h>

#include <axvcpu/lapic.h>

u32 lapic_timer_divisor(u32 tdcr)
{
	u32 code = (tdcr & 3) | ((tdcr & 8) >> 1);

	return code == 7 ? 1 : 2U << code;
}

u64 lapic_timer_count_ns(u32 count, u32 tdcr)
{
	return (u64)count * lapic_timer_divisor(tdcr);
}

u32 lapic_timer_current(const struct lapic *apic, u64 now_ns)
{
	u64 expires = READ_ONCE(apic->timer_expires_ns);

	if (!expires || expires <= now_ns ||
	    apic->timer_mode == APIC_LVT_TIMER_TSCDEADLINE)
		return 0;
	return div_u64(expires - now_ns, lapic_timer_divisor(apic->timer_tdcr));
}

static enum hrtimer_restart lapic_timer_fn(struct hrtimer *timer)
{
	struct lapic *apic = container_of(timer, struct lapic, timer);
	u64 period = READ_ONCE(apic->timer_period_ns);

	atomic_inc(&apic->timer_fired);
	apic->notify(apic);
	if (!period)
		return HRTIMER_NORESTART;
	hrtimer_forward_now(timer, ns_to_ktime(period));
	WRITE_ONCE(apic->timer_expires_ns,
		   ktime_to_ns(hrtimer_get_expires(timer)));
	return HRTIMER_RESTART;
}

void lapic_timer_init(struct lapic *apic)
{
	hrtimer_init(&apic->timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS);
	apic->timer.function = lapic_timer_fn;
}

void lapic_timer_stop(struct lapic *apic)
{
	hrtimer_cancel(&apic->timer);
	WRITE_ONCE(apic->timer_expires_ns, 0);
	WRITE_ONCE(apic->timer_period_ns, 0);
}

static void lapic_timer_arm(struct lapic *apic, u64 expires)
{
	WRITE_ONCE(apic->timer_expires_ns, expires);
	hrtimer_start(&apic->timer, ns_to_ktime(expires), HRTIMER_MODE_ABS);
}

/*
 * The farthest a deadline is armed at once, in TSC cycles: small enough
 * that cycles * 10^6 fits in 64 bits (mul_u64_u32_div() would fault on
 * a quotient that does not).  A farther deadline is armed again when
 * this much has passed (lapic_timer_take()).
 */
#define LAPIC_DEADLINE_MAX_CYCLES	BIT_ULL(44)

/* Guest TSC to host time: the guest runs on the host's TSC. */
static void lapic_timer_arm_deadline(struct lapic *apic)
{
	u64 now_tsc = rdtsc(), now = ktime_get_ns(), delta;

	if (!apic->tsc_deadline)
		return;
	if (apic->tsc_deadline <= now_tsc || !tsc_khz) {
		atomic_inc(&apic->timer_fired);
		apic->notify(apic);
		return;
	}
	delta = min(apic->tsc_deadline - now_tsc, LAPIC_DEADLINE_MAX_CYCLES);
	lapic_timer_arm(apic, now + mul_u64_u32_div(delta, 1000000, tsc_khz));
}

void lapic_timer_restart(struct lapic *apic)
{
	u32 lvt = apic->regs[APIC_LVTT >> 2];
	u32 count = apic->regs[APIC_TMICT >> 2];
	u64 ns;

	lapic_timer_stop(apic);
	apic->timer_mode = lvt & LAPIC_LVT_TIMER_MODE;
	apic->timer_tdcr = apic->regs[APIC_TDCR >> 2];
	if (apic->timer_mode == APIC_LVT_TIMER_TSCDEADLINE) {
		lapic_timer_arm_deadline(apic);
		return;
	}
	if (!count)
		return;
	ns = lapic_timer_count_ns(count, apic->timer_tdcr);
	if ((lvt & LAPIC_LVT_TIMER_MODE) == APIC_LVT_TIMER_PERIODIC) {
		/* A guest must not make the host take an interrupt per tick. */
		ns = max(ns, LAPIC_MIN_PERIOD_NS);
		WRITE_ONCE(apic->timer_period_ns, ns);
	}
	lapic_timer_arm(apic, ktime_get_ns() + ns);
}

void lapic_timer_set_mode(struct lapic *apic, u32 mode)
{
	u64 period = 0;

	apic->timer_mode = mode;
	if (mode == APIC_LVT_TIMER_PERIODIC && apic->regs[APIC_TMICT >> 2])
		period = max(lapic_timer_count_ns(apic->regs[APIC_TMICT >> 2],
						  apic->timer_tdcr),
			     LAPIC_MIN_PERIOD_NS);
	/* Read by the hrtimer when the count reaches 0. */
	WRITE_ONCE(apic->timer_period_ns, period);
}

void lapic_timer_set_divide(struct lapic *apic, u32 tdcr)
{
	u64 now = ktime_get_ns();
	u32 left = lapic_timer_current(apic, now);
	u64 period = apic->timer_period_ns;

	apic->regs[APIC_TDCR >> 2] = tdcr;
	apic->timer_tdcr = tdcr;
	if (!left)
		return;
	/* The count goes on from where it is, at the new rate (10.5.4). */
	lapic_timer_stop(apic);
	if (period)
		WRITE_ONCE(apic->timer_period_ns,
			   max(lapic_timer_count_ns(apic->regs[APIC_TMICT >> 2],
						    tdcr), LAPIC_MIN_PERIOD_NS));
	lapic_timer_arm(apic, now + lapic_timer_count_ns(left, tdcr));
}

void lapic_timer_set_deadline(struct lapic *apic, u64 deadline)
{
	if (apic->timer_mode != APIC_LVT_TIMER_TSCDEADLINE)
		return;
	apic->tsc_deadline = deadline;
	lapic_timer_restart(apic);
}

bool lapic_timer_take(struct lapic *apic)
{
	u32 lvt;

	if (!atomic_xchg(&apic->timer_fired, 0))
		return false;
	lvt = apic->regs[APIC_LVTT >> 2];
	if (apic->timer_mode == APIC_LVT_TIMER_TSCDEADLINE) {
		/* Armed for part of the way to a far deadline: on again. */
		if (apic->tsc_deadline && rdtsc() < apic->tsc_deadline) {
			lapic_timer_arm_deadline(apic);
			return false;
		}
		/* A TSC deadline fires once and disarms (10.5.4.1). */
		apic->tsc_deadline = 0;
	}
	if (lvt & APIC_LVT_MASKED)
		return false;
	return lapic_accept(apic, lvt & APIC_VECTOR_MASK, false);
}
