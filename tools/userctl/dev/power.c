// SPDX-License-Identifier: GPL-2.0
/*
 * Power-off and reset registers of the PC platform (dev/power.h).
 */
#include "power.h"

void power_init(struct power *pw)
{
	pw->pm1_sts = 0;
	pw->pm1_en = 0;
	/* No SMI_CMD in the FADT: the platform is in ACPI mode from reset. */
	pw->pm1_cnt = POWER_PM1_SCI_EN;
	pw->cf9 = 0;
	pw->port92 = 0;
	pw->event = POWER_NONE;
}

/* The bytes [@offset, @offset + @size) of the 32-bit value @reg. */
static __u64 power_bytes(__u32 reg, __u64 offset, unsigned int size)
{
	__u64 v = (__u64)reg >> (offset * 8);

	return size >= 4 ? v : v & ((1ULL << (size * 8)) - 1);
}

/* @reg with the bytes [@offset, @offset + @size) replaced from @value. */
static __u32 power_merge(__u32 reg, __u64 offset, unsigned int size, __u64 value)
{
	unsigned int i;

	for (i = 0; i < size && offset + i < 4; i++) {
		unsigned int shift = (offset + i) * 8;

		reg = (reg & ~(0xffU << shift)) | (__u32)((value >> (i * 8)) & 0xff) << shift;
	}
	return reg;
}

__u64 power_evt_read(void *opaque, __u64 offset, unsigned int size)
{
	struct power *pw = opaque;

	return power_bytes(pw->pm1_sts | (__u32)pw->pm1_en << 16, offset, size);
}

void power_evt_write(void *opaque, __u64 offset, unsigned int size, __u64 value)
{
	struct power *pw = opaque;
	__u32 w = power_merge(0, offset, size, value);
	__u32 mask = power_merge(0, offset, size, ~0ULL);

	/* Status bits are cleared by writing 1; enable bits are stored. */
	pw->pm1_sts &= ~(__u16)w;
	if (mask >> 16)
		pw->pm1_en = (pw->pm1_en & ~(__u16)(mask >> 16)) | (__u16)(w >> 16);
}

__u64 power_cnt_read(void *opaque, __u64 offset, unsigned int size)
{
	struct power *pw = opaque;

	return power_bytes(pw->pm1_cnt, offset, size);
}

void power_cnt_write(void *opaque, __u64 offset, unsigned int size, __u64 value)
{
	struct power *pw = opaque;
	__u16 v = power_merge(pw->pm1_cnt, offset, size, value);

	/* SCI_EN stays set; SLP_EN is write-only and starts the sleep. */
	pw->pm1_cnt = (v & ~POWER_PM1_SLP_EN) | POWER_PM1_SCI_EN;
	if ((v & POWER_PM1_SLP_EN) &&
	    ((v & POWER_PM1_SLP_TYP) >> POWER_PM1_SLP_TYP_SHIFT) == POWER_S5_SLP_TYP)
		pw->event = POWER_OFF;
}

__u64 power_cf9_read(void *opaque, __u64 offset, unsigned int size)
{
	struct power *pw = opaque;

	(void)offset;
	(void)size;
	return pw->cf9;
}

void power_cf9_write(void *opaque, __u64 offset, unsigned int size, __u64 value)
{
	struct power *pw = opaque;

	(void)offset;
	(void)size;
	/* RST_CPU going to 1 resets, hard or soft as SYS_RST says: both reset here. */
	if ((value & POWER_CF9_RST_CPU) && !(pw->cf9 & POWER_CF9_RST_CPU))
		pw->event = POWER_RESET;
	pw->cf9 = value & (POWER_CF9_SYS_RST | POWER_CF9_FULL_RST);
}

__u64 power_port92_read(void *opaque, __u64 offset, unsigned int size)
{
	struct power *pw = opaque;

	(void)offset;
	(void)size;
	return pw->port92;
}

void power_port92_write(void *opaque, __u64 offset, unsigned int size, __u64 value)
{
	struct power *pw = opaque;

	(void)offset;
	(void)size;
	/* Bit 0, fast reset, on its rising edge; bit 1 is the A20 gate. */
	if ((value & 1) && !(pw->port92 & 1))
		pw->event = POWER_RESET;
	pw->port92 = value & 0x02;
}
