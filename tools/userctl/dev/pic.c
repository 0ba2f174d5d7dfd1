// SPDX-License-Identifier: GPL-2.0
/*
 * The 8259A pair (dev/pic.h), after the Intel 8259A datasheet:
 *
 * - ICW1 (a command-port write with bit 4) starts the initialization: the
 *   mask, the in-service register and the edge latches are cleared, IR7
 *   gets the lowest priority, special mask mode ends, reads give the IRR.
 *   ICW2 (the vector base), ICW3 unless single, ICW4 if ICW1 asked for it
 *   (automatic EOI) follow on the data port.  The cascade is the PC's,
 *   whatever ICW3 says: the slave on the master's IR2.  Special fully
 *   nested mode and buffered mode are not modelled;
 * - an edge-triggered input (ELCR bit 0) latches a request on its rising
 *   edge; a level-triggered one requests while it is high;
 * - the request of highest priority, unmasked, goes out on INT when no
 *   input of the same or higher priority is in service (in special mask
 *   mode, only unmasked ones count); priorities rotate with the lowest;
 * - the acknowledge sets the in-service bit (not with automatic EOI),
 *   clears an edge request, and gives the vector; on IR2 the slave gives
 *   it; with nothing to give, IR7's vector (spurious), nothing in service;
 * - OCW2: non-specific and specific EOI, with or without rotation, set
 *   priority, rotate on automatic EOI; OCW3: read IRR or ISR, poll,
 *   special mask mode.
 */
#include <string.h>

#include "bus.h"
#include "pic.h"

#define PIC_ICW1		0x10
#define PIC_ICW1_IC4		0x01
#define PIC_ICW1_SNGL		0x02
#define PIC_OCW3		0x08
#define PIC_OCW3_RIS		0x01
#define PIC_OCW3_RR		0x02
#define PIC_OCW3_POLL		0x04
#define PIC_OCW3_SMM		0x20
#define PIC_OCW3_ESMM		0x40
#define PIC_ICW4_AEOI		0x02
#define PIC_POLL_INT		0x80

static void pic_chip_reset(struct pic_chip *c)
{
	c->imr = 0;
	c->isr = 0;
	c->irr &= c->elcr;
	c->lowest = 7;
	c->read_isr = false;
	c->poll = false;
	c->special_mask = false;
	c->auto_eoi = false;
	c->rotate_aeoi = false;
}

void pic_init(struct pic *pic)
{
	unsigned int i;

	memset(pic, 0, sizeof(*pic));
	for (i = 0; i < 2; i++) {
		pic->chip[i].imr = 0xff;
		pic->chip[i].lowest = 7;
	}
}

/* Rank of input @irq: 0 the highest priority, 7 the lowest. */
static unsigned int pic_rank(const struct pic_chip *c, unsigned int irq)
{
	return (irq - c->lowest - 1) & 7;
}

/* The input of highest priority in @mask, or -1. */
static int pic_highest(const struct pic_chip *c, __u8 mask)
{
	unsigned int i;

	for (i = 0; i < 8; i++) {
		unsigned int irq = (c->lowest + 1 + i) & 7;

		if (mask & (1U << irq))
			return irq;
	}
	return -1;
}

/* The request the chip puts out on INT, or -1. */
static int pic_pending(const struct pic_chip *c)
{
	int irq = pic_highest(c, c->irr & ~c->imr), in;
	__u8 service = c->isr;

	if (irq < 0)
		return -1;
	if (c->special_mask)
		service &= ~c->imr;
	in = pic_highest(c, service);
	if (in >= 0 && pic_rank(c, in) <= pic_rank(c, irq))
		return -1;
	return irq;
}

/* The slave's INT into the master's IR2; the master's INT out. */
static void pic_update(struct pic *pic)
{
	struct pic_chip *m = &pic->chip[0];

	if (pic_pending(&pic->chip[1]) >= 0)
		m->irr |= 1U << PIC_CASCADE_IRQ;
	else
		m->irr &= ~(1U << PIC_CASCADE_IRQ);
	irq_line_set(&pic->intr, pic_pending(m) >= 0);
}

void pic_set_irq(void *opaque, unsigned int irq, bool level)
{
	struct pic *pic = opaque;
	struct pic_chip *c;
	__u8 bit;

	if (irq >= PIC_IRQS || irq == PIC_CASCADE_IRQ)
		return;
	c = &pic->chip[irq >> 3];
	bit = 1U << (irq & 7);
	if (c->elcr & bit) {
		if (level)
			c->irr |= bit;
		else
			c->irr &= ~bit;
	} else if (level && !(c->pins & bit)) {
		c->irr |= bit;
	}
	if (level)
		c->pins |= bit;
	else
		c->pins &= ~bit;
	pic_update(pic);
}

/* Input @irq acknowledged on @c. */
static void pic_acked(struct pic_chip *c, unsigned int irq)
{
	__u8 bit = 1U << irq;

	if (!(c->elcr & bit))
		c->irr &= ~bit;
	if (!c->auto_eoi)
		c->isr |= bit;
	else if (c->rotate_aeoi)
		c->lowest = irq;
}

__u8 pic_ack(struct pic *pic)
{
	struct pic_chip *m = &pic->chip[0], *s = &pic->chip[1];
	int irq = pic_pending(m), irq2;
	__u8 vector;

	if (irq < 0) {
		vector = m->base + 7;
	} else if (irq == PIC_CASCADE_IRQ) {
		pic_acked(m, irq);
		irq2 = pic_pending(s);
		if (irq2 < 0) {
			vector = s->base + 7;
		} else {
			pic_acked(s, irq2);
			vector = s->base + irq2;
		}
	} else {
		pic_acked(m, irq);
		vector = m->base + irq;
	}
	pic_update(pic);
	return vector;
}

static void pic_ocw2(struct pic_chip *c, __u8 v)
{
	int irq;

	switch (v >> 5) {
	case 0:			/* clear rotate in automatic EOI mode */
		c->rotate_aeoi = false;
		break;
	case 4:			/* set rotate in automatic EOI mode */
		c->rotate_aeoi = true;
		break;
	case 1:			/* non-specific EOI */
	case 5:			/* rotate on non-specific EOI */
		irq = pic_highest(c, c->isr);
		if (irq < 0)
			break;
		c->isr &= ~(1U << irq);
		if (v >> 5 == 5)
			c->lowest = irq;
		break;
	case 3:			/* specific EOI */
	case 7:			/* rotate on specific EOI */
		c->isr &= ~(1U << (v & 7));
		if (v >> 5 == 7)
			c->lowest = v & 7;
		break;
	case 6:			/* set priority */
		c->lowest = v & 7;
		break;
	default:		/* 2: no operation */
		break;
	}
}

static void pic_command(struct pic_chip *c, __u8 v)
{
	if (v & PIC_ICW1) {
		pic_chip_reset(c);
		c->icw4 = v & PIC_ICW1_IC4;
		c->single = v & PIC_ICW1_SNGL;
		c->init_step = 2;
	} else if (v & PIC_OCW3) {
		if (v & PIC_OCW3_POLL)
			c->poll = true;
		if (v & PIC_OCW3_RR)
			c->read_isr = v & PIC_OCW3_RIS;
		if (v & PIC_OCW3_ESMM)
			c->special_mask = v & PIC_OCW3_SMM;
	} else {
		pic_ocw2(c, v);
	}
}

static void pic_data(struct pic_chip *c, __u8 v)
{
	switch (c->init_step) {
	case 2:
		c->base = v & 0xf8;
		c->init_step = c->single ? (c->icw4 ? 4 : 0) : 3;
		break;
	case 3:
		c->init_step = c->icw4 ? 4 : 0;
		break;
	case 4:
		c->auto_eoi = v & PIC_ICW4_AEOI;
		c->init_step = 0;
		break;
	default:
		c->imr = v;
		break;
	}
}

__u64 pic_read(void *opaque, __u64 offset, unsigned int size)
{
	const struct pic_port *port = opaque;
	struct pic_chip *c = &port->pic->chip[port->chip];
	int irq;
	__u8 v;

	if (size != 1)
		return bus_all_ones(size);
	if (offset)
		return c->imr;
	if (!c->poll)
		return c->read_isr ? c->isr : c->irr;
	/* The poll: the request of highest priority, acknowledged. */
	c->poll = false;
	irq = pic_pending(c);
	v = 0;
	if (irq >= 0) {
		pic_acked(c, irq);
		v = PIC_POLL_INT | irq;
	}
	pic_update(port->pic);
	return v;
}

void pic_write(void *opaque, __u64 offset, unsigned int size, __u64 value)
{
	const struct pic_port *port = opaque;
	struct pic_chip *c = &port->pic->chip[port->chip];

	if (size != 1)
		return;
	if (offset)
		pic_data(c, value);
	else
		pic_command(c, value);
	pic_update(port->pic);
}

__u64 pic_elcr_read(void *opaque, __u64 offset, unsigned int size)
{
	struct pic *pic = opaque;

	if (size != 1 || offset > 1)
		return bus_all_ones(size);
	return pic->chip[offset].elcr;
}

void pic_elcr_write(void *opaque, __u64 offset, unsigned int size, __u64 value)
{
	struct pic *pic = opaque;
	struct pic_chip *c;

	if (size != 1 || offset > 1)
		return;
	c = &pic->chip[offset];
	c->elcr = value & (offset ? PIC_ELCR_SLAVE_MASK : PIC_ELCR_MASTER_MASK);
	/* A level input requests while high, an edge one keeps its latch. */
	c->irr = (c->irr & ~c->elcr) | (c->pins & c->elcr);
	pic_update(pic);
}
