/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ways a PC guest turns itself off or resets: the ACPI fixed-hardware
 * PM1a event and control registers (ACPI 6.5, 4.8.3: SCI_EN always set,
 * SLP_EN with the S5 sleep type powers off), the reset control register
 * at port 0xcf9 (a write with bit 2, the ACPI FADT's reset register), and
 * port 0x92's fast reset (bit 0 going from 0 to 1).  Each only records
 * the event; the platform ends the run.
 */
#ifndef USERCTL_DEV_POWER_H
#define USERCTL_DEV_POWER_H

#include <stdbool.h>
#include <linux/types.h>

/* Where the registers are; the ACPI tables say so to the guest. */
#define POWER_PM1A_EVT_PORT	0x600	/* PM1a_EVT_BLK: status (2), enable (2) */
#define POWER_PM1A_EVT_LEN	4
#define POWER_PM1A_CNT_PORT	0x604	/* PM1a_CNT_BLK */
#define POWER_PM1A_CNT_LEN	2
#define POWER_RESET_PORT	0xcf9
#define POWER_RESET_VALUE	0x06	/* what the FADT tells the guest to write */
#define POWER_PORT92		0x92
/* The SLP_TYP of S5 (soft off) in the DSDT's \_S5 package. */
#define POWER_S5_SLP_TYP	5

/* PM1 control register bits. */
#define POWER_PM1_SCI_EN	0x0001
#define POWER_PM1_SLP_TYP_SHIFT	10
#define POWER_PM1_SLP_TYP	(7 << POWER_PM1_SLP_TYP_SHIFT)
#define POWER_PM1_SLP_EN	0x2000

/* Port 0xcf9 bits: system reset, reset CPU (0 to 1 resets), full reset. */
#define POWER_CF9_SYS_RST	0x02
#define POWER_CF9_RST_CPU	0x04
#define POWER_CF9_FULL_RST	0x08

enum power_event {
	POWER_NONE,
	POWER_OFF,	/* S5 entered */
	POWER_RESET,	/* any of the reset paths */
};

/**
 * struct power - the registers' state.
 * @pm1_sts: PM1 status (write 1 to clear; nothing sets a bit).
 * @pm1_en: PM1 enable.
 * @pm1_cnt: PM1 control, as last written (SLP_EN reads 0).
 * @cf9: port 0xcf9, as last written.
 * @port92: port 0x92, as last written (bit 0 reads back 0 after a reset).
 * @event: what the guest asked for; POWER_NONE until it does.
 */
struct power {
	__u16 pm1_sts;
	__u16 pm1_en;
	__u16 pm1_cnt;
	__u8 cf9;
	__u8 port92;
	enum power_event event;
};

/**
 * power_init() - the registers at power-on: ACPI mode on (SCI_EN), no event.
 * @pw: the state.
 */
void power_init(struct power *pw);

/* Bus callbacks, @opaque the struct power: PM1a event block (offsets 0-3). */
__u64 power_evt_read(void *opaque, __u64 offset, unsigned int size);
void power_evt_write(void *opaque, __u64 offset, unsigned int size, __u64 value);
/* PM1a control block (offsets 0-1). */
__u64 power_cnt_read(void *opaque, __u64 offset, unsigned int size);
void power_cnt_write(void *opaque, __u64 offset, unsigned int size, __u64 value);
/* Port 0xcf9 (one byte). */
__u64 power_cf9_read(void *opaque, __u64 offset, unsigned int size);
void power_cf9_write(void *opaque, __u64 offset, unsigned int size, __u64 value);
/* Port 0x92 (one byte). */
__u64 power_port92_read(void *opaque, __u64 offset, unsigned int size);
void power_port92_write(void *opaque, __u64 offset, unsigned int size, __u64 value);

#endif /* USERCTL_DEV_POWER_H */
