// SPDX-License-Identifier: GPL-2.0
/*
 * The I/O APIC (dev/ioapic.h), after the Intel 82093AA datasheet:
 *
 * - a pin is asserted when its input level differs from the entry's
 *   polarity bit (active high: 0; active low: 1);
 * - an edge-triggered entry sends a message when its pin becomes
 *   asserted while the entry is unmasked; an edge while masked is lost;
 * - a level-triggered entry sends a message while its pin is asserted,
 *   it is unmasked and its remote IRR is clear, and sets the remote IRR;
 *   the local APIC's EOI of the vector clears it, and a pin still
 *   asserted then sends again (so does unmasking an asserted pin);
 * - the delivery status bit reads 0: a message is sent at once.
 */
#include <string.h>

#include "bus.h"
#include "ioapic.h"

void ioapic_init(struct ioapic *io, __u8 id,
		 void (*send)(void *opaque, const struct ioapic_msg *msg), void *opaque)
{
	unsigned int i;

	memset(io, 0, sizeof(*io));
	io->id = id & 0xf;
	for (i = 0; i < IOAPIC_PINS; i++)
		io->rte[i] = IOAPIC_RTE_MASKED;
	io->send = send;
	io->send_opaque = opaque;
}

static bool ioapic_asserted(const struct ioapic *io, unsigned int pin)
{
	return io->pin_level[pin] != !!(io->rte[pin] & IOAPIC_RTE_POLARITY);
}

static void ioapic_send(struct ioapic *io, unsigned int pin)
{
	__u64 rte = io->rte[pin];
	struct ioapic_msg msg = {
		.vector = rte & IOAPIC_RTE_VECTOR,
		.delivery_mode = (rte & IOAPIC_RTE_DELMODE) >> 8,
		.logical = rte & IOAPIC_RTE_DESTMODE,
		.level = rte & IOAPIC_RTE_LEVEL,
		.dest = rte >> IOAPIC_RTE_DEST_SHIFT,
	};

	if (msg.level)
		io->rte[pin] |= IOAPIC_RTE_REMOTE_IRR;
	io->sent++;
	if (io->send)
		io->send(io->send_opaque, &msg);
}

/* A level-triggered entry: send if it can. */
static void ioapic_service_level(struct ioapic *io, unsigned int pin)
{
	__u64 rte = io->rte[pin];

	if ((rte & IOAPIC_RTE_LEVEL) && !(rte & IOAPIC_RTE_MASKED) &&
	    !(rte & IOAPIC_RTE_REMOTE_IRR) && ioapic_asserted(io, pin))
		ioapic_send(io, pin);
}

void ioapic_set_pin(void *opaque, unsigned int pin, bool level)
{
	struct ioapic *io = opaque;
	bool was;

	if (pin >= IOAPIC_PINS)
		return;
	was = ioapic_asserted(io, pin);
	io->pin_level[pin] = level;
	if (io->rte[pin] & IOAPIC_RTE_LEVEL) {
		ioapic_service_level(io, pin);
		return;
	}
	if (!was && ioapic_asserted(io, pin) &&
	    !(io->rte[pin] & IOAPIC_RTE_MASKED))
		ioapic_send(io, pin);
}

void ioapic_eoi(struct ioapic *io, __u8 vector)
{
	unsigned int i;

	for (i = 0; i < IOAPIC_PINS; i++) {
		if (!(io->rte[i] & IOAPIC_RTE_LEVEL) ||
		    (io->rte[i] & IOAPIC_RTE_VECTOR) != vector)
			continue;
		io->rte[i] &= ~IOAPIC_RTE_REMOTE_IRR;
		ioapic_service_level(io, i);
	}
}

static __u32 ioapic_reg(const struct ioapic *io)
{
	unsigned int idx = io->regsel;

	switch (idx) {
	case IOAPIC_REG_ID:
		return (__u32)io->id << 24;
	case IOAPIC_REG_VER:
		return (IOAPIC_PINS - 1) << 16 | IOAPIC_VERSION;
	case IOAPIC_REG_ARB:
		return (__u32)io->id << 24;
	}
	if (idx >= IOAPIC_REG_REDTBL && idx < IOAPIC_REG_REDTBL + 2 * IOAPIC_PINS) {
		__u64 rte = io->rte[(idx - IOAPIC_REG_REDTBL) / 2];

		return idx & 1 ? rte >> 32 : (__u32)rte;
	}
	return 0;
}

static void ioapic_set_reg(struct ioapic *io, __u32 value)
{
	unsigned int idx = io->regsel, pin;
	__u64 rte, old;

	if (idx == IOAPIC_REG_ID) {
		io->id = (value >> 24) & 0xf;
		return;
	}
	if (idx < IOAPIC_REG_REDTBL || idx >= IOAPIC_REG_REDTBL + 2 * IOAPIC_PINS)
		return;		/* version, arbitration, reserved: read-only */
	pin = (idx - IOAPIC_REG_REDTBL) / 2;
	old = io->rte[pin];
	if (idx & 1)
		rte = (old & 0xffffffffULL) | (__u64)value << 32;
	else
		rte = (old & ~0xffffffffULL) | value;
	rte = (rte & IOAPIC_RTE_WRITABLE) | (old & IOAPIC_RTE_REMOTE_IRR);
	/* An edge-triggered entry has no remote IRR. */
	if (!(rte & IOAPIC_RTE_LEVEL))
		rte &= ~IOAPIC_RTE_REMOTE_IRR;
	io->rte[pin] = rte;
	ioapic_service_level(io, pin);
}

__u64 ioapic_read(void *opaque, __u64 offset, unsigned int size)
{
	struct ioapic *io = opaque;

	if (size != 4)
		return bus_all_ones(size);
	if (offset == IOAPIC_REGSEL)
		return io->regsel;
	if (offset == IOAPIC_WIN)
		return ioapic_reg(io);
	return bus_all_ones(size);
}

void ioapic_write(void *opaque, __u64 offset, unsigned int size, __u64 value)
{
	struct ioapic *io = opaque;

	if (size != 4)
		return;
	if (offset == IOAPIC_REGSEL)
		io->regsel = value & 0xff;
	else if (offset == IOAPIC_WIN)
		ioapic_set_reg(io, value);
}
