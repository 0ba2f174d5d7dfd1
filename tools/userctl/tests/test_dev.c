// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the device models of tools/userctl/dev/, written from
 * their datasheets: register by register, and the behaviour of their
 * inputs and outputs.
 */
#include "check.h"
#include "dev/bus.h"
#include "dev/i8042.h"
#include "dev/ioapic.h"
#include "dev/irq.h"
#include "dev/pic.h"
#include "dev/pit.h"
#include "dev/power.h"
#include "dev/rtc.h"

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

/* --- the 8254 PIT (Intel 8254 datasheet) ------------------------------- */

static __u64 fake_ns;

static __u64 fake_now(void *opaque)
{
	(void)opaque;
	return fake_ns;
}

/* Advance the clock by @ticks PIT ticks (rounded up to whole ns). */
static void pit_advance(__u64 ticks)
{
	fake_ns += (ticks * 1000000000ULL + PIT_HZ - 1) / PIT_HZ;
}

static void pit_cw(struct pit *pit, __u8 cw)
{
	pit_write(pit, PIT_PORT_CONTROL, 1, cw);
}

/* Write a 16-bit count LSB then MSB, as the control word said. */
static void pit_count16(struct pit *pit, unsigned int c, __u16 n)
{
	pit_write(pit, c, 1, n & 0xff);
	pit_write(pit, c, 1, n >> 8);
}

static __u16 pit_read16(struct pit *pit, unsigned int c)
{
	__u16 lo = pit_read(pit, c, 1);

	return lo | pit_read(pit, c, 1) << 8;
}

static void new_pit(struct pit *pit)
{
	fake_ns = 1000000;
	pit_init(pit, fake_now, NULL);
}

/* Mode 0: OUT low, the count runs down, OUT rises at 0 and stays. */
static void test_pit_mode0(void)
{
	struct pit pit;

	new_pit(&pit);
	pit_cw(&pit, 0x30);		/* channel 0, LSB/MSB, mode 0 */
	CHECK(!pit_out(&pit, 0));
	pit_count16(&pit, 0, 1000);
	CHECK_INT(pit_count(&pit, 0), 1000);
	pit_advance(400);
	CHECK_INT(pit_count(&pit, 0), 600);
	CHECK(!pit_out(&pit, 0));
	pit_advance(600);
	CHECK_INT(pit_count(&pit, 0), 0);
	CHECK(pit_out(&pit, 0));
	/* It goes on from 0xffff, OUT still high. */
	pit_advance(5);
	CHECK_HEX(pit_count(&pit, 0), 0xfffb);
	CHECK(pit_out(&pit, 0));
	/* The first byte of a new count stops it, OUT low again. */
	pit_write(&pit, 0, 1, 0x10);
	CHECK(!pit_out(&pit, 0));
	pit_write(&pit, 0, 1, 0x00);
	CHECK_INT(pit_count(&pit, 0), 0x10);
	CHECK_INT(pit_next_edge_ns(&pit) > fake_ns, 1);
}

/* Mode 2: N..1, OUT low while 1, reload; edges every N ticks. */
static void test_pit_mode2(void)
{
	struct pit pit;
	__u64 t0;

	new_pit(&pit);
	pit_cw(&pit, 0x34);		/* channel 0, LSB/MSB, mode 2 */
	CHECK(pit_out(&pit, 0));
	pit_count16(&pit, 0, 100);
	t0 = fake_ns;
	CHECK_INT(pit_count(&pit, 0), 100);
	pit_advance(98);
	CHECK_INT(pit_count(&pit, 0), 2);
	CHECK(pit_out(&pit, 0));
	pit_advance(1);
	CHECK_INT(pit_count(&pit, 0), 1);
	CHECK(!pit_out(&pit, 0));
	pit_advance(1);
	CHECK_INT(pit_count(&pit, 0), 100);
	CHECK(pit_out(&pit, 0));
	/* The next rising edge: 200 ticks from the load. */
	CHECK_INT(pit_next_edge_ns(&pit),
		  t0 + (200 * 1000000000ULL + PIT_HZ - 1) / PIT_HZ);
	/* Mode 6 is mode 2. */
	pit_cw(&pit, 0x3c);
	pit_count16(&pit, 0, 10);
	pit_advance(9);
	CHECK(!pit_out(&pit, 0));
}

/* Mode 3: OUT high for ceil(N/2), low for the rest; the count by 2s. */
static void test_pit_mode3(void)
{
	struct pit pit;

	new_pit(&pit);
	pit_cw(&pit, 0x36);		/* channel 0, LSB/MSB, mode 3 */
	pit_count16(&pit, 0, 10);
	CHECK(pit_out(&pit, 0));
	pit_advance(2);
	CHECK_INT(pit_count(&pit, 0), 6);
	pit_advance(3);
	CHECK(!pit_out(&pit, 0));
	CHECK_INT(pit_count(&pit, 0), 10);
	pit_advance(5);
	CHECK(pit_out(&pit, 0));
	/* Odd: high for 3 of 5. */
	pit_count16(&pit, 0, 5);
	pit_advance(2);
	CHECK(pit_out(&pit, 0));
	pit_advance(1);
	CHECK(!pit_out(&pit, 0));
}

/* Mode 4: OUT high, low for the one tick at 0. */
static void test_pit_mode4(void)
{
	struct pit pit;

	new_pit(&pit);
	pit_cw(&pit, 0x38);		/* channel 0, LSB/MSB, mode 4 */
	pit_count16(&pit, 0, 50);
	pit_advance(49);
	CHECK(pit_out(&pit, 0));
	pit_advance(1);
	CHECK(!pit_out(&pit, 0));
	pit_advance(1);
	CHECK(pit_out(&pit, 0));
	CHECK_HEX(pit_count(&pit, 0), 0xffff);
}

/* Access modes, the counter latch, read-back of counts and status. */
static void test_pit_access(void)
{
	struct pit pit;

	new_pit(&pit);
	/* LSB only, then MSB only. */
	pit_cw(&pit, 0x14);		/* channel 0, LSB, mode 2 */
	pit_write(&pit, 0, 1, 200);
	CHECK_INT(pit_count(&pit, 0), 200);
	CHECK_INT(pit_read(&pit, 0, 1), 200);
	pit_cw(&pit, 0x24);		/* channel 0, MSB, mode 2 */
	pit_write(&pit, 0, 1, 2);
	CHECK_INT(pit_count(&pit, 0), 512);
	CHECK_INT(pit_read(&pit, 0, 1), 2);
	/* Latch: the count at the latch, read whole, while it runs on. */
	pit_cw(&pit, 0x34);
	pit_count16(&pit, 0, 1000);
	pit_advance(100);
	pit_cw(&pit, 0x00);		/* latch channel 0 */
	pit_advance(100);
	pit_cw(&pit, 0x00);		/* a second latch before reading: ignored */
	CHECK_INT(pit_read16(&pit, 0), 900);
	CHECK_INT(pit_read16(&pit, 0), 800);
	/* Read-back: status then count of channel 2, not yet loaded. */
	pit_cw(&pit, 0xb6);		/* channel 2, LSB/MSB, mode 3 */
	pit_cw(&pit, 0xc8);		/* read-back: count and status, ch 2 */
	CHECK_HEX(pit_read(&pit, 2, 1), 0x80 | 0x40 | 0x36);
	pit_count16(&pit, 2, 0x1234);
	pit_cw(&pit, 0xe8);		/* read-back: status only, ch 2 */
	CHECK_HEX(pit_read(&pit, 2, 1), 0x80 | 0x36);
	/* Only byte accesses. */
	CHECK_HEX(pit_read(&pit, 0, 2), 0xffff);
}

/* Port 0x61: channel 2's gate and OUT2, as calibration loops use them. */
static void test_pit_port61(void)
{
	struct pit pit;
	int polls = 0;

	new_pit(&pit);
	/* Gate low, speaker off; channel 2 in mode 0, as Linux calibrates. */
	pit_port61_write(&pit, 0, 1, 0x00);
	pit_cw(&pit, 0xb0);		/* channel 2, LSB/MSB, mode 0 */
	pit_count16(&pit, 2, 11932);	/* 10 ms */
	pit_advance(1000);
	CHECK_INT(pit_count(&pit, 2), 11932);	/* gate low: stopped */
	pit_port61_write(&pit, 0, 1, PIT_61_GATE2);
	CHECK_HEX(pit_port61_read(&pit, 0, 1) & 0x0f, PIT_61_GATE2);
	while (!(pit_port61_read(&pit, 0, 1) & PIT_61_OUT2) && polls < 100000) {
		pit_advance(10);
		polls++;
	}
	CHECK_INT(polls, 1194);		/* ceil(11932 / 10) */
	/* Gate low in mode 0: the count holds. */
	pit_port61_write(&pit, 0, 1, 0);
	polls = pit_count(&pit, 2);
	pit_advance(500);
	CHECK_INT(pit_count(&pit, 2), polls);
}

static unsigned int irq0_rises;

static void count_rise(void *opaque, unsigned int pin, bool level)
{
	(void)opaque;
	(void)pin;
	if (level)
		irq0_rises++;
}

/* IRQ 0: one pulse per update that passed one edge or more. */
static void test_pit_irq0(void)
{
	struct pit pit;

	new_pit(&pit);
	irq_line_connect(&pit.irq0, count_rise, NULL, 0);
	irq0_rises = 0;
	pit_cw(&pit, 0x34);
	pit_count16(&pit, 0, 1000);
	pit_update_irq(&pit);
	CHECK_INT(irq0_rises, 1);	/* the line rises with OUT at the mode write */
	fake_ns = pit_next_edge_ns(&pit);
	pit_update_irq(&pit);
	CHECK_INT(irq0_rises, 2);
	pit_update_irq(&pit);
	CHECK_INT(irq0_rises, 2);
	/* Late by ten periods: one interrupt. */
	pit_advance(10000);
	pit_update_irq(&pit);
	CHECK_INT(irq0_rises, 3);
}

/* --- the MC146818 RTC and CMOS (Motorola MC146818A datasheet) --------- */

/* 2024-02-29 23:59:58 UTC, a Thursday. */
#define RTC_START	1709251198

static __u8 cmos_read(struct rtc *rtc, __u8 reg)
{
	rtc_write(rtc, 0, 1, reg);
	return rtc_read(rtc, 1, 1);
}

static void cmos_write(struct rtc *rtc, __u8 reg, __u8 v)
{
	rtc_write(rtc, 0, 1, reg);
	rtc_write(rtc, 1, 1, v);
}

static void new_rtc(struct rtc *rtc)
{
	fake_ns = 5000000000ULL;
	rtc_init(rtc, RTC_START, 256 * 1024, fake_now, NULL);
}

/* BCD, 24-hour: the date and time; a second later, the leap day ends. */
static void test_rtc_time(void)
{
	struct rtc rtc;

	new_rtc(&rtc);
	CHECK_HEX(cmos_read(&rtc, RTC_SECONDS), 0x58);
	CHECK_HEX(cmos_read(&rtc, RTC_MINUTES), 0x59);
	CHECK_HEX(cmos_read(&rtc, RTC_HOURS), 0x23);
	CHECK_HEX(cmos_read(&rtc, RTC_DAY_OF_WEEK), 5);
	CHECK_HEX(cmos_read(&rtc, RTC_DAY_OF_MONTH), 0x29);
	CHECK_HEX(cmos_read(&rtc, RTC_MONTH), 0x02);
	CHECK_HEX(cmos_read(&rtc, RTC_YEAR), 0x24);
	CHECK_HEX(cmos_read(&rtc, RTC_CENTURY), 0x20);
	fake_ns += 2 * 1000000000ULL;
	CHECK_HEX(cmos_read(&rtc, RTC_SECONDS), 0x00);
	CHECK_HEX(cmos_read(&rtc, RTC_HOURS), 0x00);
	CHECK_HEX(cmos_read(&rtc, RTC_DAY_OF_MONTH), 0x01);
	CHECK_HEX(cmos_read(&rtc, RTC_MONTH), 0x03);
	CHECK_HEX(cmos_read(&rtc, RTC_DAY_OF_WEEK), 6);
	CHECK_HEX(cmos_read(&rtc, RTC_REG_D), RTC_D_VRT);
}

/* Binary and 12-hour formats, and setting the time under SET. */
static void test_rtc_formats_and_set(void)
{
	struct rtc rtc;

	new_rtc(&rtc);
	cmos_write(&rtc, RTC_REG_B, RTC_B_DM_BINARY);	/* binary, 12-hour */
	CHECK_INT(cmos_read(&rtc, RTC_SECONDS), 58);
	CHECK_HEX(cmos_read(&rtc, RTC_HOURS), RTC_HOUR_PM | 11);
	/* SET: the time stands still while it is written. */
	cmos_write(&rtc, RTC_REG_B, RTC_B_SET | RTC_B_DM_BINARY | RTC_B_24H);
	cmos_write(&rtc, RTC_HOURS, 7);
	cmos_write(&rtc, RTC_MINUTES, 30);
	cmos_write(&rtc, RTC_SECONDS, 0);
	cmos_write(&rtc, RTC_YEAR, 25);
	cmos_write(&rtc, RTC_MONTH, 12);
	cmos_write(&rtc, RTC_DAY_OF_MONTH, 31);
	fake_ns += 5 * 1000000000ULL;
	CHECK_INT(cmos_read(&rtc, RTC_SECONDS), 0);
	/* Not in an update while SET. */
	CHECK_HEX(cmos_read(&rtc, RTC_REG_A) & RTC_A_UIP, 0);
	cmos_write(&rtc, RTC_REG_B, RTC_B_DM_BINARY | RTC_B_24H);
	fake_ns += 3 * 1000000000ULL;
	CHECK_INT(cmos_read(&rtc, RTC_SECONDS), 3);
	CHECK_INT(cmos_read(&rtc, RTC_MINUTES), 30);
	CHECK_INT(cmos_read(&rtc, RTC_HOURS), 7);
	CHECK_INT(cmos_read(&rtc, RTC_DAY_OF_MONTH), 31);
	CHECK_INT(cmos_read(&rtc, RTC_MONTH), 12);
	CHECK_INT(cmos_read(&rtc, RTC_YEAR), 25);
	CHECK_INT(cmos_read(&rtc, RTC_DAY_OF_WEEK), 4);	/* a Wednesday */
	/* 12-hour writes: 12 AM is 0, 12 PM is 12. */
	cmos_write(&rtc, RTC_REG_B, RTC_B_DM_BINARY);
	cmos_write(&rtc, RTC_HOURS, 12);
	cmos_write(&rtc, RTC_REG_B, RTC_B_DM_BINARY | RTC_B_24H);
	CHECK_INT(cmos_read(&rtc, RTC_HOURS), 0);
	cmos_write(&rtc, RTC_REG_B, RTC_B_DM_BINARY);
	cmos_write(&rtc, RTC_HOURS, RTC_HOUR_PM | 12);
	cmos_write(&rtc, RTC_REG_B, RTC_B_DM_BINARY | RTC_B_24H);
	CHECK_INT(cmos_read(&rtc, RTC_HOURS), 12);
}

/* UIP in the last 244 us before each update. */
static void test_rtc_uip(void)
{
	struct rtc rtc;

	new_rtc(&rtc);
	CHECK_HEX(cmos_read(&rtc, RTC_REG_A), 0x26);
	fake_ns += 1000000000ULL - RTC_UIP_NS - 1;
	CHECK_HEX(cmos_read(&rtc, RTC_REG_A) & RTC_A_UIP, 0);
	fake_ns += 1;
	CHECK_HEX(cmos_read(&rtc, RTC_REG_A) & RTC_A_UIP, RTC_A_UIP);
	fake_ns += RTC_UIP_NS;
	CHECK_HEX(cmos_read(&rtc, RTC_REG_A) & RTC_A_UIP, 0);
	/* UIP is read-only. */
	cmos_write(&rtc, RTC_REG_A, 0xa6);
	CHECK_HEX(cmos_read(&rtc, RTC_REG_A), 0x26);
}

/* Status C: UF, PF and AF, cleared by reading; IRQF and IRQ 8 by the enables. */
static void test_rtc_flags(void)
{
	struct rtc rtc;
	struct irq_line *l;

	new_rtc(&rtc);
	l = &rtc.irq;
	CHECK_HEX(cmos_read(&rtc, RTC_REG_C), 0);
	/* Half a second: a periodic tick (1024 Hz), no update. */
	fake_ns += 500000000ULL;
	CHECK_HEX(cmos_read(&rtc, RTC_REG_C), RTC_C_PF);
	CHECK_HEX(cmos_read(&rtc, RTC_REG_C), 0);
	/* An update, and with UIE, IRQF and the line. */
	cmos_write(&rtc, RTC_REG_B, RTC_B_24H | RTC_B_UIE);
	fake_ns += 600000000ULL;
	CHECK_HEX(rtc_update_irq(&rtc), RTC_C_IRQF | RTC_C_UF | RTC_C_PF);
	CHECK(l->level);
	CHECK_HEX(cmos_read(&rtc, RTC_REG_C), RTC_C_IRQF | RTC_C_UF | RTC_C_PF);
	CHECK(!l->level);
	/* Rate select 0: no periodic flag. */
	cmos_write(&rtc, RTC_REG_A, 0x20);
	cmos_write(&rtc, RTC_REG_B, RTC_B_24H | RTC_B_AIE);
	/* Alarm at xx:00:05 (BCD), six seconds on: AF once it passes. */
	cmos_write(&rtc, RTC_SECONDS_ALARM, 0x05);
	cmos_write(&rtc, RTC_MINUTES_ALARM, 0x00);
	cmos_write(&rtc, RTC_HOURS_ALARM, RTC_ALARM_ANY);
	CHECK_HEX(cmos_read(&rtc, RTC_SECONDS), 0x59);	/* 23:59:59.1 */
	fake_ns += 3 * 1000000000ULL;
	CHECK_HEX(cmos_read(&rtc, RTC_REG_C), RTC_C_UF);
	fake_ns += 3 * 1000000000ULL;
	CHECK_HEX(cmos_read(&rtc, RTC_REG_C), RTC_C_IRQF | RTC_C_AF | RTC_C_UF);
	/* Registers C and D are read-only. */
	cmos_write(&rtc, RTC_REG_D, 0);
	CHECK_HEX(cmos_read(&rtc, RTC_REG_D), RTC_D_VRT);
}

/* CMOS memory, the PC's memory-size bytes, the NMI-mask bit, byte access. */
static void test_rtc_cmos(void)
{
	struct rtc rtc;

	new_rtc(&rtc);
	/* 256 MiB: 640 KiB base, 0xffff KiB extended (capped), 3840 x 64 KiB above 16 MiB. */
	CHECK_INT(cmos_read(&rtc, 0x15) | cmos_read(&rtc, 0x16) << 8, 640);
	CHECK_INT(cmos_read(&rtc, 0x17) | cmos_read(&rtc, 0x18) << 8, 0xffff);
	CHECK_INT(cmos_read(&rtc, 0x30) | cmos_read(&rtc, 0x31) << 8, 0xffff);
	CHECK_INT(cmos_read(&rtc, 0x34) | cmos_read(&rtc, 0x35) << 8, 3840);
	cmos_write(&rtc, 0x7f, 0x5a);
	CHECK_HEX(cmos_read(&rtc, 0x7f), 0x5a);
	/* Bit 7 of the index is the NMI mask, not part of the index. */
	rtc_write(&rtc, 0, 1, RTC_NMI_DISABLE | 0x7f);
	CHECK(rtc.nmi_disabled);
	CHECK_HEX(rtc_read(&rtc, 1, 1), 0x5a);
	rtc_write(&rtc, 0, 1, 0x7f);
	CHECK(!rtc.nmi_disabled);
	CHECK_HEX(rtc_read(&rtc, 1, 2), 0xffff);
}

/* --- the 8259A pair (Intel 8259A datasheet) ----------------------------- */

static struct pic_port pic_master, pic_slave;

/* The pair as Linux and BIOSes set it up: vectors 0x20 and 0x28, 8086 mode. */
static void new_pic(struct pic *pic, bool aeoi)
{
	pic_init(pic);
	pic_master = (struct pic_port){ pic, 0 };
	pic_slave = (struct pic_port){ pic, 1 };
	pic_write(&pic_master, 0, 1, 0x11);	/* ICW1: ICW4 needed, cascade */
	pic_write(&pic_master, 1, 1, 0x20);	/* ICW2 */
	pic_write(&pic_master, 1, 1, 0x04);	/* ICW3: slave on IR2 */
	pic_write(&pic_master, 1, 1, aeoi ? 0x03 : 0x01);	/* ICW4 */
	pic_write(&pic_slave, 0, 1, 0x11);
	pic_write(&pic_slave, 1, 1, 0x28);
	pic_write(&pic_slave, 1, 1, 0x02);	/* its ID */
	pic_write(&pic_slave, 1, 1, aeoi ? 0x03 : 0x01);
}

static void pic_eoi(struct pic_port *port)
{
	pic_write(port, 0, 1, 0x20);		/* OCW2: non-specific EOI */
}

/* ICW1 clears the mask; OCW1 is the mask; reads give IRR, ISR as OCW3 says. */
static void test_pic_init_and_registers(void)
{
	struct pic pic;

	new_pic(&pic, false);
	CHECK_HEX(pic_read(&pic_master, 1, 1), 0);
	pic_write(&pic_master, 1, 1, 0xfb);
	CHECK_HEX(pic_read(&pic_master, 1, 1), 0xfb);
	pic_set_irq(&pic, 0, true);
	CHECK_HEX(pic_read(&pic_master, 0, 1), 0x01);	/* IRR */
	CHECK(!pic.intr.level);				/* masked */
	pic_write(&pic_master, 1, 1, 0xfa);
	CHECK(pic.intr.level);
	CHECK_INT(pic_ack(&pic), 0x20);
	CHECK(!pic.intr.level);
	CHECK_HEX(pic_read(&pic_master, 0, 1), 0x00);	/* IRR: the edge taken */
	pic_write(&pic_master, 0, 1, 0x0b);		/* OCW3: read ISR */
	CHECK_HEX(pic_read(&pic_master, 0, 1), 0x01);
	pic_eoi(&pic_master);
	CHECK_HEX(pic_read(&pic_master, 0, 1), 0x00);
	pic_write(&pic_master, 0, 1, 0x0a);		/* OCW3: read IRR */
	/* A new ICW1 clears the mask and the in-service register. */
	pic_write(&pic_master, 1, 1, 0xff);
	pic_write(&pic_master, 0, 1, 0x11);
	CHECK_HEX(pic_read(&pic_master, 1, 1), 0);
	/* Only byte accesses. */
	CHECK_HEX(pic_read(&pic_master, 1, 2), 0xffff);
}

/* Fixed priority: IR0 first; a lower request waits for the EOI. */
static void test_pic_priority(void)
{
	struct pic pic;

	new_pic(&pic, false);
	pic_set_irq(&pic, 4, true);
	pic_set_irq(&pic, 1, true);
	CHECK_INT(pic_ack(&pic), 0x21);
	/* IR4 is lower: nothing while IR1 is in service. */
	CHECK(!pic.intr.level);
	/* IR0 is higher: it nests. */
	pic_set_irq(&pic, 0, true);
	CHECK(pic.intr.level);
	CHECK_INT(pic_ack(&pic), 0x20);
	pic_eoi(&pic_master);		/* ends IR0, the highest in service */
	CHECK(!pic.intr.level);
	pic_eoi(&pic_master);		/* ends IR1 */
	CHECK(pic.intr.level);
	CHECK_INT(pic_ack(&pic), 0x24);
	/* Specific EOI of IR4. */
	pic_write(&pic_master, 0, 1, 0x64);
	pic_write(&pic_master, 0, 1, 0x0b);
	CHECK_HEX(pic_read(&pic_master, 0, 1), 0);
	/* Nothing pending: the acknowledge is spurious, IR7's, nothing in service. */
	CHECK_INT(pic_ack(&pic), 0x27);
	CHECK_HEX(pic_read(&pic_master, 0, 1), 0);
}

/* Rotation: the serviced input becomes the lowest; set priority too. */
static void test_pic_rotation(void)
{
	struct pic pic;

	new_pic(&pic, false);
	pic_set_irq(&pic, 1, true);
	CHECK_INT(pic_ack(&pic), 0x21);
	pic_write(&pic_master, 0, 1, 0xa0);	/* rotate on non-specific EOI */
	/* IR1 is now the lowest: IR2-IR7, IR0, IR1, so IR3 before IR0. */
	pic_set_irq(&pic, 0, true);
	pic_set_irq(&pic, 3, true);
	CHECK_INT(pic_ack(&pic), 0x23);
	pic_eoi(&pic_master);
	CHECK_INT(pic_ack(&pic), 0x20);
	pic_eoi(&pic_master);
	/* Set priority: IR5 lowest, so IR6 first. */
	pic_write(&pic_master, 0, 1, 0xc5);
	pic_set_irq(&pic, 0, false);
	pic_set_irq(&pic, 0, true);
	pic_set_irq(&pic, 6, true);
	CHECK_INT(pic_ack(&pic), 0x26);
}

/* The slave on IR2: its vector, and EOIs to both. */
static void test_pic_cascade(void)
{
	struct pic pic;

	new_pic(&pic, false);
	pic_set_irq(&pic, 8 + 4, true);		/* IRQ 12 */
	CHECK(pic.intr.level);
	CHECK_INT(pic_ack(&pic), 0x2c);
	CHECK(!pic.intr.level);
	/* IRQ 14 waits: the master's IR2 is still in service. */
	pic_set_irq(&pic, 14, true);
	pic_eoi(&pic_slave);
	CHECK(!pic.intr.level);
	pic_eoi(&pic_master);
	CHECK(pic.intr.level);
	CHECK_INT(pic_ack(&pic), 0x2e);
	/* The slave masked: nothing reaches the master. */
	pic_eoi(&pic_slave);
	pic_eoi(&pic_master);
	pic_write(&pic_slave, 1, 1, 0xff);
	pic_set_irq(&pic, 15, true);
	CHECK(!pic.intr.level);
	/* IRQ 2 itself is the cascade: an input there is ignored. */
	pic_set_irq(&pic, 2, true);
	CHECK(!pic.intr.level);
}

/* Level inputs (ELCR) request while high; automatic EOI; poll. */
static void test_pic_level_aeoi_poll(void)
{
	struct pic pic;

	new_pic(&pic, false);
	/* The reserved ELCR bits read 0. */
	pic_elcr_write(&pic, 0, 1, 0xff);
	pic_elcr_write(&pic, 1, 1, 0xff);
	CHECK_HEX(pic_elcr_read(&pic, 0, 1), PIC_ELCR_MASTER_MASK);
	CHECK_HEX(pic_elcr_read(&pic, 1, 1), PIC_ELCR_SLAVE_MASK);
	pic_set_irq(&pic, 11, true);
	CHECK_INT(pic_ack(&pic), 0x2b);
	pic_eoi(&pic_slave);
	pic_eoi(&pic_master);
	/* Still high: requested again. */
	CHECK(pic.intr.level);
	pic_set_irq(&pic, 11, false);
	CHECK(!pic.intr.level);
	/* Automatic EOI: nothing stays in service. */
	new_pic(&pic, true);
	pic_set_irq(&pic, 3, true);
	CHECK_INT(pic_ack(&pic), 0x23);
	pic_write(&pic_master, 0, 1, 0x0b);
	CHECK_HEX(pic_read(&pic_master, 0, 1), 0);
	/* Poll: the highest request, acknowledged, as 0x80 | its input. */
	new_pic(&pic, false);
	pic_set_irq(&pic, 5, true);
	pic_write(&pic_master, 0, 1, 0x0c);	/* OCW3: poll */
	CHECK_HEX(pic_read(&pic_master, 0, 1), 0x85);
	pic_write(&pic_master, 0, 1, 0x0c);
	CHECK_HEX(pic_read(&pic_master, 0, 1), 0x00);
}

/* Special mask mode: a masked in-service input does not block lower ones. */
static void test_pic_special_mask(void)
{
	struct pic pic;

	new_pic(&pic, false);
	pic_set_irq(&pic, 1, true);
	CHECK_INT(pic_ack(&pic), 0x21);
	pic_set_irq(&pic, 5, true);
	CHECK(!pic.intr.level);
	pic_write(&pic_master, 1, 1, 0x02);	/* mask IR1, in service */
	pic_write(&pic_master, 0, 1, 0x68);	/* OCW3: set special mask mode */
	CHECK(pic.intr.level);
	CHECK_INT(pic_ack(&pic), 0x25);
	pic_write(&pic_master, 0, 1, 0x48);	/* reset special mask mode */
	CHECK(!pic.intr.level);
}

/* --- power-off and reset (ACPI 6.5 4.8.3.2, 4.8.3.6; the ICH's 0xcf9) --- */

static void test_power_pm1(void)
{
	struct power pw;

	power_init(&pw);
	/* Without SMI_CMD the platform is in ACPI mode: SCI_EN reads 1. */
	CHECK_HEX(power_cnt_read(&pw, 0, 2), POWER_PM1_SCI_EN);
	/* A guest clearing it does not leave ACPI mode. */
	power_cnt_write(&pw, 0, 2, 0);
	CHECK_HEX(power_cnt_read(&pw, 0, 2), POWER_PM1_SCI_EN);
	/* SLP_TYP stored; SLP_EN is write-only, and S1 (type 1) does nothing. */
	power_cnt_write(&pw, 0, 2, 1 << 10 | POWER_PM1_SLP_EN);
	CHECK_INT(pw.event, POWER_NONE);
	CHECK_HEX(power_cnt_read(&pw, 0, 2), 1 << 10 | POWER_PM1_SCI_EN);
	/* S5 without SLP_EN: not yet. */
	power_cnt_write(&pw, 0, 2, 5 << 10);
	CHECK_INT(pw.event, POWER_NONE);
	/* The byte Linux's acpi_hw_write() may not use, then the whole word. */
	power_cnt_write(&pw, 1, 1, (5 << 10 | POWER_PM1_SLP_EN) >> 8);
	CHECK_INT(pw.event, POWER_OFF);

	/* PM1 status: write 1 to clear; enable: read/write. */
	power_init(&pw);
	pw.pm1_sts = 0x8101;
	power_evt_write(&pw, 0, 2, 0x0100);
	CHECK_HEX(power_evt_read(&pw, 0, 2), 0x8001);
	power_evt_write(&pw, 2, 2, 0x0120);
	CHECK_HEX(power_evt_read(&pw, 2, 2), 0x0120);
	CHECK_HEX(power_evt_read(&pw, 0, 4), 0x01208001);
	/* A 4-byte write reaches both: status bits written 0 stay. */
	power_evt_write(&pw, 0, 4, 0x00008000);
	CHECK_HEX(power_evt_read(&pw, 0, 4), 0x00000001);
	CHECK_INT(pw.event, POWER_NONE);
}

static void test_power_reset(void)
{
	struct power pw;

	power_init(&pw);
	/* 0xcf9: SYS_RST alone only chooses the kind; RST_CPU 0 -> 1 resets. */
	power_cf9_write(&pw, 0, 1, POWER_CF9_SYS_RST);
	CHECK_INT(pw.event, POWER_NONE);
	CHECK_HEX(power_cf9_read(&pw, 0, 1), POWER_CF9_SYS_RST);
	power_cf9_write(&pw, 0, 1, POWER_RESET_VALUE);
	CHECK_INT(pw.event, POWER_RESET);

	/* Port 0x92: the A20 bit is kept, bit 0 from 0 to 1 resets. */
	power_init(&pw);
	power_port92_write(&pw, 0, 1, 0x02);
	CHECK_INT(pw.event, POWER_NONE);
	CHECK_HEX(power_port92_read(&pw, 0, 1), 0x02);
	power_port92_write(&pw, 0, 1, 0x03);
	CHECK_INT(pw.event, POWER_RESET);
}

/* --- the 8042 (IBM PC/AT technical reference: the keyboard controller) --- */

static void test_i8042(void)
{
	struct i8042 kbc;

	i8042_init(&kbc);
	CHECK_HEX(i8042_read(&kbc, 4, 1), I8042_STR_SYSFLAG);
	/* Self test: 0x55 in the output buffer, OBF until it is read. */
	i8042_write(&kbc, 4, 1, I8042_CMD_SELF_TEST);
	CHECK_HEX(i8042_read(&kbc, 4, 1),
		  I8042_STR_SYSFLAG | I8042_STR_CMDDAT | I8042_STR_OBF);
	CHECK_HEX(i8042_read(&kbc, 0, 1), 0x55);
	CHECK_HEX(i8042_read(&kbc, 4, 1) & I8042_STR_OBF, 0);
	/* The command byte: written through 0x60 after command 0x60. */
	i8042_write(&kbc, 4, 1, I8042_CMD_READ_CTR);
	CHECK_HEX(i8042_read(&kbc, 0, 1), 0x40);
	i8042_write(&kbc, 4, 1, I8042_CMD_WRITE_CTR);
	i8042_write(&kbc, 0, 1, 0x45);
	CHECK_HEX(i8042_read(&kbc, 4, 1) & I8042_STR_CMDDAT, 0);
	i8042_write(&kbc, 4, 1, I8042_CMD_READ_CTR);
	CHECK_HEX(i8042_read(&kbc, 0, 1), 0x45);
	i8042_write(&kbc, 4, 1, I8042_CMD_KBD_TEST);
	CHECK_HEX(i8042_read(&kbc, 0, 1), 0x00);
	/* A byte for the absent keyboard: no answer, no reset. */
	i8042_write(&kbc, 0, 1, 0xff);
	CHECK_HEX(i8042_read(&kbc, 4, 1) & I8042_STR_OBF, 0);
	/* Pulse commands: 0xff pulses nothing, 0xfe the reset line. */
	i8042_write(&kbc, 4, 1, 0xff);
	CHECK(!kbc.reset);
	i8042_write(&kbc, 4, 1, I8042_CMD_PULSE_RESET);
	CHECK(kbc.reset);
	/* Writing the output port with bit 0 clear resets too. */
	i8042_init(&kbc);
	i8042_write(&kbc, 4, 1, I8042_CMD_WRITE_OUTPUT);
	i8042_write(&kbc, 0, 1, 0x03);
	CHECK(!kbc.reset);
	i8042_write(&kbc, 4, 1, I8042_CMD_WRITE_OUTPUT);
	i8042_write(&kbc, 0, 1, 0x02);
	CHECK(kbc.reset);
}

int main(void)
{
	RUN(test_ioapic_registers);
	RUN(test_ioapic_rte_bits);
	RUN(test_ioapic_edge);
	RUN(test_ioapic_polarity);
	RUN(test_ioapic_level);
	RUN(test_ioapic_message);
	RUN(test_pit_mode0);
	RUN(test_pit_mode2);
	RUN(test_pit_mode3);
	RUN(test_pit_mode4);
	RUN(test_pit_access);
	RUN(test_pit_port61);
	RUN(test_pit_irq0);
	RUN(test_rtc_time);
	RUN(test_rtc_formats_and_set);
	RUN(test_rtc_uip);
	RUN(test_rtc_flags);
	RUN(test_rtc_cmos);
	RUN(test_pic_init_and_registers);
	RUN(test_pic_priority);
	RUN(test_pic_rotation);
	RUN(test_pic_cascade);
	RUN(test_pic_level_aeoi_poll);
	RUN(test_pic_special_mask);
	RUN(test_power_pm1);
	RUN(test_power_reset);
	RUN(test_i8042);
	return check_report();
}
