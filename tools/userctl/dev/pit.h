/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An 8254 programmable interval timer (Intel 8254 datasheet) at ports
 * 0x40-0x43, with the PC's port 0x61 (NMI status and control: channel 2's
 * gate, the speaker enable, channel 2's output): channels 0 and 2, modes
 * 0 (interrupt on terminal count), 2 (rate generator), 3 (square wave)
 * and 4 (software-triggered strobe), binary counts, counter latch and
 * read-back commands.  The counts follow a clock given by the platform
 * (nanoseconds), at 1.193182 MHz; channel 0's output is IRQ 0.
 */
#ifndef USERCTL_DEV_PIT_H
#define USERCTL_DEV_PIT_H

#include <stdbool.h>
#include <linux/types.h>

#include "irq.h"

#define PIT_PORT_BASE		0x40
#define PIT_PORTS		4
#define PIT_PORT_CONTROL	3	/* offset of the control word register */
#define PIT_PORT_61		0x61
#define PIT_HZ			1193182ULL
#define PIT_CHANNELS		3

/* Port 0x61 bits. */
#define PIT_61_GATE2		0x01
#define PIT_61_SPEAKER		0x02
#define PIT_61_OUT2		0x20
#define PIT_61_WRITABLE		0x0f

/**
 * struct pit_channel - one counter.
 * @cw: the control word's RW, mode and BCD bits, as read-back shows them.
 * @mode: 0-7 as programmed (6 and 7 are 2 and 3; 1 and 5 count as 0 and
 *	4, their gate trigger not modelled).
 * @rw: 1 LSB, 2 MSB, 3 LSB then MSB.
 * @reload: the count written (0 means 65536).
 * @loaded: a count was written since the mode was.
 * @start_ns: when counting began, from @reload.
 * @gate: the gate input.
 * @paused_ticks: ticks counted before the gate last went low (mode 0/4).
 * @latched: a latched count waits to be read.
 * @latch: that count.
 * @status_latched: a read-back status waits to be read (before any count).
 * @status: that status byte.
 * @read_msb: the next read of a 16-bit access gives the MSB.
 * @write_msb: the next write of a 16-bit access is the MSB.
 * @write_lsb: the LSB written before it.
 */
struct pit_channel {
	__u8 cw;
	__u8 mode;
	__u8 rw;
	__u32 reload;
	bool loaded;
	__u64 start_ns;
	bool gate;
	__u64 paused_ticks;
	bool latched;
	__u16 latch;
	bool status_latched;
	__u8 status;
	bool read_msb;
	bool write_msb;
	__u8 write_lsb;
};

/**
 * struct pit - the 8254 and port 0x61.
 * @ch: the channels (channel 1, DRAM refresh on a PC, counts like the
 *	others and drives nothing).
 * @port61: port 0x61's writable bits as written.
 * @now: the platform's clock, in nanoseconds.
 * @now_opaque: its argument.
 * @irq0: channel 0's output.
 * @irq_edges: channel 0's rising edges pit_update_irq() has passed on.
 */
struct pit {
	struct pit_channel ch[PIT_CHANNELS];
	__u8 port61;
	__u64 (*now)(void *opaque);
	void *now_opaque;
	struct irq_line irq0;
	__u64 irq_edges;
};

/* A PIT at power-up (no channel programmed), reading time from @now(@opaque). */
void pit_init(struct pit *pit, __u64 (*now)(void *opaque), void *opaque);

/* The count channel @c shows now, and its output. */
__u16 pit_count(struct pit *pit, unsigned int c);
bool pit_out(struct pit *pit, unsigned int c);

/*
 * Drive @pit->irq0: a pulse (low, then high) if channel 0's output rose
 * since the last call, however many times (a late timer gives one
 * interrupt, not a burst), then its level now.  The platform calls it
 * from its timer when pit_next_edge_ns() says.
 */
void pit_update_irq(struct pit *pit);

/* When channel 0's output next rises, in the clock's ns; 0: never. */
__u64 pit_next_edge_ns(struct pit *pit);

/* Bus callbacks: ports 0x40-0x43, and port 0x61. */
__u64 pit_read(void *opaque, __u64 offset, unsigned int size);
void pit_write(void *opaque, __u64 offset, unsigned int size, __u64 value);
__u64 pit_port61_read(void *opaque, __u64 offset, unsigned int size);
void pit_port61_write(void *opaque, __u64 offset, unsigned int size, __u64 value);

#endif /* USERCTL_DEV_PIT_H */
