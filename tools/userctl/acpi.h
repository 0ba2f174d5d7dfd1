/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ACPI tables of the guest's PC platform (ACPI 6.3, chapter 5), so that
 * an unmodified Linux finds its CPUs, its I/O APIC and how to power off
 * and reset: an RSDP (revision 2, no RSDT) pointing to an XSDT that lists
 * a FADT and a MADT; the FADT points to a FACS and to a DSDT whose AML
 * holds only \_S5.  acpi_build() writes them into one buffer:
 *
 *	+0	RSDP (36 bytes), at the first 64-byte boundary at or after @gpa
 *	+64	FACS (64 bytes, 64-byte aligned)
 *	+128	XSDT, then the FADT, the DSDT and the MADT, each 16-byte aligned
 *
 * What the platform has to do for the tables to be true:
 *  - Linux finds the RSDP by scanning 0xe0000-0xfffff on 16-byte
 *    boundaries, or from boot_params.acpi_rsdp_addr (boot protocol 2.14+):
 *    put the buffer there, or pass the address.  The E820 map must not
 *    give the tables' memory to the guest as RAM (the FACS's must be
 *    reserved, ACPI 6.3 5.2.10): mark it reserved.
 *  - The PM1a event block, 4 bytes at @pm1a_evt_port: PM1_STS at +0 (bits
 *    written with 1 are cleared) and PM1_EN at +2, 16 bits each.  PM1_EN
 *    must read back what was written: Linux sets GBL_EN and reads it back
 *    to decide whether the global lock works.
 *  - The PM1a control block, 2 bytes at @pm1a_cnt_port: PM1_CNT.  The FADT
 *    has no SMI command port (SMI_CMD 0), which says the platform is
 *    always in ACPI mode: SCI_EN must read as 1.  The guest powers off by
 *    writing SLP_TYP = @s5_slp_typ with SLP_EN set (Linux writes SLP_TYP
 *    first without SLP_EN, then again with it).  SLP_EN reads as 0.
 *  - The SCI is ISA IRQ @sci_irq, described level-triggered and active
 *    high: its line is high while (PM1_STS & PM1_EN) has a bit set.
 *  - With @reset_port set, a byte write of @reset_value to it resets the
 *    machine.
 *  - There is no PM timer, no GPE block and no sleep state but S5.
 */
#ifndef USERCTL_ACPI_H
#define USERCTL_ACPI_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

/* Most vCPUs the MADT describes (far more than a VM has). */
#define ACPI_MAX_CPUS		4096

/* Local APIC IDs up to this one get a Processor Local APIC structure. */
#define ACPI_XAPIC_ID_MAX	0xfe

/* The fixed-hardware PM1 register blocks ("PM1 Event Grouping"): lengths in bytes. */
#define ACPI_PM1_EVT_LEN	4
#define ACPI_PM1_CNT_LEN	2

/* PM1_STS (PM1 event block + 0) and PM1_EN (+ 2) bits. */
#define ACPI_PM1_TMR		0x0001
#define ACPI_PM1_GBL		0x0020
#define ACPI_PM1_PWRBTN		0x0100
#define ACPI_PM1_SLPBTN		0x0200
#define ACPI_PM1_RTC		0x0400
#define ACPI_PM1_STS_WAK	0x8000	/* PM1_STS only */

/* PM1_CNT bits. */
#define ACPI_PM1_CNT_SCI_EN		0x0001
#define ACPI_PM1_CNT_BM_RLD		0x0002
#define ACPI_PM1_CNT_GBL_RLS		0x0004
#define ACPI_PM1_CNT_SLP_TYP_SHIFT	10
#define ACPI_PM1_CNT_SLP_TYP		0x1c00
#define ACPI_PM1_CNT_SLP_EN		0x2000

/**
 * struct acpi_config - the platform the tables describe.
 * @ncpus: vCPUs, 1 to ACPI_MAX_CPUS.
 * @apic_ids: each vCPU's local APIC ID, @ncpus of them; [0] is the BSP.
 *	A vCPU whose ID and index are both up to ACPI_XAPIC_ID_MAX gets a
 *	Processor Local APIC structure, any other a Processor Local x2APIC
 *	structure.  vCPU n's ACPI processor UID is n.  0xffffffff is not an
 *	ID.
 * @ioapic_base: the I/O APIC's MMIO base (0xfec00000), below 4 GiB.
 * @ioapic_id: its I/O APIC ID.
 * @ioapic_gsi_base: the global system interrupt of its pin 0 (0).  ISA
 *	IRQ n is on pin n, but for the overrides below.
 * @pit_override: the PIT (ISA IRQ 0) is on pin 2: an interrupt source
 *	override, IRQ 0 to GSI @ioapic_gsi_base + 2, edge, active high.
 * @pm1a_evt_port: the I/O port of the PM1a event block (4 bytes).
 * @pm1a_cnt_port: the I/O port of the PM1a control block (2 bytes).
 * @reset_port: the I/O port of the FADT's reset register (0xcf9); 0: none.
 * @reset_value: what to write to it to reset (0x06).
 * @sci_irq: the SCI's ISA IRQ (9): 1 to 15 but 2.  An interrupt source
 *	override makes it level-triggered, active high.
 * @s5_slp_typ: the SLP_TYP value of S5 (soft off), 0 to 7.
 * @rtc_century: the CMOS RAM index of the RTC's century byte (0x32); 0:
 *	none.
 * @i8042: there is an 8042 keyboard controller (ports 0x60 and 0x64).
 * @no_vga: there is no VGA: the guest must not probe for one.
 * @power_button: PM1_STS/PM1_EN model the fixed-hardware power button
 *	(PWRBTN); if not, the FADT says there is none.
 */
struct acpi_config {
	unsigned int ncpus;
	const __u32 *apic_ids;
	__u64 ioapic_base;
	__u8 ioapic_id;
	__u32 ioapic_gsi_base;
	bool pit_override;
	__u16 pm1a_evt_port;
	__u16 pm1a_cnt_port;
	__u16 reset_port;
	__u8 reset_value;
	__u8 sci_irq;
	__u8 s5_slp_typ;
	__u8 rtc_century;
	bool i8042;
	bool no_vga;
	bool power_button;
};

/**
 * acpi_size() - the buffer acpi_build() needs.
 * @cfg: the platform.
 *
 * Return: the bytes acpi_build() needs for @cfg at any address (at most 63
 * more than at a 64-byte aligned one); 0 if @cfg is not valid.
 */
size_t acpi_size(const struct acpi_config *cfg);

/**
 * acpi_build() - write the ACPI tables.
 * @cfg: the platform.
 * @buf: where to write them; bytes from @buf up to the end of the last
 *	table are written (padding with zeros).
 * @len: the bytes at @buf.
 * @gpa: the guest-physical address of @buf.
 * @rsdp_gpa: set to the guest-physical address of the RSDP (64-byte
 *	aligned, at most 63 bytes after @gpa).
 *
 * Return: 0; -EINVAL if @cfg is not valid or the tables would not fit in
 * the guest-physical address space; -ENOSPC if @len is too small.
 */
int acpi_build(const struct acpi_config *cfg, void *buf, size_t len, __u64 gpa,
	       __u64 *rsdp_gpa);

#endif /* USERCTL_ACPI_H */
