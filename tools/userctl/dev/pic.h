/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The PC's pair of 8259A interrupt controllers (Intel 8259A datasheet),
 * the slave cascaded on the master's IR2: ports 0x20/0x21 and 0xa0/0xa1,
 * and the edge/level control registers 0x4d0/0x4d1.  The master's INT
 * output is an interrupt line (on a PC, the local APIC's LINT0, ExtINT);
 * the interrupt acknowledge is pic_ack().
 */
#ifndef USERCTL_DEV_PIC_H
#define USERCTL_DEV_PIC_H

#include <stdbool.h>
#include <linux/types.h>

#include "irq.h"

#define PIC_MASTER_PORT		0x20
#define PIC_SLAVE_PORT		0xa0
#define PIC_ELCR_PORT		0x4d0
#define PIC_CASCADE_IRQ		2
#define PIC_IRQS		16

/* ELCR bits that exist: not IRQ 0, 1, 2, 8 or 13. */
#define PIC_ELCR_MASTER_MASK	0xf8
#define PIC_ELCR_SLAVE_MASK	0xde

/**
 * struct pic_chip - one 8259A.
 * @irr: interrupt request register.
 * @isr: in-service register.
 * @imr: interrupt mask register (OCW1).
 * @elcr: edge (0) or level (1) per input.
 * @pins: each input's level.
 * @base: vector of IR0 (ICW2, bits 7:3).
 * @lowest: the input with the lowest priority (7 at init; rotation).
 * @init_step: 0 initialized; 2, 3, 4: the ICW expected next.
 * @icw4: ICW1 asked for ICW4.
 * @single: ICW1's SNGL: no ICW3.
 * @auto_eoi: ICW4's AEOI.
 * @rotate_aeoi: rotate on automatic EOI (OCW2).
 * @read_isr: OCW3 selects ISR (not IRR) for reads of the command port.
 * @poll: OCW3's poll command waits for the next read.
 * @special_mask: special mask mode (OCW3).
 */
struct pic_chip {
	__u8 irr;
	__u8 isr;
	__u8 imr;
	__u8 elcr;
	__u8 pins;
	__u8 base;
	__u8 lowest;
	__u8 init_step;
	bool icw4;
	bool single;
	bool auto_eoi;
	bool rotate_aeoi;
	bool read_isr;
	bool poll;
	bool special_mask;
};

/**
 * struct pic - the master (chip 0) and the slave (chip 1).
 * @chip: the two controllers.
 * @intr: the master's INT output.
 */
struct pic {
	struct pic_chip chip[2];
	struct irq_line intr;
};

/* Both controllers at power-up: uninitialized, everything masked off. */
void pic_init(struct pic *pic);

/* Input @irq (0-15) at @level: struct irq_line's set, @opaque the pic. */
void pic_set_irq(void *opaque, unsigned int irq, bool level);

/* The interrupt acknowledge: the vector the CPU reads (spurious: IR7's). */
__u8 pic_ack(struct pic *pic);

/* Bus callbacks: offset 0 command, 1 data; @opaque a struct pic_port. */
__u64 pic_read(void *opaque, __u64 offset, unsigned int size);
void pic_write(void *opaque, __u64 offset, unsigned int size, __u64 value);
/* ELCR: offset 0 the master's, 1 the slave's; @opaque the pic. */
__u64 pic_elcr_read(void *opaque, __u64 offset, unsigned int size);
void pic_elcr_write(void *opaque, __u64 offset, unsigned int size, __u64 value);

/**
 * struct pic_port - what a bus range of one controller passes.
 * @pic: the pair.
 * @chip: 0 the master, 1 the slave.
 */
struct pic_port {
	struct pic *pic;
	unsigned int chip;
};

#endif /* USERCTL_DEV_PIC_H */
