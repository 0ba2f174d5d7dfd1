/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A virtual local APIC (SDM Vol. 3, chapter 10): its register page, the
 * priority arbitration between pending and in-service interrupts, the
 * interrupt command register, destination matching, and its timer.
 *
 * x86 only, but independent of VMX: the register model (apic/lapic.c),
 * the decoding of interrupt messages (apic/icr.c) and the timer
 * (apic/timer.c) know nothing of VMCSs, and KUnit tests them directly.
 * apic/route.c delivers messages to the vCPUs of a VM through their IPI
 * queues (vcpu/ipi.c).
 *
 * Ownership: everything in struct lapic belongs to the thread that owns
 * the vCPU (its mutex held), except @timer_fired and the values that
 * other vCPUs read without a lock to route a message (ID, LDR, DFR, SVR,
 * TPR and the mode, read with READ_ONCE: a message racing with a change
 * of its destination may reach either, as on hardware).  Interrupts from
 * elsewhere never touch the registers: they go through the owner's IPI
 * queue.
 */
#ifndef _AXVCPU_LAPIC_H
#define _AXVCPU_LAPIC_H

#include <linux/atomic.h>
#include <linux/bitmap.h>
#include <linux/hrtimer.h>
#include <linux/types.h>

#include <asm/apicdef.h>

/* Version register: an integrated APIC (0x14) with 6 LVT entries. */
#define LAPIC_VERSION		0x00050014
/* The lowest vector a fixed interrupt may have (0-15 are illegal). */
#define LAPIC_FIRST_VECTOR	16
/* IA32_APIC_BASE bits. */
#define LAPIC_BASE_BSP		BIT_ULL(8)
#define LAPIC_BASE_EXTD		BIT_ULL(10)
#define LAPIC_BASE_ENABLE	BIT_ULL(11)
#define LAPIC_BASE_ADDR_MASK	(~0xfffULL)
#define LAPIC_BASE_DEFAULT	0xfee00000ULL
/* The LVT timer's mode field: APIC_LVT_TIMER_ONESHOT, _PERIODIC, _TSCDEADLINE. */
#define LAPIC_LVT_TIMER_MODE		(3 << 17)
/* The shortest period of a periodic timer, as a guest could storm the host. */
#define LAPIC_MIN_PERIOD_NS	100000ULL

struct lapic;

/**
 * struct lapic - one vCPU's local APIC.
 * @regs: the register page: the 32-bit register at offset N is
 *	regs[N / 4].  It can be the page a VMX TPR shadow points at.
 * @own_regs: @regs was allocated by lapic_init().
 * @base: IA32_APIC_BASE.
 * @esr_pending: errors seen since the last write to ESR.
 * @icr_pending: set by an ICR write: the message waits in ICR/ICR2 for
 *	the owner to send it (apic/route.c) once it may sleep.
 * @timer: the hrtimer behind the one-shot, periodic and TSC-deadline
 *	modes.
 * @timer_expires_ns: when the current count reaches 0 (CLOCK_MONOTONIC),
 *	0 when the timer is stopped.
 * @timer_period_ns: the period of a periodic timer, 0 otherwise.
 * @tsc_deadline: IA32_TSC_DEADLINE; 0 when disarmed.
 * @timer_fired: expiries the owner has not turned into interrupts yet;
 *	incremented by the hrtimer in interrupt context.
 * @notify: called, in any context, when @timer_fired grows; wakes the
 *	owner.
 * @owner: for @notify.
 * @id_reg: the ID register's value, kept apart so that a write the
 *	hardware made to the page (APIC-register virtualization) can be
 *	undone.
 * @timer_mode: the LVT timer mode in effect (APIC_LVT_TIMER_*).
 * @timer_tdcr: the divide configuration the running count uses.
 * @eoi_pending: vectors of level-triggered interrupts the guest has
 *	ended with an EOI, which the owner has not told userspace of yet
 *	(what a local APIC broadcasts to the I/O APICs).  Kept across an
 *	INIT: the EOI happened.
 */
struct lapic {
	u32 *regs;
	bool own_regs;
	u64 base;
	u32 esr_pending;
	bool icr_pending;
	struct hrtimer timer;
	u64 timer_expires_ns;
	u64 timer_period_ns;
	u64 tsc_deadline;
	atomic_t timer_fired;
	void (*notify)(struct lapic *apic);
	void *owner;
	u32 id_reg;
	u32 timer_mode;
	u32 timer_tdcr;
	DECLARE_BITMAP(eoi_pending, 256);
};

/**
 * struct lapic_icr - an interrupt message, decoded from an ICR value.
 * @dest: destination field: 8 bits in xAPIC mode, 32 in x2APIC mode.
 * @vector: vector (fixed, lowest priority, start-up).
 * @mode: delivery mode, APIC_DM_* >> 8.
 * @shorthand: 0 none, 1 self, 2 all including self, 3 all excluding self.
 * @logical: logical destination mode.
 * @level_deassert: an INIT level de-assert, which does nothing.
 * @x2apic: sent in x2APIC mode (the broadcast ID is 0xffffffff).
 * @level: a level-triggered fixed or lowest-priority interrupt, as an
 *	I/O APIC sends (AXV_SEND_IRQ); the ICR sends none (10.6.1).
 */
struct lapic_icr {
	u32 dest;
	u8 vector;
	u8 mode;
	u8 shorthand;
	bool logical;
	bool level_deassert;
	bool x2apic;
	bool level;
};

/* struct lapic_icr.mode */
#define LAPIC_DM_FIXED		0
#define LAPIC_DM_LOWEST		1
#define LAPIC_DM_SMI		2
#define LAPIC_DM_NMI		4
#define LAPIC_DM_INIT		5
#define LAPIC_DM_STARTUP	6

/* struct lapic_icr.shorthand */
#define LAPIC_SH_NONE		0
#define LAPIC_SH_SELF		1
#define LAPIC_SH_ALL		2
#define LAPIC_SH_OTHERS		3

/**
 * lapic_init() - set up a local APIC as at power-on.
 * @apic: zeroed memory for it.
 * @regs: a zeroed page for its registers, or NULL to allocate one.
 * @id: its APIC ID.
 * @bsp: whether IA32_APIC_BASE.BSP is set.
 * @notify: wakes the owner when the timer fires (any context).
 * @owner: passed back through &struct lapic.owner.
 *
 * Context: process, may sleep.
 * Return: 0 or -ENOMEM.
 */
int lapic_init(struct lapic *apic, u32 *regs, u32 id, bool bsp,
	       void (*notify)(struct lapic *apic), void *owner);

/**
 * lapic_destroy() - stop the timer and free what lapic_init() allocated.
 * @apic: the local APIC.
 *
 * Context: process, may sleep.
 */
void lapic_destroy(struct lapic *apic);

/**
 * lapic_reset() - reset the registers as an INIT does (SDM Vol. 3,
 *	10.4.7.3): everything but the ID and IA32_APIC_BASE.
 * @apic: the local APIC.
 */
void lapic_reset(struct lapic *apic);

/**
 * lapic_id() - the APIC ID.
 * @apic: the local APIC.
 *
 * Context: any; a racy read when not the owner.
 * Return: the ID (8 bits in xAPIC mode, 32 in x2APIC mode).
 */
u32 lapic_id(const struct lapic *apic);

/**
 * lapic_x2apic() - whether the APIC is in x2APIC mode.
 * @apic: the local APIC.
 *
 * Return: IA32_APIC_BASE.EXTD.
 */
bool lapic_x2apic(const struct lapic *apic);

/**
 * lapic_hw_enabled() - whether IA32_APIC_BASE enables the APIC.
 * @apic: the local APIC.
 *
 * Return: IA32_APIC_BASE.EN.
 */
bool lapic_hw_enabled(const struct lapic *apic);

/**
 * lapic_sw_enabled() - whether the APIC accepts fixed interrupts:
 *	enabled in IA32_APIC_BASE and in the spurious-vector register.
 * @apic: the local APIC.
 *
 * Context: any; a racy read when not the owner.
 * Return: true when enabled.
 */
bool lapic_sw_enabled(const struct lapic *apic);

/**
 * lapic_base_valid() - whether a value is a legal IA32_APIC_BASE: no
 *	reserved bit (beyond the physical-address width) set, and not EXTD
 *	without EN.
 * @value: the value.
 *
 * Return: true when legal.
 */
bool lapic_base_valid(u64 value);

/**
 * lapic_set_base() - write IA32_APIC_BASE.
 * @apic: the local APIC.
 * @value: the new value.
 * @host: written by userspace (AXV_SET_SREGS/MSRS): any legal state may
 *	be set directly, the guest's transition rules do not apply.
 *
 * The guest's rules (SDM Vol. 3, 10.12.5): reserved bits zero; x2APIC
 * only from xAPIC; out of x2APIC only by disabling; EXTD without EN is
 * invalid; the BSP flag does not change.  Disabling resets the registers.
 *
 * Return: 0, or -EINVAL (the guest gets #GP).
 */
int lapic_set_base(struct lapic *apic, u64 value, bool host);

/**
 * lapic_read() - read a register as the xAPIC page does.
 * @apic: the local APIC.
 * @offset: byte offset in the page; a register is read whole.
 * @value: where the register's value goes.
 *
 * Return: 0; -EINVAL for an offset that names no register (the value
 * is 0 and ESR notes an illegal register address).
 */
int lapic_read(struct lapic *apic, u32 offset, u32 *value);

/**
 * lapic_write() - write a register as the xAPIC page does.
 * @apic: the local APIC.
 * @offset: byte offset in the page.
 * @value: the value.
 *
 * A write to the low ICR sets &struct lapic.icr_pending; the owner sends
 * the message.  Writes to read-only registers are ignored.
 *
 * Return: 0; -EINVAL for an offset that names no register.
 */
int lapic_write(struct lapic *apic, u32 offset, u32 value);

/**
 * lapic_apic_write() - apply a write the processor already made to the
 *	register page (an APIC-write VM exit, SDM Vol. 3, 29.4.3.3).
 * @apic: the local APIC.
 * @offset: the register written.
 *
 * The register's side effects follow as for lapic_write() with the value
 * found in the page; a read-only register gets its value back.
 */
void lapic_apic_write(struct lapic *apic, u32 offset);

/**
 * lapic_rdmsr() - read an x2APIC register through its MSR.
 * @apic: the local APIC.
 * @msr: 0x800-0x8ff.
 * @value: where the value goes.
 *
 * Return: 0; -EINVAL when not in x2APIC mode, or for an MSR that names
 * no readable register (the guest gets #GP).
 */
int lapic_rdmsr(struct lapic *apic, u32 msr, u64 *value);

/**
 * lapic_x2apic_msr_in_page() - whether an x2APIC MSR reads a register as
 *	the register page holds it (what the processor's APIC-register
 *	virtualization may read without an exit).
 * @msr: 0x800-0x8ff.
 *
 * Return: true for the readable registers but the current count.
 */
bool lapic_x2apic_msr_in_page(u32 msr);

/**
 * lapic_wrmsr() - write an x2APIC register through its MSR.
 * @apic: the local APIC.
 * @msr: 0x800-0x8ff.
 * @value: the value.
 *
 * Return: 0; -EINVAL when not in x2APIC mode, for a read-only or absent
 * register, or reserved bits set (the guest gets #GP).
 */
int lapic_wrmsr(struct lapic *apic, u32 msr, u64 value);

/**
 * lapic_accept() - accept a fixed interrupt: set its IRR bit.
 * @apic: the local APIC (owner only).
 * @vector: the vector.
 * @level: level-triggered: the TMR bit is set, so that its EOI is
 *	reported (lapic_eoi_take()); edge-triggered: cleared (10.8.4).
 *
 * Return: true when accepted; false when the APIC is software disabled
 * or the vector is illegal (0-15: ESR notes it).
 */
bool lapic_accept(struct lapic *apic, u8 vector, bool level);

/**
 * lapic_eoi_pending() - whether a level-triggered EOI waits to be reported.
 * @apic: the local APIC (owner only).
 *
 * Inline and without a call: the run loop asks before every entry.
 *
 * Return: true when lapic_eoi_take() has a vector to give.
 */
static inline bool lapic_eoi_pending(const struct lapic *apic)
{
	unsigned long any = 0;
	unsigned int i;

	for (i = 0; i < BITS_TO_LONGS(256); i++)
		any |= apic->eoi_pending[i];
	return any;
}

/**
 * lapic_eoi_take() - the next level-triggered EOI to report.
 * @apic: the local APIC (owner only).
 *
 * Return: the lowest vector whose level-triggered interrupt the guest
 * ended with an EOI since it was last reported, now reported; -1 when
 * there is none.
 */
int lapic_eoi_take(struct lapic *apic);

/**
 * lapic_eoi_level() - the processor ended level-triggered @vector itself
 * (APIC virtualization's EOI-induced exit): report it as an EOI would.
 * @apic: the local APIC (owner only).
 * @vector: the vector whose in-service bit the processor cleared.
 */
void lapic_eoi_level(struct lapic *apic, u8 vector);

/**
 * lapic_ppr() - the processor priority (SDM Vol. 3, 10.8.3.1).
 * @apic: the local APIC.
 *
 * Return: the value of the PPR register.
 */
u32 lapic_ppr(const struct lapic *apic);

/**
 * lapic_highest_irr() - the highest pending vector.
 * @apic: the local APIC.
 *
 * Return: the vector, or -1 when none is pending.
 */
int lapic_highest_irr(const struct lapic *apic);

/**
 * lapic_highest_isr() - the highest in-service vector.
 * @apic: the local APIC.
 *
 * Return: the vector, or -1 when none is in service.
 */
int lapic_highest_isr(const struct lapic *apic);

/**
 * lapic_pending() - the interrupt the APIC would deliver now.
 * @apic: the local APIC.
 *
 * The highest pending vector whose priority class is above the PPR's.
 *
 * Return: the vector, or -1 when none can be delivered.
 */
int lapic_pending(const struct lapic *apic);

/**
 * lapic_ack() - the processor takes @vector: IRR bit to ISR bit.
 * @apic: the local APIC.
 * @vector: a vector lapic_pending() returned.
 */
void lapic_ack(struct lapic *apic, u8 vector);

/**
 * lapic_icr_decode() - decode an interrupt command.
 * @icr: ICR2:ICR in xAPIC mode, or the 64-bit ICR MSR in x2APIC mode.
 * @x2apic: the mode it was written in.
 * @out: the message.
 */
void lapic_icr_decode(u64 icr, bool x2apic, struct lapic_icr *out);

/**
 * lapic_match_dest() - whether a message's destination names an APIC
 *	(SDM Vol. 3, 10.6.2), shorthands aside.
 * @apic: the candidate (read racily when not the owner).
 * @msg: the message.
 *
 * Return: true when it does.
 */
bool lapic_match_dest(const struct lapic *apic, const struct lapic_icr *msg);

/**
 * lapic_timer_divisor() - the divisor a divide-configuration value selects.
 * @tdcr: the divide configuration register (bits 0, 1 and 3).
 *
 * Return: 1 to 128.
 */
u32 lapic_timer_divisor(u32 tdcr);

/**
 * lapic_timer_count_ns() - how long a count lasts.
 * @count: timer ticks.
 * @tdcr: the divide configuration.
 *
 * The timer's input clock runs at 1 GHz before the divider.
 *
 * Return: nanoseconds.
 */
u64 lapic_timer_count_ns(u32 count, u32 tdcr);

/**
 * lapic_timer_current() - the current-count register.
 * @apic: the local APIC.
 * @now_ns: the time now (CLOCK_MONOTONIC).
 *
 * Return: ticks left before the timer reaches 0; 0 when stopped.
 */
u32 lapic_timer_current(const struct lapic *apic, u64 now_ns);

/**
 * lapic_timer_init() - set up the timer, stopped.
 * @apic: the local APIC.
 */
void lapic_timer_init(struct lapic *apic);

/**
 * lapic_timer_restart() - (re)start or stop the timer after a write to
 *	the initial count, or a change to or from TSC-deadline mode.
 * @apic: the local APIC.
 */
void lapic_timer_restart(struct lapic *apic);

/**
 * lapic_timer_set_mode() - switch between one-shot and periodic mode.
 * @apic: the local APIC.
 * @mode: %APIC_LVT_TIMER_ONESHOT or %APIC_LVT_TIMER_PERIODIC.
 *
 * A running count goes on: only what happens when it reaches 0 changes
 * (a periodic timer reloads the initial count, a one-shot one stops).
 * Neither the initial count nor the current count is touched.
 */
void lapic_timer_set_mode(struct lapic *apic, u32 mode);

/**
 * lapic_timer_set_divide() - write the divide configuration.
 * @apic: the local APIC.
 * @tdcr: the new value (bits 0, 1 and 3).
 *
 * A running count goes on from its current value at the new rate; a
 * periodic timer's next periods use it too.
 */
void lapic_timer_set_divide(struct lapic *apic, u32 tdcr);

/**
 * lapic_timer_set_deadline() - write IA32_TSC_DEADLINE.
 * @apic: the local APIC.
 * @deadline: guest TSC value; 0 disarms.
 *
 * Ignored unless the LVT timer is in TSC-deadline mode (SDM Vol. 3,
 * 10.5.4.1).
 */
void lapic_timer_set_deadline(struct lapic *apic, u64 deadline);

/**
 * lapic_timer_take() - turn expiries into interrupts.
 * @apic: the local APIC (owner only).
 *
 * Return: true when an interrupt was accepted.
 */
bool lapic_timer_take(struct lapic *apic);

/**
 * lapic_timer_stop() - stop the timer.
 * @apic: the local APIC.
 */
void lapic_timer_stop(struct lapic *apic);

#endif /* _AXVCPU_LAPIC_H */
