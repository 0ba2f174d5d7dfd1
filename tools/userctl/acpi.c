// SPDX-License-Identifier: GPL-2.0
/*
 * The ACPI tables of the PC platform (acpi.h), written byte by byte in
 * little-endian order at the offsets the ACPI 6.3 specification gives
 * (chapter 5): the RSDP (5.2.5), the table header (5.2.6), the XSDT
 * (5.2.8), the FADT (5.2.9), the FACS (5.2.10), the DSDT (5.2.11.1) with
 * its AML (chapter 20) and the MADT (5.2.12).
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "acpi.h"

#define ACPI_OEM_ID		"AXVCPU"
#define ACPI_OEM_TABLE_ID	"AXVPC   "
#define ACPI_OEM_REVISION	1
#define ACPI_CREATOR_ID		"UCTL"
#define ACPI_CREATOR_REVISION	1

#define TABLE_ALIGN		16
#define FACS_ALIGN		64

/* Root System Description Pointer (5.2.5.3). */
#define RSDP_CHECKSUM		8	/* of the first 20 bytes */
#define RSDP_OEMID		9
#define RSDP_REVISION		15
#define RSDP_RSDT		16
#define RSDP_LENGTH		20
#define RSDP_XSDT		24
#define RSDP_EXT_CHECKSUM	32	/* of all of it */
#define RSDP_V1_SIZE		20
#define RSDP_SIZE		36

/* System description table header (5.2.6). */
#define HDR_SIGNATURE		0
#define HDR_LENGTH		4
#define HDR_REVISION		8
#define HDR_CHECKSUM		9
#define HDR_OEMID		10
#define HDR_OEM_TABLE_ID	16
#define HDR_OEM_REVISION	24
#define HDR_CREATOR_ID		28
#define HDR_CREATOR_REVISION	32
#define HDR_SIZE		36

/* Generic Address Structure (5.2.3.2). */
#define GAS_SPACE_ID		0
#define GAS_BIT_WIDTH		1
#define GAS_BIT_OFFSET		2
#define GAS_ACCESS_SIZE		3
#define GAS_ADDRESS		4
#define GAS_SYSTEM_IO		1
#define GAS_ACCESS_BYTE		1
#define GAS_ACCESS_WORD		2

/* XSDT (5.2.8): the header, then 64-bit table addresses: the FADT, the MADT. */
#define XSDT_REVISION		1
#define XSDT_ENTRIES		2
#define XSDT_SIZE		(HDR_SIZE + 8 * XSDT_ENTRIES)

/* FADT (5.2.9), revision 6, minor version 3: ACPI 6.3. */
#define FADT_REVISION		6
#define FADT_MINOR_VERSION	3
#define FADT_FIRMWARE_CTRL	36
#define FADT_DSDT		40
#define FADT_SCI_INT		46
#define FADT_SMI_CMD		48
#define FADT_PM1A_EVT_BLK	56
#define FADT_PM1A_CNT_BLK	64
#define FADT_PM_TMR_BLK		76
#define FADT_PM1_EVT_LEN	88
#define FADT_PM1_CNT_LEN	89
#define FADT_PM_TMR_LEN		91
#define FADT_P_LVL2_LAT		96
#define FADT_P_LVL3_LAT		98
#define FADT_CENTURY		108
#define FADT_IAPC_BOOT_ARCH	109
#define FADT_FLAGS		112
#define FADT_RESET_REG		116
#define FADT_RESET_VALUE	128
#define FADT_MINOR		131
#define FADT_X_FIRMWARE_CTRL	132
#define FADT_X_DSDT		140
#define FADT_X_PM1A_EVT_BLK	148
#define FADT_X_PM1A_CNT_BLK	172
#define FADT_SIZE		276

/* P_LVL2_LAT and P_LVL3_LAT values that say "no C2", "no C3". */
#define FADT_NO_C2		101
#define FADT_NO_C3		1001

/* IAPC_BOOT_ARCH (5.2.9.3). */
#define BOOT_ARCH_LEGACY_DEVICES	0x0001
#define BOOT_ARCH_8042			0x0002
#define BOOT_ARCH_VGA_NOT_PRESENT	0x0004

/* FADT flags (5.2.9, table "Fixed ACPI Description Table Fixed Feature Flags"). */
#define FADT_F_WBINVD		0x00000001
#define FADT_F_PROC_C1		0x00000004
#define FADT_F_PWR_BUTTON	0x00000010	/* no fixed power button */
#define FADT_F_SLP_BUTTON	0x00000020	/* no fixed sleep button */
#define FADT_F_FIX_RTC		0x00000040	/* no RTC_STS in PM1 */
#define FADT_F_RESET_REG_SUP	0x00000400

/* FACS (5.2.10), version 2; no checksum. */
#define FACS_LENGTH		4
#define FACS_VERSION		32
#define FACS_VERSION_2		2
#define FACS_SIZE		64

/* DSDT (5.2.11.1): revision 2 has 64-bit integers. */
#define DSDT_REVISION		2

/* AML (20.2): the opcodes and prefixes the DSDT uses. */
#define AML_ZERO_OP		0x00
#define AML_ONE_OP		0x01
#define AML_NAME_OP		0x08
#define AML_BYTE_PREFIX		0x0a
#define AML_PACKAGE_OP		0x12
#define AML_PKGLENGTH_1BYTE_MAX	0x3f
/* Name (_S5, Package (4) { typ, typ, 0, 0 }) takes at most this much. */
#define DSDT_AML_MAX		16

/* MADT (5.2.12), revision 5: ACPI 6.3. */
#define MADT_REVISION		5
#define MADT_LAPIC_ADDRESS	36
#define MADT_FLAGS		40
#define MADT_ENTRIES		44
#define MADT_PCAT_COMPAT	0x00000001
#define LAPIC_DEFAULT_BASE	0xfee00000U

/* MADT structures: type, length. */
#define MADT_LAPIC		0
#define MADT_LAPIC_SIZE		8
#define MADT_IOAPIC		1
#define MADT_IOAPIC_SIZE	12
#define MADT_ISO		2
#define MADT_ISO_SIZE		10
#define MADT_LAPIC_NMI		4
#define MADT_LAPIC_NMI_SIZE	6
#define MADT_X2APIC		9
#define MADT_X2APIC_SIZE	16
#define MADT_X2APIC_NMI		10
#define MADT_X2APIC_NMI_SIZE	12

#define MADT_CPU_ENABLED	0x00000001
/* MPS INTI flags: polarity (bits 1:0) and trigger mode (bits 3:2). */
#define MPS_INTI_ACTIVE_HIGH	0x0001
#define MPS_INTI_EDGE		0x0004
#define MPS_INTI_LEVEL		0x000c
#define ISA_BUS			0
#define PIT_IRQ			0
#define PIT_PIN			2
#define ALL_CPUS_UID		0xff
#define ALL_CPUS_UID_X2APIC	0xffffffffU
#define NMI_LINT		1

/* Where each table is, from the first 64-byte boundary of the buffer. */
struct acpi_layout {
	size_t facs;
	size_t xsdt;
	size_t fadt;
	size_t dsdt;
	size_t dsdt_len;
	size_t madt;
	size_t madt_len;
	size_t end;
};

static void put_le16(__u8 *p, __u16 v)
{
	p[0] = v;
	p[1] = v >> 8;
}

static void put_le32(__u8 *p, __u32 v)
{
	put_le16(p, v);
	put_le16(p + 2, v >> 16);
}

static void put_le64(__u8 *p, __u64 v)
{
	put_le32(p, v);
	put_le32(p + 4, v >> 32);
}

/* @x rounded up to a multiple of @a, a power of 2. */
static size_t align_up(size_t x, size_t a)
{
	return (x + a - 1) & ~(a - 1);
}

/* The value that makes the @len bytes at @p sum to 0 (mod 256) with it. */
static __u8 checksum(const __u8 *p, size_t len)
{
	__u8 sum = 0;

	while (len--)
		sum += *p++;
	return -sum;
}

/* A vCPU that needs a Processor Local x2APIC structure. */
static bool cpu_is_x2apic(const struct acpi_config *cfg, unsigned int i)
{
	return cfg->apic_ids[i] > ACPI_XAPIC_ID_MAX || i > ACPI_XAPIC_ID_MAX;
}

static int check_config(const struct acpi_config *cfg)
{
	unsigned int i;

	if (!cfg || !cfg->ncpus || cfg->ncpus > ACPI_MAX_CPUS || !cfg->apic_ids)
		return -EINVAL;
	for (i = 0; i < cfg->ncpus; i++)
		if (cfg->apic_ids[i] == 0xffffffff)
			return -EINVAL;
	if (cfg->ioapic_base > UINT32_MAX)
		return -EINVAL;
	if (!cfg->pm1a_evt_port || cfg->pm1a_evt_port > 0x10000 - ACPI_PM1_EVT_LEN)
		return -EINVAL;
	if (!cfg->pm1a_cnt_port || cfg->pm1a_cnt_port > 0x10000 - ACPI_PM1_CNT_LEN)
		return -EINVAL;
	if (!cfg->sci_irq || cfg->sci_irq > 15 || cfg->sci_irq == PIT_PIN)
		return -EINVAL;
	if (cfg->s5_slp_typ > ACPI_PM1_CNT_SLP_TYP >> ACPI_PM1_CNT_SLP_TYP_SHIFT)
		return -EINVAL;
	return 0;
}

/* AML (20.2.3): an integer as ZeroOp, OneOp or a ByteConst; its length. */
static size_t aml_byte_integer(__u8 *p, __u8 v)
{
	if (v == 0) {
		p[0] = AML_ZERO_OP;
		return 1;
	}
	if (v == 1) {
		p[0] = AML_ONE_OP;
		return 1;
	}
	p[0] = AML_BYTE_PREFIX;
	p[1] = v;
	return 2;
}

/*
 * The DSDT's AML into @p (DSDT_AML_MAX bytes), in the root scope:
 *	Name (_S5, Package (4) { typ, typ, 0, 0 })
 * SLP_TYPa, SLP_TYPb and two reserved elements (\_Sx); its length.
 */
static size_t dsdt_aml(const struct acpi_config *cfg, __u8 *p)
{
	__u8 pkg[DSDT_AML_MAX];
	size_t n = 0, len = 0;

	pkg[n++] = 4;				/* NumElements */
	n += aml_byte_integer(pkg + n, cfg->s5_slp_typ);
	n += aml_byte_integer(pkg + n, cfg->s5_slp_typ);
	n += aml_byte_integer(pkg + n, 0);
	n += aml_byte_integer(pkg + n, 0);

	p[len++] = AML_NAME_OP;
	memcpy(p + len, "_S5_", 4);
	len += 4;
	p[len++] = AML_PACKAGE_OP;
	/* PkgLength (20.2.4): one byte, counting itself, below 64. */
	p[len++] = n + 1;
	memcpy(p + len, pkg, n);
	return len + n;
}

static size_t madt_length(const struct acpi_config *cfg)
{
	size_t len = MADT_ENTRIES + MADT_IOAPIC_SIZE + MADT_ISO_SIZE;
	bool xapic = false, x2apic = false;
	unsigned int i;

	for (i = 0; i < cfg->ncpus; i++) {
		if (cpu_is_x2apic(cfg, i)) {
			len += MADT_X2APIC_SIZE;
			x2apic = true;
		} else {
			len += MADT_LAPIC_SIZE;
			xapic = true;
		}
	}
	if (cfg->pit_override)
		len += MADT_ISO_SIZE;
	if (xapic)
		len += MADT_LAPIC_NMI_SIZE;
	if (x2apic)
		len += MADT_X2APIC_NMI_SIZE;
	return len;
}

/* The tables' offsets from the RSDP, for a valid @cfg. */
static void acpi_layout(const struct acpi_config *cfg, struct acpi_layout *l)
{
	__u8 aml[DSDT_AML_MAX];

	l->facs = align_up(RSDP_SIZE, FACS_ALIGN);
	l->xsdt = align_up(l->facs + FACS_SIZE, TABLE_ALIGN);
	l->fadt = align_up(l->xsdt + XSDT_SIZE, TABLE_ALIGN);
	l->dsdt = align_up(l->fadt + FADT_SIZE, TABLE_ALIGN);
	l->dsdt_len = HDR_SIZE + dsdt_aml(cfg, aml);
	l->madt = align_up(l->dsdt + l->dsdt_len, TABLE_ALIGN);
	l->madt_len = madt_length(cfg);
	l->end = l->madt + l->madt_len;
}

size_t acpi_size(const struct acpi_config *cfg)
{
	struct acpi_layout l;

	if (check_config(cfg))
		return 0;
	acpi_layout(cfg, &l);
	return FACS_ALIGN - 1 + l.end;
}

/* A table header with everything but the checksum, set by finish_table(). */
static void put_header(__u8 *p, const char *signature, size_t len, __u8 revision)
{
	memcpy(p + HDR_SIGNATURE, signature, 4);
	put_le32(p + HDR_LENGTH, len);
	p[HDR_REVISION] = revision;
	memcpy(p + HDR_OEMID, ACPI_OEM_ID, 6);
	memcpy(p + HDR_OEM_TABLE_ID, ACPI_OEM_TABLE_ID, 8);
	put_le32(p + HDR_OEM_REVISION, ACPI_OEM_REVISION);
	memcpy(p + HDR_CREATOR_ID, ACPI_CREATOR_ID, 4);
	put_le32(p + HDR_CREATOR_REVISION, ACPI_CREATOR_REVISION);
}

static void finish_table(__u8 *p, size_t len)
{
	p[HDR_CHECKSUM] = checksum(p, len);
}

static void build_rsdp(__u8 *p, __u64 xsdt)
{
	memcpy(p, "RSD PTR ", 8);
	memcpy(p + RSDP_OEMID, ACPI_OEM_ID, 6);
	p[RSDP_REVISION] = 2;
	put_le32(p + RSDP_RSDT, 0);
	put_le32(p + RSDP_LENGTH, RSDP_SIZE);
	put_le64(p + RSDP_XSDT, xsdt);
	p[RSDP_CHECKSUM] = checksum(p, RSDP_V1_SIZE);
	p[RSDP_EXT_CHECKSUM] = checksum(p, RSDP_SIZE);
}

static void build_facs(__u8 *p)
{
	memcpy(p, "FACS", 4);
	put_le32(p + FACS_LENGTH, FACS_SIZE);
	p[FACS_VERSION] = FACS_VERSION_2;
}

static void build_xsdt(__u8 *p, __u64 fadt, __u64 madt)
{
	put_header(p, "XSDT", XSDT_SIZE, XSDT_REVISION);
	put_le64(p + HDR_SIZE, fadt);
	put_le64(p + HDR_SIZE + 8, madt);
	finish_table(p, XSDT_SIZE);
}

/* A Generic Address Structure for an I/O port register. */
static void put_gas_io(__u8 *p, __u16 port, __u8 bits, __u8 access_size)
{
	p[GAS_SPACE_ID] = GAS_SYSTEM_IO;
	p[GAS_BIT_WIDTH] = bits;
	p[GAS_BIT_OFFSET] = 0;
	p[GAS_ACCESS_SIZE] = access_size;
	put_le64(p + GAS_ADDRESS, port);
}

static void build_fadt(const struct acpi_config *cfg, __u8 *p, __u64 facs, __u64 dsdt)
{
	__u16 boot_arch = BOOT_ARCH_LEGACY_DEVICES;
	__u32 flags = FADT_F_WBINVD | FADT_F_PROC_C1 | FADT_F_SLP_BUTTON | FADT_F_FIX_RTC;

	put_header(p, "FACP", FADT_SIZE, FADT_REVISION);
	/* The FACS by X_FIRMWARE_CTRL alone: FIRMWARE_CTRL must then be 0. */
	put_le32(p + FADT_FIRMWARE_CTRL, 0);
	put_le64(p + FADT_X_FIRMWARE_CTRL, facs);
	put_le32(p + FADT_DSDT, dsdt <= UINT32_MAX ? dsdt : 0);
	put_le64(p + FADT_X_DSDT, dsdt);
	put_le16(p + FADT_SCI_INT, cfg->sci_irq);
	/* No SMI command port: always in ACPI mode. */
	put_le32(p + FADT_SMI_CMD, 0);

	put_le32(p + FADT_PM1A_EVT_BLK, cfg->pm1a_evt_port);
	put_le32(p + FADT_PM1A_CNT_BLK, cfg->pm1a_cnt_port);
	p[FADT_PM1_EVT_LEN] = ACPI_PM1_EVT_LEN;
	p[FADT_PM1_CNT_LEN] = ACPI_PM1_CNT_LEN;
	put_gas_io(p + FADT_X_PM1A_EVT_BLK, cfg->pm1a_evt_port, 8 * ACPI_PM1_EVT_LEN,
		   GAS_ACCESS_WORD);
	put_gas_io(p + FADT_X_PM1A_CNT_BLK, cfg->pm1a_cnt_port, 8 * ACPI_PM1_CNT_LEN,
		   GAS_ACCESS_WORD);
	/* No PM timer: PM_TMR_BLK, PM_TMR_LEN and X_PM_TMR_BLK stay 0. */

	put_le16(p + FADT_P_LVL2_LAT, FADT_NO_C2);
	put_le16(p + FADT_P_LVL3_LAT, FADT_NO_C3);
	p[FADT_CENTURY] = cfg->rtc_century;

	if (cfg->i8042)
		boot_arch |= BOOT_ARCH_8042;
	if (cfg->no_vga)
		boot_arch |= BOOT_ARCH_VGA_NOT_PRESENT;
	put_le16(p + FADT_IAPC_BOOT_ARCH, boot_arch);

	if (!cfg->power_button)
		flags |= FADT_F_PWR_BUTTON;
	if (cfg->reset_port) {
		flags |= FADT_F_RESET_REG_SUP;
		put_gas_io(p + FADT_RESET_REG, cfg->reset_port, 8, GAS_ACCESS_BYTE);
		p[FADT_RESET_VALUE] = cfg->reset_value;
	}
	put_le32(p + FADT_FLAGS, flags);
	p[FADT_MINOR] = FADT_MINOR_VERSION;
	finish_table(p, FADT_SIZE);
}

static void build_dsdt(const struct acpi_config *cfg, __u8 *p, size_t len)
{
	put_header(p, "DSDT", len, DSDT_REVISION);
	dsdt_aml(cfg, p + HDR_SIZE);
	finish_table(p, len);
}

/* An Interrupt Source Override structure (5.2.12.5) from an ISA IRQ; its length. */
static size_t put_iso(__u8 *p, __u8 irq, __u32 gsi, __u16 flags)
{
	p[0] = MADT_ISO;
	p[1] = MADT_ISO_SIZE;
	p[2] = ISA_BUS;
	p[3] = irq;
	put_le32(p + 4, gsi);
	put_le16(p + 8, flags);
	return MADT_ISO_SIZE;
}

static void build_madt(const struct acpi_config *cfg, __u8 *p, size_t len)
{
	bool xapic = false, x2apic = false;
	__u8 *e = p + MADT_ENTRIES;
	unsigned int i;

	put_header(p, "APIC", len, MADT_REVISION);
	put_le32(p + MADT_LAPIC_ADDRESS, LAPIC_DEFAULT_BASE);
	put_le32(p + MADT_FLAGS, MADT_PCAT_COMPAT);

	/* The processors in vCPU order, the BSP first (5.2.12.1). */
	for (i = 0; i < cfg->ncpus; i++) {
		if (cpu_is_x2apic(cfg, i)) {
			/* Processor Local x2APIC (5.2.12.12). */
			e[0] = MADT_X2APIC;
			e[1] = MADT_X2APIC_SIZE;
			put_le32(e + 4, cfg->apic_ids[i]);
			put_le32(e + 8, MADT_CPU_ENABLED);
			put_le32(e + 12, i);
			e += MADT_X2APIC_SIZE;
			x2apic = true;
		} else {
			/* Processor Local APIC (5.2.12.2). */
			e[0] = MADT_LAPIC;
			e[1] = MADT_LAPIC_SIZE;
			e[2] = i;
			e[3] = cfg->apic_ids[i];
			put_le32(e + 4, MADT_CPU_ENABLED);
			e += MADT_LAPIC_SIZE;
			xapic = true;
		}
	}

	/* I/O APIC (5.2.12.3). */
	e[0] = MADT_IOAPIC;
	e[1] = MADT_IOAPIC_SIZE;
	e[2] = cfg->ioapic_id;
	put_le32(e + 4, cfg->ioapic_base);
	put_le32(e + 8, cfg->ioapic_gsi_base);
	e += MADT_IOAPIC_SIZE;

	if (cfg->pit_override)
		e += put_iso(e, PIT_IRQ, cfg->ioapic_gsi_base + PIT_PIN,
			     MPS_INTI_ACTIVE_HIGH | MPS_INTI_EDGE);
	e += put_iso(e, cfg->sci_irq, cfg->ioapic_gsi_base + cfg->sci_irq,
		     MPS_INTI_ACTIVE_HIGH | MPS_INTI_LEVEL);

	/* LINT1 of every processor is the NMI (5.2.12.7, 5.2.12.13). */
	if (xapic) {
		e[0] = MADT_LAPIC_NMI;
		e[1] = MADT_LAPIC_NMI_SIZE;
		e[2] = ALL_CPUS_UID;
		put_le16(e + 3, 0);
		e[5] = NMI_LINT;
		e += MADT_LAPIC_NMI_SIZE;
	}
	if (x2apic) {
		e[0] = MADT_X2APIC_NMI;
		e[1] = MADT_X2APIC_NMI_SIZE;
		put_le16(e + 2, 0);
		put_le32(e + 4, ALL_CPUS_UID_X2APIC);
		e[8] = NMI_LINT;
	}
	finish_table(p, len);
}

int acpi_build(const struct acpi_config *cfg, void *buf, size_t len, __u64 gpa,
	       __u64 *rsdp_gpa)
{
	struct acpi_layout l;
	size_t skip;
	__u64 base;
	__u8 *p;
	int ret;

	ret = check_config(cfg);
	if (ret)
		return ret;
	if (!buf || !rsdp_gpa)
		return -EINVAL;
	acpi_layout(cfg, &l);
	skip = (FACS_ALIGN - (gpa & (FACS_ALIGN - 1))) & (FACS_ALIGN - 1);
	if (gpa > UINT64_MAX - skip - l.end)
		return -EINVAL;
	if (len < skip + l.end)
		return -ENOSPC;

	memset(buf, 0, skip + l.end);
	p = (__u8 *)buf + skip;
	base = gpa + skip;
	build_facs(p + l.facs);
	build_dsdt(cfg, p + l.dsdt, l.dsdt_len);
	build_fadt(cfg, p + l.fadt, base + l.facs, base + l.dsdt);
	build_madt(cfg, p + l.madt, l.madt_len);
	build_xsdt(p + l.xsdt, base + l.fadt, base + l.madt);
	build_rsdp(p, base + l.xsdt);
	*rsdp_gpa = base;
	return 0;
}
