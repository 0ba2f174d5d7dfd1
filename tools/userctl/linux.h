/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Booting a Linux bzImage on the PC platform: the memory map, the ACPI
 * tables that describe the platform (devices.h) and the vCPUs, and the
 * kernel, command line and initrd loaded per the boot protocol
 * (bzimage.h).
 *
 * Guest-physical layout below 1 MiB:
 *
 *	0x00000-0x9fbff	RAM (the zero page and command line among it)
 *	0x9fc00-0x9ffff	reserved (where an EBDA would be)
 *	0xe0000-0xfffff	reserved: the ACPI tables, RSDP first (a PC guest
 *			searches this range for it)
 *
 * then RAM from 1 MiB to userctl's reserved area (guest.h), itself
 * reserved.  The I/O APIC and local APIC pages must stay clear of RAM:
 * the PC platform takes at most LINUX_MAX_RAM.
 */
#ifndef USERCTL_LINUX_H
#define USERCTL_LINUX_H

#include <stddef.h>
#include <linux/types.h>

#include "bzimage.h"
#include "guest.h"
#include "libaxv.h"
#include "loader.h"

#define LINUX_EBDA		0x9fc00ULL
#define LINUX_ACPI_BASE		0xe0000ULL
#define LINUX_BIOS_END		0x100000ULL
/* RAM ends below the 3 GiB mark: the devices' addresses lie above. */
#define LINUX_MAX_RAM		0xc0000000ULL
/* Entries of the memory map linux_e820() builds. */
#define LINUX_E820_ENTRIES	5

/**
 * struct linux_params - a Linux boot.
 * @cmdline: the kernel command line, or NULL.
 * @initrd: the initrd's bytes, or NULL.
 * @initrd_size: its size.
 * @apic_ids: each vCPU's APIC ID, [0] the BSP's.
 * @ncpus: vCPUs.
 */
struct linux_params {
	const char *cmdline;
	const void *initrd;
	size_t initrd_size;
	const __u32 *apic_ids;
	unsigned int ncpus;
};

/**
 * linux_e820() - the memory map of @mem.
 * @mem: guest RAM.
 * @map: LINUX_E820_ENTRIES entries to fill.
 *
 * Return: the entries used.
 */
unsigned int linux_e820(const struct guest_mem *mem, struct e820_entry_cfg *map);

/**
 * linux_boot() - load bzImage @img with the tables and state it boots with.
 * @mem: guest RAM, at most LINUX_MAX_RAM.
 * @img: the bzImage.
 * @p: the command line, initrd and vCPUs.
 * @res: where the loader put things.
 * @regs: set for the 64-bit entry.
 * @sregs: as AXV_GET_SREGS gave it; set for the 64-bit entry.
 * @err: why it failed.
 *
 * Return: 0 or -errno: those of bzimage_load() and acpi_build(), -ENOSPC
 * for more RAM than LINUX_MAX_RAM.
 */
int linux_boot(struct guest_mem *mem, const struct image *img, const struct linux_params *p,
	       struct bzimage_result *res, struct axv_regs *regs, struct axv_sregs *sregs,
	       struct axv_err *err);

#endif /* USERCTL_LINUX_H */
