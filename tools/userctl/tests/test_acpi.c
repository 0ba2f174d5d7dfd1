// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the ACPI tables of acpi.c.  The unit tests read the tables
 * at the offsets of the ACPI 6.3 specification (chapter 5), written out
 * here from its tables rather than taken from acpi.c.  Then ACPICA is the
 * oracle, when its tools (Debian: acpica-tools) are on PATH: iasl
 * disassembles each table, iasl compiles the tables this file expects,
 * written as iasl data-table and ASL sources, to compare with acpi.c's byte
 * for byte, and acpiexec loads the FADT and DSDT, evaluates \_S5 and runs
 * ACPICA's S5 sequence on them.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "acpi.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define PM1A_EVT	0x600
#define PM1A_CNT	0x604
#define GPA_BIOS	0xe0000ULL

static __u16 le16(const __u8 *p)
{
	return p[0] | p[1] << 8;
}

static __u32 le32(const __u8 *p)
{
	return le16(p) | (__u32)le16(p + 2) << 16;
}

static __u64 le64(const __u8 *p)
{
	return le32(p) | (__u64)le32(p + 4) << 32;
}

static __u8 sum8(const __u8 *p, size_t len)
{
	__u8 sum = 0;

	while (len--)
		sum += *p++;
	return sum;
}

/* The platform userctl describes, with @ncpus vCPUs of APIC IDs @ids. */
static struct acpi_config pc_config(unsigned int ncpus, const __u32 *ids)
{
	struct acpi_config cfg = {
		.ncpus = ncpus,
		.apic_ids = ids,
		.ioapic_base = 0xfec00000,
		.ioapic_id = ncpus,
		.ioapic_gsi_base = 0,
		.pit_override = true,
		.pm1a_evt_port = PM1A_EVT,
		.pm1a_cnt_port = PM1A_CNT,
		.reset_port = 0xcf9,
		.reset_value = 0x06,
		.sci_irq = 9,
		.s5_slp_typ = 5,
		.rtc_century = 0x32,
		.i8042 = true,
		.no_vga = true,
	};

	return cfg;
}

static const __u32 ids4[] = { 0, 1, 2, 3 };

/* Built tables, found from the RSDP as an OS finds them. */
struct built {
	__u8 *buf;
	size_t len;
	__u64 gpa;
	__u64 rsdp_gpa;
	const __u8 *rsdp, *xsdt, *fadt, *madt, *dsdt, *facs;
};

/* The @len bytes at guest-physical @addr in @b, or NULL if not all in it. */
static const __u8 *at(const struct built *b, __u64 addr, size_t len)
{
	if (addr < b->gpa || addr - b->gpa > b->len || b->len - (addr - b->gpa) < len)
		return NULL;
	return b->buf + (addr - b->gpa);
}

/* The guest-physical address of @p, in @b's buffer. */
static unsigned long long gpa_of(const struct built *b, const __u8 *p)
{
	return b->gpa + (p - b->buf);
}

/* A table of the XSDT by signature, NULL if none. */
static const __u8 *xsdt_find(const struct built *b, const char *sig)
{
	const __u8 *t;
	__u32 i, n;

	if (!b->xsdt)
		return NULL;
	n = (le32(b->xsdt + 4) - 36) / 8;
	for (i = 0; i < n; i++) {
		t = at(b, le64(b->xsdt + 36 + 8 * i), 36);
		if (t && !memcmp(t, sig, 4))
			return at(b, le64(b->xsdt + 36 + 8 * i), le32(t + 4));
	}
	return NULL;
}

/* acpi_build() into a buffer of acpi_size() bytes at @gpa; 0 or -errno. */
static int build(struct built *b, const struct acpi_config *cfg, __u64 gpa)
{
	const __u8 *h;
	int ret;

	memset(b, 0, sizeof(*b));
	b->len = acpi_size(cfg);
	b->gpa = gpa;
	b->buf = malloc(b->len ? b->len : 1);
	if (!b->buf)
		return -ENOMEM;
	memset(b->buf, 0xa5, b->len);
	ret = acpi_build(cfg, b->buf, b->len, gpa, &b->rsdp_gpa);
	if (ret)
		return ret;
	b->rsdp = at(b, b->rsdp_gpa, 36);
	if (!b->rsdp)
		return -EFAULT;
	h = at(b, le64(b->rsdp + 24), 36);
	if (h)
		b->xsdt = at(b, le64(b->rsdp + 24), le32(h + 4));
	b->fadt = xsdt_find(b, "FACP");
	b->madt = xsdt_find(b, "APIC");
	if (b->fadt) {
		/* X_DSDT at 140, X_FIRMWARE_CTRL at 132. */
		h = at(b, le64(b->fadt + 140), 36);
		if (h)
			b->dsdt = at(b, le64(b->fadt + 140), le32(h + 4));
		b->facs = at(b, le64(b->fadt + 132), 64);
	}
	return 0;
}

static void unbuild(struct built *b)
{
	free(b->buf);
	b->buf = NULL;
}

/* The header every table has (5.2.6): signature, length, revision, IDs, checksum. */
static void check_header(const __u8 *t, const char *sig, __u32 len, __u8 revision)
{
	CHECK(t);
	if (!t)
		return;
	CHECK(!memcmp(t, sig, 4));
	CHECK_INT(le32(t + 4), len);
	CHECK_INT(t[8], revision);
	CHECK_INT(sum8(t, len), 0);
	CHECK(!memcmp(t + 10, "AXVCPU", 6));
	CHECK(!memcmp(t + 16, "AXVPC   ", 8));
	CHECK_INT(le32(t + 24), 1);
}

/* --- sizes and errors --------------------------------------------------- */

/* acpi_size() is enough at any alignment; 63 bytes are slack at 64. */
static void test_size(void)
{
	struct acpi_config cfg = pc_config(4, ids4);
	size_t size = acpi_size(&cfg), need = size - 63;
	__u64 rsdp, gpa;
	__u8 *buf = malloc(size + 64);
	size_t i;

	CHECK(buf);
	if (!buf)
		return;
	/* RSDP 36, FACS 64, XSDT 52, FADT 276, DSDT 50, MADT 114 at the least. */
	CHECK(need >= 36 + 64 + 52 + 276 + 50 + 114);
	for (gpa = GPA_BIOS; gpa < GPA_BIOS + 64; gpa++) {
		CHECK_INT(acpi_build(&cfg, buf, size, gpa, &rsdp), 0);
		CHECK_INT(rsdp % 16, 0);
		CHECK(rsdp >= gpa && rsdp - gpa < 64);
		CHECK(!memcmp(buf + (rsdp - gpa), "RSD PTR ", 8));
	}
	/* At a 64-byte boundary, the tables take size - 63 bytes, no more. */
	memset(buf, 0xa5, size + 64);
	CHECK_INT(acpi_build(&cfg, buf, need, GPA_BIOS, &rsdp), 0);
	CHECK_HEX(rsdp, GPA_BIOS);
	for (i = need; i < size + 64; i++)
		if (buf[i] != 0xa5)
			break;
	CHECK_INT(i, size + 64);
	free(buf);
}

/* A buffer too small: -ENOSPC, and nothing written. */
static void test_too_small(void)
{
	struct acpi_config cfg = pc_config(4, ids4);
	size_t need = acpi_size(&cfg) - 63, i;
	__u64 rsdp = 0x1234;
	__u8 *buf = malloc(need);

	CHECK(buf);
	if (!buf)
		return;
	memset(buf, 0xa5, need);
	CHECK_INT(acpi_build(&cfg, buf, need - 1, GPA_BIOS, &rsdp), -ENOSPC);
	CHECK_INT(acpi_build(&cfg, buf, 0, GPA_BIOS, &rsdp), -ENOSPC);
	CHECK_INT(acpi_build(&cfg, buf, need, GPA_BIOS + 1, &rsdp), -ENOSPC);
	for (i = 0; i < need; i++)
		if (buf[i] != 0xa5)
			break;
	CHECK_INT(i, need);
	CHECK_HEX(rsdp, 0x1234);
	free(buf);
}

/* The @i-th configuration that cannot be described, from @cfg; false past the last. */
static bool bad_config(struct acpi_config *cfg, int i)
{
	static const __u32 bad_id[] = { 0, 0xffffffff };

	switch (i) {
	case 0:
		cfg->ncpus = 0;
		break;
	case 1:
		cfg->ncpus = ACPI_MAX_CPUS + 1;
		break;
	case 2:
		cfg->apic_ids = NULL;
		break;
	case 3:
		cfg->ncpus = 2;
		cfg->apic_ids = bad_id;		/* 0xffffffff is no APIC ID */
		break;
	case 4:
		cfg->sci_irq = 0;
		break;
	case 5:
		cfg->sci_irq = 2;		/* the cascade */
		break;
	case 6:
		cfg->sci_irq = 16;		/* not an ISA IRQ */
		break;
	case 7:
		cfg->s5_slp_typ = 8;		/* SLP_TYP has 3 bits */
		break;
	case 8:
		cfg->pm1a_evt_port = 0;
		break;
	case 9:
		cfg->pm1a_cnt_port = 0xffff;	/* 2 bytes past 0xffff */
		break;
	case 10:
		cfg->pm1a_evt_port = 0xfffd;	/* 4 bytes past 0xffff */
		break;
	case 11:
		cfg->ioapic_base = 0x100000000ULL;	/* the MADT has 32 bits */
		break;
	default:
		return false;
	}
	return true;
}

/* Configurations that cannot be described: acpi_size() 0, -EINVAL. */
static void test_invalid_config(void)
{
	struct acpi_config good = pc_config(4, ids4), cfg = good;
	__u8 buf[4096];
	__u64 rsdp;
	int i;

	for (i = 0; bad_config(&cfg, i); i++, cfg = good) {
		CHECK_INT(acpi_size(&cfg), 0);
		CHECK_INT(acpi_build(&cfg, buf, sizeof(buf), GPA_BIOS, &rsdp), -EINVAL);
	}
	CHECK_INT(i, 12);
	CHECK_INT(acpi_size(NULL), 0);
	CHECK_INT(acpi_build(NULL, buf, sizeof(buf), GPA_BIOS, &rsdp), -EINVAL);
	CHECK_INT(acpi_build(&good, NULL, sizeof(buf), GPA_BIOS, &rsdp), -EINVAL);
	CHECK_INT(acpi_build(&good, buf, sizeof(buf), GPA_BIOS, NULL), -EINVAL);
	/* The tables would run past the end of the address space. */
	CHECK_INT(acpi_build(&good, buf, sizeof(buf), UINT64_MAX - 256, &rsdp), -EINVAL);
	/* The limits themselves are fine. */
	cfg = good;
	cfg.sci_irq = 15;
	cfg.s5_slp_typ = 7;
	cfg.pm1a_evt_port = 0xfffc;
	cfg.pm1a_cnt_port = 0xfffe;
	CHECK(acpi_size(&cfg) > 0);
	CHECK_INT(acpi_build(&cfg, buf, sizeof(buf), GPA_BIOS, &rsdp), 0);
}

/* --- RSDP, XSDT, FACS ---------------------------------------------------- */

/* RSDP (5.2.5.3): revision 2, both checksums, the XSDT. */
static void test_rsdp(void)
{
	struct acpi_config cfg = pc_config(4, ids4);
	struct built b;

	CHECK_INT(build(&b, &cfg, GPA_BIOS), 0);
	CHECK(b.rsdp);
	if (b.rsdp) {
		CHECK(!memcmp(b.rsdp, "RSD PTR ", 8));
		CHECK_INT(sum8(b.rsdp, 20), 0);		/* checksum, offset 8 */
		CHECK(!memcmp(b.rsdp + 9, "AXVCPU", 6));
		CHECK_INT(b.rsdp[15], 2);		/* revision */
		CHECK_HEX(le32(b.rsdp + 16), 0);	/* no RSDT */
		CHECK_INT(le32(b.rsdp + 20), 36);	/* length */
		CHECK_INT(sum8(b.rsdp, 36), 0);		/* extended checksum, 32 */
		CHECK_INT(b.rsdp[33] | b.rsdp[34] | b.rsdp[35], 0);
		CHECK_HEX(b.rsdp_gpa, GPA_BIOS);
	}
	unbuild(&b);
}

/* XSDT (5.2.8): the FADT and the MADT, by 64-bit addresses. */
static void test_xsdt(void)
{
	struct acpi_config cfg = pc_config(4, ids4);
	struct built b;

	CHECK_INT(build(&b, &cfg, GPA_BIOS), 0);
	check_header(b.xsdt, "XSDT", 36 + 2 * 8, 1);
	CHECK(b.fadt);
	CHECK(b.madt);
	if (b.xsdt && b.fadt && b.madt) {
		CHECK(!memcmp(b.buf + (le64(b.xsdt + 36) - b.gpa), "FACP", 4));
		CHECK(!memcmp(b.buf + (le64(b.xsdt + 44) - b.gpa), "APIC", 4));
	}
	unbuild(&b);
}

/* FACS (5.2.10): 64 bytes, 64-byte aligned, version 2, no checksum. */
static void test_facs(void)
{
	struct acpi_config cfg = pc_config(4, ids4);
	struct built b;
	size_t i;

	CHECK_INT(build(&b, &cfg, GPA_BIOS), 0);
	CHECK(b.facs);
	if (b.facs) {
		CHECK(!memcmp(b.facs, "FACS", 4));
		CHECK_INT(le32(b.facs + 4), 64);
		CHECK_INT(gpa_of(&b, b.facs) % 64, 0);
		CHECK_INT(b.facs[32], 2);
		for (i = 8; i < 64; i++)
			if (i != 32 && b.facs[i])
				break;
		CHECK_INT(i, 64);	/* hardware signature, lock, flags, vectors: 0 */
	}
	unbuild(&b);
}

/* --- FADT ---------------------------------------------------------------- */

/* A Generic Address Structure (5.2.3.2) of the FADT at @off. */
static void check_gas(const __u8 *fadt, unsigned int off, __u8 space, __u8 bits,
		      __u8 access, __u64 addr)
{
	CHECK_INT(fadt[off], space);
	CHECK_INT(fadt[off + 1], bits);
	CHECK_INT(fadt[off + 2], 0);		/* bit offset */
	CHECK_INT(fadt[off + 3], access);
	CHECK_HEX(le64(fadt + off + 4), addr);
}

/* FADT (5.2.9, "FADT Format"): every field at its offset. */
static void test_fadt(void)
{
	struct acpi_config cfg = pc_config(4, ids4);
	const __u8 *f;
	struct built b;
	unsigned int i;

	CHECK_INT(build(&b, &cfg, GPA_BIOS), 0);
	f = b.fadt;
	check_header(f, "FACP", 276, 6);
	if (!f) {
		unbuild(&b);
		return;
	}
	CHECK_HEX(le32(f + 36), 0);			/* FIRMWARE_CTRL: X_ has it */
	CHECK_HEX(le32(f + 40), le64(f + 140));		/* DSDT = X_DSDT */
	CHECK(b.dsdt);
	CHECK(b.facs);
	CHECK_INT(f[44], 0);				/* reserved (INT_MODEL) */
	CHECK_INT(f[45], 0);				/* Preferred_PM_Profile */
	CHECK_INT(le16(f + 46), 9);			/* SCI_INT */
	CHECK_HEX(le32(f + 48), 0);			/* SMI_CMD: none */
	CHECK_INT(f[52] | f[53] | f[54] | f[55], 0);	/* ACPI_ENABLE ... PSTATE_CNT */
	CHECK_HEX(le32(f + 56), PM1A_EVT);		/* PM1a_EVT_BLK */
	CHECK_HEX(le32(f + 60), 0);			/* PM1b_EVT_BLK */
	CHECK_HEX(le32(f + 64), PM1A_CNT);		/* PM1a_CNT_BLK */
	for (i = 68; i < 88; i += 4)			/* PM1b_CNT ... GPE1_BLK */
		CHECK_HEX(le32(f + i), 0);
	CHECK_INT(f[88], 4);				/* PM1_EVT_LEN */
	CHECK_INT(f[89], 2);				/* PM1_CNT_LEN */
	CHECK_INT(f[90], 0);				/* PM2_CNT_LEN */
	CHECK_INT(f[91], 0);				/* PM_TMR_LEN */
	CHECK_INT(f[92] | f[93] | f[94] | f[95], 0);	/* GPE0/1 lengths, GPE1_BASE, CST_CNT */
	CHECK(le16(f + 96) > 100);			/* P_LVL2_LAT: no C2 */
	CHECK(le16(f + 98) > 1000);			/* P_LVL3_LAT: no C3 */
	CHECK_INT(le32(f + 100), 0);			/* FLUSH_SIZE, FLUSH_STRIDE */
	CHECK_INT(le16(f + 104) | f[106] | f[107], 0);	/* DUTY_*, DAY_ALRM, MON_ALRM */
	CHECK_HEX(f[108], 0x32);			/* CENTURY */
	/* IAPC_BOOT_ARCH (5.2.9.3): LEGACY_DEVICES, 8042, VGA Not Present. */
	CHECK_HEX(le16(f + 109), 0x0007);
	CHECK_INT(f[111], 0);
	/*
	 * Flags (5.2.9, "Fixed ACPI Description Table Fixed Feature Flags"):
	 * WBINVD (0), PROC_C1 (2), PWR_BUTTON (4) and SLP_BUTTON (5) (no
	 * fixed-feature buttons), FIX_RTC (6), RESET_REG_SUP (10); not
	 * HW_REDUCED_ACPI (20).
	 */
	CHECK_HEX(le32(f + 112), 0x00000475);
	check_gas(f, 116, 1, 8, 1, 0xcf9);		/* RESET_REG: byte, system I/O */
	CHECK_HEX(f[128], 0x06);			/* RESET_VALUE */
	CHECK_HEX(le16(f + 129), 0);			/* ARM_BOOT_ARCH */
	CHECK_INT(f[131], 3);				/* FADT minor version: 6.3 */
	CHECK_HEX(le64(f + 132), b.facs ? gpa_of(&b, b.facs) : 1); /* X_FIRMWARE_CTRL */
	CHECK_HEX(le64(f + 140), b.dsdt ? gpa_of(&b, b.dsdt) : 1); /* X_DSDT */
	check_gas(f, 148, 1, 32, 2, PM1A_EVT);		/* X_PM1a_EVT_BLK */
	check_gas(f, 160, 0, 0, 0, 0);			/* X_PM1b_EVT_BLK */
	check_gas(f, 172, 1, 16, 2, PM1A_CNT);		/* X_PM1a_CNT_BLK */
	for (i = 184; i < 268; i += 12)			/* X_PM1b_CNT ... SLEEP_STATUS */
		check_gas(f, i, 0, 0, 0, 0);
	CHECK_HEX(le64(f + 268), 0);			/* hypervisor vendor identity */
	unbuild(&b);
}

/* The FADT's options, and tables above 4 GiB. */
static void test_fadt_options(void)
{
	struct acpi_config cfg = pc_config(1, ids4);
	const __u8 *f;
	struct built b;

	cfg.reset_port = 0;
	cfg.i8042 = false;
	cfg.no_vga = false;
	cfg.power_button = true;
	cfg.rtc_century = 0;
	cfg.sci_irq = 11;
	CHECK_INT(build(&b, &cfg, 0x100000000ULL), 0);
	f = b.fadt;
	check_header(f, "FACP", 276, 6);
	if (f) {
		CHECK_INT(le16(f + 46), 11);
		CHECK_HEX(le16(f + 109), 0x0001);	/* LEGACY_DEVICES alone */
		/* No RESET_REG_SUP, nor PWR_BUTTON: a fixed power button. */
		CHECK_HEX(le32(f + 112), 0x00000065);
		check_gas(f, 116, 0, 0, 0, 0);
		CHECK_INT(f[128], 0);
		CHECK_INT(f[108], 0);
		/* Above 4 GiB, only the X_ fields can hold the addresses. */
		CHECK_HEX(le32(f + 36), 0);
		CHECK_HEX(le32(f + 40), 0);
		CHECK(le64(f + 132) >= 0x100000000ULL);
		CHECK(le64(f + 140) >= 0x100000000ULL);
	}
	CHECK(b.dsdt);
	CHECK(b.facs);
	CHECK(b.rsdp_gpa >= 0x100000000ULL);
	CHECK(b.xsdt && le64(b.xsdt + 36) > 0x100000000ULL);
	unbuild(&b);
}

/* --- DSDT ---------------------------------------------------------------- */

/* The DSDT (5.2.11.1) holds Name (_S5, Package (4) { typ, typ, 0, 0 }) alone. */
static void test_dsdt(void)
{
	/* NameOp "_S5_" PackageOp PkgLength NumElements elements (20.2.5). */
	static const __u8 s5_5[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x04,
				     0x0a, 0x05, 0x0a, 0x05, 0x00, 0x00 };
	static const __u8 s5_0[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04,
				     0x00, 0x00, 0x00, 0x00 };
	static const __u8 s5_1[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04,
				     0x01, 0x01, 0x00, 0x00 };
	static const struct {
		__u8 typ;
		const __u8 *aml;
		size_t len;
	} cases[] = {
		{ 5, s5_5, sizeof(s5_5) },
		{ 0, s5_0, sizeof(s5_0) },
		{ 1, s5_1, sizeof(s5_1) },
	};
	struct acpi_config cfg = pc_config(2, ids4);
	struct built b;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		cfg.s5_slp_typ = cases[i].typ;
		CHECK_INT(build(&b, &cfg, GPA_BIOS), 0);
		/* Revision 2: 64-bit integers. */
		check_header(b.dsdt, "DSDT", 36 + cases[i].len, 2);
		if (b.dsdt)
			CHECK(!memcmp(b.dsdt + 36, cases[i].aml, cases[i].len));
		unbuild(&b);
	}
}

/* --- MADT ---------------------------------------------------------------- */

/* MADT structures by type (5.2.12, "Interrupt Controller Structure Types"). */
struct madt_count {
	unsigned int type[16];
	unsigned int bad;
};

/* Walks the MADT's structures: each type-length pair inside the table. */
static struct madt_count madt_walk(const __u8 *m)
{
	struct madt_count c;
	__u32 off, len = le32(m + 4);

	memset(&c, 0, sizeof(c));
	for (off = 44; off < len; off += m[off + 1]) {
		if (len - off < 2 || m[off + 1] < 2 || m[off + 1] > len - off) {
			c.bad++;
			break;
		}
		if (m[off] < 16)
			c.type[m[off]]++;
		else
			c.bad++;
	}
	return c;
}

/* The MADT for @n vCPUs with IDs @ids: its header and its structure counts. */
static void check_madt(unsigned int n, const __u32 *ids, unsigned int xapic,
		       unsigned int x2apic)
{
	struct acpi_config cfg = pc_config(n, ids);
	struct madt_count c;
	struct built b;
	__u32 len;

	/* Lengths (5.2.12.x): LAPIC 8, x2APIC 16, I/O APIC 12, ISO 10, NMIs 6/12. */
	len = 44 + 8 * xapic + 16 * x2apic + 12 + 2 * 10 + (xapic ? 6 : 0) + (x2apic ? 12 : 0);
	CHECK_INT(build(&b, &cfg, GPA_BIOS), 0);
	check_header(b.madt, "APIC", len, 5);
	if (b.madt) {
		CHECK_HEX(le32(b.madt + 36), 0xfee00000);	/* local APIC address */
		CHECK_HEX(le32(b.madt + 40), 1);		/* PCAT_COMPAT */
		c = madt_walk(b.madt);
		CHECK_INT(c.bad, 0);
		CHECK_INT(c.type[0], xapic);		/* Processor Local APIC */
		CHECK_INT(c.type[1], 1);		/* I/O APIC */
		CHECK_INT(c.type[2], 2);		/* Interrupt Source Override */
		CHECK_INT(c.type[4], xapic ? 1 : 0);	/* Local APIC NMI */
		CHECK_INT(c.type[9], x2apic);		/* Processor Local x2APIC */
		CHECK_INT(c.type[10], x2apic ? 1 : 0);	/* Local x2APIC NMI */
	}
	unbuild(&b);
}

static void test_madt_counts(void)
{
	static __u32 ids255[255], ids256[256];
	unsigned int i;

	check_madt(1, ids4, 1, 0);
	check_madt(2, ids4, 2, 0);
	check_madt(4, ids4, 4, 0);
	/* IDs 0, 2, ..., 508: those above 254 need x2APIC structures. */
	for (i = 0; i < 255; i++)
		ids255[i] = 2 * i;
	check_madt(255, ids255, 128, 127);
	/* IDs 0-255: 255 is not an xAPIC ID; nor is 255 a processor UID there. */
	for (i = 0; i < 256; i++)
		ids256[i] = i;
	check_madt(256, ids256, 255, 1);
}

/* The structures of a 4-vCPU MADT, field by field. */
static void test_madt_fields(void)
{
	static const __u32 ids[] = { 6, 0, 2, 300 };
	struct acpi_config cfg = pc_config(4, ids);
	const __u8 *m;
	struct built b;
	unsigned int i;

	cfg.ioapic_id = 9;
	CHECK_INT(build(&b, &cfg, GPA_BIOS), 0);
	m = b.madt;
	check_header(m, "APIC", 44 + 3 * 8 + 16 + 12 + 20 + 6 + 12, 5);
	if (!m) {
		unbuild(&b);
		return;
	}
	m += 44;
	/* Processor Local APIC: type, length, UID, APIC ID, flags (Enabled). */
	for (i = 0; i < 3; i++, m += 8) {
		CHECK_INT(m[0], 0);
		CHECK_INT(m[1], 8);
		CHECK_INT(m[2], i);
		CHECK_INT(m[3], ids[i]);
		CHECK_HEX(le32(m + 4), 1);
	}
	/* Processor Local x2APIC: reserved, x2APIC ID, flags, UID. */
	CHECK_INT(m[0], 9);
	CHECK_INT(m[1], 16);
	CHECK_HEX(le16(m + 2), 0);
	CHECK_INT(le32(m + 4), 300);
	CHECK_HEX(le32(m + 8), 1);
	CHECK_INT(le32(m + 12), 3);
	m += 16;
	/* I/O APIC: ID, reserved, address, GSI base. */
	CHECK_INT(m[0], 1);
	CHECK_INT(m[1], 12);
	CHECK_INT(m[2], 9);
	CHECK_INT(m[3], 0);
	CHECK_HEX(le32(m + 4), 0xfec00000);
	CHECK_INT(le32(m + 8), 0);
	m += 12;
	/* ISO: bus ISA, IRQ 0 -> GSI 2, MPS INTI flags active high (01), edge (01). */
	CHECK_INT(m[0], 2);
	CHECK_INT(m[1], 10);
	CHECK_INT(m[2], 0);
	CHECK_INT(m[3], 0);
	CHECK_INT(le32(m + 4), 2);
	CHECK_HEX(le16(m + 8), 0x0005);
	m += 10;
	/* The SCI: IRQ 9 -> GSI 9, active high (01), level (11). */
	CHECK_INT(m[0], 2);
	CHECK_INT(m[1], 10);
	CHECK_INT(m[2], 0);
	CHECK_INT(m[3], 9);
	CHECK_INT(le32(m + 4), 9);
	CHECK_HEX(le16(m + 8), 0x000d);
	m += 10;
	/* Local APIC NMI: every processor (UID 0xff), flags 0, LINT1. */
	CHECK_INT(m[0], 4);
	CHECK_INT(m[1], 6);
	CHECK_HEX(m[2], 0xff);
	CHECK_HEX(le16(m + 3), 0);
	CHECK_INT(m[5], 1);
	m += 6;
	/* Local x2APIC NMI: flags 0, every processor (UID 0xffffffff), LINT1. */
	CHECK_INT(m[0], 10);
	CHECK_INT(m[1], 12);
	CHECK_HEX(le16(m + 2), 0);
	CHECK_HEX(le32(m + 4), 0xffffffff);
	CHECK_INT(m[8], 1);
	CHECK_INT(m[9] | m[10] | m[11], 0);
	unbuild(&b);
}

/* Without the PIT's override, the SCI's alone; GSIs follow the GSI base. */
static void test_madt_no_pit(void)
{
	struct acpi_config cfg = pc_config(2, ids4);
	struct madt_count c;
	const __u8 *iso;
	struct built b;

	cfg.pit_override = false;
	cfg.ioapic_gsi_base = 24;
	CHECK_INT(build(&b, &cfg, GPA_BIOS), 0);
	check_header(b.madt, "APIC", 44 + 2 * 8 + 12 + 10 + 6, 5);
	if (b.madt) {
		c = madt_walk(b.madt);
		CHECK_INT(c.type[2], 1);
		CHECK_INT(le32(b.madt + 44 + 16 + 8), 24);	/* I/O APIC GSI base */
		iso = b.madt + 44 + 16 + 12;
		CHECK_INT(iso[3], 9);
		CHECK_INT(le32(iso + 4), 24 + 9);
	}
	unbuild(&b);
}

/* --- ACPICA: iasl and acpiexec --------------------------------------------- */

static char tmpdir[32];

static bool have_tool(const char *name)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", name);
	return system(cmd) == 0;
}

static bool write_file(const char *name, const void *data, size_t len)
{
	char path[256];
	FILE *f;
	bool ok;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "wb");
	if (!f)
		return false;
	ok = fwrite(data, 1, len, f) == len;
	return fclose(f) == 0 && ok;
}

/* The contents of @name in the temporary directory (malloc'd), NULL if none. */
static char *read_file(const char *name, size_t *lenp)
{
	char path[256], *data;
	size_t len = 0;
	FILE *f;
	long end;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	end = fseek(f, 0, SEEK_END) ? -1 : ftell(f);
	if (end < 0 || fseek(f, 0, SEEK_SET)) {
		fclose(f);
		return NULL;
	}
	data = malloc(end + 1);
	if (data)
		len = fread(data, 1, end, f);
	fclose(f);
	if (data)
		data[len] = 0;
	if (lenp)
		*lenp = len;
	return data;
}

/* Runs @cmd in the temporary directory; its output (malloc'd) and status. */
static char *run(const char *cmd, int *status)
{
	char *out = NULL, *line;
	size_t len = 0, n;
	char buf[4096];
	FILE *p;

	line = malloc(strlen(cmd) + strlen(tmpdir) + 32);
	if (!line)
		return NULL;
	sprintf(line, "cd %s && %s 2>&1", tmpdir, cmd);
	p = popen(line, "r");
	free(line);
	if (!p)
		return NULL;
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0) {
		char *more = realloc(out, len + n + 1);

		if (!more)
			break;
		out = more;
		memcpy(out + len, buf, n);
		len += n;
		out[len] = 0;
	}
	*status = pclose(p);
	if (!out)
		out = calloc(1, 1);
	return out;
}

/* What ACPICA prints about a table it finds wrong. */
static void check_no_complaint(const char *text)
{
	static const char *const bad[] = {
		"Incorrect checksum", "/****", "Invalid", "Firmware Warning", "Firmware Error",
		"ACPI Warning", "ACPI Error", "ACPI BIOS", "mismatch", "terminates",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		if (strstr(text, bad[i]))
			check_failed(__FILE__, __LINE__, "ACPICA says \"%s\":\n%s", bad[i], text);
}

/* Writes each table of @b to SIG.dat; false if one is missing. */
static bool write_tables(const struct built *b)
{
	if (!b->rsdp || !b->xsdt || !b->fadt || !b->madt || !b->dsdt || !b->facs)
		return false;
	return write_file("RSDP.dat", b->rsdp, 36) &&
	       write_file("XSDT.dat", b->xsdt, le32(b->xsdt + 4)) &&
	       write_file("FACP.dat", b->fadt, le32(b->fadt + 4)) &&
	       write_file("APIC.dat", b->madt, le32(b->madt + 4)) &&
	       write_file("DSDT.dat", b->dsdt, le32(b->dsdt + 4)) &&
	       write_file("FACS.dat", b->facs, 64);
}

/* Removes the blanks that end lines of @text. */
static void strip_line_ends(char *text)
{
	char *from = text, *to = text, *blanks = NULL;

	for (; *from; from++) {
		if (*from == ' ' || *from == '\t') {
			if (!blanks)
				blanks = to;
		} else if (*from == '\n' && blanks) {
			to = blanks;
			blanks = NULL;
		} else {
			blanks = NULL;
		}
		*to++ = *from;
	}
	*to = 0;
}

/* iasl -d of SIG.dat: succeeds, complains of nothing; SIG.dsl (malloc'd). */
static char *disassemble(const char *sig)
{
	char cmd[64], dsl[16], *out, *text;
	int status;

	snprintf(cmd, sizeof(cmd), "iasl -d %s.dat", sig);
	snprintf(dsl, sizeof(dsl), "%s.dsl", sig);
	out = run(cmd, &status);
	CHECK(out);
	CHECK_INT(status, 0);
	if (out)
		check_no_complaint(out);
	free(out);
	text = read_file(dsl, NULL);
	CHECK(text);
	if (text) {
		check_no_complaint(text);
		strip_line_ends(text);
	}
	return text;
}

/* iasl's reading of each table of the 4-vCPU platform. */
static void test_iasl_disassembly(void)
{
	static const char *const xsdt[] = { "Signature : \"XSDT\"", "Revision : 01",
		"Oem ID : \"AXVCPU\"", "Oem Table ID : \"AXVPC   \"" };
	static const char *const facp[] = { "Table Length : 00000114", "Revision : 06",
		"FACS Address : 00000000",
		"SCI Interrupt : 0009", "SMI Command Port : 00000000",
		"PM1A Event Block Address : 00000600", "PM1A Control Block Address : 00000604",
		"PM1 Event Block Length : 04", "PM1 Control Block Length : 02",
		"PM Timer Block Length : 00", "RTC Century Index : 32",
		"Legacy Devices Supported (V2) : 1", "8042 Present on ports 60/64 (V2) : 1",
		"VGA Not Present (V4) : 1", "WBINVD instruction is operational (V1) : 1",
		"All CPUs support C1 (V1) : 1", "Reset Register Supported (V2) : 1",
		"Hardware Reduced (V5) : 0", "Reset Register : [Generic Address Structure]",
		"Space ID : 01 [SystemIO]", "Address : 0000000000000CF9",
		"Value to cause reset : 06", "FADT Minor Revision : 03",
		"Address : 0000000000000600", "Address : 0000000000000604" };
	static const char *const apic[] = { "Local Apic Address : FEE00000",
		"PC-AT Compatibility : 1", "Subtable Type : 00 [Processor Local APIC]",
		"Processor ID : 03", "Local Apic ID : 03", "Processor Enabled : 1",
		"Subtable Type : 01 [I/O APIC]", "I/O Apic ID : 04", "Address : FEC00000",
		"Subtable Type : 02 [Interrupt Source Override]", "Interrupt : 00000002",
		"Source : 09", "Interrupt : 00000009", "Trigger Mode : 3",
		"Subtable Type : 04 [Local APIC NMI]", "Processor ID : FF",
		"Interrupt Input LINT : 01" };
	static const char *const dsdt[] = { "DefinitionBlock (\"\", \"DSDT\", 2, \"AXVCPU\"",
		"Name (_S5, Package (0x04)",
		"0x05,\n        0x05,\n        Zero,\n        Zero\n    })" };
	static const char *const facs[] = { "Signature : \"FACS\"", "Length : 00000040",
		"Version : 02" };
	static const struct {
		const char *sig;
		const char *const *want;
		unsigned int n;
	} tables[] = {
		{ "XSDT", xsdt, ARRAY_SIZE(xsdt) },
		{ "FACP", facp, ARRAY_SIZE(facp) },
		{ "APIC", apic, ARRAY_SIZE(apic) },
		{ "DSDT", dsdt, ARRAY_SIZE(dsdt) },
		{ "FACS", facs, ARRAY_SIZE(facs) },
	};
	struct acpi_config cfg = pc_config(4, ids4);
	unsigned int i, j;
	char *text, want[64];
	struct built b;

	CHECK_INT(build(&b, &cfg, GPA_BIOS), 0);
	CHECK(write_tables(&b));
	for (i = 0; i < ARRAY_SIZE(tables); i++) {
		text = disassemble(tables[i].sig);
		for (j = 0; text && j < tables[i].n; j++)
			CHECK_STR_HAS(text, tables[i].want[j]);
		/* The addresses of the tables, wherever acpi.c put them. */
		if (text && !strcmp(tables[i].sig, "XSDT") && b.fadt && b.madt) {
			snprintf(want, sizeof(want), "ACPI Table Address   0 : %016llX",
				 gpa_of(&b, b.fadt));
			CHECK_STR_HAS(text, want);
			snprintf(want, sizeof(want), "ACPI Table Address   1 : %016llX",
				 gpa_of(&b, b.madt));
			CHECK_STR_HAS(text, want);
		}
		if (text && !strcmp(tables[i].sig, "FACP") && b.dsdt && b.facs) {
			snprintf(want, sizeof(want), "DSDT Address : %08llX", gpa_of(&b, b.dsdt));
			CHECK_STR_HAS(text, want);
			snprintf(want, sizeof(want), "DSDT Address : %016llX", gpa_of(&b, b.dsdt));
			CHECK_STR_HAS(text, want);
			snprintf(want, sizeof(want), "FACS Address : %016llX", gpa_of(&b, b.facs));
			CHECK_STR_HAS(text, want);
		}
		free(text);
	}
	unbuild(&b);
}

/* --- tables this file expects, compiled by iasl ------------------------------ */

/* The iasl source being written, a "Field : value" line at a time. */
static struct {
	char text[32768];
	size_t len;
} src;

/* Ends the line snprintf() wrote (@n characters) into the source. */
static void src_added(int n)
{
	if (n > 0 && (size_t)n < sizeof(src.text) - src.len - 1) {
		src.len += n;
		src.text[src.len++] = '\n';
		src.text[src.len] = 0;
	}
}

/* Adds a line to the source, as printf() formats it. */
#define src_add(...)	src_added(snprintf(src.text + src.len, sizeof(src.text) - src.len, \
					   __VA_ARGS__))

static void src_header(const char *sig, unsigned int revision)
{
	src.len = 0;
	src_add("Signature : \"%s\"", sig);
	src_add("Table Length : 00000000");
	src_add("Revision : %02X", revision);
	src_add("Checksum : 00");
	src_add("Oem ID : \"AXVCPU\"");
	src_add("Oem Table ID : \"AXVPC   \"");
	src_add("Oem Revision : 00000001");
	src_add("Asl Compiler ID : \"UCTL\"");
	src_add("Asl Compiler Revision : 00000001");
}

static void src_gas(const char *name, unsigned int space, unsigned int bits,
		    unsigned int access, __u64 addr)
{
	src_add("%s : [Generic Address Structure]", name);
	src_add("Space ID : %02X", space);
	src_add("Bit Width : %02X", bits);
	src_add("Bit Offset : 00");
	src_add("Encoded Access Width : %02X", access);
	src_add("Address : %016llX", (unsigned long long)addr);
}

/*
 * Compiles @s with iasl into NAME.aml and compares it with @ours: the same
 * bytes but for the checksum (9) and the creator ID and revision (28-35),
 * which iasl sets to its own.  @whole: compare those too (the RSDP).
 */
static void compile_and_compare(const char *name, const __u8 *ours,
				size_t len, bool whole)
{
	char file[64], cmd[128], *out, *aml;
	size_t aml_len = 0, i;
	int status;

	CHECK(ours);
	if (!ours)
		return;
	snprintf(file, sizeof(file), "%s.asl", name);
	CHECK(write_file(file, src.text, src.len));
	snprintf(cmd, sizeof(cmd), "iasl -p %s %s", name, file);
	out = run(cmd, &status);
	CHECK_INT(status, 0);
	if (out && status)
		printf("%s\n", out);
	free(out);
	snprintf(file, sizeof(file), "%s.aml", name);
	aml = read_file(file, &aml_len);
	CHECK(aml);
	if (!aml)
		return;
	CHECK_INT(aml_len, len);
	for (i = 0; i < len && i < aml_len; i++) {
		if (!whole && (i == 9 || (i >= 28 && i < 36)))
			continue;
		if ((__u8)aml[i] != ours[i]) {
			check_failed(__FILE__, __LINE__, "%s: byte %zu is 0x%02x, iasl's 0x%02x",
				     name, i, ours[i], (__u8)aml[i]);
			break;
		}
	}
	if (!whole)
		CHECK_INT(sum8((const __u8 *)aml, aml_len), 0);
	free(aml);
}

static void src_fadt(const struct built *b)
{
	static const char *const fixed[] = {
		"Model : 00", "PM Profile : 00", "SCI Interrupt : 0009",
		"SMI Command Port : 00000000", "ACPI Enable Value : 00",
		"ACPI Disable Value : 00", "S4BIOS Command : 00", "P-State Control : 00",
		"PM1A Event Block Address : 00000600", "PM1B Event Block Address : 00000000",
		"PM1A Control Block Address : 00000604", "PM1B Control Block Address : 00000000",
		"PM2 Control Block Address : 00000000", "PM Timer Block Address : 00000000",
		"GPE0 Block Address : 00000000", "GPE1 Block Address : 00000000",
		"PM1 Event Block Length : 04", "PM1 Control Block Length : 02",
		"PM2 Control Block Length : 00", "PM Timer Block Length : 00",
		"GPE0 Block Length : 00", "GPE1 Block Length : 00", "GPE1 Base Offset : 00",
		"_CST Support : 00", "C2 Latency : 0065", "C3 Latency : 03E9",
		"CPU Cache Size : 0000", "Cache Flush Stride : 0000", "Duty Cycle Offset : 00",
		"Duty Cycle Width : 00", "RTC Day Alarm Index : 00",
		"RTC Month Alarm Index : 00", "RTC Century Index : 32",
		"Boot Flags (decoded below) : 0000",
		"Legacy Devices Supported (V2) : 1", "8042 Present on ports 60/64 (V2) : 1",
		"VGA Not Present (V4) : 1", "MSI Not Supported (V4) : 0",
		"PCIe ASPM Not Supported (V4) : 0", "CMOS RTC Not Present (V5) : 0",
		"Reserved : 00", "Flags (decoded below) : 00000000",
		"WBINVD instruction is operational (V1) : 1",
		"WBINVD flushes all caches (V1) : 0", "All CPUs support C1 (V1) : 1",
		"C2 works on MP system (V1) : 0", "Control Method Power Button (V1) : 1",
		"Control Method Sleep Button (V1) : 1",
		"RTC wake not in fixed reg space (V1) : 1",
		"RTC can wake system from S4 (V1) : 0", "32-bit PM Timer (V1) : 0",
		"Docking Supported (V1) : 0", "Reset Register Supported (V2) : 1",
		"Sealed Case (V3) : 0", "Headless - No Video (V3) : 0",
		"Use native instr after SLP_TYPx (V3) : 0",
		"PCIEXP_WAK Bits Supported (V4) : 0", "Use Platform Timer (V4) : 0",
		"RTC_STS valid on S4 wake (V4) : 0", "Remote Power-on capable (V4) : 0",
		"Use APIC Cluster Model (V4) : 0",
		"Use APIC Physical Destination Mode (V4) : 0", "Hardware Reduced (V5) : 0",
		"Low Power S0 Idle (V5) : 0",
	};
	unsigned long long dsdt = gpa_of(b, b->dsdt), facs = gpa_of(b, b->facs);
	unsigned int i;

	src_header("FACP", 6);
	src_add("FACS Address : 00000000");
	src_add("DSDT Address : %08llX", dsdt);
	for (i = 0; i < ARRAY_SIZE(fixed); i++)
		src_add("%s", fixed[i]);
	src_gas("Reset Register", 1, 8, 1, 0xcf9);
	src_add("Value to cause reset : 06");
	src_add("ARM Flags (decoded below) : 0000");
	src_add("PSCI Compliant : 0");
	src_add("Must use HVC for PSCI : 0");
	src_add("FADT Minor Revision : 03");
	src_add("FACS Address : %016llX", facs);
	src_add("DSDT Address : %016llX", dsdt);
	src_gas("PM1A Event Block", 1, 32, 2, PM1A_EVT);
	src_gas("PM1B Event Block", 0, 0, 0, 0);
	src_gas("PM1A Control Block", 1, 16, 2, PM1A_CNT);
	src_gas("PM1B Control Block", 0, 0, 0, 0);
	src_gas("PM2 Control Block", 0, 0, 0, 0);
	src_gas("PM Timer Block", 0, 0, 0, 0);
	src_gas("GPE0 Block", 0, 0, 0, 0);
	src_gas("GPE1 Block", 0, 0, 0, 0);
	src_gas("Sleep Control Register", 0, 0, 0, 0);
	src_gas("Sleep Status Register", 0, 0, 0, 0);
	src_add("Hypervisor ID : 0000000000000000");
}

/* The MADT of @n vCPUs with IDs @ids, I/O APIC ID @n, as userctl's PC has it. */
static void src_madt(unsigned int n, const __u32 *ids)
{
	bool xapic = false, x2apic = false;
	unsigned int i;

	src_header("APIC", 5);
	src_add("Local Apic Address : FEE00000");
	src_add("Flags (decoded below) : 00000000");
	src_add("PC-AT Compatibility : 1");
	for (i = 0; i < n; i++) {
		if (ids[i] < 255 && i < 255) {
			src_add("Subtable Type : 00");
			src_add("Length : 08");
			src_add("Processor ID : %02X", i);
			src_add("Local Apic ID : %02X", ids[i]);
			src_add("Flags (decoded below) : 00000000");
			src_add("Processor Enabled : 1");
			src_add("Runtime Online Capable : 0");
			xapic = true;
		} else {
			src_add("Subtable Type : 09");
			src_add("Length : 10");
			src_add("Reserved : 0000");
			src_add("Processor x2Apic ID : %08X", ids[i]);
			src_add("Flags (decoded below) : 00000000");
			src_add("Processor Enabled : 1");
			src_add("Processor UID : %08X", i);
			x2apic = true;
		}
	}
	src_add("Subtable Type : 01");
	src_add("Length : 0C");
	src_add("I/O Apic ID : %02X", n & 0xff);
	src_add("Reserved : 00");
	src_add("Address : FEC00000");
	src_add("Interrupt : 00000000");
	/* IRQ 0 -> GSI 2, edge, active high; IRQ 9 (SCI) -> GSI 9, level, high. */
	src_add("Subtable Type : 02");
	src_add("Length : 0A");
	src_add("Bus : 00");
	src_add("Source : 00");
	src_add("Interrupt : 00000002");
	src_add("Flags (decoded below) : 0000");
	src_add("Polarity : 1");
	src_add("Trigger Mode : 1");
	src_add("Subtable Type : 02");
	src_add("Length : 0A");
	src_add("Bus : 00");
	src_add("Source : 09");
	src_add("Interrupt : 00000009");
	src_add("Flags (decoded below) : 0000");
	src_add("Polarity : 1");
	src_add("Trigger Mode : 3");
	if (xapic) {
		src_add("Subtable Type : 04");
		src_add("Length : 06");
		src_add("Processor ID : FF");
		src_add("Flags (decoded below) : 0000");
		src_add("Polarity : 0");
		src_add("Trigger Mode : 0");
		src_add("Interrupt Input LINT : 01");
	}
	if (x2apic) {
		src_add("Subtable Type : 0A");
		src_add("Length : 0C");
		src_add("Flags (decoded below) : 0000");
		src_add("Polarity : 0");
		src_add("Trigger Mode : 0");
		src_add("Processor UID : FFFFFFFF");
		src_add("Interrupt Input LINT : 01");
		src_add("Reserved : 000000");
	}
}

/* Every table, as iasl builds it from the fields this file expects. */
static void test_iasl_compiled_tables(void)
{
	static const __u32 ids_x2[] = { 0, 1, 254, 255, 0x12345 };
	struct acpi_config cfg = pc_config(4, ids4);
	struct built b;

	CHECK_INT(build(&b, &cfg, GPA_BIOS), 0);
	CHECK(write_tables(&b));
	if (!b.rsdp || !b.xsdt || !b.fadt || !b.madt || !b.dsdt || !b.facs) {
		unbuild(&b);
		return;
	}

	src.len = 0;
	src_add("Signature : \"RSD PTR \"");
	src_add("Checksum : 00");
	src_add("Oem ID : \"AXVCPU\"");
	src_add("Revision : 02");
	src_add("RSDT Address : 00000000");
	src_add("Length : 00000024");
	src_add("XSDT Address : %016llX", gpa_of(&b, b.xsdt));
	src_add("Extended Checksum : 00");
	src_add("Reserved : 000000");
	compile_and_compare("rsdp", b.rsdp, 36, true);

	src_header("XSDT", 1);
	src_add("ACPI Table Address 0 : %016llX",
		gpa_of(&b, b.fadt));
	src_add("ACPI Table Address 1 : %016llX",
		gpa_of(&b, b.madt));
	compile_and_compare("xsdt", b.xsdt, le32(b.xsdt + 4), false);

	src.len = 0;
	src_add("Signature : \"FACS\"");
	src_add("Length : 00000040");
	src_add("Hardware Signature : 00000000");
	src_add("32 Firmware Waking Vector : 00000000");
	src_add("Global Lock : 00000000");
	src_add("Flags (decoded below) : 00000000");
	src_add("S4BIOS Support Present : 0");
	src_add("64-bit Wake Supported (V2) : 0");
	src_add("64 Firmware Waking Vector : 0000000000000000");
	src_add("Version : 02");
	src_add("Reserved : 000000");
	src_add("OspmFlags (decoded below) : 00000000");
	src_add("64-bit Wake Env Required (V2) : 0");
	compile_and_compare("facs", b.facs, 64, true);

	src_fadt(&b);
	compile_and_compare("fadt", b.fadt, le32(b.fadt + 4), false);

	src_madt(4, ids4);
	compile_and_compare("madt4", b.madt, le32(b.madt + 4), false);

	/* The DSDT, from ASL. */
	src.len = 0;
	src_add("DefinitionBlock (\"\", \"DSDT\", 2, \"AXVCPU\", \"AXVPC   \", 1)");
	src_add("{");
	src_add("    Name (_S5, Package (4) { 5, 5, 0, 0 })");
	src_add("}");
	compile_and_compare("dsdt", b.dsdt, le32(b.dsdt + 4), false);
	unbuild(&b);

	/* x2APIC structures for ID 255 and beyond. */
	cfg = pc_config(5, ids_x2);
	CHECK_INT(build(&b, &cfg, GPA_BIOS), 0);
	src_madt(5, ids_x2);
	compile_and_compare("madt_x2apic", b.madt, b.madt ? le32(b.madt + 4) : 0, false);
	unbuild(&b);
}

/* acpiexec loads the FADT, DSDT, FACS and MADT and finds \_S5. */
static void test_acpiexec_s5(void)
{
	struct acpi_config cfg = pc_config(4, ids4);
	struct built b;
	char *out;
	int status;

	CHECK_INT(build(&b, &cfg, GPA_BIOS), 0);
	CHECK(write_tables(&b));
	out = run("acpiexec -b 'evaluate \\_S5' FACP.dat DSDT.dat FACS.dat APIC.dat", &status);
	CHECK_INT(status, 0);
	CHECK(out);
	if (out) {
		check_no_complaint(out);
		CHECK_STR_HAS(out, "ACPI: FACP");
		CHECK_STR_HAS(out, "ACPI: DSDT");
		CHECK_STR_HAS(out, "ACPI: FACS");
		CHECK_STR_HAS(out, "[Package] Contains 4 Elements:\n"
			      "    [Integer] = 0000000000000005\n"
			      "    [Integer] = 0000000000000005\n"
			      "    [Integer] = 0000000000000000\n"
			      "    [Integer] = 0000000000000000\n");
	}
	free(out);
	unbuild(&b);
}

/* acpiexec's port writes, parsed from its "Wrote: V width W to A" lines. */
struct io_log {
	unsigned int n;
	__u64 value[256], addr[256];
	unsigned int width[256];
};

/*
 * The writes of the S5 sequence in @text (acpiexec's own tests write the
 * registers before); true once PM1a_CNT got SLP_EN.
 */
static bool parse_writes(struct io_log *log, const char *text)
{
	const char *p = strstr(text, "Sleep: Going to sleep");
	unsigned long long v, a;
	unsigned int w;

	log->n = 0;
	while (p && (p = strstr(p, "Wrote: ")) && strchr(p, '\n')) {
		if (sscanf(p, "Wrote: %llx width %u to %llx", &v, &w, &a) == 3 && log->n < 256) {
			log->value[log->n] = v;
			log->width[log->n] = w;
			log->addr[log->n] = a;
			log->n++;
			if (a == PM1A_CNT && (v & ACPI_PM1_CNT_SLP_EN))
				return true;
		}
		p = strchr(p, '\n');
	}
	return false;
}

/*
 * Runs ACPICA's S5 sequence (acpiexec "sleep 5", port I/O traced at debug
 * level ACPI_LV_IO) on the tables in the temporary directory until it
 * writes SLP_EN: ACPICA then waits 10 s for the power to go, so the test
 * stops it there (stdbuf makes acpiexec write each line as it comes).  Its
 * output (malloc'd).
 */
static char *acpiexec_sleep_s5(struct io_log *log)
{
	static char *const argv[] = { "stdbuf", "-oL", "-eL", "acpiexec", "-x", "0x04000000",
				      "-b", "sleep 5", "FACP.dat", "DSDT.dat", "FACS.dat", NULL };
	char *const *args = have_tool("stdbuf") ? argv : argv + 3;
	size_t len = 0, cap = 1 << 16;
	char *out = calloc(1, cap);
	time_t deadline = time(NULL) + 60;
	struct pollfd pfd;
	int fds[2], status;
	pid_t pid;
	ssize_t n;

	if (!out || pipe(fds))
		return out;
	pid = fork();
	if (pid == 0) {
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		close(fds[0]);
		close(fds[1]);
		if (chdir(tmpdir) == 0)
			execvp(args[0], args);
		_exit(127);
	}
	close(fds[1]);
	pfd.fd = fds[0];
	pfd.events = POLLIN;
	while (pid > 0 && time(NULL) < deadline && len < cap - 1) {
		if (poll(&pfd, 1, 1000) <= 0)
			continue;
		n = read(fds[0], out + len, cap - 1 - len);
		if (n <= 0)
			break;
		len += n;
		out[len] = 0;
		if (parse_writes(log, out))
			break;
	}
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	close(fds[0]);
	parse_writes(log, out);
	return out;
}

/* ACPICA's S5 on the FADT's PM1 blocks: SLP_TYP 5, then with SLP_EN. */
static void test_acpiexec_sleep_s5(void)
{
	struct acpi_config cfg = pc_config(4, ids4);
	bool typ_first = false, en = false, sts = false;
	static struct io_log log;
	struct built b;
	unsigned int i;
	char *out;

	CHECK_INT(build(&b, &cfg, GPA_BIOS), 0);
	CHECK(write_tables(&b));
	out = acpiexec_sleep_s5(&log);
	CHECK(out);
	if (out) {
		check_no_complaint(out);
		CHECK_STR_HAS(out, "Sleep-A: 05, Sleep-B: 05");
		/* PM1_EN is 2 bytes into the event block ("PM1 Event Grouping"). */
		CHECK_STR_HAS(out, "width 16   to 0000000000000602 (SystemIO)");
	}
	for (i = 0; i < log.n; i++) {
		CHECK(log.addr[i] == PM1A_EVT || log.addr[i] == PM1A_CNT);
		CHECK_INT(log.width[i], 16);
		/* PM1_STS at the event block: WAK_STS (bit 15) cleared. */
		if (log.addr[i] == PM1A_EVT && (log.value[i] & 0x8000))
			sts = true;
		if (log.addr[i] != PM1A_CNT)
			continue;
		/* SLP_TYP is bits 12:10, SLP_EN bit 13 ("PM1 Control Registers"). */
		if ((log.value[i] >> 10 & 7) == 5 && !(log.value[i] & 0x2000))
			typ_first = true;
		if ((log.value[i] >> 10 & 7) == 5 && (log.value[i] & 0x2000))
			en = typ_first;
	}
	CHECK(sts);
	CHECK(typ_first);
	CHECK(en);
	if (!en && out)
		printf("%s\n", out);
	free(out);
	unbuild(&b);
}

int main(void)
{
	char cmd[64];

	RUN(test_size);
	RUN(test_too_small);
	RUN(test_invalid_config);
	RUN(test_rsdp);
	RUN(test_xsdt);
	RUN(test_facs);
	RUN(test_fadt);
	RUN(test_fadt_options);
	RUN(test_dsdt);
	RUN(test_madt_counts);
	RUN(test_madt_fields);
	RUN(test_madt_no_pit);

	strcpy(tmpdir, "/tmp/test_acpi.XXXXXX");
	if (!mkdtemp(tmpdir)) {
		printf("FAIL cannot make a temporary directory: %s\n", strerror(errno));
		tests_failed++;
		return check_report();
	}
	if (have_tool("iasl")) {
		RUN(test_iasl_disassembly);
		RUN(test_iasl_compiled_tables);
	} else {
		printf("SKIP: iasl not found\n");
	}
	if (have_tool("acpiexec")) {
		RUN(test_acpiexec_s5);
		RUN(test_acpiexec_sleep_s5);
	} else {
		printf("SKIP: acpiexec not found\n");
	}
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	if (system(cmd))
		printf("cannot remove %s\n", tmpdir);
	return check_report();
}
