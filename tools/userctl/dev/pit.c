// SPDX-License-Identifier: GPL-2.0
/*
 * The 8254 PIT (dev/pit.h), after the Intel 8254 datasheet.  A channel's
 * state is computed from the clock when it is read, not ticked: the
 * ticks since its count was loaded, at 1.193182 MHz, give the count and
 * the output in its mode:
 *
 * - mode 0: OUT low from the mode write; the count runs down from N (0
 *   meaning 65536) and goes on from 0xffff; OUT rises when it reaches 0
 *   and stays high.  Writing the first byte of a two-byte count stops it;
 * - mode 2: OUT high; N, N-1, ..., 1, then N again; OUT low while the
 *   count is 1;
 * - mode 3: OUT high for the first ceil(N/2) ticks of each N, low for the
 *   rest; the count read runs down by 2 per tick within each half (the
 *   8254's sequence for odd counts is not modelled);
 * - mode 4: OUT high; the count runs down from N, OUT low for the one
 *   tick at 0, and the count goes on from 0xffff.
 *
 * Modes 1 and 5 (started by a rising gate) count as 0 and 4 at once; the
 * BCD bit is kept and shown by read-back, the counts are binary.  Channel
 * 2's gate is port 0x61 bit 0: low, it stops modes 0 and 4 where they are
 * and holds modes 2 and 3 with OUT high; back high, modes 2 and 3 start
 * again from N.  Channels 0 and 1 have their gates high.  A count written
 * while a channel counts takes effect at once.
 */
#include <string.h>

#include "bus.h"
#include "pit.h"

#define NS_PER_S		1000000000ULL
/* Port 0x61 bit 4 toggles with each DRAM refresh, every 15.085 us. */
#define PIT_REFRESH_NS		15085ULL

/* Control word fields. */
#define PIT_CW_BCD		0x01
#define PIT_CW_SC(cw)		(((cw) >> 6) & 3)
#define PIT_CW_RW(cw)		(((cw) >> 4) & 3)
#define PIT_CW_MODE(cw)		(((cw) >> 1) & 7)
#define PIT_READBACK		3
#define PIT_RB_NO_COUNT		0x20
#define PIT_RB_NO_STATUS	0x10
#define PIT_STATUS_OUT		0x80
#define PIT_STATUS_NULL		0x40

void pit_init(struct pit *pit, __u64 (*now)(void *opaque), void *opaque)
{
	unsigned int i;

	memset(pit, 0, sizeof(*pit));
	pit->now = now;
	pit->now_opaque = opaque;
	for (i = 0; i < PIT_CHANNELS; i++) {
		pit->ch[i].gate = i != 2;
		pit->ch[i].rw = 3;
	}
}

static __u64 pit_now(struct pit *pit)
{
	return pit->now(pit->now_opaque);
}

static __u64 pit_n(const struct pit_channel *ch)
{
	return ch->reload ? ch->reload : 0x10000;
}

/* The mode as it counts: 1 and 5 as 0 and 4; 6 and 7 are 2 and 3. */
static unsigned int pit_mode(const struct pit_channel *ch)
{
	switch (ch->mode) {
	case 1:
		return 0;
	case 5:
		return 4;
	case 6:
	case 7:
		return ch->mode - 4;
	default:
		return ch->mode;
	}
}

static __u64 ns_to_ticks(__u64 ns)
{
	return (__uint128_t)ns * PIT_HZ / NS_PER_S;
}

static __u64 ticks_to_ns(__u64 ticks)
{
	return ((__uint128_t)ticks * NS_PER_S + PIT_HZ - 1) / PIT_HZ;
}

/* Ticks counted since the count was loaded. */
static __u64 pit_ticks(struct pit *pit, const struct pit_channel *ch)
{
	__u64 now = pit_now(pit);

	if (!ch->gate)
		return ch->paused_ticks;
	return ch->paused_ticks + ns_to_ticks(now - ch->start_ns);
}

__u16 pit_count(struct pit *pit, unsigned int c)
{
	const struct pit_channel *ch = &pit->ch[c];
	__u64 n = pit_n(ch), t, half;

	if (!ch->loaded)
		return ch->reload;
	t = pit_ticks(pit, ch);
	switch (pit_mode(ch)) {
	case 2:
		return n - t % n;
	case 3:
		t %= n;
		half = (n + 1) / 2;
		return n - 2 * (t < half ? t : t - half);
	default:
		return (n - t) & 0xffff;
	}
}

bool pit_out(struct pit *pit, unsigned int c)
{
	const struct pit_channel *ch = &pit->ch[c];
	__u64 n = pit_n(ch), t;

	if (!ch->loaded)
		return pit_mode(ch) != 0;
	t = pit_ticks(pit, ch);
	switch (pit_mode(ch)) {
	case 0:
		return t >= n;
	case 2:
		return !ch->gate || t % n != n - 1;
	case 3:
		return !ch->gate || t % n < (n + 1) / 2;
	default:
		return t != n;
	}
}

/* The rising edges of channel 0's output within the first @t ticks. */
static __u64 pit_edges(const struct pit_channel *ch, __u64 t)
{
	__u64 n = pit_n(ch);

	switch (pit_mode(ch)) {
	case 0:
		return t >= n;
	case 2:
	case 3:
		return t / n;
	default:
		return t > n;
	}
}

void pit_update_irq(struct pit *pit)
{
	struct pit_channel *ch = &pit->ch[0];
	__u64 edges;

	if (!ch->loaded) {
		irq_line_set(&pit->irq0, pit_out(pit, 0));
		return;
	}
	edges = pit_edges(ch, pit_ticks(pit, ch));
	/* Edges since the last update: one interrupt, however many. */
	if (edges != pit->irq_edges) {
		pit->irq_edges = edges;
		irq_line_set(&pit->irq0, false);
		irq_line_set(&pit->irq0, true);
	}
	irq_line_set(&pit->irq0, pit_out(pit, 0));
}

__u64 pit_next_edge_ns(struct pit *pit)
{
	const struct pit_channel *ch = &pit->ch[0];
	__u64 n = pit_n(ch), t, next;

	if (!ch->loaded)
		return 0;
	t = pit_ticks(pit, ch);
	switch (pit_mode(ch)) {
	case 0:
		if (t >= n)
			return 0;
		next = n;
		break;
	case 2:
	case 3:
		next = (t / n + 1) * n;
		break;
	default:
		if (t > n)
			return 0;
		next = n + 1;
		break;
	}
	return ch->start_ns + ticks_to_ns(next - ch->paused_ticks);
}

static void pit_load(struct pit *pit, struct pit_channel *ch, __u32 count)
{
	ch->reload = count;
	ch->loaded = true;
	ch->paused_ticks = 0;
	ch->start_ns = pit_now(pit);
	if (ch == &pit->ch[0])
		pit->irq_edges = 0;
}

static void pit_latch(struct pit *pit, unsigned int c)
{
	struct pit_channel *ch = &pit->ch[c];

	if (ch->latched)
		return;
	ch->latch = pit_count(pit, c);
	ch->latched = true;
	ch->read_msb = false;
}

/* The read-back status byte: OUT, null count, and the control word's bits. */
static __u8 pit_status(struct pit *pit, unsigned int c)
{
	const struct pit_channel *ch = &pit->ch[c];

	return (pit_out(pit, c) ? PIT_STATUS_OUT : 0) |
	       (ch->loaded ? 0 : PIT_STATUS_NULL) | ch->cw;
}

static void pit_control(struct pit *pit, __u8 cw)
{
	unsigned int c = PIT_CW_SC(cw), i;
	struct pit_channel *ch;

	if (c == PIT_READBACK) {
		for (i = 0; i < PIT_CHANNELS; i++) {
			ch = &pit->ch[i];
			if (!(cw & (2 << i)))
				continue;
			if (!(cw & PIT_RB_NO_STATUS) && !ch->status_latched) {
				ch->status = pit_status(pit, i);
				ch->status_latched = true;
			}
			if (!(cw & PIT_RB_NO_COUNT))
				pit_latch(pit, i);
		}
		return;
	}
	ch = &pit->ch[c];
	if (!PIT_CW_RW(cw)) {
		pit_latch(pit, c);
		return;
	}
	ch->rw = PIT_CW_RW(cw);
	ch->mode = PIT_CW_MODE(cw);
	ch->cw = cw & 0x3f;
	ch->loaded = false;
	ch->latched = false;
	ch->status_latched = false;
	ch->read_msb = false;
	ch->write_msb = false;
}

__u64 pit_read(void *opaque, __u64 offset, unsigned int size)
{
	struct pit *pit = opaque;
	struct pit_channel *ch;
	__u16 v;
	__u8 byte;

	if (size != 1 || offset >= PIT_CHANNELS)
		return bus_all_ones(size);
	ch = &pit->ch[offset];
	if (ch->status_latched) {
		ch->status_latched = false;
		return ch->status;
	}
	v = ch->latched ? ch->latch : pit_count(pit, offset);
	switch (ch->rw) {
	case 1:
		byte = v;
		ch->latched = false;
		break;
	case 2:
		byte = v >> 8;
		ch->latched = false;
		break;
	default:
		byte = ch->read_msb ? v >> 8 : v;
		if (ch->read_msb)
			ch->latched = false;
		ch->read_msb = !ch->read_msb;
		break;
	}
	return byte;
}

void pit_write(void *opaque, __u64 offset, unsigned int size, __u64 value)
{
	struct pit *pit = opaque;
	struct pit_channel *ch;
	__u8 byte = value;

	if (size != 1)
		return;
	if (offset == PIT_PORT_CONTROL) {
		pit_control(pit, byte);
		return;
	}
	if (offset >= PIT_CHANNELS)
		return;
	ch = &pit->ch[offset];
	switch (ch->rw) {
	case 1:
		pit_load(pit, ch, byte);
		break;
	case 2:
		pit_load(pit, ch, byte << 8);
		break;
	default:
		if (!ch->write_msb) {
			ch->write_lsb = byte;
			ch->write_msb = true;
			/* Mode 0 stops counting at the first byte. */
			if (pit_mode(ch) == 0)
				ch->loaded = false;
			break;
		}
		ch->write_msb = false;
		pit_load(pit, ch, ch->write_lsb | byte << 8);
		break;
	}
}

/* Channel 2's gate, port 0x61 bit 0. */
static void pit_set_gate2(struct pit *pit, bool gate)
{
	struct pit_channel *ch = &pit->ch[2];
	__u64 now = pit_now(pit);

	if (gate == ch->gate)
		return;
	if (!gate) {
		ch->paused_ticks += ns_to_ticks(now - ch->start_ns);
	} else {
		/* Modes 2 and 3 start again from N on a rising gate. */
		if (pit_mode(ch) == 2 || pit_mode(ch) == 3)
			ch->paused_ticks = 0;
		ch->start_ns = now;
	}
	ch->gate = gate;
}

__u64 pit_port61_read(void *opaque, __u64 offset, unsigned int size)
{
	struct pit *pit = opaque;
	__u8 v = pit->port61 & PIT_61_WRITABLE;

	(void)offset;
	if ((pit_now(pit) / PIT_REFRESH_NS) & 1)
		v |= 0x10;
	if (pit_out(pit, 2))
		v |= PIT_61_OUT2;
	return size == 1 ? v : bus_all_ones(size);
}

void pit_port61_write(void *opaque, __u64 offset, unsigned int size, __u64 value)
{
	struct pit *pit = opaque;

	(void)offset;
	if (size != 1)
		return;
	pit->port61 = value & PIT_61_WRITABLE;
	pit_set_gate2(pit, value & PIT_61_GATE2);
}
