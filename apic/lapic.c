// SPDX-License-Identifier: GPL-2.0
/*
 * The local APIC's registers (SDM Vol. 3, 10.4-10.12): reads and writes
 * through the xAPIC page and the x2APIC MSRs, IA32_APIC_BASE and its mode
 * transitions, and the arbitration between pending (IRR) and in-service
 * (ISR) interrupts under the task priority.
 */
#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <asm/processor.h>

#include <axvcpu/lapic.h>

/* Writable bits of the LVT entries (SDM Vol. 3, Figure 10-8). */
#define LVT_TIMER_BITS		(APIC_VECTOR_MASK | APIC_LVT_MASKED | \
				 LAPIC_LVT_TIMER_MODE)
#define LVT_DM_BITS		(APIC_VECTOR_MASK | APIC_MODE_MASK | \
				 APIC_LVT_MASKED)
#define LVT_LINT_BITS		(LVT_DM_BITS | APIC_INPUT_POLARITY | \
				 APIC_LVT_LEVEL_TRIGGER)
#define LVT_ERROR_BITS		(APIC_VECTOR_MASK | APIC_LVT_MASKED)
/* Writable bits of ICR: vector, mode, destination mode, level, trigger, shorthand. */
#define ICR_BITS		0x000ccfffU
#define SVR_BITS		(APIC_VECTOR_MASK | APIC_SPIV_APIC_ENABLED | \
				 APIC_SPIV_FOCUS_DISABLED)
#define TDCR_BITS		0xbU

static u32 lapic_reg(const struct lapic *apic, u32 offset)
{
	return READ_ONCE(apic->regs[offset >> 2]);
}

static void lapic_set_reg(struct lapic *apic, u32 offset, u32 value)
{
	WRITE_ONCE(apic->regs[offset >> 2], value);
}

/* Vector @v's bit in one of the 256-bit registers (ISR, TMR, IRR). */
static u32 *lapic_vec_word(struct lapic *apic, u32 base, u8 v)
{
	return &apic->regs[(base + (v / 32) * 0x10) >> 2];
}

static int lapic_highest(const struct lapic *apic, u32 base)
{
	int i;

	for (i = 7; i >= 0; i--) {
		u32 w = lapic_reg(apic, base + i * 0x10);

		if (w)
			return i * 32 + __fls(w);
	}
	return -1;
}

bool lapic_x2apic(const struct lapic *apic)
{
	return READ_ONCE(apic->base) & LAPIC_BASE_EXTD;
}

bool lapic_hw_enabled(const struct lapic *apic)
{
	return READ_ONCE(apic->base) & LAPIC_BASE_ENABLE;
}

bool lapic_sw_enabled(const struct lapic *apic)
{
	return lapic_hw_enabled(apic) &&
	       (lapic_reg(apic, APIC_SPIV) & APIC_SPIV_APIC_ENABLED);
}

u32 lapic_id(const struct lapic *apic)
{
	u32 id = lapic_reg(apic, APIC_ID);

	return lapic_x2apic(apic) ? id : id >> 24;
}

/* The x2APIC logical ID is derived from the x2APIC ID (10.12.10.2). */
static u32 lapic_x2apic_ldr(u32 id)
{
	return ((id >> 4) << 16) | (1U << (id & 0xf));
}

static void lapic_mask_lvts(struct lapic *apic)
{
	u32 off;

	for (off = APIC_LVTT; off <= APIC_LVTERR; off += 0x10)
		lapic_set_reg(apic, off, lapic_reg(apic, off) | APIC_LVT_MASKED);
}

void lapic_reset(struct lapic *apic)
{
	u32 id = lapic_reg(apic, APIC_ID);
	u32 off;

	lapic_timer_stop(apic);
	atomic_set(&apic->timer_fired, 0);
	memset(apic->regs, 0, PAGE_SIZE);
	lapic_set_reg(apic, APIC_ID, id);
	lapic_set_reg(apic, APIC_LVR, LAPIC_VERSION);
	lapic_set_reg(apic, APIC_DFR, APIC_DFR_FLAT);
	lapic_set_reg(apic, APIC_SPIV, 0xff);
	for (off = APIC_LVTT; off <= APIC_LVTERR; off += 0x10)
		lapic_set_reg(apic, off, APIC_LVT_MASKED);
	if (lapic_x2apic(apic))
		lapic_set_reg(apic, APIC_LDR, lapic_x2apic_ldr(id));
	apic->id_reg = id;
	apic->timer_mode = 0;
	apic->timer_tdcr = 0;
	apic->esr_pending = 0;
	apic->icr_pending = false;
	apic->tsc_deadline = 0;
}

int lapic_init(struct lapic *apic, u32 *regs, u32 id, bool bsp,
	       void (*notify)(struct lapic *apic), void *owner)
{
	if (!regs) {
		regs = (u32 *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
		if (!regs)
			return -ENOMEM;
		apic->own_regs = true;
	}
	apic->regs = regs;
	apic->notify = notify;
	apic->owner = owner;
	lapic_timer_init(apic);
	apic->base = LAPIC_BASE_DEFAULT | LAPIC_BASE_ENABLE |
		     (bsp ? LAPIC_BASE_BSP : 0);
	lapic_set_reg(apic, APIC_ID, id << 24);
	lapic_reset(apic);
	return 0;
}

void lapic_destroy(struct lapic *apic)
{
	lapic_timer_stop(apic);
	if (apic->own_regs)
		free_page((unsigned long)apic->regs);
	apic->regs = NULL;
}

bool lapic_base_valid(u64 value)
{
	u64 legal = LAPIC_BASE_BSP | LAPIC_BASE_EXTD | LAPIC_BASE_ENABLE |
		    (LAPIC_BASE_ADDR_MASK &
		     (BIT_ULL(boot_cpu_data.x86_phys_bits) - 1));

	/* EXTD without EN is the invalid state (Table 10-5). */
	return !(value & ~legal) &&
	       !((value & LAPIC_BASE_EXTD) && !(value & LAPIC_BASE_ENABLE));
}

int lapic_set_base(struct lapic *apic, u64 value, bool host)
{
	u64 old = apic->base;
	bool en = value & LAPIC_BASE_ENABLE, x2 = value & LAPIC_BASE_EXTD;
	bool was_en = old & LAPIC_BASE_ENABLE, was_x2 = old & LAPIC_BASE_EXTD;
	u32 id = lapic_id(apic);

	if (!lapic_base_valid(value))
		return -EINVAL;
	if (!host) {
		/* The BSP flag is the processor's role: writes leave it. */
		value = (value & ~LAPIC_BASE_BSP) | (old & LAPIC_BASE_BSP);
		/* x2APIC is entered from xAPIC only, and left by disabling. */
		if (x2 && !was_x2 && !was_en)
			return -EINVAL;
		if (was_x2 && en && !x2)
			return -EINVAL;
	}
	WRITE_ONCE(apic->base, value);
	if (was_en && !en)
		lapic_reset(apic);
	if (x2 != was_x2) {
		/* The ID register changes format; x2APIC derives its LDR. */
		apic->id_reg = x2 ? id : id << 24;
		lapic_set_reg(apic, APIC_ID, apic->id_reg);
		lapic_set_reg(apic, APIC_LDR, x2 ? lapic_x2apic_ldr(id) : 0);
	}
	return 0;
}

u32 lapic_ppr(const struct lapic *apic)
{
	u32 tpr = lapic_reg(apic, APIC_TASKPRI) & 0xff;
	int isrv = lapic_highest(apic, APIC_ISR);
	u32 isr_class = isrv < 0 ? 0 : isrv & 0xf0;

	return (tpr & 0xf0) >= isr_class ? tpr : isr_class;
}

/* Arbitration priority (10.8.3.1 shows the same rule for APR). */
static u32 lapic_apr(const struct lapic *apic)
{
	u32 tpr = lapic_reg(apic, APIC_TASKPRI) & 0xff;
	int isrv = lapic_highest(apic, APIC_ISR);
	int irrv = lapic_highest(apic, APIC_IRR);
	u32 isr_class = isrv < 0 ? 0 : isrv & 0xf0;
	u32 irr_class = irrv < 0 ? 0 : irrv & 0xf0;

	if ((tpr & 0xf0) >= irr_class && (tpr & 0xf0) > isr_class)
		return tpr;
	return max3(tpr & 0xf0, isr_class, irr_class);
}

int lapic_highest_irr(const struct lapic *apic)
{
	return lapic_highest(apic, APIC_IRR);
}

int lapic_highest_isr(const struct lapic *apic)
{
	return lapic_highest(apic, APIC_ISR);
}

int lapic_pending(const struct lapic *apic)
{
	int v = lapic_highest(apic, APIC_IRR);

	if (v < 0 || (u32)(v & 0xf0) <= (lapic_ppr(apic) & 0xf0))
		return -1;
	return v;
}

bool lapic_accept(struct lapic *apic, u8 vector, bool level)
{
	if (vector < LAPIC_FIRST_VECTOR) {
		apic->esr_pending |= APIC_ESR_RECVILL;
		return false;
	}
	if (!lapic_sw_enabled(apic))
		return false;
	*lapic_vec_word(apic, APIC_IRR, vector) |= BIT(vector % 32);
	if (level)
		*lapic_vec_word(apic, APIC_TMR, vector) |= BIT(vector % 32);
	else
		*lapic_vec_word(apic, APIC_TMR, vector) &= ~BIT(vector % 32);
	return true;
}

void lapic_ack(struct lapic *apic, u8 vector)
{
	*lapic_vec_word(apic, APIC_IRR, vector) &= ~BIT(vector % 32);
	*lapic_vec_word(apic, APIC_ISR, vector) |= BIT(vector % 32);
}

void lapic_eoi_level(struct lapic *apic, u8 vector)
{
	u32 *tmr = lapic_vec_word(apic, APIC_TMR, vector);

	if (!(*tmr & BIT(vector % 32)))
		return;
	*tmr &= ~BIT(vector % 32);
	__set_bit(vector, apic->eoi_pending);
}

/*
 * EOI: the highest in-service interrupt is done (10.8.5); one that was
 * level-triggered is reported, as the APIC would broadcast it.
 */
static void lapic_eoi(struct lapic *apic)
{
	int v = lapic_highest(apic, APIC_ISR);

	if (v < 0)
		return;
	*lapic_vec_word(apic, APIC_ISR, v) &= ~BIT(v % 32);
	lapic_eoi_level(apic, v);
}

int lapic_eoi_take(struct lapic *apic)
{
	unsigned long v = find_first_bit(apic->eoi_pending, 256);

	if (v >= 256)
		return -1;
	__clear_bit(v, apic->eoi_pending);
	return v;
}

/* The six LVT entries the version register announces; no CMCI. */
static bool lapic_is_lvt(u32 offset)
{
	return offset >= APIC_LVTT && offset <= APIC_LVTERR;
}

/* Offsets that name a register in the xAPIC page. */
static bool lapic_valid_offset(u32 offset)
{
	if (offset & 0xf || offset >= 0x400)
		return false;
	switch (offset) {
	case APIC_ID: case APIC_LVR: case APIC_TASKPRI: case APIC_ARBPRI:
	case APIC_PROCPRI: case APIC_EOI: case APIC_RRR: case APIC_LDR:
	case APIC_DFR: case APIC_SPIV: case APIC_ESR: case APIC_ICR:
	case APIC_ICR2: case APIC_TMICT: case APIC_TMCCT: case APIC_TDCR:
		return true;
	default:
		return (offset >= APIC_ISR && offset < APIC_IRR + 0x80) ||
		       lapic_is_lvt(offset);
	}
}

int lapic_read(struct lapic *apic, u32 offset, u32 *value)
{
	*value = 0;
	offset &= ~0xfU;
	if (!lapic_valid_offset(offset)) {
		apic->esr_pending |= APIC_ESR_ILLREGA;
		return -EINVAL;
	}
	switch (offset) {
	case APIC_ARBPRI:
		*value = lapic_apr(apic);
		break;
	case APIC_PROCPRI:
		*value = lapic_ppr(apic);
		break;
	case APIC_EOI:
	case APIC_RRR:
		break;
	case APIC_TMCCT:
		*value = lapic_timer_current(apic, ktime_get_ns());
		break;
	default:
		*value = lapic_reg(apic, offset);
		break;
	}
	return 0;
}

/*
 * A change to or from TSC-deadline mode disarms the timer (SDM Vol. 3,
 * 10.5.4.1): the initial count and the deadline read 0.  Between
 * one-shot and periodic mode the count goes on.
 */
static void lapic_write_timer_mode(struct lapic *apic, u32 mode)
{
	if (mode == apic->timer_mode)
		return;
	if (mode != APIC_LVT_TIMER_TSCDEADLINE &&
	    apic->timer_mode != APIC_LVT_TIMER_TSCDEADLINE) {
		lapic_timer_set_mode(apic, mode);
		return;
	}
	apic->timer_mode = mode;
	lapic_set_reg(apic, APIC_TMICT, 0);
	apic->tsc_deadline = 0;
	lapic_timer_restart(apic);
}

static void lapic_write_lvt(struct lapic *apic, u32 offset, u32 value)
{
	u32 bits = offset == APIC_LVTT ? LVT_TIMER_BITS :
		   offset == APIC_LVTERR ? LVT_ERROR_BITS :
		   offset == APIC_LVT0 || offset == APIC_LVT1 ? LVT_LINT_BITS :
		   LVT_DM_BITS;
	value &= bits;
	/* A software-disabled APIC keeps every LVT entry masked (10.4.7.2). */
	if (!(lapic_reg(apic, APIC_SPIV) & APIC_SPIV_APIC_ENABLED))
		value |= APIC_LVT_MASKED;
	lapic_set_reg(apic, offset, value);
	if (offset == APIC_LVTT)
		lapic_write_timer_mode(apic, value & LAPIC_LVT_TIMER_MODE);
}

int lapic_write(struct lapic *apic, u32 offset, u32 value)
{
	offset &= ~0xfU;
	if (!lapic_valid_offset(offset)) {
		apic->esr_pending |= APIC_ESR_ILLREGA;
		return -EINVAL;
	}
	switch (offset) {
	case APIC_TASKPRI:
		lapic_set_reg(apic, offset, value & APIC_TPRI_MASK);
		break;
	case APIC_EOI:
		lapic_eoi(apic);
		break;
	case APIC_LDR:
		if (!lapic_x2apic(apic))
			lapic_set_reg(apic, offset, value & APIC_LDR_MASK);
		break;
	case APIC_DFR:
		if (!lapic_x2apic(apic))
			lapic_set_reg(apic, offset, value | APIC_DFR_CLUSTER);
		break;
	case APIC_SPIV:
		lapic_set_reg(apic, offset, value & SVR_BITS);
		if (!(value & APIC_SPIV_APIC_ENABLED))
			lapic_mask_lvts(apic);
		break;
	case APIC_ESR:
		lapic_set_reg(apic, offset, apic->esr_pending);
		apic->esr_pending = 0;
		break;
	case APIC_ICR:
		lapic_set_reg(apic, offset, value & ICR_BITS);
		apic->icr_pending = true;
		break;
	case APIC_ICR2:
		if (!lapic_x2apic(apic))
			lapic_set_reg(apic, offset, value & 0xff000000);
		break;
	case APIC_TMICT:
		/* Ignored in TSC-deadline mode (10.5.4.1). */
		if (apic->timer_mode == APIC_LVT_TIMER_TSCDEADLINE)
			break;
		lapic_set_reg(apic, offset, value);
		lapic_timer_restart(apic);
		break;
	case APIC_TDCR:
		lapic_timer_set_divide(apic, value & TDCR_BITS);
		break;
	default:
		if (lapic_is_lvt(offset))
			lapic_write_lvt(apic, offset, value);
		/* ID, version, APR, PPR, RRD, ISR, TMR, IRR, current count: read-only. */
		break;
	}
	return 0;
}

void lapic_apic_write(struct lapic *apic, u32 offset)
{
	offset &= ~0xfU;
	switch (offset) {
	case APIC_ID:
		lapic_set_reg(apic, offset, apic->id_reg);
		break;
	case APIC_LVR:
		lapic_set_reg(apic, offset, LAPIC_VERSION);
		break;
	default:
		lapic_write(apic, offset, lapic_reg(apic, offset));
		break;
	}
}

/* The xAPIC offset of an x2APIC MSR, or 0 for one x2APIC does not have. */
static u32 lapic_msr_offset(u32 msr)
{
	u32 offset = (msr - APIC_BASE_MSR) << 4;

	if (msr < APIC_BASE_MSR || msr > APIC_BASE_MSR + 0xff)
		return 0;
	switch (offset) {
	case APIC_ARBPRI: case APIC_RRR: case APIC_DFR: case APIC_ICR2:
		return 0;
	case APIC_SELF_IPI:
		return offset;
	default:
		return lapic_valid_offset(offset) ? offset : 0;
	}
}

bool lapic_x2apic_msr_in_page(u32 msr)
{
	u32 offset = lapic_msr_offset(msr);

	return offset && offset != APIC_EOI && offset != APIC_SELF_IPI &&
	       offset != APIC_TMCCT;
}

int lapic_rdmsr(struct lapic *apic, u32 msr, u64 *value)
{
	u32 offset = lapic_msr_offset(msr), lo;

	if (!lapic_x2apic(apic) || !offset || offset == APIC_EOI ||
	    offset == APIC_SELF_IPI)
		return -EINVAL;
	lapic_read(apic, offset, &lo);
	*value = lo;
	if (offset == APIC_ICR)
		*value |= (u64)lapic_reg(apic, APIC_ICR2) << 32;
	return 0;
}

int lapic_wrmsr(struct lapic *apic, u32 msr, u64 value)
{
	u32 offset = lapic_msr_offset(msr);

	if (!lapic_x2apic(apic) || !offset)
		return -EINVAL;
	/* Only ICR is 64 bits wide; the upper half of the others is reserved. */
	if (offset != APIC_ICR && value >> 32)
		return -EINVAL;
	switch (offset) {
	case APIC_ID: case APIC_LVR: case APIC_PROCPRI: case APIC_LDR:
	case APIC_TMCCT:
		return -EINVAL;
	case APIC_TASKPRI:
		if (value & ~0xffULL)
			return -EINVAL;
		break;
	case APIC_EOI:
	case APIC_ESR:
		if (value)
			return -EINVAL;
		break;
	case APIC_SPIV:
		if (value & ~(u64)(SVR_BITS | APIC_SPIV_DIRECTED_EOI))
			return -EINVAL;
		break;
	case APIC_SELF_IPI:
		if (value & ~0xffULL)
			return -EINVAL;
		lapic_accept(apic, value, false);
		return 0;
	case APIC_ICR:
		if ((u32)value & ~ICR_BITS)
			return -EINVAL;
		lapic_set_reg(apic, APIC_ICR2, value >> 32);
		break;
	default:
		if (offset >= APIC_ISR && offset < APIC_IRR + 0x80)
			return -EINVAL;
		break;
	}
	return lapic_write(apic, offset, value);
}
