// SPDX-License-Identifier: GPL-2.0
/*
 * Interrupt messages: decoding the interrupt command register and
 * deciding which local APICs a destination names (SDM Vol. 3, 10.6).
 */
#include <linux/kernel.h>

#include <axvcpu/lapic.h>

void lapic_icr_decode(u64 icr, bool x2apic, struct lapic_icr *out)
{
	u32 lo = icr, hi = icr >> 32;

	out->vector = lo & APIC_VECTOR_MASK;
	out->mode = (lo & APIC_DM_FIXED_MASK) >> 8;
	out->logical = lo & APIC_DEST_LOGICAL;
	out->shorthand = (lo >> 18) & 3;
	out->x2apic = x2apic;
	/* The trigger mode bit only qualifies an INIT (10.6.1). */
	out->level = false;
	out->dest = x2apic ? hi : hi >> 24;
	/* INIT with level 0, level-triggered: the de-assert does nothing. */
	out->level_deassert = out->mode == LAPIC_DM_INIT &&
			      !(lo & APIC_INT_ASSERT) &&
			      (lo & APIC_INT_LEVELTRIG);
}

/* Logical destinations in xAPIC mode: the flat and cluster models. */
static bool lapic_match_xapic_logical(const struct lapic *apic, u8 dest)
{
	u32 dfr = READ_ONCE(apic->regs[APIC_DFR >> 2]);
	u8 ldr = READ_ONCE(apic->regs[APIC_LDR >> 2]) >> 24;

	switch (dfr >> 28) {
	case 0xf:
		return ldr & dest;
	case 0x0:
		return (ldr >> 4) == (dest >> 4) && (ldr & dest & 0xf);
	default:
		return false;
	}
}

bool lapic_match_dest(const struct lapic *apic, const struct lapic_icr *msg)
{
	u32 broadcast = msg->x2apic ? 0xffffffff : 0xff;
	u32 ldr;

	if (!lapic_hw_enabled(apic))
		return false;
	if (msg->dest == broadcast)
		return true;
	if (!msg->logical) {
		if (lapic_x2apic(apic))
			return lapic_id(apic) == msg->dest;
		return lapic_id(apic) == (msg->dest & 0xff);
	}
	if (!lapic_x2apic(apic))
		return lapic_match_xapic_logical(apic, msg->dest);
	/* x2APIC: cluster in bits 31:16, a bit per member in 15:0. */
	ldr = READ_ONCE(apic->regs[APIC_LDR >> 2]);
	return (msg->dest >> 16) == (ldr >> 16) && (msg->dest & ldr & 0xffff);
}
