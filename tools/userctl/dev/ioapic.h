/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An I/O APIC (Intel 82093AA datasheet): 24 input pins, each routed by a
 * redirection-table entry to an interrupt message for the local APICs,
 * edge- or level-triggered, active high or low, with the remote IRR of a
 * level-triggered entry held until the local APIC's EOI of its vector.
 * Registers through IOREGSEL (offset 0x00) and IOWIN (offset 0x10) on the
 * MMIO bus.
 */
#ifndef USERCTL_DEV_IOAPIC_H
#define USERCTL_DEV_IOAPIC_H

#include <stdbool.h>
#include <linux/const.h>
#include <linux/types.h>

#define IOAPIC_DEFAULT_BASE	0xfec00000ULL
#define IOAPIC_MMIO_SIZE	0x20
#define IOAPIC_PINS		24

/* Memory-mapped registers (offsets from the base). */
#define IOAPIC_REGSEL		0x00
#define IOAPIC_WIN		0x10

/* Indirect registers (IOREGSEL values). */
#define IOAPIC_REG_ID		0x00
#define IOAPIC_REG_VER		0x01
#define IOAPIC_REG_ARB		0x02
#define IOAPIC_REG_REDTBL	0x10	/* entry N: 0x10 + 2N (low), + 1 (high) */

#define IOAPIC_VERSION		0x11

/* Redirection-table entry bits. */
#define IOAPIC_RTE_VECTOR	0xffULL
#define IOAPIC_RTE_DELMODE	(7ULL << 8)
#define IOAPIC_RTE_DESTMODE	_BITULL(11)	/* logical */
#define IOAPIC_RTE_DELIVS	_BITULL(12)	/* delivery status, read-only */
#define IOAPIC_RTE_POLARITY	_BITULL(13)	/* active low */
#define IOAPIC_RTE_REMOTE_IRR	_BITULL(14)	/* read-only */
#define IOAPIC_RTE_LEVEL	_BITULL(15)	/* level-triggered */
#define IOAPIC_RTE_MASKED	_BITULL(16)
#define IOAPIC_RTE_DEST_SHIFT	56

/* Delivery modes (bits 10:8 of an entry; struct ioapic_msg.delivery_mode). */
#define IOAPIC_DM_FIXED		0
#define IOAPIC_DM_LOWEST	1
#define IOAPIC_DM_SMI		2
#define IOAPIC_DM_NMI		4
#define IOAPIC_DM_INIT		5
#define IOAPIC_DM_EXTINT	7
/* What software writes: everything but the read-only bits and reserved ones. */
#define IOAPIC_RTE_WRITABLE	(IOAPIC_RTE_VECTOR | IOAPIC_RTE_DELMODE |	\
				 IOAPIC_RTE_DESTMODE | IOAPIC_RTE_POLARITY |	\
				 IOAPIC_RTE_LEVEL | IOAPIC_RTE_MASKED |	\
				 (0xffULL << IOAPIC_RTE_DEST_SHIFT))

/**
 * struct ioapic_msg - an interrupt message the I/O APIC sends.
 * @vector: the vector.
 * @delivery_mode: 0 fixed, 1 lowest priority, 2 SMI, 4 NMI, 5 INIT,
 *	7 ExtINT (bits 10:8 of the entry).
 * @logical: the destination is logical.
 * @level: level-triggered (the local APIC's EOI will be needed).
 * @dest: the destination (APIC ID, or logical destination).
 */
struct ioapic_msg {
	__u8 vector;
	__u8 delivery_mode;
	bool logical;
	bool level;
	__u8 dest;
};

/**
 * struct ioapic - the I/O APIC's state.
 * @id: the ID register's ID (bits 27:24 of register 0).
 * @regsel: IOREGSEL.
 * @rte: the redirection table.
 * @pin_level: each pin's input level as its line drives it.
 * @send: delivers a message to the local APICs (with the lock of the
 *	devices held); NULL: messages go nowhere.
 * @send_opaque: its argument.
 * @sent: messages sent.
 */
struct ioapic {
	__u8 id;
	__u8 regsel;
	__u64 rte[IOAPIC_PINS];
	bool pin_level[IOAPIC_PINS];
	void (*send)(void *opaque, const struct ioapic_msg *msg);
	void *send_opaque;
	__u64 sent;
};

/* An I/O APIC at reset (every entry masked) with ID @id, sending through @send. */
void ioapic_init(struct ioapic *io, __u8 id,
		 void (*send)(void *opaque, const struct ioapic_msg *msg), void *opaque);

/* The interrupt-line input of pin @pin (struct irq_line's set, @opaque the I/O APIC). */
void ioapic_set_pin(void *opaque, unsigned int pin, bool level);

/*
 * The local APIC's EOI of @vector, for level-triggered interrupts: clears
 * the remote IRR of the entries with that vector, and sends again for a
 * pin still asserted.
 */
void ioapic_eoi(struct ioapic *io, __u8 vector);

/* Bus callbacks: IOREGSEL and IOWIN, 32-bit accesses (others are dropped). */
__u64 ioapic_read(void *opaque, __u64 offset, unsigned int size);
void ioapic_write(void *opaque, __u64 offset, unsigned int size, __u64 value);

#endif /* USERCTL_DEV_IOAPIC_H */
