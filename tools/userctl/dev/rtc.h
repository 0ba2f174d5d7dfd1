/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An MC146818 real-time clock with its CMOS memory (Motorola MC146818A
 * datasheet) at ports 0x70 (index, and on a PC the NMI-mask bit 7) and
 * 0x71 (data): the time of day and date in BCD or binary, 12- or 24-hour,
 * status registers A to D, the update-in-progress bit, the update-ended,
 * alarm and periodic flags, and 114 bytes of CMOS memory.  The time runs
 * from a clock given by the platform (nanoseconds) and a start time.
 */
#ifndef USERCTL_DEV_RTC_H
#define USERCTL_DEV_RTC_H

#include <stdbool.h>
#include <time.h>
#include <linux/types.h>

#include "irq.h"

#define RTC_PORT_INDEX		0x70
#define RTC_PORT_DATA		0x71
#define RTC_NMI_DISABLE		0x80	/* port 0x70 bit 7 */
#define RTC_CMOS_SIZE		128

/* Registers. */
#define RTC_SECONDS		0x00
#define RTC_SECONDS_ALARM	0x01
#define RTC_MINUTES		0x02
#define RTC_MINUTES_ALARM	0x03
#define RTC_HOURS		0x04
#define RTC_HOURS_ALARM		0x05
#define RTC_DAY_OF_WEEK		0x06
#define RTC_DAY_OF_MONTH	0x07
#define RTC_MONTH		0x08
#define RTC_YEAR		0x09
#define RTC_REG_A		0x0a
#define RTC_REG_B		0x0b
#define RTC_REG_C		0x0c
#define RTC_REG_D		0x0d
#define RTC_CENTURY		0x32	/* the PC's (and ACPI's FADT) century byte */

#define RTC_A_UIP		0x80
#define RTC_A_RS		0x0f
#define RTC_B_SET		0x80
#define RTC_B_PIE		0x40
#define RTC_B_AIE		0x20
#define RTC_B_UIE		0x10
#define RTC_B_DM_BINARY		0x04
#define RTC_B_24H		0x02
#define RTC_C_IRQF		0x80
#define RTC_C_PF		0x40
#define RTC_C_AF		0x20
#define RTC_C_UF		0x10
#define RTC_D_VRT		0x80
#define RTC_HOUR_PM		0x80
#define RTC_ALARM_ANY		0xc0	/* an alarm byte of 0xc0-0xff matches all */

/* The update-in-progress window before each second's update, in ns. */
#define RTC_UIP_NS		244000ULL

/**
 * struct rtc - the clock and its memory.
 * @index: the register port 0x70 selects (bits 6:0).
 * @nmi_disabled: port 0x70 bit 7 as last written.
 * @cmos: every register's byte; the time registers hold what was last
 *	written (or set at start) and are worked out at each read.
 * @base_time: the time of day, in seconds since the epoch (UTC), at
 *	@base_ns.
 * @base_ns: when the time was @base_time, on the platform's clock.
 * @flags_ns: when status register C's flags were last cleared.
 * @now: the platform's clock, in nanoseconds.
 * @now_opaque: its argument.
 * @irq: the interrupt output (IRQ 8): status register C's IRQF.
 */
struct rtc {
	__u8 index;
	bool nmi_disabled;
	__u8 cmos[RTC_CMOS_SIZE];
	time_t base_time;
	__u64 base_ns;
	__u64 flags_ns;
	__u64 (*now)(void *opaque);
	void *now_opaque;
	struct irq_line irq;
};

/*
 * An RTC whose time is @start (seconds since the epoch, UTC) now, in
 * 24-hour BCD mode, its century byte set; @mem_kib of RAM written to the
 * PC's memory-size bytes.
 */
void rtc_init(struct rtc *rtc, time_t start, __u64 mem_kib,
	      __u64 (*now)(void *opaque), void *opaque);

/* Status register C's flags now (without clearing them), and IRQ 8 driven to IRQF. */
__u8 rtc_update_irq(struct rtc *rtc);

/* Bus callbacks: port 0x70 (offset 0) and 0x71 (offset 1), byte accesses. */
__u64 rtc_read(void *opaque, __u64 offset, unsigned int size);
void rtc_write(void *opaque, __u64 offset, unsigned int size, __u64 value);

#endif /* USERCTL_DEV_RTC_H */
