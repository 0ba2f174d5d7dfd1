// SPDX-License-Identifier: GPL-2.0
/*
 * The MC146818 RTC and CMOS memory (dev/rtc.h).  The time registers are
 * not ticked: the time of day is worked out at each read from the
 * platform's clock, and shown in the format status register B says now
 * (BCD or binary, 12- or 24-hour; a real part keeps the bytes it holds
 * when the format changes).  A write of a time register sets that field
 * of the current time.  While B's SET bit is 1 the time stands still.
 * Years are 2000-2099 plus the century byte (0x32), which reads and
 * writes the century.  The day of the week is worked out from the date.
 * Status register C's flags are worked out from the time since it was
 * last read: UF if a second's update came, PF if a periodic-rate
 * boundary came (rate select in A; the divider bits are not checked),
 * AF if an update came whose time matched the alarm (0xc0-0xff in an
 * alarm byte matching any value).
 */
#include <string.h>

#include "bus.h"
#include "rtc.h"

#define NS_PER_S		1000000000ULL
/* The alarm is checked against at most a day of updates. */
#define RTC_ALARM_SCAN		86400

static __u64 rtc_now(struct rtc *rtc)
{
	return rtc->now(rtc->now_opaque);
}

static bool rtc_binary(const struct rtc *rtc)
{
	return rtc->cmos[RTC_REG_B] & RTC_B_DM_BINARY;
}

static __u8 rtc_encode(const struct rtc *rtc, unsigned int v)
{
	return rtc_binary(rtc) ? v : (v / 10) << 4 | v % 10;
}

static unsigned int rtc_decode(const struct rtc *rtc, __u8 v)
{
	return rtc_binary(rtc) ? v : (v >> 4) * 10 + (v & 0xf);
}

/* The time of day now, in seconds since the epoch. */
static time_t rtc_time(struct rtc *rtc)
{
	if (rtc->cmos[RTC_REG_B] & RTC_B_SET)
		return rtc->base_time;
	return rtc->base_time + (rtc_now(rtc) - rtc->base_ns) / NS_PER_S;
}

static void rtc_set_time(struct rtc *rtc, time_t t)
{
	rtc->base_time = t;
	rtc->base_ns = rtc_now(rtc);
}

/* An hour (0-23) as the hours register shows it. */
static __u8 rtc_encode_hour(const struct rtc *rtc, unsigned int hour)
{
	unsigned int h12 = hour % 12 ? hour % 12 : 12;

	if (rtc->cmos[RTC_REG_B] & RTC_B_24H)
		return rtc_encode(rtc, hour);
	return rtc_encode(rtc, h12) | (hour >= 12 ? RTC_HOUR_PM : 0);
}

static unsigned int rtc_decode_hour(const struct rtc *rtc, __u8 v)
{
	if (rtc->cmos[RTC_REG_B] & RTC_B_24H)
		return rtc_decode(rtc, v);
	return rtc_decode(rtc, v & ~RTC_HOUR_PM) % 12 + (v & RTC_HOUR_PM ? 12 : 0);
}

/* PC memory-size bytes: base, extended (KiB, at most 0xffff), above 16 MiB (64 KiB units). */
static void rtc_set_memory(struct rtc *rtc, __u64 mem_kib)
{
	__u64 ext = mem_kib > 1024 ? mem_kib - 1024 : 0;
	__u64 above16 = mem_kib > 16384 ? (mem_kib - 16384) / 64 : 0;

	if (ext > 0xffff)
		ext = 0xffff;
	if (above16 > 0xffff)
		above16 = 0xffff;
	rtc->cmos[0x15] = 640 & 0xff;
	rtc->cmos[0x16] = 640 >> 8;
	rtc->cmos[0x17] = ext & 0xff;
	rtc->cmos[0x18] = ext >> 8;
	rtc->cmos[0x30] = ext & 0xff;
	rtc->cmos[0x31] = ext >> 8;
	rtc->cmos[0x34] = above16 & 0xff;
	rtc->cmos[0x35] = above16 >> 8;
}

void rtc_init(struct rtc *rtc, time_t start, __u64 mem_kib,
	      __u64 (*now)(void *opaque), void *opaque)
{
	memset(rtc, 0, sizeof(*rtc));
	rtc->now = now;
	rtc->now_opaque = opaque;
	/* 32.768 kHz time base (DV 010), 1024 Hz periodic rate (RS 0110). */
	rtc->cmos[RTC_REG_A] = 0x26;
	rtc->cmos[RTC_REG_B] = RTC_B_24H;
	rtc->cmos[RTC_REG_D] = RTC_D_VRT;
	rtc_set_memory(rtc, mem_kib);
	rtc_set_time(rtc, start);
	rtc->flags_ns = rtc->base_ns;
}

/* The periodic interrupt's period, from rate select; 0: none. */
static __u64 rtc_period_ns(const struct rtc *rtc)
{
	unsigned int rs = rtc->cmos[RTC_REG_A] & RTC_A_RS;

	if (!rs)
		return 0;
	if (rs <= 2)
		rs += 7;
	return (1ULL << (rs - 1)) * NS_PER_S / 32768;
}

static bool rtc_alarm_match(const struct rtc *rtc, time_t t)
{
	struct tm tm;
	__u8 a;

	gmtime_r(&t, &tm);
	a = rtc->cmos[RTC_SECONDS_ALARM];
	if (a < RTC_ALARM_ANY && rtc_decode(rtc, a) != (unsigned int)tm.tm_sec)
		return false;
	a = rtc->cmos[RTC_MINUTES_ALARM];
	if (a < RTC_ALARM_ANY && rtc_decode(rtc, a) != (unsigned int)tm.tm_min)
		return false;
	a = rtc->cmos[RTC_HOURS_ALARM];
	return a >= RTC_ALARM_ANY || rtc_decode_hour(rtc, a) == (unsigned int)tm.tm_hour;
}

/* Status register C's flags now. */
static __u8 rtc_flags(struct rtc *rtc)
{
	__u8 b = rtc->cmos[RTC_REG_B], c = 0;
	__u64 now = rtc_now(rtc), period = rtc_period_ns(rtc);
	time_t from, to, t;

	if (period && now / period > rtc->flags_ns / period)
		c |= RTC_C_PF;
	if (!(b & RTC_B_SET)) {
		/* The updates since: one at each second of the clock's time. */
		from = rtc->base_time + (rtc->flags_ns - rtc->base_ns) / NS_PER_S;
		to = rtc->base_time + (now - rtc->base_ns) / NS_PER_S;
		if (rtc->flags_ns < rtc->base_ns)
			from = rtc->base_time;
		if (to > from)
			c |= RTC_C_UF;
		for (t = from + 1; t <= to && t - from <= RTC_ALARM_SCAN; t++) {
			if (rtc_alarm_match(rtc, t)) {
				c |= RTC_C_AF;
				break;
			}
		}
	}
	if (c & (b & (RTC_B_PIE | RTC_B_AIE | RTC_B_UIE)))
		c |= RTC_C_IRQF;
	return c;
}

__u8 rtc_update_irq(struct rtc *rtc)
{
	__u8 c = rtc_flags(rtc);

	irq_line_set(&rtc->irq, c & RTC_C_IRQF);
	return c;
}

static __u8 rtc_read_reg(struct rtc *rtc, unsigned int reg)
{
	time_t t = rtc_time(rtc);
	struct tm tm;
	__u64 frac;
	__u8 c;

	gmtime_r(&t, &tm);
	switch (reg) {
	case RTC_SECONDS:
		return rtc_encode(rtc, tm.tm_sec);
	case RTC_MINUTES:
		return rtc_encode(rtc, tm.tm_min);
	case RTC_HOURS:
		return rtc_encode_hour(rtc, tm.tm_hour);
	case RTC_DAY_OF_WEEK:
		return rtc_encode(rtc, tm.tm_wday + 1);
	case RTC_DAY_OF_MONTH:
		return rtc_encode(rtc, tm.tm_mday);
	case RTC_MONTH:
		return rtc_encode(rtc, tm.tm_mon + 1);
	case RTC_YEAR:
		return rtc_encode(rtc, tm.tm_year % 100);
	case RTC_CENTURY:
		return rtc_encode(rtc, (tm.tm_year + 1900) / 100);
	case RTC_REG_A:
		c = rtc->cmos[RTC_REG_A] & ~RTC_A_UIP;
		frac = (rtc_now(rtc) - rtc->base_ns) % NS_PER_S;
		if (!(rtc->cmos[RTC_REG_B] & RTC_B_SET) &&
		    NS_PER_S - frac <= RTC_UIP_NS)
			c |= RTC_A_UIP;
		return c;
	case RTC_REG_C:
		c = rtc_flags(rtc);
		rtc->flags_ns = rtc_now(rtc);
		irq_line_set(&rtc->irq, false);
		return c;
	default:
		return rtc->cmos[reg];
	}
}

/* Set one field of the time of day; out-of-range values are taken as given. */
static void rtc_write_time(struct rtc *rtc, unsigned int reg, __u8 v)
{
	time_t t = rtc_time(rtc);
	struct tm tm;

	gmtime_r(&t, &tm);
	switch (reg) {
	case RTC_SECONDS:
		tm.tm_sec = rtc_decode(rtc, v);
		break;
	case RTC_MINUTES:
		tm.tm_min = rtc_decode(rtc, v);
		break;
	case RTC_HOURS:
		tm.tm_hour = rtc_decode_hour(rtc, v);
		break;
	case RTC_DAY_OF_MONTH:
		tm.tm_mday = rtc_decode(rtc, v);
		break;
	case RTC_MONTH:
		tm.tm_mon = rtc_decode(rtc, v) - 1;
		break;
	case RTC_YEAR:
		tm.tm_year = (tm.tm_year + 1900) / 100 * 100 + rtc_decode(rtc, v) - 1900;
		break;
	case RTC_CENTURY:
		tm.tm_year = rtc_decode(rtc, v) * 100 + tm.tm_year % 100 - 1900;
		break;
	default:
		return;		/* the day of the week follows the date */
	}
	rtc_set_time(rtc, timegm(&tm));
}

static void rtc_write_reg(struct rtc *rtc, unsigned int reg, __u8 v)
{
	switch (reg) {
	case RTC_SECONDS:
	case RTC_MINUTES:
	case RTC_HOURS:
	case RTC_DAY_OF_WEEK:
	case RTC_DAY_OF_MONTH:
	case RTC_MONTH:
	case RTC_YEAR:
	case RTC_CENTURY:
		rtc_write_time(rtc, reg, v);
		break;
	case RTC_REG_A:
		rtc->cmos[reg] = v & ~RTC_A_UIP;
		break;
	case RTC_REG_B:
		/* SET stops the time where it is and clears UIE; clearing it restarts. */
		if ((v & RTC_B_SET) && !(rtc->cmos[reg] & RTC_B_SET)) {
			rtc_set_time(rtc, rtc_time(rtc));
			v &= ~RTC_B_UIE;
		} else if (!(v & RTC_B_SET) && (rtc->cmos[reg] & RTC_B_SET)) {
			rtc->base_ns = rtc_now(rtc);
		}
		rtc->cmos[reg] = v;
		break;
	case RTC_REG_C:
	case RTC_REG_D:
		break;		/* read-only */
	default:
		rtc->cmos[reg] = v;
		break;
	}
}

__u64 rtc_read(void *opaque, __u64 offset, unsigned int size)
{
	struct rtc *rtc = opaque;

	if (size != 1)
		return bus_all_ones(size);
	/* The index port reads back nothing useful on a PC. */
	if (offset == 0)
		return 0xff;
	return rtc_read_reg(rtc, rtc->index);
}

void rtc_write(void *opaque, __u64 offset, unsigned int size, __u64 value)
{
	struct rtc *rtc = opaque;

	if (size != 1)
		return;
	if (offset == 0) {
		rtc->index = value & (RTC_CMOS_SIZE - 1);
		rtc->nmi_disabled = value & RTC_NMI_DISABLE;
		return;
	}
	rtc_write_reg(rtc, rtc->index, value);
}
