// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the device models of tools/userctl/dev/, written from
 * their datasheets: register by register, and the behaviour of their
 * inputs and outputs.
 */
#include "check.h"
#include "dev/bus.h"
#include "dev/ioapic.h"
#include "dev/irq.h"

/* --- the I/O APIC (Intel 82093AA datasheet) --------------------------- */

static struct ioapic_msg msgs[16];
static unsigned int nmsgs;

static void record_msg(void *opaque, const struct ioapic_msg *msg)
{
	(void)opaque;
	if (nmsgs < sizeof(msgs) / sizeof(msgs[0]))
		msgs[nmsgs] = *msg;
	nmsgs++;
}

static void new_ioapic(struct ioapic *io)
{
	ioapic_init(io, 2, record_msg, NULL);
	nmsgs = 0;
	memset(msgs, 0, sizeof(msgs));
}

static __u32 reg_read(struct ioapic *io, __u8 reg)
{
	ioapic_write(io, IOAPIC_REGSEL, 4, reg);
	return ioapic_read(io, IOAPIC_WIN, 4);
}

static void reg_write(struct ioapic *io, __u8 reg, __u32 value)
{
	ioapic_write(io, IOAPIC_REGSEL, 4, reg);
	ioapic_write(io, IOAPIC_WIN, 4, value);
}

static void set_rte(struct ioapic *io, unsigned int pin, __u64 rte)
{
	reg_write(io, IOAPIC_REG_REDTBL + 2 * pin + 1, rte >> 32);
	reg_write(io, IOAPIC_REG_REDTBL + 2 * pin, (__u32)rte);
}

static __u64 get_rte(struct ioapic *io, unsigned int pin)
{
	return (__u64)reg_read(io, IOAPIC_REG_REDTBL + 2 * pin + 1) << 32 |
	       reg_read(io, IOAPIC_REG_REDTBL + 2 * pin);
}

/* ID, version, arbitration; IOREGSEL reads back; reset entries masked. */
static void test_ioapic_registers(void)
{
	struct ioapic io;
	unsigned int pin;

	new_ioapic(&io);
	CHECK_HEX(reg_read(&io, IOAPIC_REG_ID), 0x02000000);
	CHECK_HEX(ioapic_read(&io, IOAPIC_REGSEL, 4), IOAPIC_REG_ID);
	/* Version 0x11, 24 entries (the highest, 23, in bits 23:16). */
	CHECK_HEX(reg_read(&io, IOAPIC_REG_VER), 0x00170011);
	CHECK_HEX(reg_read(&io, IOAPIC_REG_ARB), 0x02000000);
	reg_write(&io, IOAPIC_REG_ID, 0x0f000000 | 0x00ffffff);
	CHECK_HEX(reg_read(&io, IOAPIC_REG_ID), 0x0f000000);
	/* Version and arbitration are read-only. */
	reg_write(&io, IOAPIC_REG_VER, 0);
	CHECK_HEX(reg_read(&io, IOAPIC_REG_VER), 0x00170011);
	for (pin = 0; pin < IOAPIC_PINS; pin++)
		CHECK_HEX(get_rte(&io, pin), IOAPIC_RTE_MASKED);
	/* Past the table: reserved, reads 0, writes dropped. */
	reg_write(&io, IOAPIC_REG_REDTBL + 2 * IOAPIC_PINS, 0x12345678);
	CHECK_HEX(reg_read(&io, IOAPIC_REG_REDTBL + 2 * IOAPIC_PINS), 0);
	/* Only 32-bit accesses. */
	CHECK_HEX(ioapic_read(&io, IOAPIC_WIN, 1), 0xff);
}

/* An entry keeps what is writable; delivery status and remote IRR are not. */
static void test_ioapic_rte_bits(void)
{
	struct ioapic io;

	new_ioapic(&io);
	set_rte(&io, 5, ~0ULL);
	CHECK_HEX(get_rte(&io, 5), IOAPIC_RTE_WRITABLE);
	CHECK_HEX(get_rte(&io, 5) & (IOAPIC_RTE_DELIVS | IOAPIC_RTE_REMOTE_IRR), 0);
	/* The high dword alone: the destination. */
	reg_write(&io, IOAPIC_REG_REDTBL + 2 * 6 + 1, 0x07000000);
	CHECK_HEX(get_rte(&io, 6), 0x0700000000000000ULL | IOAPIC_RTE_MASKED);
	CHECK_INT(nmsgs, 0);
}

/* Edge, active high: one message per rising edge, none while masked. */
static void test_ioapic_edge(void)
{
	struct ioapic io;
	struct irq_line line = { 0 };

	new_ioapic(&io);
	irq_line_connect(&line, ioapic_set_pin, &io, 4);
	set_rte(&io, 4, 0x0300000000000000ULL | IOAPIC_RTE_DESTMODE | 0x24);
	irq_line_set(&line, true);
	CHECK_INT(nmsgs, 1);
	CHECK_INT(msgs[0].vector, 0x24);
	CHECK_INT(msgs[0].dest, 3);
	CHECK(msgs[0].logical);
	CHECK(!msgs[0].level);
	CHECK_INT(msgs[0].delivery_mode, 0);
	/* Held high: no more; low then high again: one more. */
	irq_line_set(&line, true);
	CHECK_INT(nmsgs, 1);
	irq_line_set(&line, false);
	CHECK_INT(nmsgs, 1);
	irq_line_set(&line, true);
	CHECK_INT(nmsgs, 2);
	/* No remote IRR for an edge. */
	CHECK_HEX(get_rte(&io, 4) & IOAPIC_RTE_REMOTE_IRR, 0);
	/* Masked: the edge is lost, and unmasking does not bring it back. */
	irq_line_set(&line, false);
	set_rte(&io, 4, IOAPIC_RTE_MASKED | 0x24);
	irq_line_set(&line, true);
	set_rte(&io, 4, 0x24);
	CHECK_INT(nmsgs, 2);
	/* The EOI of its vector changes nothing for an edge entry. */
	ioapic_eoi(&io, 0x24);
	CHECK_INT(nmsgs, 2);
}

/* Active low: the falling edge is the one that counts. */
static void test_ioapic_polarity(void)
{
	struct ioapic io;

	new_ioapic(&io);
	ioapic_set_pin(&io, 8, true);
	set_rte(&io, 8, IOAPIC_RTE_POLARITY | 0x38);
	CHECK_INT(nmsgs, 0);
	ioapic_set_pin(&io, 8, false);
	CHECK_INT(nmsgs, 1);
	ioapic_set_pin(&io, 8, true);
	CHECK_INT(nmsgs, 1);
}

/*
 * Level: a message while asserted, unmasked and without remote IRR; the
 * remote IRR holds the next one until the EOI of the vector.
 */
static void test_ioapic_level(void)
{
	struct ioapic io;

	new_ioapic(&io);
	set_rte(&io, 9, IOAPIC_RTE_LEVEL | 0x41);
	ioapic_set_pin(&io, 9, true);
	CHECK_INT(nmsgs, 1);
	CHECK(msgs[0].level);
	CHECK_HEX(get_rte(&io, 9) & IOAPIC_RTE_REMOTE_IRR, IOAPIC_RTE_REMOTE_IRR);
	/* Still asserted, remote IRR set: nothing more. */
	ioapic_set_pin(&io, 9, true);
	CHECK_INT(nmsgs, 1);
	/* The EOI of another vector: nothing. */
	ioapic_eoi(&io, 0x42);
	CHECK_INT(nmsgs, 1);
	/* The EOI of its vector with the pin still asserted: again. */
	ioapic_eoi(&io, 0x41);
	CHECK_INT(nmsgs, 2);
	/* Deasserted, then EOI: remote IRR clear, no message. */
	ioapic_set_pin(&io, 9, false);
	ioapic_eoi(&io, 0x41);
	CHECK_INT(nmsgs, 2);
	CHECK_HEX(get_rte(&io, 9) & IOAPIC_RTE_REMOTE_IRR, 0);
	/* Masked while asserted: held; unmasking sends it. */
	set_rte(&io, 9, IOAPIC_RTE_LEVEL | IOAPIC_RTE_MASKED | 0x41);
	ioapic_set_pin(&io, 9, true);
	CHECK_INT(nmsgs, 2);
	set_rte(&io, 9, IOAPIC_RTE_LEVEL | 0x41);
	CHECK_INT(nmsgs, 3);
	/* Rewriting the entry keeps the remote IRR; making it edge clears it. */
	set_rte(&io, 9, IOAPIC_RTE_LEVEL | 0x41);
	CHECK_HEX(get_rte(&io, 9) & IOAPIC_RTE_REMOTE_IRR, IOAPIC_RTE_REMOTE_IRR);
	CHECK_INT(nmsgs, 3);
	set_rte(&io, 9, 0x41);
	CHECK_HEX(get_rte(&io, 9) & IOAPIC_RTE_REMOTE_IRR, 0);
}

/* Delivery modes and destinations as the entry says; pins out of range ignored. */
static void test_ioapic_message(void)
{
	struct ioapic io;

	new_ioapic(&io);
	set_rte(&io, 23, 0xff00000000000000ULL | (4ULL << 8) | 0x02);
	ioapic_set_pin(&io, 23, true);
	CHECK_INT(nmsgs, 1);
	CHECK_INT(msgs[0].delivery_mode, 4);
	CHECK_INT(msgs[0].dest, 0xff);
	CHECK(!msgs[0].logical);
	ioapic_set_pin(&io, IOAPIC_PINS, true);
	CHECK_INT(nmsgs, 1);
	CHECK_INT(io.sent, 1);
}

int main(void)
{
	RUN(test_ioapic_registers);
	RUN(test_ioapic_rte_bits);
	RUN(test_ioapic_edge);
	RUN(test_ioapic_polarity);
	RUN(test_ioapic_level);
	RUN(test_ioapic_message);
	return check_report();
}
