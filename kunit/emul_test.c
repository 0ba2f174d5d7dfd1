// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the x86 instruction emulator (emul/), driven through its
 * interface (include/axvcpu/emul.h) over a fake backend: a guest page
 * table of a few test pages, a sparse fake memory, a device whose
 * accesses are handed on with %EMU_EXIT as a VMM's are, and the vector
 * registers in an array.
 *
 * 1. The cases of the MOV-only decoder's suite (vmx/decode.c, which the
 *    emulator replaces), run through emu_emulate(): length, the access
 *    the memory saw, the registers after, the hints for the VMM.
 * 2. Cases written from the Intel SDM for what running the instruction
 *    natively cannot show: canonical addresses, segment limits and types,
 *    page faults, LOCK, alignment checks, SSE state, device accesses
 *    replayed across %EMU_EXIT, REP string instructions, failures.
 * 3. A random sample of ALU instructions with a memory operand against a
 *    model of the SDM's flag definitions (its seed is printed; the module
 *    parameter emul_seed replays it).
 *
 * Every instruction's bytes are what GNU as 2.40 emits for the text beside
 * them in the mode of the case (.code16, .code32 or .code64), and objdump
 * reads them back as the same instruction.  Encodings as does not emit
 * (REX placement, redundant prefixes, LOCK where it is illegal, reserved
 * forms) are spelled with .byte and were checked with objdump in the same
 * way.
 *
 * "SDM" is the Intel 64 and IA-32 Architectures Software Developer's
 * Manual; its sections are cited by volume and title.
 */
#include <kunit/test.h>
#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/prandom.h>
#include <linux/random.h>
#include <linux/string.h>
#include <asm/processor-flags.h>
#include <asm/trap_pf.h>
#include <asm/trapnr.h>

#include <axvcpu/emul.h>

static ulong emul_seed;
module_param(emul_seed, ulong, 0444);
MODULE_PARM_DESC(emul_seed,
		 "seed of the emulator's random ALU sample (0: a random one)");

/* The code size of a case, as the old decoder's mode argument (bytes). */
#define M16	2	/* real-address mode */
#define M32	4	/* 32-bit protected mode */
#define M64	8	/* 64-bit mode */
#define MV86	1	/* virtual-8086 mode */

/* Register numbers in encoding order. */
enum test_gpr {
	GPR_AX, GPR_CX, GPR_DX, GPR_BX, GPR_SP, GPR_BP, GPR_SI, GPR_DI,
	GPR_R8, GPR_R9, GPR_R10, GPR_R11, GPR_R12, GPR_R13, GPR_R14, GPR_R15,
	GPR_NONE = EMU_NO_REG,
};

/*
 * The registers every case starts with: small addresses in the ones the
 * cases use as base or index, data with every byte distinct in the others.
 */
#define V_RAX	0x1040ULL
#define V_RCX	0xc1c2c3c4c5c6c7c8ULL
#define V_RDX	0xd1d2d3d4d5d6d7d8ULL
#define V_RBX	0x20ULL
#define V_RSP	0x3008ULL
#define V_RBP	0x4000ULL
#define V_RSI	0x5000ULL
#define V_RDI	0x6000ULL
#define V_R8	0x8000ULL
#define V_R9	0x9192939495969798ULL
#define V_R10	0xa1a2a3a4a5a6a7a8ULL
#define V_R11	0xb1b2b3b4b5b6b7b8ULL
#define V_R12	0xc000ULL
#define V_R13	0xd000ULL
#define V_R14	0x30ULL
#define V_R15	0xf1f2f3f4f5f6f7f8ULL
#define V_RIP	0x100000ULL	/* protected and 64-bit mode */
#define V_IP	0x100ULL	/* real mode, in CS 0xf000 */

static const u64 default_gprs[EMU_NR_GPRS] = {
	V_RAX, V_RCX, V_RDX, V_RBX, V_RSP, V_RBP, V_RSI, V_RDI,
	V_R8, V_R9, V_R10, V_R11, V_R12, V_R13, V_R14, V_R15,
};

/* Segment bases in real mode (selector * 16). */
#define RM_ES	0x30000ULL
#define RM_CS	0xf0000ULL
#define RM_SS	0x20000ULL
#define RM_DS	0x10000ULL
#define RM_FS	0x40000ULL
#define RM_GS	0x50000ULL
/* In protected mode; 64-bit mode ignores all but FS's and GS's. */
#define PM_ES	0x30000000ULL
#define PM_CS	0ULL
#define PM_SS	0x20000000ULL
#define PM_DS	0x10000000ULL
#define PM_FS	0x40000000ULL
#define PM_GS	0x50000000ULL

static const u64 real_bases[EMU_NR_SEGS] = {
	RM_ES, RM_CS, RM_SS, RM_DS, RM_FS, RM_GS,
};

static const u64 prot_bases[EMU_NR_SEGS] = {
	PM_ES, PM_CS, PM_SS, PM_DS, PM_FS, PM_GS,
};

/* Access rights (SDM Vol. 3A, 3.4.5 "Segment Descriptors"). */
#define AR_DATA		(EMU_AR_P | EMU_AR_S | EMU_AR_TYPE_W | EMU_AR_TYPE_A)
#define AR_DATA32	(AR_DATA | EMU_AR_DB | EMU_AR_G)
#define AR_RODATA32	(EMU_AR_P | EMU_AR_S | EMU_AR_TYPE_A | EMU_AR_DB | \
			 EMU_AR_G)
#define AR_DOWN32	(AR_DATA32 | EMU_AR_TYPE_E)
#define AR_DOWN16	(AR_DATA | EMU_AR_TYPE_E)
#define AR_CODE		(EMU_AR_P | EMU_AR_S | EMU_AR_TYPE_CODE | \
			 EMU_AR_TYPE_W | EMU_AR_TYPE_A)
#define AR_CODE32	(AR_CODE | EMU_AR_DB | EMU_AR_G)
#define AR_XOCODE32	(EMU_AR_P | EMU_AR_S | EMU_AR_TYPE_CODE | \
			 EMU_AR_TYPE_A | EMU_AR_DB | EMU_AR_G)
#define AR_CODE64	(AR_CODE | EMU_AR_L | EMU_AR_G)
#define AR_DPL(cpl)	((u32)(cpl) << 5)

/* Control registers of the protected and 64-bit modes. */
#define CR0_PROT	(X86_CR0_PE | X86_CR0_MP | X86_CR0_ET | X86_CR0_NE | \
			 X86_CR0_WP | X86_CR0_PG)
#define CR0_REAL	(X86_CR0_ET | X86_CR0_NE)
#define CR4_SSE		(X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT | X86_CR4_OSXSAVE)
/* XCR0: x87, SSE and AVX state enabled (SDM Vol. 1, 13.3). */
#define XCR0_AVX	0x7ULL
#define XCR0_SSE	0x3ULL

/* The status flags (SDM Vol. 1, 3.4.3.1). */
#define F_CF		X86_EFLAGS_CF
#define F_PF		X86_EFLAGS_PF
#define F_AF		X86_EFLAGS_AF
#define F_ZF		X86_EFLAGS_ZF
#define F_SF		X86_EFLAGS_SF
#define F_OF		X86_EFLAGS_OF
#define F_STATUS	(F_CF | F_PF | F_AF | F_ZF | F_SF | F_OF)
#define F_FIXED		X86_EFLAGS_FIXED

/* The test device: its accesses are handed on with EMU_EXIT. */
#define DEV_GPA		0xd0000000ULL
#define DEV_SIZE	0x10000ULL

/*
 * The fake backend.
 */
#define FAKE_PAGES	16
#define FAKE_MAPS	8
#define FAKE_LOG	64
#define FAKE_PAGE_SIZE	4096ULL
#define FAKE_PAGE_MASK	(~(FAKE_PAGE_SIZE - 1))

/* Attributes of a page in the fake guest page table. */
#define PG_NP		BIT(0)	/* not present */
#define PG_RO		BIT(1)	/* read-only */
#define PG_SUP		BIT(2)	/* supervisor only */

/**
 * struct fake_access - one access the fake memory saw.
 * @gpa: its guest-physical address.
 * @size: its size in bytes.
 * @write: a write.
 * @data: the bytes written, or read (a device's read: once completed).
 */
struct fake_access {
	u64 gpa;
	u8 size;
	bool write;
	u8 data[8];
};

/**
 * struct fake_map - a page of the fake guest page table.
 * @la: the page's linear address.
 * @gpa: the guest-physical address it maps to.
 * @attr: PG_* attributes.
 */
struct fake_map {
	u64 la;
	u64 gpa;
	u32 attr;
};

/**
 * struct fake_page - a page of fake guest-physical memory.
 * @gpa: its guest-physical address.
 * @data: its bytes.
 */
struct fake_page {
	u64 gpa;
	u8 *data;
};

/**
 * struct emu_fake - the fake backend of one test.
 * @test: the test, for expectations in the ops.
 * @long_mode: the context is in 64-bit mode (linear addresses are
 *	canonical), else linear addresses have 32 bits.
 * @map: pages that do not map the default way (identity, present,
 *	writable, user).
 * @nmap: entries in @map.
 * @page: fake memory, given out on first touch filled with
 *	fake_pattern(); the buffers stay for the next case of the test.
 * @npage: entries of @page in use.
 * @dev_start: guest-physical start of the device's range.
 * @dev_end: its end (exclusive); equal to @dev_start: no device.
 * @exit_all: every access is handed on, as the device's are.
 * @again_at: the read or write call of this index (from 0) answers
 *	%EMU_AGAIN and is not made; -1: none.
 * @calls: read and write calls so far.
 * @nagain: %EMU_AGAIN answers given.
 * @log: the accesses made, in order.
 * @nlog: entries in @log.
 * @tlog: the linear addresses translated, in order.
 * @tacc: their access types (EMU_ACC_*).
 * @ntlog: translations asked for (entries in @tlog, up to FAKE_LOG).
 * @vec: the vector registers, XMM/YMM 0-15.
 * @vec_writes: write_vec calls so far.
 */
struct emu_fake {
	struct kunit *test;
	bool long_mode;
	struct fake_map map[FAKE_MAPS];
	unsigned int nmap;
	struct fake_page page[FAKE_PAGES];
	unsigned int npage;
	u64 dev_start;
	u64 dev_end;
	bool exit_all;
	int again_at;
	unsigned int calls;
	unsigned int nagain;
	struct fake_access log[FAKE_LOG];
	unsigned int nlog;
	u64 tlog[FAKE_LOG];
	u32 tacc[FAKE_LOG];
	unsigned int ntlog;
	u8 vec[16][32];
	unsigned int vec_writes;
};

/* What untouched fake memory holds: every byte has its top bit set. */
static u8 fake_pattern(u64 gpa)
{
	return 0x80 | ((gpa * 7 + (gpa >> 12) * 13) & 0x7f);
}

static u8 *fake_byte(struct emu_fake *f, u64 gpa)
{
	struct fake_page *p;
	unsigned int i;

	for (i = 0; i < f->npage; i++)
		if (f->page[i].gpa == (gpa & FAKE_PAGE_MASK))
			return &f->page[i].data[gpa & ~FAKE_PAGE_MASK];

	KUNIT_ASSERT_LT_MSG(f->test, f->npage, FAKE_PAGES,
			    "fake memory full at gpa 0x%llx", gpa);
	p = &f->page[f->npage++];
	if (!p->data) {
		p->data = kunit_kmalloc(f->test, FAKE_PAGE_SIZE, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(f->test, p->data);
	}
	p->gpa = gpa & FAKE_PAGE_MASK;
	for (i = 0; i < FAKE_PAGE_SIZE; i++)
		p->data[i] = fake_pattern(p->gpa + i);
	return &p->data[gpa & ~FAKE_PAGE_MASK];
}

static void mem_read(struct emu_fake *f, u64 gpa, void *buf, unsigned int n)
{
	u8 *b = buf;

	while (n--)
		*b++ = *fake_byte(f, gpa++);
}

static void mem_write(struct emu_fake *f, u64 gpa, const void *buf,
		      unsigned int n)
{
	const u8 *b = buf;

	while (n--)
		*fake_byte(f, gpa++) = *b++;
}

/* Little-endian values of up to 8 bytes. */
static u64 mem_get(struct emu_fake *f, u64 gpa, unsigned int n)
{
	u64 v = 0;
	u8 b[8];

	mem_read(f, gpa, b, n);
	while (n--)
		v = v << 8 | b[n];
	return v;
}

static void mem_put(struct emu_fake *f, u64 gpa, u64 v, unsigned int n)
{
	u8 b[8];
	unsigned int i;

	for (i = 0; i < n; i++, v >>= 8)
		b[i] = v;
	mem_write(f, gpa, b, n);
}

static u64 le_value(const u8 *b, unsigned int n)
{
	u64 v = 0;

	while (n--)
		v = v << 8 | b[n];
	return v;
}

static void fake_set_page(struct emu_fake *f, u64 la, u64 gpa, u32 attr)
{
	unsigned int i;

	for (i = 0; i < f->nmap; i++)
		if (f->map[i].la == (la & FAKE_PAGE_MASK))
			break;
	KUNIT_ASSERT_LT(f->test, i, FAKE_MAPS);
	f->map[i].la = la & FAKE_PAGE_MASK;
	f->map[i].gpa = gpa & FAKE_PAGE_MASK;
	f->map[i].attr = attr;
	if (i == f->nmap)
		f->nmap++;
}

/* Forget the previous case: mappings, logs, device; memory refilled. */
static void fake_reset(struct emu_fake *f)
{
	f->nmap = 0;
	f->npage = 0;
	f->dev_start = DEV_GPA;
	f->dev_end = DEV_GPA + DEV_SIZE;
	f->exit_all = false;
	f->again_at = -1;
	f->calls = 0;
	f->nagain = 0;
	f->nlog = 0;
	f->ntlog = 0;
	f->vec_writes = 0;
}

static bool fake_is_device(const struct emu_fake *f, u64 gpa)
{
	return f->exit_all || (gpa >= f->dev_start && gpa < f->dev_end);
}

static bool canonical(u64 la)
{
	return sign_extend64(la, 47) == la;
}

static int fake_translate(struct emu_ctxt *c, u64 la, u32 acc, u64 *gpa)
{
	struct emu_fake *f = c->priv;
	bool write = acc & EMU_ACC_WRITE, user = acc & EMU_ACC_USER;
	u64 page = la & FAKE_PAGE_MASK;
	u32 attr = 0;
	unsigned int i;

	if (f->ntlog < FAKE_LOG) {
		f->tlog[f->ntlog] = la;
		f->tacc[f->ntlog] = acc;
	}
	f->ntlog++;
	if (f->long_mode)
		KUNIT_EXPECT_TRUE_MSG(f->test, canonical(la),
				      "translate of non-canonical 0x%llx", la);
	else
		KUNIT_EXPECT_LE_MSG(f->test, la, 0xffffffffULL,
				    "translate of 0x%llx outside 64-bit mode",
				    la);

	for (i = 0; i < f->nmap; i++) {
		if (f->map[i].la == page) {
			attr = f->map[i].attr;
			page = f->map[i].gpa;
			break;
		}
	}
	if ((attr & PG_NP) || (write && (attr & PG_RO)) ||
	    (user && (attr & PG_SUP))) {
		/* The error code (SDM Vol. 3A, 4.7 "Page-Fault Exceptions"). */
		c->exc.vector = X86_TRAP_PF;
		c->exc.has_error_code = true;
		c->exc.error_code = (attr & PG_NP ? 0 : X86_PF_PROT) |
				    (write ? X86_PF_WRITE : 0) |
				    (user ? X86_PF_USER : 0) |
				    (acc & EMU_ACC_FETCH ? X86_PF_INSTR : 0);
		c->exc.cr2 = la;
		return EMU_FAULT;
	}
	*gpa = page | (la & ~FAKE_PAGE_MASK);
	return EMU_OK;
}

/* Checks the size and page of an access; false: do not make it. */
static bool fake_access_ok(struct emu_fake *f, u64 gpa, unsigned int size,
			   bool write)
{
	bool ok = size >= 1 && size <= 8 &&
		  (gpa & ~FAKE_PAGE_MASK) + size <= FAKE_PAGE_SIZE;

	KUNIT_EXPECT_TRUE_MSG(f->test, ok,
			      "%s of %u bytes at gpa 0x%llx: not 1 to 8 bytes in a page",
			      write ? "write" : "read", size, gpa);
	return ok;
}

static struct fake_access *fake_log(struct emu_fake *f, u64 gpa,
				    unsigned int size, bool write)
{
	struct fake_access *a;

	KUNIT_ASSERT_LT_MSG(f->test, f->nlog, FAKE_LOG, "too many accesses");
	a = &f->log[f->nlog++];
	a->gpa = gpa;
	a->size = size;
	a->write = write;
	memset(a->data, 0, sizeof(a->data));
	return a;
}

static int fake_read(struct emu_ctxt *c, u64 gpa, void *buf,
		     unsigned int size)
{
	struct emu_fake *f = c->priv;
	struct fake_access *a;

	if (!fake_access_ok(f, gpa, size, false))
		return EMU_OK;
	if (f->calls++ == f->again_at) {
		f->nagain++;
		return EMU_AGAIN;
	}
	a = fake_log(f, gpa, size, false);
	if (fake_is_device(f, gpa))
		return EMU_EXIT;
	mem_read(f, gpa, buf, size);
	memcpy(a->data, buf, size);
	return EMU_OK;
}

static int fake_write(struct emu_ctxt *c, u64 gpa, const void *buf,
		      unsigned int size)
{
	struct emu_fake *f = c->priv;
	struct fake_access *a;

	if (!fake_access_ok(f, gpa, size, true))
		return EMU_OK;
	if (f->calls++ == f->again_at) {
		f->nagain++;
		return EMU_AGAIN;
	}
	a = fake_log(f, gpa, size, true);
	memcpy(a->data, buf, size);
	/* A device's register takes the value: later reads see it. */
	mem_write(f, gpa, buf, size);
	return fake_is_device(f, gpa) ? EMU_EXIT : EMU_OK;
}

static void fake_read_vec(struct emu_ctxt *c, unsigned int reg, void *buf,
			  unsigned int size)
{
	struct emu_fake *f = c->priv;

	KUNIT_EXPECT_LT(f->test, reg, 16U);
	KUNIT_EXPECT_TRUE_MSG(f->test, size == 8 || size == 16 || size == 32,
			      "read_vec of %u bytes", size);
	if (reg < 16 && size <= 32)
		memcpy(buf, f->vec[reg], size);
}

static void fake_write_vec(struct emu_ctxt *c, unsigned int reg,
			   const void *buf, unsigned int size, bool vex)
{
	struct emu_fake *f = c->priv;

	KUNIT_EXPECT_LT(f->test, reg, 16U);
	KUNIT_EXPECT_TRUE_MSG(f->test, size >= 4 && size <= 32,
			      "write_vec of %u bytes", size);
	f->vec_writes++;
	if (reg >= 16 || size > 32)
		return;
	memcpy(f->vec[reg], buf, size);
	if (vex)
		memset(f->vec[reg] + size, 0, 32 - size);
}

static const struct emu_ops fake_ops = {
	.translate = fake_translate,
	.read = fake_read,
	.write = fake_write,
	.read_vec = fake_read_vec,
	.write_vec = fake_write_vec,
};

/**
 * struct emul_test - what a test case works on.
 * @fake: the backend.
 * @c: the emulator's context.
 */
struct emul_test {
	struct emu_fake fake;
	struct emu_ctxt c;
};

static int emul_test_init(struct kunit *test)
{
	struct emul_test *t;

	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	t->fake.test = test;
	fake_reset(&t->fake);
	test->priv = t;
	return 0;
}

/*
 * A context for a new instruction in mode @m (M16, M32, M64, MV86) at
 * @cpl, with the default registers, segments and control registers, and a
 * fresh fake backend.
 */
static struct emu_ctxt *ctxt_new(struct kunit *test, unsigned int m, u8 cpl)
{
	static const u16 real_sels[EMU_NR_SEGS] = {
		0x3000, 0xf000, 0x2000, 0x1000, 0x4000, 0x5000,
	};
	struct emul_test *t = test->priv;
	struct emu_ctxt *c = &t->c;
	struct emu_segment *s;
	unsigned int i;

	if (m == MV86)
		cpl = 3;
	fake_reset(&t->fake);
	t->fake.long_mode = m == M64;
	memset(c, 0, sizeof(*c));
	emu_reset(c);
	c->ops = &fake_ops;
	c->priv = &t->fake;
	c->cpl = cpl;
	c->cr4 = CR4_SSE;
	c->xcr0 = XCR0_AVX;
	c->rflags = F_FIXED;
	memcpy(c->gprs, default_gprs, sizeof(c->gprs));
	for (i = 0; i < EMU_NR_SEGS; i++) {
		s = &c->segs[i];
		if (m == M16 || m == MV86) {
			s->selector = real_sels[i];
			s->base = real_bases[i];
			s->limit = 0xffff;
			s->ar = AR_DATA | (m == MV86 ? AR_DPL(3) : 0);
		} else {
			s->selector = i == EMU_CS ? 0x08 | cpl : 0x10 | cpl;
			s->base = prot_bases[i];
			s->limit = 0xffffffff;
			s->ar = AR_DATA32 | AR_DPL(cpl);
		}
	}
	s = &c->segs[EMU_CS];
	switch (m) {
	case M16:
		c->mode = EMU_MODE_REAL;
		c->cr0 = CR0_REAL;
		c->rip = V_IP;
		s->ar = AR_CODE;
		break;
	case MV86:
		c->mode = EMU_MODE_VM86;
		c->cr0 = CR0_PROT;
		c->rip = V_IP;
		c->rflags |= X86_EFLAGS_VM;
		s->ar = AR_CODE | AR_DPL(3);
		break;
	case M32:
		c->mode = EMU_MODE_PROT;
		c->cr0 = CR0_PROT;
		c->rip = V_RIP;
		s->ar = AR_CODE32 | AR_DPL(cpl);
		break;
	default:
		c->mode = EMU_MODE_LONG;
		c->cr0 = CR0_PROT;
		c->cr4 |= X86_CR4_PAE;
		c->rip = V_RIP;
		s->ar = AR_CODE64 | AR_DPL(cpl);
		break;
	}
	return c;
}

static struct emu_fake *fake_of(struct kunit *test)
{
	return &((struct emul_test *)test->priv)->fake;
}

static void set_insn(struct emu_ctxt *c, const char *bytes, unsigned int size,
		     unsigned int avail)
{
	memcpy(c->insn, bytes, min_t(unsigned int, size, EMU_INSN_MAX));
	c->insn_avail = min_t(unsigned int, avail, EMU_INSN_MAX);
}

#define RUN_MAX_CALLS	64

/*
 * Runs the instruction in @c to its end as a backend does: after
 * %EMU_EXIT the device answers a read with what the fake memory holds,
 * and emu_emulate() is called again, as after %EMU_AGAIN.  Checks the
 * contract of the header on the way: nothing the guest sees changes
 * before the end, the pending access is the one the device saw,
 * emu_complete_read() takes data only for a read, and %EMU_OK says
 * exit_pending exactly when its call handed a write on.  Returns the last
 * result; *@nexit counts the accesses handed on (%EMU_EXIT results, and
 * a final exit_pending).  (That no access is pending once an instruction
 * is done without exit_pending is checked in device_rmw_replay.)
 */
static int emu_run(struct kunit *test, struct emu_ctxt *c, unsigned int *nexit)
{
	struct emu_fake *f = c->priv;
	u64 gprs[EMU_NR_GPRS], rip = c->rip, rflags = c->rflags;
	const struct emu_access *a;
	unsigned int i, nlog, vec_writes, exits = 0;
	struct fake_access *last;
	bool handed_on;
	u8 data[8];
	int ret = -1;

	memcpy(gprs, c->gprs, sizeof(gprs));
	for (i = 0; i < RUN_MAX_CALLS; i++) {
		vec_writes = f->vec_writes;
		nlog = f->nlog;
		ret = emu_emulate(c);
		last = f->nlog ? &f->log[f->nlog - 1] : NULL;
		if (ret == EMU_OK) {
			handed_on = f->nlog > nlog && last->write &&
				    fake_is_device(f, last->gpa);
			KUNIT_EXPECT_EQ_MSG(test, c->exit_pending, handed_on,
					    "exit_pending after EMU_OK");
			if (c->exit_pending && handed_on) {
				exits++;
				a = emu_pending_access(c);
				KUNIT_ASSERT_NOT_NULL(test, a);
				KUNIT_EXPECT_EQ(test, a->gpa, last->gpa);
				KUNIT_EXPECT_EQ(test, a->size, last->size);
				KUNIT_EXPECT_TRUE(test, a->write);
			}
			break;
		}
		KUNIT_EXPECT_EQ_MSG(test, memcmp(gprs, c->gprs, sizeof(gprs)),
				    0, "registers changed, result %d", ret);
		KUNIT_EXPECT_EQ_MSG(test, c->rip, rip,
				    "RIP changed, result %d", ret);
		KUNIT_EXPECT_EQ_MSG(test, c->rflags, rflags,
				    "RFLAGS changed, result %d", ret);
		KUNIT_EXPECT_EQ_MSG(test, f->vec_writes, vec_writes,
				    "vector register written, result %d", ret);
		if (ret == EMU_AGAIN)
			continue;
		if (ret != EMU_EXIT)
			break;

		exits++;
		a = emu_pending_access(c);
		KUNIT_ASSERT_NOT_NULL_MSG(test, a, "EMU_EXIT, no access pending");
		KUNIT_ASSERT_NOT_NULL_MSG(test, last,
					  "EMU_EXIT without a read or write call");
		KUNIT_EXPECT_EQ(test, a->gpa, last->gpa);
		KUNIT_EXPECT_EQ(test, a->size, last->size);
		KUNIT_EXPECT_EQ(test, a->write, last->write);
		KUNIT_ASSERT_TRUE(test, a->size >= 1 && a->size <= 8);
		if (a->write) {
			KUNIT_EXPECT_EQ_MSG(test,
					    memcmp(a->data, last->data, a->size),
					    0, "pending write's data");
			KUNIT_EXPECT_EQ_MSG(test, emu_complete_read(c, data),
					    -EINVAL, "data for a write");
		} else {
			mem_read(f, a->gpa, data, a->size);
			memcpy(last->data, data, a->size);
			KUNIT_EXPECT_EQ(test, emu_complete_read(c, data), 0);
		}
	}
	KUNIT_EXPECT_LT_MSG(test, i, RUN_MAX_CALLS,
			    "emu_emulate() not done after %u calls", i);
	if (nexit)
		*nexit = exits;
	return ret;
}

/*
 * Values and registers.
 */
static u64 size_mask(unsigned int bytes)
{
	return bytes >= 8 ? ~0ULL : BIT_ULL(bytes * 8) - 1;
}

static u64 sign_ext(u64 v, unsigned int bytes)
{
	return bytes >= 8 ? v : (u64)sign_extend64(v, bytes * 8 - 1);
}

/*
 * A general register after a write of @val with @bytes (SDM Vol. 1,
 * 3.4.1.1 "General-Purpose Registers in 64-Bit Mode"): 8 and 16 bits
 * leave the rest, AH-BH are bits 15:8, 32 bits zero-extend in 64-bit
 * mode; outside it bits 63:32 are undefined, so *@defined leaves them
 * out of the comparison.
 */
static u64 reg_after(u64 old, u64 val, unsigned int bytes, bool high,
		     bool long_mode, u64 *defined)
{
	*defined = ~0ULL;
	if (high)
		return (old & ~0xff00ULL) | ((val & 0xff) << 8);
	switch (bytes) {
	case 1:
		return (old & ~0xffULL) | (val & 0xff);
	case 2:
		return (old & ~0xffffULL) | (val & 0xffff);
	case 4:
		if (!long_mode)
			*defined = 0xffffffffULL;
		return val & 0xffffffffULL;
	}
	return val;
}

/*
 * A model of the ALU, written from the SDM's definitions of the status
 * flags (Vol. 1, 3.4.3.1 "Status Flags" and Appendix A "EFLAGS
 * Cross-Reference") and the "Flags Affected" of ADD, ADC, SUB, SBB, CMP,
 * AND, OR, XOR, TEST, INC, DEC and NEG (Vol. 2):
 *   CF: carry out of, or borrow into, the most significant bit;
 *   PF: the low byte of the result has an even number of 1 bits;
 *   AF: carry out of, or borrow into, bit 3;
 *   ZF: the result is 0;  SF: its most significant bit;
 *   OF: the signed result does not fit (for NEG: the operand is the most
 *	negative number);
 * AND, OR, XOR and TEST clear CF and OF, AF is undefined; INC and DEC
 * leave CF; NEG sets CF unless the operand is 0.
 */
enum alu_op {
	ALU_ADD, ALU_OR, ALU_ADC, ALU_SBB, ALU_AND, ALU_SUB, ALU_XOR, ALU_CMP,
	ALU_TEST, ALU_INC, ALU_DEC, ALU_NEG, ALU_NR,
};

static const char * const alu_names[ALU_NR] = {
	"add", "or", "adc", "sbb", "and", "sub", "xor", "cmp", "test", "inc",
	"dec", "neg",
};

/* The result's SF, ZF and PF. */
static u64 szp_flags(u64 res, unsigned int bytes)
{
	u64 fl = 0;

	if (res & BIT_ULL(bytes * 8 - 1))
		fl |= F_SF;
	if (!res)
		fl |= F_ZF;
	if (!(hweight8(res & 0xff) & 1))
		fl |= F_PF;
	return fl;
}

/* AF and OF of @dst + @src (+ carry) = @res. */
static u64 add_flags(u64 dst, u64 src, u64 res, unsigned int bytes)
{
	u64 sign = BIT_ULL(bytes * 8 - 1), fl = 0;

	if ((dst ^ src ^ res) & 0x10)
		fl |= F_AF;
	if ((dst ^ res) & (src ^ res) & sign)
		fl |= F_OF;
	return fl;
}

/* AF and OF of @dst - @src (- borrow) = @res. */
static u64 sub_flags(u64 dst, u64 src, u64 res, unsigned int bytes)
{
	u64 sign = BIT_ULL(bytes * 8 - 1), fl = 0;

	if ((dst ^ src ^ res) & 0x10)
		fl |= F_AF;
	if ((dst ^ src) & (dst ^ res) & sign)
		fl |= F_OF;
	return fl;
}

/*
 * @op on @dst and @src of @bytes with RFLAGS @flags before: returns RFLAGS
 * after, the result in *@res; *@undef: the flags the SDM leaves undefined.
 */
static u64 alu_model(enum alu_op op, u64 dst, u64 src, unsigned int bytes,
		     u64 flags, u64 *res, u64 *undef)
{
	u64 mask = size_mask(bytes), cin = flags & F_CF, t, r, fl = 0;

	dst &= mask;
	src &= mask;
	*undef = 0;
	switch (op) {
	case ALU_ADD:
	case ALU_ADC:
	case ALU_INC:
		if (op == ALU_INC)
			src = 1;
		if (op != ALU_ADC)
			cin = 0;
		t = (dst + src) & mask;
		r = (t + cin) & mask;
		if (t < dst || r < t)
			fl |= F_CF;
		fl |= add_flags(dst, src, r, bytes);
		if (op == ALU_INC)
			fl = (fl & ~F_CF) | (flags & F_CF);
		break;
	case ALU_SUB:
	case ALU_SBB:
	case ALU_CMP:
	case ALU_DEC:
	case ALU_NEG:
		if (op == ALU_DEC)
			src = 1;
		if (op == ALU_NEG) {
			src = dst;
			dst = 0;
		}
		if (op != ALU_SBB)
			cin = 0;
		t = (dst - src) & mask;
		r = (t - cin) & mask;
		if (src > dst || cin > t)
			fl |= F_CF;
		fl |= sub_flags(dst, src, r, bytes);
		if (op == ALU_DEC)
			fl = (fl & ~F_CF) | (flags & F_CF);
		break;
	case ALU_AND:
	case ALU_TEST:
		r = dst & src;
		*undef = F_AF;
		break;
	case ALU_OR:
		r = dst | src;
		*undef = F_AF;
		break;
	default:
		r = dst ^ src;
		*undef = F_AF;
		break;
	}
	*res = r;
	return (flags & ~F_STATUS) | fl | szp_flags(r, bytes);
}

static bool alu_writes(enum alu_op op)
{
	return op != ALU_CMP && op != ALU_TEST;
}

/*
 * 1. The cases of the MOV-only decoder's suite (kunit/vmx_decode_test.c,
 * gone with vmx/decode.c), run through the emulator.  What the old suite
 * checked, in the emulator's terms: the length (insn_len and RIP after),
 * the access the memory saw (size, direction, and its address, which
 * shows the address size, the segment and the base and index the decoder
 * picked), the destination register after a load, merged and extended, no
 * other register changed (a store leaves every register alone), and the
 * hints mov_reg, mov_high and mov_extend.  Where the decoder failed, the emulator gives
 * %EMU_UNHANDLED (the instruction is not emulated, or has no memory
 * operand, or is cut short) or the exception the CPU raises.  Every case
 * runs three times: with the operand in RAM, on a device (each access
 * handed on with %EMU_EXIT), and in RAM with the first access answered
 * %EMU_AGAIN; the results must agree.
 *
 * The movabs cases now use the canonical 0x112233445566: the old
 * 0x1122334455667788 is not canonical (#GP(0), see the SDM cases below).
 */
enum port_op {
	P_LOAD = 1,	/* a load into a register */
	P_STORE,	/* a register stored */
	P_IMM,		/* an immediate stored */
	P_STOS,		/* STOS: rAX stored at rDI */
	P_ADD,		/* ADD r32 to memory: read, then write */
	P_FAULT,	/* an exception: #UD, or #GP(0) */
	P_REFUSED,	/* undefined or reserved: #UD or EMU_FAIL_OPCODE */
	P_UNHANDLED,	/* EMU_UNHANDLED with @fail or @fail_alt */
};

/**
 * struct port_case - an instruction of the old decoder's suite.
 * @text: the assembler source of @bytes.
 * @bytes: the encoding.
 * @size: bytes in @bytes.
 * @avail: how many of them the emulator is given.
 * @mode: M16 (real mode), M32 (protected mode) or M64.
 * @op: enum port_op.
 * @len: the instruction's length.
 * @msize: the size of the memory access.
 * @reg: the register loaded or stored (GPR_NONE for an immediate).
 * @rsize: its size, for a load.
 * @high: AH, CH, DH or BH.
 * @extend: a load's widening: 0 none, 1 zero, 2 sign (mov_extend).
 * @rep: a REP prefix; the case sets RCX to 1.
 * @unreal: the data segments' limits are 4 GiB (real mode with cached
 *	32-bit limits), for 32-bit offsets.
 * @ea: the operand's linear address (guest-physical: identity mapping).
 * @imm: the immediate stored.
 * @vector: the exception of %P_FAULT.
 * @fail: EMU_FAIL_* of %P_UNHANDLED.
 * @fail_alt: another reason accepted (0: none).
 * @set: @set_reg is set to @set_val before.
 * @set_reg: see @set.
 * @set_val: see @set.
 */
struct port_case {
	const char *text;
	const char *bytes;
	u8 size;
	u8 avail;
	u8 mode;
	u8 op;
	u8 len;
	u8 msize;
	u8 reg;
	u8 rsize;
	bool high;
	u8 extend;
	bool rep;
	bool unreal;
	u64 ea;
	u64 imm;
	u8 vector;
	u8 fail;
	u8 fail_alt;
	bool set;
	u8 set_reg;
	u64 set_val;
};

#define INSN(m, t, b)							\
	.mode = (m), .text = (t), .bytes = (b), .size = sizeof(b) - 1,	\
	.avail = sizeof(b) - 1
/* Only the first @a bytes of the instruction are given. */
#define INSN_CUT(m, t, b, a)						\
	.mode = (m), .text = (t), .bytes = (b), .size = sizeof(b) - 1,	\
	.avail = (a)
#define LOADS(l, sz, r, rs, a)						\
	.op = P_LOAD, .len = (l), .msize = (sz), .reg = GPR_##r,	\
	.rsize = (rs), .ea = (a)
#define STORES(l, sz, r, a)						\
	.op = P_STORE, .len = (l), .msize = (sz), .reg = GPR_##r,	\
	.ea = (a)
#define STORES_IMM(l, sz, a, i)						\
	.op = P_IMM, .len = (l), .msize = (sz), .reg = GPR_NONE,	\
	.ea = (a), .imm = (i)
#define STOSES(l, sz, a)						\
	.op = P_STOS, .len = (l), .msize = (sz), .reg = GPR_AX, .ea = (a)
#define ZX	.extend = 1
#define SX	.extend = 2
#define HIGH	.high = true
#define REP	.rep = true
#define UNREAL	.unreal = true
#define SET(r, v)	.set = true, .set_reg = GPR_##r, .set_val = (v)
#define FAULTS(v)	.op = P_FAULT, .vector = (v)
#define REFUSED		.op = P_REFUSED
#define UNHANDLED(f)	.op = P_UNHANDLED, .fail = (f)
#define UNHANDLED2(f, g) .op = P_UNHANDLED, .fail = (f), .fail_alt = (g)

static const struct port_case port_cases[] = {
	/* 64-bit mode: MOV 8B/89 with each operand size. */
	{ INSN(M64, "mov (%rax),%ecx", "\x8b\x08"),
	  LOADS(2, 4, CX, 4, V_RAX) },
	{ INSN(M64, "mov %ecx,(%rax)", "\x89\x08"),
	  STORES(2, 4, CX, V_RAX) },
	{ INSN(M64, "mov (%rax),%rcx", "\x48\x8b\x08"),
	  LOADS(3, 8, CX, 8, V_RAX) },
	{ INSN(M64, "mov %rcx,(%rax)", "\x48\x89\x08"),
	  STORES(3, 8, CX, V_RAX) },
	{ INSN(M64, "mov (%rax),%cx", "\x66\x8b\x08"),
	  LOADS(3, 2, CX, 2, V_RAX) },
	{ INSN(M64, "mov %cx,(%rax)", "\x66\x89\x08"),
	  STORES(3, 2, CX, V_RAX) },
	/* REX.R and REX.B. */
	{ INSN(M64, "mov (%rax),%r9", "\x4c\x8b\x08"),
	  LOADS(3, 8, R9, 8, V_RAX) },
	{ INSN(M64, "mov %r15d,(%rax)", "\x44\x89\x38"),
	  STORES(3, 4, R15, V_RAX) },
	{ INSN(M64, "mov (%r8),%eax", "\x41\x8b\x00"),
	  LOADS(3, 4, AX, 4, V_R8) },
	/* SIB with disp8, disp32, and no base (mod 00, base 101). */
	{ INSN(M64, "mov 0x12(%rax,%rbx,4),%edx", "\x8b\x54\x98\x12"),
	  LOADS(4, 4, DX, 4, V_RAX + V_RBX * 4 + 0x12) },
	{ INSN(M64, "mov 0x12345678(%rax,%rbx,4),%edx",
	       "\x8b\x94\x98\x78\x56\x34\x12"),
	  LOADS(7, 4, DX, 4, 0x12345678 + V_RAX + V_RBX * 4) },
	{ INSN(M64, "mov 0x12345678(,%rbx,4),%edx",
	       "\x8b\x14\x9d\x78\x56\x34\x12"),
	  LOADS(7, 4, DX, 4, 0x12345678 + V_RBX * 4) },
	{ INSN(M64, "mov %gs:0x28,%rax",
	       "\x65\x48\x8b\x04\x25\x28\x00\x00\x00"),
	  LOADS(9, 8, AX, 8, PM_GS + 0x28) },
	/* RIP-relative: mod 00 rm 101, from the next instruction. */
	{ INSN(M64, "mov 0x10(%rip),%eax", "\x8b\x05\x10\x00\x00\x00"),
	  LOADS(6, 4, AX, 4, V_RIP + 6 + 0x10) },
	/* REX.B does not change the special forms: r13 as rbp, r12 as rsp. */
	{ INSN(M64, "mov (%r13),%eax", "\x41\x8b\x45\x00"),
	  LOADS(4, 4, AX, 4, V_R13) },
	{ INSN(M64, "mov (%r12),%eax", "\x41\x8b\x04\x24"),
	  LOADS(4, 4, AX, 4, V_R12) },
	{ INSN(M64, "mov 0x12(%r13,%r14,8),%r11", "\x4f\x8b\x5c\xf5\x12"),
	  LOADS(5, 8, R11, 8, V_R13 + V_R14 * 8 + 0x12) },
	/* 67: 32-bit addressing in 64-bit mode (RAX's upper half ignored). */
	{ INSN(M64, "mov (%eax),%ecx", "\x67\x8b\x08"),
	  LOADS(3, 4, CX, 4, V_RAX), SET(AX, 0x1234567800000000ULL | V_RAX) },
	/* FS and GS have bases in 64-bit mode; DS, ES and SS do not. */
	{ INSN(M64, "mov %fs:(%rax),%eax", "\x64\x8b\x00"),
	  LOADS(3, 4, AX, 4, PM_FS + V_RAX) },
	/* Byte registers: AH-BH without REX, SPL-DIL and r8b-r15b with. */
	{ INSN(M64, "mov (%rax),%al", "\x8a\x00"),
	  LOADS(2, 1, AX, 1, V_RAX) },
	{ INSN(M64, "mov %ah,(%rax)", "\x88\x20"),
	  STORES(2, 1, AX, V_RAX), HIGH },
	{ INSN(M64, "mov (%rax),%bh", "\x8a\x38"),
	  LOADS(2, 1, BX, 1, V_RAX), HIGH },
	{ INSN(M64, "mov %spl,(%rax)", "\x40\x88\x20"),
	  STORES(3, 1, SP, V_RAX) },
	{ INSN(M64, "mov (%rax),%dil", "\x40\x8a\x38"),
	  LOADS(3, 1, DI, 1, V_RAX) },
	{ INSN(M64, "mov (%rax),%r10b", "\x44\x8a\x10"),
	  LOADS(3, 1, R10, 1, V_RAX) },
	/* C6 /0 and C7 /0; imm32 is sign-extended to 64 bits with REX.W. */
	{ INSN(M64, "movb $0x12,(%rax)", "\xc6\x00\x12"),
	  STORES_IMM(3, 1, V_RAX, 0x12) },
	{ INSN(M64, "movw $0x1234,(%rax)", "\x66\xc7\x00\x34\x12"),
	  STORES_IMM(5, 2, V_RAX, 0x1234) },
	{ INSN(M64, "movl $0x12345678,0x10(%rax)",
	       "\xc7\x40\x10\x78\x56\x34\x12"),
	  STORES_IMM(7, 4, V_RAX + 0x10, 0x12345678) },
	{ INSN(M64, "movl $-2,(%rax)", "\xc7\x00\xfe\xff\xff\xff"),
	  STORES_IMM(6, 4, V_RAX, 0xfffffffe) },
	{ INSN(M64, "movq $-2,(%rax)", "\x48\xc7\x00\xfe\xff\xff\xff"),
	  STORES_IMM(7, 8, V_RAX, 0xfffffffffffffffeULL) },
	{ INSN(M64, "movq $0x1,0x12345678(%rip)",
	       "\x48\xc7\x05\x78\x56\x34\x12\x01\x00\x00\x00"),
	  STORES_IMM(11, 8, V_RIP + 11 + 0x12345678, 1) },
	/* A0-A3: the offset has the address size, 8 bytes (movabs) or 4. */
	{ INSN(M64, "movabs 0x112233445566,%al",
	       "\xa0\x66\x55\x44\x33\x22\x11\x00\x00"),
	  LOADS(9, 1, AX, 1, 0x112233445566ULL) },
	{ INSN(M64, "movabs 0x112233445566,%eax",
	       "\xa1\x66\x55\x44\x33\x22\x11\x00\x00"),
	  LOADS(9, 4, AX, 4, 0x112233445566ULL) },
	{ INSN(M64, "movabs %al,0x112233445566",
	       "\xa2\x66\x55\x44\x33\x22\x11\x00\x00"),
	  STORES(9, 1, AX, 0x112233445566ULL) },
	{ INSN(M64, "movabs %rax,0x112233445566",
	       "\x48\xa3\x66\x55\x44\x33\x22\x11\x00\x00"),
	  STORES(10, 8, AX, 0x112233445566ULL) },
	{ INSN(M64, "movabs %ax,0x112233445566",
	       "\x66\xa3\x66\x55\x44\x33\x22\x11\x00\x00"),
	  STORES(10, 2, AX, 0x112233445566ULL) },
	{ INSN(M64, "addr32 mov 0x12345678,%eax",
	       "\x67\xa1\x78\x56\x34\x12"),
	  LOADS(6, 4, AX, 4, 0x12345678) },
	/* MOVZX, MOVSX, MOVSXD. */
	{ INSN(M64, "movzbl (%rax),%ecx", "\x0f\xb6\x08"),
	  LOADS(3, 1, CX, 4, V_RAX), ZX },
	{ INSN(M64, "movzwq (%rax),%rcx", "\x48\x0f\xb7\x08"),
	  LOADS(4, 2, CX, 8, V_RAX), ZX },
	{ INSN(M64, ".byte 0x4c,0x0f,0xb6,0x08", "\x4c\x0f\xb6\x08"),
	  LOADS(4, 1, R9, 8, V_RAX), ZX },
	{ INSN(M64, "movsbw (%rax),%cx", "\x66\x0f\xbe\x08"),
	  LOADS(4, 1, CX, 2, V_RAX), SX },
	{ INSN(M64, "movswl (%rax),%r11d", "\x44\x0f\xbf\x18"),
	  LOADS(4, 2, R11, 4, V_RAX), SX },
	{ INSN(M64, "movsbq 0x8(%rsp),%r8", "\x4c\x0f\xbe\x44\x24\x08"),
	  LOADS(6, 1, R8, 8, V_RSP + 8), SX },
	{ INSN(M64, "movslq (%rax),%rcx", "\x48\x63\x08"),
	  LOADS(3, 4, CX, 8, V_RAX), SX },
	/* 63 without REX.W: objdump's "movsxd (%rax),%ecx", and %cx with 66. */
	{ INSN(M64, ".byte 0x63,0x08", "\x63\x08"),
	  LOADS(2, 4, CX, 4, V_RAX) },
	{ INSN(M64, ".byte 0x66,0x63,0x08", "\x66\x63\x08"),
	  LOADS(3, 2, CX, 2, V_RAX) },
	/* STOS, REP STOS (RCX 1: one iteration, and done). */
	{ INSN(M64, "stos %al,%es:(%rdi)", "\xaa"),
	  STOSES(1, 1, V_RDI) },
	{ INSN(M64, "stos %ax,%es:(%rdi)", "\x66\xab"),
	  STOSES(2, 2, V_RDI) },
	{ INSN(M64, "rep stos %rax,%es:(%rdi)", "\xf3\x48\xab"),
	  STOSES(3, 8, V_RDI), REP },
	{ INSN(M64, "rep stos %eax,%es:(%edi)", "\x67\xf3\xab"),
	  STOSES(3, 4, V_RDI), REP },
	/* REX.W wins over 66, whichever comes first... */
	{ INSN(M64, ".byte 0x66,0x48,0x8b,0x08", "\x66\x48\x8b\x08"),
	  LOADS(4, 8, CX, 8, V_RAX) },
	/* ...but a REX followed by a legacy prefix is ignored. */
	{ INSN(M64, ".byte 0x48,0x66,0x8b,0x08", "\x48\x66\x8b\x08"),
	  LOADS(4, 2, CX, 2, V_RAX) },
	{ INSN(M64, ".byte 0x40,0x2e,0x88,0x20", "\x40\x2e\x88\x20"),
	  STORES(4, 1, AX, V_RAX), HIGH },
	{ INSN(M64, ".byte 0x2e,0x40,0x88,0x20", "\x2e\x40\x88\x20"),
	  STORES(4, 1, SP, V_RAX) },
	/* Of two REX prefixes the last one counts (here REX.B: (%r8)). */
	{ INSN(M64, ".byte 0x41,0x48,0x8b,0x08", "\x41\x48\x8b\x08"),
	  LOADS(4, 8, CX, 8, V_RAX) },
	{ INSN(M64, ".byte 0x48,0x41,0x8b,0x08", "\x48\x41\x8b\x08"),
	  LOADS(4, 4, CX, 4, V_R8) },
	/* Not in the old decoder: MOVNTI names its register as MOV does. */
	{ INSN(M64, "movnti %ecx,(%rax)", "\x0f\xc3\x08"),
	  STORES(3, 4, CX, V_RAX) },
	{ INSN(M64, "movnti %rcx,(%rax)", "\x48\x0f\xc3\x08"),
	  STORES(4, 8, CX, V_RAX) },
	/* Bytes after the instruction are not looked at. */
	{ INSN(M64, "mov (%rax),%ecx; nop; nop", "\x8b\x08\x90\x90"),
	  LOADS(2, 4, CX, 4, V_RAX) },
	/* 15 bytes is the limit, prefixes included (SDM Vol. 2A, 2.3.11). */
	{ INSN(M64, ".fill 13,1,0x3e; mov (%rax),%ecx",
	       "\x3e\x3e\x3e\x3e\x3e\x3e\x3e\x3e\x3e\x3e\x3e\x3e\x3e\x8b\x08"),
	  LOADS(15, 4, CX, 4, V_RAX) },
	{ INSN(M64, ".fill 9,1,0x3e; mov 0x12345678(%rax),%eax",
	       "\x3e\x3e\x3e\x3e\x3e\x3e\x3e\x3e\x3e\x8b\x80\x78\x56\x34\x12"),
	  LOADS(15, 4, AX, 4, V_RAX + 0x12345678) },
	/*
	 * Longer is #GP(0) (SDM Vol. 3A, 6.15, "Interrupt 13": "exceeding
	 * the instruction length limit of 15 bytes").  The context holds 15
	 * bytes: the 16th is never given.
	 */
	{ INSN_CUT(M64, ".fill 14,1,0x3e; mov (%rax),%ecx",
		   "\x3e\x3e\x3e\x3e\x3e\x3e\x3e\x3e\x3e\x3e\x3e\x3e\x3e\x3e\x8b"
		   "\x08", 15),
	  FAULTS(X86_TRAP_GP) },
	{ INSN_CUT(M64, ".fill 16,1,0x66; mov (%rax),%ecx",
		   "\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66"
		   "\x66\x8b\x08", 15),
	  FAULTS(X86_TRAP_GP) },
	/* Too long is known before the displacement is there. */
	{ INSN_CUT(M64, ".fill 10,1,0x3e; mov 0x12345678(%rax),%eax",
		   "\x3e\x3e\x3e\x3e\x3e\x3e\x3e\x3e\x3e\x3e\x8b\x80\x78\x56\x34"
		   "\x12", 12),
	  FAULTS(X86_TRAP_GP) },
	/* Register forms: no memory operand, nothing to emulate. */
	{ INSN(M64, "mov %eax,%ecx", "\x89\xc1"),
	  UNHANDLED(EMU_FAIL_NO_MEMORY) },
	{ INSN(M64, ".byte 0xc6,0xc0,0x01", "\xc6\xc0\x01"),
	  UNHANDLED(EMU_FAIL_NO_MEMORY) },
	{ INSN(M64, "movzbl %al,%ecx", "\x0f\xb6\xc8"),
	  UNHANDLED(EMU_FAIL_NO_MEMORY) },
	/* The decoder refused ADD; the emulator does it: read, then write. */
	{ INSN(M64, "add %eax,(%rax)", "\x01\x00"),
	  .op = P_ADD, .len = 2, .msize = 4, .reg = GPR_NONE, .ea = V_RAX },
	/* Instructions the emulator does not know. */
	{ INSN(M64, "syscall", "\x0f\x05"), UNHANDLED(EMU_FAIL_OPCODE) },
	/* C7 /7 with mod 11 is XBEGIN, which has no memory operand either. */
	{ INSN(M64, "xbegin .", "\xc7\xf8\xfa\xff\xff\xff"),
	  UNHANDLED2(EMU_FAIL_OPCODE, EMU_FAIL_NO_MEMORY) },
	/*
	 * C6 /1 is undefined (SDM Vol. 2D, Table A-6, group 11): #UD on the
	 * CPU, which then makes no access, so the emulator may as well
	 * refuse it.
	 */
	{ INSN(M64, ".byte 0xc6,0x08,0x12", "\xc6\x08\x12"), REFUSED },
	/*
	 * The SDM reserves REP before an instruction that is not a string
	 * instruction and REPNE before STOS (Vol. 2A, 2.1.1 "Instruction
	 * Prefixes"); the CPU ignores the first and repeats the second as
	 * REP, and the emulator has to finish what the CPU started: the
	 * old decoder refused both, the emulator does them.
	 */
	{ INSN(M64, ".byte 0xf3,0x8b,0x08", "\xf3\x8b\x08"),
	  LOADS(3, 4, CX, 4, V_RAX) },
	{ INSN(M64, ".byte 0xf2,0xab", "\xf2\xab"), STOSES(2, 4, V_RDI), REP },
	/* LOCK MOV: #UD (Vol. 2A, "MOV": "#UD If the LOCK prefix is used"). */
	{ INSN(M64, ".byte 0xf0,0x89,0x08", "\xf0\x89\x08"),
	  FAULTS(X86_TRAP_UD) },
	/* Cut short: the backend has to fetch more. */
	{ INSN_CUT(M64, "mov (%rax),%ecx", "\x8b\x08", 0),
	  UNHANDLED(EMU_FAIL_FETCH) },
	{ INSN_CUT(M64, "mov (%rax),%ecx", "\x8b\x08", 1),
	  UNHANDLED(EMU_FAIL_FETCH) },
	{ INSN_CUT(M64, "mov (%rax),%rcx", "\x48\x8b\x08", 1),
	  UNHANDLED(EMU_FAIL_FETCH) },
	{ INSN_CUT(M64, "movzbl (%rax),%ecx", "\x0f\xb6\x08", 1),
	  UNHANDLED(EMU_FAIL_FETCH) },
	{ INSN_CUT(M64, "movabs 0x112233445566,%eax",
		   "\xa1\x66\x55\x44\x33\x22\x11\x00\x00", 5),
	  UNHANDLED(EMU_FAIL_FETCH) },
	/*
	 * The old decoder refused a mode other than 2, 4 or 8; the
	 * emulator's modes are an enum, and it does not do virtual-8086 mode
	 * (EMU_FAIL_MODE, include/axvcpu/emul.h).
	 */
	{ INSN(MV86, "mov (%bx,%si),%ax", "\x8b\x00"),
	  UNHANDLED(EMU_FAIL_MODE) },

	/* 32-bit code: DS, ES and SS have bases here. */
	{ INSN(M32, "mov (%eax),%ecx", "\x8b\x08"),
	  LOADS(2, 4, CX, 4, PM_DS + V_RAX) },
	{ INSN(M32, "mov %ecx,(%eax)", "\x89\x08"),
	  STORES(2, 4, CX, PM_DS + V_RAX) },
	{ INSN(M32, "mov (%bx,%si),%cx", "\x67\x66\x8b\x08"),
	  LOADS(4, 2, CX, 2, PM_DS + V_RBX + V_RSI) },
	/* EBP as a base selects SS, as ESP does. */
	{ INSN(M32, "mov 0x12(%ebp,%esi,2),%ax", "\x66\x8b\x44\x75\x12"),
	  LOADS(5, 2, AX, 2, PM_SS + V_RBP + V_RSI * 2 + 0x12) },
	{ INSN(M32, "mov (%esp),%eax", "\x8b\x04\x24"),
	  LOADS(3, 4, AX, 4, PM_SS + V_RSP) },
	/* Outside 64-bit mode mod 00 rm 101 is an absolute disp32. */
	{ INSN(M32, "mov 0x12345678,%ecx", "\x8b\x0d\x78\x56\x34\x12"),
	  LOADS(6, 4, CX, 4, PM_DS + 0x12345678) },
	{ INSN(M32, "mov 0x12345678,%eax", "\xa1\x78\x56\x34\x12"),
	  LOADS(5, 4, AX, 4, PM_DS + 0x12345678) },
	{ INSN(M32, "mov %al,0x12345678", "\xa2\x78\x56\x34\x12"),
	  STORES(5, 1, AX, PM_DS + 0x12345678) },
	{ INSN(M32, "addr16 mov 0x1234,%eax", "\x67\xa1\x34\x12"),
	  LOADS(4, 4, AX, 4, PM_DS + 0x1234) },
	{ INSN(M32, "mov (%eax),%ah", "\x8a\x20"),
	  LOADS(2, 1, AX, 1, PM_DS + V_RAX), HIGH },
	{ INSN(M32, "movzbl (%eax),%ecx", "\x0f\xb6\x08"),
	  LOADS(3, 1, CX, 4, PM_DS + V_RAX), ZX },
	{ INSN(M32, "movswl (%eax),%ecx", "\x0f\xbf\x08"),
	  LOADS(3, 2, CX, 4, PM_DS + V_RAX), SX },
	{ INSN(M32, "movl $0x12345678,(%eax)", "\xc7\x00\x78\x56\x34\x12"),
	  STORES_IMM(6, 4, PM_DS + V_RAX, 0x12345678) },
	{ INSN(M32, "movw $0xbeef,(%eax)", "\x66\xc7\x00\xef\xbe"),
	  STORES_IMM(5, 2, PM_DS + V_RAX, 0xbeef) },
	{ INSN(M32, "stos %al,%es:(%edi)", "\xaa"),
	  STOSES(1, 1, PM_ES + V_RDI) },
	{ INSN(M32, "rep stos %eax,%es:(%edi)", "\xf3\xab"),
	  STOSES(2, 4, PM_ES + V_RDI), REP },
	/* ARPL is not emulated; 40-4F are INC/DEC here, not REX. */
	{ INSN(M32, ".byte 0x63,0x08", "\x63\x08"),
	  UNHANDLED(EMU_FAIL_OPCODE) },
	{ INSN(M32, ".byte 0x48,0x8b,0x08", "\x48\x8b\x08"),
	  UNHANDLED2(EMU_FAIL_NO_MEMORY, EMU_FAIL_OPCODE) },
	{ INSN(M32, ".byte 0x40,0x88,0x20", "\x40\x88\x20"),
	  UNHANDLED2(EMU_FAIL_NO_MEMORY, EMU_FAIL_OPCODE) },

	/* 16-bit code: no SIB, disp16, [bp] only with a displacement. */
	{ INSN(M16, "mov (%bx,%si),%ax", "\x8b\x00"),
	  LOADS(2, 2, AX, 2, RM_DS + V_RBX + V_RSI) },
	{ INSN(M16, "mov (%bp,%si),%ax", "\x8b\x02"),
	  LOADS(2, 2, AX, 2, RM_SS + V_RBP + V_RSI) },
	{ INSN(M16, "mov 0x12(%bp,%si),%ax", "\x8b\x42\x12"),
	  LOADS(3, 2, AX, 2, RM_SS + V_RBP + V_RSI + 0x12) },
	{ INSN(M16, "mov 0x1234(%bp,%si),%ax", "\x8b\x82\x34\x12"),
	  LOADS(4, 2, AX, 2, RM_SS + V_RBP + V_RSI + 0x1234) },
	{ INSN(M16, "mov (%bp),%ax", "\x8b\x46\x00"),
	  LOADS(3, 2, AX, 2, RM_SS + V_RBP) },
	{ INSN(M16, "mov 0x1234,%cx", "\x8b\x0e\x34\x12"),
	  LOADS(4, 2, CX, 2, RM_DS + 0x1234) },
	/* rm 101 is [di] here: no displacement. */
	{ INSN(M16, "movw $0x1234,(%di)", "\xc7\x05\x34\x12"),
	  STORES_IMM(4, 2, RM_DS + V_RDI, 0x1234) },
	{ INSN(M16, "movl $0x12345678,0x10(%bx)",
	       "\x66\xc7\x47\x10\x78\x56\x34\x12"),
	  STORES_IMM(8, 4, RM_DS + V_RBX + 0x10, 0x12345678) },
	{ INSN(M16, "mov 0x1234,%ax", "\xa1\x34\x12"),
	  LOADS(3, 2, AX, 2, RM_DS + 0x1234) },
	{ INSN(M16, "mov %al,0x1234", "\xa2\x34\x12"),
	  STORES(3, 1, AX, RM_DS + 0x1234) },
	/* Offsets above 0xffff need 4 GiB limits ("unreal" mode). */
	{ INSN(M16, "addr32 mov 0x12345678,%eax",
	       "\x67\x66\xa1\x78\x56\x34\x12"),
	  LOADS(7, 4, AX, 4, RM_DS + 0x12345678), UNREAL },
	/* 67 brings the 32-bit forms, SIB included. */
	{ INSN(M16, "mov (%eax),%eax", "\x67\x66\x8b\x00"),
	  LOADS(4, 4, AX, 4, RM_DS + V_RAX) },
	{ INSN(M16, "mov 0x12345678(%eax,%ebx,4),%cx",
	       "\x67\x8b\x8c\x98\x78\x56\x34\x12"),
	  LOADS(8, 2, CX, 2, RM_DS + 0x12345678 + V_RAX + V_RBX * 4),
	  UNREAL },
	{ INSN(M16, "mov %ah,(%bx)", "\x88\x27"),
	  STORES(2, 1, AX, RM_DS + V_RBX), HIGH },
	{ INSN(M16, "movzbw (%si),%ax", "\x0f\xb6\x04"),
	  LOADS(3, 1, AX, 2, RM_DS + V_RSI), ZX },
	{ INSN(M16, "movzwl (%bx),%eax", "\x66\x0f\xb7\x07"),
	  LOADS(4, 2, AX, 4, RM_DS + V_RBX), ZX },
	{ INSN(M16, "movsbw (%bx),%ax", "\x0f\xbe\x07"),
	  LOADS(3, 1, AX, 2, RM_DS + V_RBX), SX },
	{ INSN(M16, "movsbl -0x2(%bx,%di),%edx", "\x66\x0f\xbe\x51\xfe"),
	  LOADS(5, 1, DX, 4, RM_DS + V_RBX + V_RDI - 2), SX },
	{ INSN(M16, "rep stos %ax,%es:(%di)", "\xf3\xab"),
	  STOSES(2, 2, RM_ES + V_RDI), REP },
	/* ARPL is not recognized in real mode (Vol. 2A, "ARPL"): #UD. */
	{ INSN(M16, ".byte 0x63,0x08", "\x63\x08"), REFUSED },
};

static const char *mode_name(unsigned int m)
{
	switch (m) {
	case M16:
		return "real";
	case M32:
		return "32-bit";
	case M64:
		return "64-bit";
	case MV86:
		return "vm86";
	}
	return "?";
}

static void port_case_desc(const struct port_case *tc, char *desc)
{
	int n;

	n = snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s: %s",
		     mode_name(tc->mode), tc->text);
	if (tc->avail < tc->size && n < KUNIT_PARAM_DESC_SIZE)
		snprintf(desc + n, KUNIT_PARAM_DESC_SIZE - n, " [%u of %u bytes]",
			 tc->avail, tc->size);
}

KUNIT_ARRAY_PARAM(port, port_cases, port_case_desc);

enum via { VIA_RAM, VIA_DEVICE, VIA_AGAIN };

static const char * const via_names[] = {
	[VIA_RAM] = "RAM", [VIA_DEVICE] = "device", [VIA_AGAIN] = "EMU_AGAIN",
};

static struct emu_ctxt *port_setup(struct kunit *test,
				   const struct port_case *tc,
				   unsigned int avail, enum via via)
{
	struct emu_ctxt *c = ctxt_new(test, tc->mode, 0);
	struct emu_fake *f = c->priv;
	unsigned int i;

	if (tc->set)
		c->gprs[tc->set_reg] = tc->set_val;
	if (tc->rep)
		c->gprs[GPR_CX] = 1;
	for (i = 0; tc->unreal && i < EMU_NR_SEGS; i++)
		if (i != EMU_CS)
			c->segs[i].limit = 0xffffffff;
	set_insn(c, tc->bytes, tc->size, avail);
	f->exit_all = via == VIA_DEVICE;
	f->again_at = via == VIA_AGAIN ? 0 : -1;
	return c;
}

/* A failure: the exception or reason, and no access. */
static void port_check_failure(struct kunit *test, const struct port_case *tc,
			       struct emu_ctxt *c, int ret)
{
	struct emu_fake *f = c->priv;

	switch (tc->op) {
	case P_FAULT:
		KUNIT_ASSERT_EQ_MSG(test, ret, EMU_FAULT, "%s", tc->text);
		KUNIT_EXPECT_EQ_MSG(test, c->exc.vector, tc->vector, "%s",
				    tc->text);
		/* #GP(0) has an error code, #UD none. */
		KUNIT_EXPECT_EQ_MSG(test, c->exc.has_error_code,
				    tc->vector == X86_TRAP_GP, "%s", tc->text);
		KUNIT_EXPECT_EQ_MSG(test, c->exc.error_code, 0U, "%s",
				    tc->text);
		break;
	case P_REFUSED:
		KUNIT_EXPECT_TRUE_MSG(test,
				      (ret == EMU_UNHANDLED &&
				       c->fail == EMU_FAIL_OPCODE) ||
				      (ret == EMU_FAULT &&
				       c->exc.vector == X86_TRAP_UD &&
				       !c->exc.has_error_code),
				      "%s: result %d, fail %u, vector %u",
				      tc->text, ret, c->fail, c->exc.vector);
		break;
	default:
		KUNIT_ASSERT_EQ_MSG(test, ret, EMU_UNHANDLED, "%s", tc->text);
		KUNIT_EXPECT_TRUE_MSG(test,
				      c->fail == tc->fail ||
				      (tc->fail_alt &&
				       c->fail == tc->fail_alt),
				      "%s: fail %u, expected %u", tc->text,
				      c->fail, tc->fail);
		break;
	}
	KUNIT_EXPECT_EQ_MSG(test, f->nlog, 0U, "%s: accesses made", tc->text);
}

static void port_run(struct kunit *test, const struct port_case *tc,
		     enum via via)
{
	struct emu_ctxt *c = port_setup(test, tc, tc->avail, via);
	struct emu_fake *f = c->priv;
	const char *how = via_names[via];
	u64 old[EMU_NR_GPRS], rip = c->rip, rflags = c->rflags;
	u64 mem, value, want, defined, undef, res;
	const struct fake_access *a;
	unsigned int i;
	int ret;

	memcpy(old, c->gprs, sizeof(old));
	mem = mem_get(f, tc->ea, tc->msize);
	ret = emu_run(test, c, NULL);
	if (tc->op >= P_FAULT) {
		port_check_failure(test, tc, c, ret);
		return;
	}

	KUNIT_ASSERT_EQ_MSG(test, ret, EMU_OK, "%s [%s]: fail %u, vector %u",
			    tc->text, how, c->fail, c->exc.vector);
	KUNIT_EXPECT_EQ_MSG(test, c->insn_len, tc->len, "%s", tc->text);
	KUNIT_EXPECT_EQ_MSG(test, c->rip, rip + tc->len, "%s", tc->text);
	KUNIT_EXPECT_EQ_MSG(test, c->mov_reg, tc->reg, "%s: mov_reg",
			    tc->text);
	if (tc->reg != GPR_NONE) {
		KUNIT_EXPECT_EQ_MSG(test, c->mov_high, tc->high,
				    "%s: mov_high", tc->text);
		KUNIT_EXPECT_EQ_MSG(test, c->mov_extend, tc->extend,
				    "%s: mov_extend", tc->text);
	}
	if (via == VIA_AGAIN)
		KUNIT_EXPECT_EQ_MSG(test, f->nagain, 1U, "%s", tc->text);

	/* The accesses, in order. */
	KUNIT_ASSERT_EQ_MSG(test, f->nlog, tc->op == P_ADD ? 2U : 1U,
			    "%s [%s]: accesses", tc->text, how);
	a = &f->log[0];
	KUNIT_EXPECT_EQ_MSG(test, a->gpa, tc->ea, "%s [%s]", tc->text, how);
	KUNIT_EXPECT_EQ_MSG(test, a->size, tc->msize, "%s [%s]", tc->text,
			    how);
	KUNIT_EXPECT_EQ_MSG(test, a->write, tc->op != P_LOAD && tc->op != P_ADD,
			    "%s [%s]: direction", tc->text, how);

	/* What was written, and the registers after. */
	switch (tc->op) {
	case P_LOAD:
		value = mem;
		if (tc->extend == 2)
			value = sign_ext(value, tc->msize);
		want = reg_after(old[tc->reg], value, tc->rsize, tc->high,
				 tc->mode == M64, &defined);
		old[tc->reg] = want;
		break;
	case P_STORE:
		value = tc->high ? old[tc->reg] >> 8 : old[tc->reg];
		KUNIT_EXPECT_EQ_MSG(test, le_value(a->data, a->size),
				    value & size_mask(tc->msize), "%s [%s]",
				    tc->text, how);
		break;
	case P_IMM:
		KUNIT_EXPECT_EQ_MSG(test, le_value(a->data, a->size), tc->imm,
				    "%s [%s]", tc->text, how);
		break;
	case P_STOS:
		KUNIT_EXPECT_EQ_MSG(test, le_value(a->data, a->size),
				    old[GPR_AX] & size_mask(tc->msize),
				    "%s [%s]", tc->text, how);
		old[GPR_DI] += tc->msize;
		if (tc->rep)
			old[GPR_CX] = 0;
		break;
	case P_ADD:
		a = &f->log[1];
		KUNIT_EXPECT_EQ_MSG(test, a->gpa, tc->ea, "%s", tc->text);
		KUNIT_EXPECT_EQ_MSG(test, a->size, 4, "%s", tc->text);
		KUNIT_EXPECT_TRUE_MSG(test, a->write, "%s", tc->text);
		rflags = alu_model(ALU_ADD, mem, old[GPR_AX], 4, rflags, &res,
				   &undef);
		KUNIT_EXPECT_EQ_MSG(test, le_value(a->data, a->size), res,
				    "%s [%s]", tc->text, how);
		KUNIT_EXPECT_EQ_MSG(test, c->rflags & ~undef, rflags & ~undef,
				    "%s [%s]: RFLAGS", tc->text, how);
		rflags = c->rflags;
		break;
	}
	if (tc->op != P_LOAD)
		KUNIT_EXPECT_EQ_MSG(test, mem_get(f, tc->ea, tc->msize),
				    le_value(a->data, a->size), "%s [%s]: memory",
				    tc->text, how);
	for (i = 0; i < EMU_NR_GPRS; i++) {
		defined = tc->op == P_LOAD && i == tc->reg &&
			  tc->rsize == 4 && tc->mode != M64 ?
			  0xffffffffULL : ~0ULL;
		KUNIT_EXPECT_EQ_MSG(test, c->gprs[i] & defined,
				    old[i] & defined, "%s [%s]: register %u",
				    tc->text, how, i);
	}
	KUNIT_EXPECT_EQ_MSG(test, c->rflags, rflags, "%s [%s]: RFLAGS",
			    tc->text, how);
}

static void port_vectors(struct kunit *test)
{
	const struct port_case *tc = test->param_value;
	struct emu_ctxt *c;
	unsigned int avail;
	int ret;

	port_run(test, tc, VIA_RAM);
	if (tc->op >= P_FAULT)
		return;
	port_run(test, tc, VIA_DEVICE);
	port_run(test, tc, VIA_AGAIN);

	/* Every proper prefix of the instruction asks for more bytes. */
	for (avail = 0; avail < tc->len; avail++) {
		c = port_setup(test, tc, avail, VIA_RAM);
		ret = emu_run(test, c, NULL);
		KUNIT_EXPECT_EQ_MSG(test, ret, EMU_UNHANDLED,
				    "%s: %u of %u bytes", tc->text, avail,
				    tc->len);
		KUNIT_EXPECT_EQ_MSG(test, c->fail, EMU_FAIL_FETCH,
				    "%s: %u of %u bytes", tc->text, avail,
				    tc->len);
		KUNIT_EXPECT_EQ_MSG(test, fake_of(test)->nlog, 0U,
				    "%s: %u of %u bytes", tc->text, avail,
				    tc->len);
	}
}

/**
 * struct load_case - a load, the data it reads, and the register after it.
 * @text: the assembler source of @bytes.
 * @bytes: the encoding.
 * @size: bytes in @bytes.
 * @mode: M16, M32 or M64.
 * @reg: the destination register.
 * @ea: the operand's address.
 * @data: what memory holds there (8 bytes: garbage above the size).
 * @old: the destination register before.
 * @want: the destination register after.
 * @defined: the bits of @want to compare (0: all).
 */
struct load_case {
	const char *text;
	const char *bytes;
	u8 size;
	u8 mode;
	u8 reg;
	u64 ea;
	u64 data;
	u64 old;
	u64 want;
	u64 defined;
};

#define LOAD_INSN(m, t, b, r, a)					\
	.mode = (m), .text = (t), .bytes = (b), .size = sizeof(b) - 1,	\
	.reg = GPR_##r, .ea = (a)
#define LOAD_RESULT(d, o, w)	.data = (d), .old = (o), .want = (w)
/* Bits 63:32 of a 32-bit destination are undefined outside 64-bit mode. */
#define LOW32			.defined = 0xffffffffULL

/*
 * The old suite's extend-and-merge cases.  Where the destination was also
 * the base register, the base is now (%rsi)/(%esi), so that the old
 * register value the case is about does not move the address.
 */
static const struct load_case load_cases[] = {
	/* Sign-extension stops at the destination's size... */
	{ LOAD_INSN(M64, "movsbw (%rax),%cx", "\x66\x0f\xbe\x08", CX, V_RAX),
	  LOAD_RESULT(0x80, 0x1111111111111111ULL, 0x111111111111ff80ULL) },
	{ LOAD_INSN(M64, "movsbw (%rax),%cx", "\x66\x0f\xbe\x08", CX, V_RAX),
	  LOAD_RESULT(0x17f, 0x1111111111111111ULL, 0x111111111111007fULL) },
	{ LOAD_INSN(M16, "movsbw (%si),%ax", "\x0f\xbe\x04", AX,
		    RM_DS + V_RSI),
	  LOAD_RESULT(0x7f, 0xabcdffffULL, 0xabcd007fULL) },
	/* ...and a 32-bit destination is zero-extended in 64-bit mode. */
	{ LOAD_INSN(M64, "movsbl (%rax),%ecx", "\x0f\xbe\x08", CX, V_RAX),
	  LOAD_RESULT(0x80, ~0ULL, 0xffffff80ULL) },
	{ LOAD_INSN(M64, "movswq (%rax),%rcx", "\x48\x0f\xbf\x08", CX, V_RAX),
	  LOAD_RESULT(0x8000, 0, 0xffffffffffff8000ULL) },
	{ LOAD_INSN(M64, "movslq (%rax),%rcx", "\x48\x63\x08", CX, V_RAX),
	  LOAD_RESULT(0x80000000, 0, 0xffffffff80000000ULL) },
	{ LOAD_INSN(M64, ".byte 0x63,0x08", "\x63\x08", CX, V_RAX),
	  LOAD_RESULT(0xffffffff80000000ULL, ~0ULL, 0x80000000) },
	/* Zero-extension. */
	{ LOAD_INSN(M64, "movzbl (%rax),%ecx", "\x0f\xb6\x08", CX, V_RAX),
	  LOAD_RESULT(0xfff0, ~0ULL, 0xf0) },
	{ LOAD_INSN(M16, "movzwl (%bx),%eax", "\x66\x0f\xb7\x07", AX,
		    RM_DS + V_RBX),
	  LOAD_RESULT(0xbeef, ~0ULL, 0xbeef), LOW32 },
	/* Plain loads. */
	{ LOAD_INSN(M64, "mov (%rax),%rcx", "\x48\x8b\x08", CX, V_RAX),
	  LOAD_RESULT(0x8877665544332211ULL, 0, 0x8877665544332211ULL) },
	{ LOAD_INSN(M64, "mov (%rsi),%eax", "\x8b\x06", AX, V_RSI),
	  LOAD_RESULT(0xdeadbeef12345678ULL, ~0ULL, 0x12345678) },
	{ LOAD_INSN(M32, "mov (%esi),%eax", "\x8b\x06", AX, PM_DS + V_RSI),
	  LOAD_RESULT(0x12345678, 0xaaaaaaaa00000000ULL, 0x12345678), LOW32 },
	{ LOAD_INSN(M64, "mov (%rax),%cx", "\x66\x8b\x08", CX, V_RAX),
	  LOAD_RESULT(0x12345678, ~0ULL, 0xffffffffffff5678ULL) },
	{ LOAD_INSN(M64, "mov (%rsi),%al", "\x8a\x06", AX, V_RSI),
	  LOAD_RESULT(0x5a, 0x1122334455667788ULL, 0x112233445566775aULL) },
	{ LOAD_INSN(M64, "mov (%rax),%r10b", "\x44\x8a\x10", R10, V_RAX),
	  LOAD_RESULT(0x1ff, 0x1234, 0x12ff) },
	/* High-byte registers keep all but bits 15:8. */
	{ LOAD_INSN(M64, "mov (%rsi),%ah", "\x8a\x26", AX, V_RSI),
	  LOAD_RESULT(0x5a, 0x1122334455667788ULL, 0x1122334455665a88ULL) },
	{ LOAD_INSN(M32, "mov (%eax),%bh", "\x8a\x38", BX, PM_DS + V_RAX),
	  LOAD_RESULT(0xc3, 0xffffffffULL, 0xffffc3ffULL) },
};

static void load_case_desc(const struct load_case *tc, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s: %s, data 0x%llx",
		 mode_name(tc->mode), tc->text, tc->data);
}

KUNIT_ARRAY_PARAM(load, load_cases, load_case_desc);

static void extend_and_merge(struct kunit *test)
{
	const struct load_case *tc = test->param_value;
	u64 defined = tc->defined ? tc->defined : ~0ULL;
	struct emu_ctxt *c;
	struct emu_fake *f;
	enum via via;

	for (via = VIA_RAM; via <= VIA_DEVICE; via++) {
		c = ctxt_new(test, tc->mode, 0);
		f = c->priv;
		f->exit_all = via == VIA_DEVICE;
		c->gprs[tc->reg] = tc->old;
		mem_put(f, tc->ea, tc->data, 8);
		set_insn(c, tc->bytes, tc->size, tc->size);
		KUNIT_ASSERT_EQ_MSG(test, emu_run(test, c, NULL), EMU_OK,
				    "%s [%s]", tc->text, via_names[via]);
		KUNIT_EXPECT_EQ_MSG(test, c->gprs[tc->reg] & defined,
				    tc->want & defined, "%s [%s]", tc->text,
				    via_names[via]);
		KUNIT_EXPECT_EQ_MSG(test, f->nlog, 1U, "%s", tc->text);
		KUNIT_EXPECT_EQ_MSG(test, f->log[0].gpa, tc->ea, "%s",
				    tc->text);
	}
}

/*
 * 2. Cases written from the SDM: one instruction in a prepared state, the
 * result, the exception, and how many accesses were made.
 */

/**
 * struct reg_set - a general register's value.
 * @reg: the register, 0-15.
 * @val: its value.
 */
struct reg_set {
	u8 reg;
	u64 val;
};

/**
 * struct page_set - a page of the fake guest page table.
 * @la: its linear address.
 * @attr: PG_* attributes.
 */
struct page_set {
	u64 la;
	u32 attr;
};

/**
 * struct sdm_case - an instruction in a prepared state, and its outcome.
 * @name: the instruction and what the case is about.
 * @bytes: the encoding.
 * @size: bytes in @bytes.
 * @mode: M16, M32, M64 or MV86.
 * @cpl: the current privilege level.
 * @nset: registers set in @set.
 * @set: registers set before.
 * @seg: the segment register replaced by @sv, plus 1 (0: none).
 * @sv: the segment register's hidden part.
 * @cr0_on: CR0 bits set.
 * @cr0_off: CR0 bits cleared.
 * @cr4_off: CR4 bits cleared.
 * @rflags_on: RFLAGS bits set.
 * @xcr0: XCR0 (0: x87, SSE and AVX).
 * @npg: pages set in @pg.
 * @pg: pages of the guest page table that are not present, read-only or
 *	supervisor-only.
 * @res: the result expected.
 * @vector: the exception after %EMU_FAULT.
 * @has_ec: it has an error code.
 * @ec: the error code.
 * @cr2: CR2 of a #PF.
 * @fail: EMU_FAIL_* after %EMU_UNHANDLED.
 * @nacc: accesses made after %EMU_OK (-1: not checked).
 * @check_gpa: check that the first access is at @gpa.
 * @gpa: see @check_gpa.
 */
struct sdm_case {
	const char *name;
	const char *bytes;
	u8 size;
	u8 mode;
	u8 cpl;
	u8 nset;
	struct reg_set set[4];
	u8 seg;
	struct emu_segment sv;
	u64 cr0_on;
	u64 cr0_off;
	u64 cr4_off;
	u64 rflags_on;
	u64 xcr0;
	u8 npg;
	struct page_set pg[2];
	u8 res;
	u8 vector;
	bool has_ec;
	u32 ec;
	u64 cr2;
	u8 fail;
	s8 nacc;
	bool check_gpa;
	u64 gpa;
};

#define CASE(m, n, b)							\
	.mode = (m), .name = (n), .bytes = (b), .size = sizeof(b) - 1
#define R1(r1, v1)	.nset = 1, .set = { { GPR_##r1, (v1) } }
#define R2(r1, v1, r2, v2)						\
	.nset = 2, .set = { { GPR_##r1, (v1) }, { GPR_##r2, (v2) } }
#define R3(r1, v1, r2, v2, r3, v3)					\
	.nset = 3, .set = { { GPR_##r1, (v1) }, { GPR_##r2, (v2) },	\
			    { GPR_##r3, (v3) } }
#define SEG(s, b, l, a)							\
	.seg = EMU_##s + 1,						\
	.sv = { .base = (b), .limit = (l), .selector = 0x18, .ar = (a) }
#define PAGE1(l1, a1)	.npg = 1, .pg = { { (l1), (a1) } }
#define PAGE2(l1, a1, l2, a2)						\
	.npg = 2, .pg = { { (l1), (a1) }, { (l2), (a2) } }
#define CPL3		.cpl = 3
#define AC_ON		.cr0_on = X86_CR0_AM, .rflags_on = X86_EFLAGS_AC

#define X_OK(n)		.res = EMU_OK, .nacc = (n)
#define X_AT(g)		.check_gpa = true, .gpa = (g)
#define X_EXC(v, h, e)							\
	.res = EMU_FAULT, .vector = (v), .has_ec = (h), .ec = (e)
#define X_GP0		X_EXC(X86_TRAP_GP, true, 0)
#define X_SS0		X_EXC(X86_TRAP_SS, true, 0)
#define X_UD		X_EXC(X86_TRAP_UD, false, 0)
#define X_NM		X_EXC(X86_TRAP_NM, false, 0)
#define X_AC0		X_EXC(X86_TRAP_AC, true, 0)
/* Real mode delivers no error code (and VM entry refuses one there). */
#define X_GP_REAL	X_EXC(X86_TRAP_GP, false, 0)
#define X_SS_REAL	X_EXC(X86_TRAP_SS, false, 0)
#define X_PF(e, a)	X_EXC(X86_TRAP_PF, true, (e)), .cr2 = (a)
#define X_UNH(f)	.res = EMU_UNHANDLED, .fail = (f)

/* Page-fault error codes. */
#define EC_P	X86_PF_PROT
#define EC_W	X86_PF_WRITE
#define EC_U	X86_PF_USER

/* Addresses: 47 bits, the first non-canonical one, and the top half. */
#define NONCANON	0x0000800000000000ULL
#define TOPHALF		0xffff800000000000ULL

static const struct sdm_case sdm_cases[] = {
	/*
	 * Canonical addresses in 64-bit mode (SDM Vol. 1, 3.3.7.1
	 * "Canonical Addressing"; Vol. 3A, 6.15, "Interrupt 12" and
	 * "Interrupt 13"; "64-Bit Mode Exceptions" of MOV, Vol. 2B): a
	 * non-canonical address is #GP(0), or #SS(0) when the reference
	 * is through SS: a base of RSP or RBP.  64-bit mode ignores CS, DS,
	 * ES and SS overrides, so an SS override does not make #SS(0) and a
	 * DS override on RBP does not make #GP(0); an FS or GS override on
	 * RBP or RSP does (3.3.7.1).  A reference is canonical when all its
	 * bytes are.
	 */
	{ CASE(M64, "mov (%rax),%ecx, RAX 0x800000000000: #GP(0)",
	       "\x8b\x08"), R1(AX, NONCANON), X_GP0 },
	{ CASE(M64, "mov (%rax),%ecx, RAX 0xffff7fffffffffff: #GP(0)",
	       "\x8b\x08"), R1(AX, TOPHALF - 1), X_GP0 },
	{ CASE(M64, "mov (%rax),%ecx, RAX 0xffff800000000000: canonical",
	       "\x8b\x08"), R1(AX, TOPHALF), X_OK(1), X_AT(TOPHALF) },
	{ CASE(M64, "mov (%rax),%rcx, RAX 0x7ffffffffffc: ends outside",
	       "\x48\x8b\x08"), R1(AX, NONCANON - 4), X_GP0 },
	{ CASE(M64, "mov (%rsp),%eax, RSP non-canonical: #SS(0)",
	       "\x8b\x04\x24"), R1(SP, 0x8000000000000000ULL), X_SS0 },
	{ CASE(M64, "mov 0x0(%rbp),%eax, RBP non-canonical: #SS(0)",
	       "\x8b\x45\x00"), R1(BP, NONCANON), X_SS0 },
	{ CASE(M64, "mov 0x10(%rsp),%eax, RSP+0x10 non-canonical: #SS(0)",
	       "\x8b\x44\x24\x10"), R1(SP, NONCANON - 0x10), X_SS0 },
	{ CASE(M64, "ss mov (%rax),%eax, RAX non-canonical: #GP(0)",
	       "\x36\x8b\x00"), R1(AX, NONCANON), X_GP0 },
	{ CASE(M64, "ds mov 0x0(%rbp),%eax, RBP non-canonical: #SS(0)",
	       "\x3e\x8b\x45\x00"), R1(BP, NONCANON), X_SS0 },
	{ CASE(M64, "mov %fs:0x0(%rbp),%eax, RBP non-canonical: #GP(0)",
	       "\x64\x8b\x45\x00"), R1(BP, NONCANON),
	  SEG(FS, 0, 0xffffffff, AR_DATA32), X_GP0 },
	{ CASE(M64, "movabs 0x1122334455667788,%eax: #GP(0)",
	       "\xa1\x88\x77\x66\x55\x44\x33\x22\x11"), X_GP0 },
	{ CASE(M64, "mov %fs:(%rax),%eax, FS base + RAX non-canonical",
	       "\x64\x8b\x00"), R1(AX, 0x10000),
	  SEG(FS, NONCANON - 0x10000, 0xffffffff, AR_DATA32), X_GP0 },
	{ CASE(M64, "stos %eax,%es:(%rdi), RDI non-canonical: #GP(0)",
	       "\xab"), R1(DI, NONCANON), X_GP0 },
	/* Checked before paging: the page would fault too. */
	{ CASE(M64, "mov (%rax),%ecx, non-canonical and not present: #GP(0)",
	       "\x8b\x08"), R1(AX, NONCANON), PAGE1(NONCANON, PG_NP), X_GP0 },

	/*
	 * 64-bit mode has no limits and allows null segments (Vol. 3A,
	 * 5.3.1 "Limit Checking in 64-Bit Mode"; 3.4.4 "Segment Loading
	 * Instructions in IA-32e Mode").
	 */
	{ CASE(M64, "mov (%rax),%ecx, DS limit 0xfff: no limit in 64-bit mode",
	       "\x8b\x08"), SEG(DS, 0, 0xfff, AR_DATA32), X_OK(1), X_AT(V_RAX) },
	{ CASE(M64, "mov (%rax),%ecx, DS unusable: fine in 64-bit mode",
	       "\x8b\x08"), SEG(DS, 0, 0, EMU_AR_UNUSABLE), X_OK(1) },

	/*
	 * Segment limits and types in protected mode (Vol. 3A, 5.3 "Limit
	 * Checking", 5.4 "Type Checking", 3.4.5.1 "Code- and Data-Segment
	 * Descriptor Types"; "Protected Mode Exceptions" of MOV): an
	 * expand-up segment holds offsets 0 to the limit; an expand-down
	 * one holds limit+1 to 0xffffffff (B set) or 0xffff (B clear); a
	 * write to a read-only data segment or to a code segment, or a read
	 * from an execute-only code segment, is #GP(0); so is a reference
	 * through a null segment register.  A fault through SS is #SS(0).
	 */
	{ CASE(M32, "mov (%eax),%ecx, DS limit 0xfff, EAX 0xffc: last dword",
	       "\x8b\x08"), R1(AX, 0xffc), SEG(DS, PM_DS, 0xfff, AR_DATA32),
	  X_OK(1), X_AT(PM_DS + 0xffc) },
	{ CASE(M32, "mov (%eax),%ecx, DS limit 0xfff, EAX 0xffd: #GP(0)",
	       "\x8b\x08"), R1(AX, 0xffd), SEG(DS, PM_DS, 0xfff, AR_DATA32),
	  X_GP0 },
	{ CASE(M32, "mov (%eax),%ecx, DS limit 0xfff, EAX 0x1000: #GP(0)",
	       "\x8b\x08"), R1(AX, 0x1000), SEG(DS, PM_DS, 0xfff, AR_DATA32),
	  X_GP0 },
	{ CASE(M32, "mov (%eax),%cl, DS limit 0xfff, EAX 0xfff: last byte",
	       "\x8a\x08"), R1(AX, 0xfff), SEG(DS, PM_DS, 0xfff, AR_DATA32),
	  X_OK(1) },
	{ CASE(M32, "mov %fs:(%eax),%eax, FS limit 0xfff: #GP(0)",
	       "\x64\x8b\x00"), SEG(FS, PM_FS, 0xfff, AR_DATA32), X_GP0 },
	{ CASE(M32, "mov (%esp),%eax, SS limit 0xfff, ESP 0xffe: #SS(0)",
	       "\x8b\x04\x24"), R1(SP, 0xffe), SEG(SS, PM_SS, 0xfff, AR_DATA32),
	  X_SS0 },
	{ CASE(M32, "mov 0x0(%ebp),%eax, SS limit 0xfff, EBP 0x1000: #SS(0)",
	       "\x8b\x45\x00"), R1(BP, 0x1000),
	  SEG(SS, PM_SS, 0xfff, AR_DATA32), X_SS0 },
	{ CASE(M32, "ss mov (%eax),%eax, SS limit 0xfff: #SS(0)",
	       "\x36\x8b\x00"), SEG(SS, PM_SS, 0xfff, AR_DATA32), X_SS0 },
	{ CASE(M32, "ds mov 0x0(%ebp),%eax, SS limit 0xfff: DS used",
	       "\x3e\x8b\x45\x00"), SEG(SS, PM_SS, 0xfff, AR_DATA32),
	  X_OK(1), X_AT(PM_DS + V_RBP) },
	/* Checked before paging. */
	{ CASE(M32, "mov (%eax),%ecx, DS limit 0xfff, page not present: #GP(0)",
	       "\x8b\x08"), SEG(DS, PM_DS, 0xfff, AR_DATA32),
	  PAGE1(PM_DS + V_RAX, PG_NP), X_GP0 },
	/* Expand-down, B set: offsets 0x1000 to 0xffffffff. */
	{ CASE(M32, "mov (%eax),%ecx, expand-down limit 0xfff, EAX 0xfff",
	       "\x8b\x08"), R1(AX, 0xfff), SEG(DS, PM_DS, 0xfff, AR_DOWN32),
	  X_GP0 },
	{ CASE(M32, "mov (%eax),%ecx, expand-down limit 0xfff, EAX 0x1000",
	       "\x8b\x08"), R1(AX, 0x1000), SEG(DS, PM_DS, 0xfff, AR_DOWN32),
	  X_OK(1), X_AT(PM_DS + 0x1000) },
	{ CASE(M32, "mov (%eax),%ecx, expand-down limit 0xfff, EAX 0xfffffffc",
	       "\x8b\x08"), R1(AX, 0xfffffffc), SEG(DS, 0, 0xfff, AR_DOWN32),
	  X_OK(1), X_AT(0xfffffffc) },
	{ CASE(M32, "mov (%eax),%ecx, expand-down limit 0xfff, EAX 0xfffffffd",
	       "\x8b\x08"), R1(AX, 0xfffffffd), SEG(DS, 0, 0xfff, AR_DOWN32),
	  X_GP0 },
	/* Expand-down, B clear: offsets limit+1 to 0xffff. */
	{ CASE(M32, "mov (%eax),%ecx, expand-down 16-bit, EAX 0xfffc",
	       "\x8b\x08"), R1(AX, 0xfffc), SEG(DS, PM_DS, 0xfff, AR_DOWN16),
	  X_OK(1), X_AT(PM_DS + 0xfffc) },
	{ CASE(M32, "mov (%eax),%ecx, expand-down 16-bit, EAX 0xfffd",
	       "\x8b\x08"), R1(AX, 0xfffd), SEG(DS, PM_DS, 0xfff, AR_DOWN16),
	  X_GP0 },
	{ CASE(M32, "mov (%eax),%ecx, expand-down 16-bit, EAX 0x10000",
	       "\x8b\x08"), R1(AX, 0x10000), SEG(DS, PM_DS, 0xfff, AR_DOWN16),
	  X_GP0 },
	{ CASE(M32, "mov (%esp),%eax, SS expand-down limit 0xfff, ESP 0xffe",
	       "\x8b\x04\x24"), R1(SP, 0xffe), SEG(SS, PM_SS, 0xfff, AR_DOWN32),
	  X_SS0 },
	/* Read-only data. */
	{ CASE(M32, "mov %ecx,(%eax), DS read-only: #GP(0)", "\x89\x08"),
	  SEG(DS, PM_DS, 0xffffffff, AR_RODATA32), X_GP0 },
	{ CASE(M32, "mov (%eax),%ecx, DS read-only: a read is fine",
	       "\x8b\x08"), SEG(DS, PM_DS, 0xffffffff, AR_RODATA32), X_OK(1) },
	{ CASE(M32, "add %ecx,(%eax), DS read-only: #GP(0)", "\x01\x08"),
	  SEG(DS, PM_DS, 0xffffffff, AR_RODATA32), X_GP0 },
	{ CASE(M32, "cmp %ecx,(%eax), DS read-only: only reads", "\x39\x08"),
	  SEG(DS, PM_DS, 0xffffffff, AR_RODATA32), X_OK(1) },
	{ CASE(M32, "stos %al,%es:(%edi), ES read-only: #GP(0)", "\xaa"),
	  SEG(ES, PM_ES, 0xffffffff, AR_RODATA32), X_GP0 },
	/* Code segments through a CS override. */
	{ CASE(M32, "mov %cs:(%eax),%ecx, CS execute-only: #GP(0)",
	       "\x2e\x8b\x08"), SEG(CS, 0, 0xffffffff, AR_XOCODE32), X_GP0 },
	{ CASE(M32, "mov %cs:(%eax),%ecx, CS readable: fine", "\x2e\x8b\x08"),
	  SEG(CS, 0, 0xffffffff, AR_CODE32), X_OK(1), X_AT(V_RAX) },
	{ CASE(M32, "mov %ecx,%cs:(%eax), CS readable: #GP(0)",
	       "\x2e\x89\x08"), SEG(CS, 0, 0xffffffff, AR_CODE32), X_GP0 },
	/* Null segments. */
	{ CASE(M32, "mov (%eax),%ecx, DS null: #GP(0)", "\x8b\x08"),
	  SEG(DS, 0, 0, EMU_AR_UNUSABLE), X_GP0 },
	{ CASE(M32, "stos %al,%es:(%edi), ES null: #GP(0)", "\xaa"),
	  SEG(ES, 0, 0, EMU_AR_UNUSABLE), X_GP0 },
	{ CASE(M32, "mov %fs:(%eax),%eax, FS null: #GP(0)", "\x64\x8b\x00"),
	  SEG(FS, 0, 0, EMU_AR_UNUSABLE), X_GP0 },
	/* MOVS: the source through DS, the destination through ES. */
	{ CASE(M32, "movsl, DS limit 0xfff, ESI 0xffe: #GP(0)", "\xa5"),
	  R1(SI, 0xffe), SEG(DS, PM_DS, 0xfff, AR_DATA32), X_GP0 },
	{ CASE(M32, "movsl, ES limit 0xfff, EDI 0xffe: #GP(0)", "\xa5"),
	  R1(DI, 0xffe), SEG(ES, PM_ES, 0xfff, AR_DATA32), X_GP0 },

	/*
	 * Real mode (Vol. 3B, 20.1 "Real-Address Mode"; "Real-Address Mode
	 * Exceptions" of MOV): an operand any byte of which lies above
	 * 0xffff is #GP, or #SS through SS, and real mode pushes no error
	 * code.  16-bit address arithmetic wraps at 64 KiB.
	 */
	{ CASE(M16, "mov (%bx),%ax, BX 0xffff: #GP", "\x8b\x07"),
	  R1(BX, 0xffff), X_GP_REAL },
	{ CASE(M16, "mov (%bx),%ax, BX 0xfffe: last word", "\x8b\x07"),
	  R1(BX, 0xfffe), X_OK(1), X_AT(RM_DS + 0xfffe) },
	{ CASE(M16, "mov (%bx),%al, BX 0xffff: last byte", "\x8a\x07"),
	  R1(BX, 0xffff), X_OK(1), X_AT(RM_DS + 0xffff) },
	{ CASE(M16, "mov 0x0(%bp),%ax, BP 0xffff: #SS", "\x8b\x46\x00"),
	  R1(BP, 0xffff), X_SS_REAL },
	{ CASE(M16, "mov %ss:(%bx),%ax, BX 0xffff: #SS", "\x36\x8b\x07"),
	  R1(BX, 0xffff), X_SS_REAL },
	{ CASE(M16, "mov 0x10(%bx),%ax, BX 0xfff8: wraps to 0x0008",
	       "\x8b\x47\x10"), R1(BX, 0xfff8), X_OK(1), X_AT(RM_DS + 8) },
	{ CASE(M16, "mov (%ebx),%eax, EBX 0x10000: #GP", "\x67\x66\x8b\x03"),
	  R1(BX, 0x10000), X_GP_REAL },
	{ CASE(M16, "mov (%ebx),%eax, EBX 0x10000, DS limit 4 GiB",
	       "\x67\x66\x8b\x03"), R1(BX, 0x10000),
	  SEG(DS, RM_DS, 0xffffffff, AR_DATA), X_OK(1),
	  X_AT(RM_DS + 0x10000) },
	{ CASE(M16, "stos %ax,%es:(%di), DI 0xffff: #GP", "\xab"),
	  R1(DI, 0xffff), X_GP_REAL },
	{ CASE(M16, "movl $0,0xfffe: #GP",
	       "\x66\xc7\x06\xfe\xff\x00\x00\x00\x00"), X_GP_REAL },

	/*
	 * Page faults (Vol. 3A, 4.7 "Page-Fault Exceptions"): CR2 holds the
	 * linear address that faulted, the error code P (a protection
	 * violation, not a missing page), W/R (a write) and U/S (CPL 3).
	 * An access that crosses into a faulting page faults at that
	 * page's first byte; every page is translated before any access,
	 * so nothing was read or written.  A read-modify-write faults as a
	 * write.  The fake's pages fault as their attributes say (CR0.WP
	 * set: supervisor writes obey read-only too).
	 */
	{ CASE(M64, "mov (%rax),%ecx, not present", "\x8b\x08"),
	  PAGE1(V_RAX, PG_NP), X_PF(0, V_RAX) },
	{ CASE(M64, "mov %ecx,(%rax), not present", "\x89\x08"),
	  PAGE1(V_RAX, PG_NP), X_PF(EC_W, V_RAX) },
	{ CASE(M64, "mov %ecx,(%rax), read-only", "\x89\x08"),
	  PAGE1(V_RAX, PG_RO), X_PF(EC_P | EC_W, V_RAX) },
	{ CASE(M64, "mov (%rax),%ecx, read-only: a read is fine", "\x8b\x08"),
	  PAGE1(V_RAX, PG_RO), X_OK(1) },
	{ CASE(M64, "mov (%rax),%ecx, CPL 3, supervisor page", "\x8b\x08"),
	  CPL3, PAGE1(V_RAX, PG_SUP), X_PF(EC_P | EC_U, V_RAX) },
	{ CASE(M64, "mov %ecx,(%rax), CPL 3, supervisor page", "\x89\x08"),
	  CPL3, PAGE1(V_RAX, PG_SUP), X_PF(EC_P | EC_W | EC_U, V_RAX) },
	{ CASE(M64, "mov %ecx,(%rax), CPL 3, not present", "\x89\x08"),
	  CPL3, PAGE1(V_RAX, PG_NP), X_PF(EC_W | EC_U, V_RAX) },
	{ CASE(M64, "mov %ecx,(%rax), CPL 3, read-only", "\x89\x08"),
	  CPL3, PAGE1(V_RAX, PG_RO), X_PF(EC_P | EC_W | EC_U, V_RAX) },
	{ CASE(M64, "mov (%rax),%ecx, CPL 3, user page", "\x8b\x08"),
	  CPL3, X_OK(1) },
	{ CASE(M64, "mov (%rax),%ecx, CPL 0, supervisor page", "\x8b\x08"),
	  PAGE1(V_RAX, PG_SUP), X_OK(1) },
	{ CASE(M32, "mov (%eax),%ecx, DS base: CR2 is linear", "\x8b\x08"),
	  PAGE1(PM_DS + V_RAX, PG_NP), X_PF(0, PM_DS + V_RAX) },
	{ CASE(M32, "mov %ecx,(%eax), CPL 3, supervisor page", "\x89\x08"),
	  CPL3, PAGE1(PM_DS + V_RAX, PG_SUP),
	  X_PF(EC_P | EC_W | EC_U, PM_DS + V_RAX) },
	/* Crossing pages. */
	{ CASE(M64, "mov (%rax),%rcx, RAX 0x1ffc, page 0x2000 not present",
	       "\x48\x8b\x08"), R1(AX, 0x1ffc), PAGE1(0x2000, PG_NP),
	  X_PF(0, 0x2000) },
	{ CASE(M64, "mov %rcx,(%rax), RAX 0x1ffc, page 0x2000 read-only",
	       "\x48\x89\x08"), R1(AX, 0x1ffc), PAGE1(0x2000, PG_RO),
	  X_PF(EC_P | EC_W, 0x2000) },
	{ CASE(M64, "mov %rcx,(%rax), RAX 0x1ffc, page 0x1000 not present",
	       "\x48\x89\x08"), R1(AX, 0x1ffc), PAGE1(0x1000, PG_NP),
	  X_PF(EC_W, 0x1ffc) },
	{ CASE(M64, "mov %rcx,(%rax), RAX 0x1ffc, crossing: two accesses",
	       "\x48\x89\x08"), R1(AX, 0x1ffc), X_OK(2), X_AT(0x1ffc) },
	{ CASE(M64, "mov %rcx,(%rax), device page, page 0x2000 read-only",
	       "\x48\x89\x08"), R1(AX, DEV_GPA + 0xffc),
	  PAGE1(DEV_GPA + 0x1000, PG_RO), X_PF(EC_P | EC_W, DEV_GPA + 0x1000) },
	{ CASE(M64, "movdqu (%rax),%xmm0, RAX 0x1ff8, page 0x2000 absent",
	       "\xf3\x0f\x6f\x00"), R1(AX, 0x1ff8), PAGE1(0x2000, PG_NP),
	  X_PF(0, 0x2000) },
	/* Read-modify-writes fault as writes; CMP only reads. */
	{ CASE(M64, "add %ecx,(%rax), read-only", "\x01\x08"),
	  PAGE1(V_RAX, PG_RO), X_PF(EC_P | EC_W, V_RAX) },
	{ CASE(M64, "xchg %ecx,(%rax), read-only", "\x87\x08"),
	  PAGE1(V_RAX, PG_RO), X_PF(EC_P | EC_W, V_RAX) },
	{ CASE(M64, "cmp %ecx,(%rax), read-only: only reads", "\x39\x08"),
	  PAGE1(V_RAX, PG_RO), X_OK(1) },
	/* MOVS: the destination faults, so the source is not read either. */
	{ CASE(M64, "movsl, destination not present", "\xa5"),
	  PAGE1(V_RDI, PG_NP), X_PF(EC_W, V_RDI) },
	{ CASE(M64, "movsl, source not present", "\xa5"),
	  PAGE1(V_RSI, PG_NP), X_PF(0, V_RSI) },
	{ CASE(M64, "stos %al,%es:(%rdi), not present", "\xaa"),
	  PAGE1(V_RDI, PG_NP), X_PF(EC_W, V_RDI) },

	/*
	 * LOCK (Vol. 2A, "LOCK—Assert LOCK# Signal Prefix"): allowed only
	 * on ADD, ADC, AND, BTC, BTR, BTS, CMPXCHG, CMPXCHG8B, CMPXCHG16B,
	 * DEC, INC, NEG, NOT, OR, SBB, SUB, XOR, XADD and XCHG with a
	 * memory destination; anywhere else #UD.  XCHG with memory is
	 * locked whether or not LOCK is there.  (The LOCK-legal ones are
	 * run in rmw_cases.)
	 */
	{ CASE(M64, "lock mov %ecx,(%rax)", "\xf0\x89\x08"), X_UD },
	{ CASE(M64, "lock mov (%rax),%ecx", "\xf0\x8b\x08"), X_UD },
	{ CASE(M64, "lock movl $1,(%rax)", "\xf0\xc7\x00\x01\x00\x00\x00"),
	  X_UD },
	{ CASE(M64, "lock cmp %ecx,(%rax)", "\xf0\x39\x08"), X_UD },
	{ CASE(M64, "lock test %ecx,(%rax)", "\xf0\x85\x08"), X_UD },
	{ CASE(M64, "lock add (%rax),%ecx: register destination",
	       "\xf0\x03\x08"), X_UD },
	{ CASE(M64, "lock bt %ecx,(%rax)", "\xf0\x0f\xa3\x08"), X_UD },
	{ CASE(M64, "lock movzbl (%rax),%ecx", "\xf0\x0f\xb6\x08"), X_UD },
	{ CASE(M64, "lock stos %al,%es:(%rdi)", "\xf0\xaa"), X_UD },
	{ CASE(M64, "lock movsl", "\xf0\xa5"), X_UD },
	{ CASE(M64, "lock movdqu (%rax),%xmm0", "\xf0\xf3\x0f\x6f\x00"), X_UD },
	{ CASE(M32, "lock mov %ecx,(%eax)", "\xf0\x89\x08"), X_UD },
	{ CASE(M16, "lock mov %ax,(%bx)", "\xf0\x89\x07"), X_UD },
	{ CASE(M64, "xchg %ecx,(%rax): no LOCK needed", "\x87\x08"), X_OK(2) },
	{ CASE(M64, "lock add %ecx,(%rax)", "\xf0\x01\x08"), X_OK(2) },

	/*
	 * Alignment checks (Vol. 3A, 6.15, "Interrupt 17—Alignment Check
	 * Exception (#AC)", and Table 6-7): with CR0.AM and RFLAGS.AC set, a
	 * data access at CPL 3 to a word at an odd address, a doubleword not
	 * a multiple of 4 or a quadword not a multiple of 8 is #AC(0); never
	 * at CPL 0-2.
	 */
	{ CASE(M64, "mov (%rax),%ecx, RAX 0x1041, CPL 3, AM, AC: #AC(0)",
	       "\x8b\x08"), R1(AX, 0x1041), CPL3, AC_ON, X_AC0 },
	{ CASE(M64, "mov (%rax),%ecx, RAX 0x1042, CPL 3, AM, AC: #AC(0)",
	       "\x8b\x08"), R1(AX, 0x1042), CPL3, AC_ON, X_AC0 },
	{ CASE(M64, "mov (%rax),%ecx, RAX 0x1041, CPL 0, AM, AC", "\x8b\x08"),
	  R1(AX, 0x1041), AC_ON, X_OK(1) },
	{ CASE(M64, "mov (%rax),%ecx, RAX 0x1041, CPL 3, AC without AM",
	       "\x8b\x08"), R1(AX, 0x1041), CPL3,
	  .rflags_on = X86_EFLAGS_AC, X_OK(1) },
	{ CASE(M64, "mov (%rax),%ecx, RAX 0x1041, CPL 3, AM without AC",
	       "\x8b\x08"), R1(AX, 0x1041), CPL3, .cr0_on = X86_CR0_AM,
	  X_OK(1) },
	{ CASE(M64, "mov (%rax),%ecx, RAX 0x1044, CPL 3, AM, AC: aligned",
	       "\x8b\x08"), R1(AX, 0x1044), CPL3, AC_ON, X_OK(1) },
	{ CASE(M64, "mov (%rax),%cx, RAX 0x1042, CPL 3, AM, AC: aligned",
	       "\x66\x8b\x08"), R1(AX, 0x1042), CPL3, AC_ON, X_OK(1) },
	{ CASE(M64, "mov (%rax),%cx, RAX 0x1041, CPL 3, AM, AC: #AC(0)",
	       "\x66\x8b\x08"), R1(AX, 0x1041), CPL3, AC_ON, X_AC0 },
	{ CASE(M64, "mov (%rax),%cl, RAX 0x1041, CPL 3, AM, AC: a byte",
	       "\x8a\x08"), R1(AX, 0x1041), CPL3, AC_ON, X_OK(1) },
	{ CASE(M64, "mov (%rax),%rcx, RAX 0x1044, CPL 3, AM, AC: #AC(0)",
	       "\x48\x8b\x08"), R1(AX, 0x1044), CPL3, AC_ON, X_AC0 },
	{ CASE(M64, "add %ecx,(%rax), RAX 0x1041, CPL 3, AM, AC: #AC(0)",
	       "\x01\x08"), R1(AX, 0x1041), CPL3, AC_ON, X_AC0 },
	{ CASE(M64, "stos %eax,%es:(%rdi), RDI 0x6002, CPL 3, AM, AC",
	       "\xab"), R1(DI, 0x6002), CPL3, AC_ON, X_AC0 },
	{ CASE(M32, "mov (%eax),%ecx, EAX 0x1041, CPL 3, AM, AC: #AC(0)",
	       "\x8b\x08"), R1(AX, 0x1041), CPL3, AC_ON, X_AC0 },

	/*
	 * SSE and AVX (Vol. 2A, 2.4 "Instruction Exception Specification",
	 * Table 2-18 "Type 1 Class Exception Conditions" and the type 4
	 * class for the unaligned moves; the pages of MOVDQA, MOVAPS,
	 * MOVNTDQ, VMOVDQA, MOVDQU; Vol. 3A, 2.5 "Control Registers"):
	 * #GP(0) for a legacy or VEX.128 aligned move not on 16 bytes, a
	 * VEX.256 one not on 32; #UD for legacy SSE with CR0.EM set or
	 * CR4.OSFXSR clear, for VEX with CR4.OSXSAVE clear or XCR0 without
	 * SSE and AVX state; #NM with CR0.TS.  CMPXCHG16B needs a 16-byte
	 * aligned operand (its page in Vol. 2A).
	 */
	{ CASE(M64, "movdqa (%rax),%xmm0, RAX 0x1048: #GP(0)",
	       "\x66\x0f\x6f\x00"), R1(AX, 0x1048), X_GP0 },
	{ CASE(M64, "movdqa (%rax),%xmm0, RAX 0x1040", "\x66\x0f\x6f\x00"),
	  X_OK(-1), X_AT(V_RAX) },
	{ CASE(M64, "movdqa %xmm0,(%rax), RAX 0x1041: #GP(0)",
	       "\x66\x0f\x7f\x00"), R1(AX, 0x1041), X_GP0 },
	{ CASE(M64, "movaps (%rax),%xmm1, RAX 0x1048: #GP(0)", "\x0f\x28\x08"),
	  R1(AX, 0x1048), X_GP0 },
	{ CASE(M64, "movntdq %xmm0,(%rax), RAX 0x1048: #GP(0)",
	       "\x66\x0f\xe7\x00"), R1(AX, 0x1048), X_GP0 },
	{ CASE(M64, "vmovdqa (%rax),%xmm0, RAX 0x1048: #GP(0)",
	       "\xc5\xf9\x6f\x00"), R1(AX, 0x1048), X_GP0 },
	{ CASE(M64, "vmovdqa (%rax),%ymm0, RAX 0x1050: #GP(0)",
	       "\xc5\xfd\x6f\x00"), R1(AX, 0x1050), X_GP0 },
	{ CASE(M64, "vmovdqa (%rax),%ymm0, RAX 0x1040", "\xc5\xfd\x6f\x00"),
	  X_OK(-1), X_AT(V_RAX) },
	{ CASE(M64, "movdqu (%rax),%xmm0, RAX 0x1048", "\xf3\x0f\x6f\x00"),
	  R1(AX, 0x1048), X_OK(-1), X_AT(0x1048) },
	{ CASE(M64, "movdqu (%rax),%xmm0, RAX 0x1041", "\xf3\x0f\x6f\x00"),
	  R1(AX, 0x1041), X_OK(-1), X_AT(0x1041) },
	{ CASE(M64, "vmovdqu (%rax),%ymm1, RAX 0x1041", "\xc5\xfe\x6f\x08"),
	  R1(AX, 0x1041), X_OK(-1), X_AT(0x1041) },
	/* #GP(0) for misalignment, even in real mode. */
	{ CASE(M16, "movdqa (%bx),%xmm0, BX 0x28: #GP", "\x66\x0f\x6f\x07"),
	  R1(BX, 0x28), X_GP_REAL },
	/* SSE state. */
	{ CASE(M64, "movdqu (%rax),%xmm0, CR4.OSFXSR clear: #UD",
	       "\xf3\x0f\x6f\x00"), .cr4_off = X86_CR4_OSFXSR, X_UD },
	{ CASE(M64, "movdqa (%rax),%xmm0, RAX 0x1048, OSFXSR clear: #UD",
	       "\x66\x0f\x6f\x00"), R1(AX, 0x1048),
	  .cr4_off = X86_CR4_OSFXSR, X_UD },
	{ CASE(M64, "movdqu (%rax),%xmm0, CR0.EM set: #UD",
	       "\xf3\x0f\x6f\x00"), .cr0_on = X86_CR0_EM, X_UD },
	{ CASE(M64, "movdqu (%rax),%xmm0, CR0.TS set: #NM",
	       "\xf3\x0f\x6f\x00"), .cr0_on = X86_CR0_TS, X_NM },
	{ CASE(M64, "movaps (%rax),%xmm1, CR0.TS set: #NM", "\x0f\x28\x08"),
	  .cr0_on = X86_CR0_TS, X_NM },
	{ CASE(M64, "vmovdqu (%rax),%xmm0, CR4.OSXSAVE clear: #UD",
	       "\xc5\xfa\x6f\x00"), .cr4_off = X86_CR4_OSXSAVE, X_UD },
	{ CASE(M64, "vmovdqu (%rax),%xmm0, XCR0 without AVX: #UD",
	       "\xc5\xfa\x6f\x00"), .xcr0 = XCR0_SSE, X_UD },
	{ CASE(M64, "vmovdqu (%rax),%xmm0, CR0.TS set: #NM",
	       "\xc5\xfa\x6f\x00"), .cr0_on = X86_CR0_TS, X_NM },
	{ CASE(M32, "movdqu (%eax),%xmm0, CR0.TS set: #NM",
	       "\xf3\x0f\x6f\x00"), .cr0_on = X86_CR0_TS, X_NM },
	/* CMPXCHG16B. */
	{ CASE(M64, "cmpxchg16b (%rsi), RSI 0x5008: #GP(0)",
	       "\x48\x0f\xc7\x0e"), R1(SI, 0x5008), X_GP0 },
	{ CASE(M64, "lock cmpxchg16b (%rsi), RSI 0x5004: #GP(0)",
	       "\xf0\x48\x0f\xc7\x0e"), R1(SI, 0x5004), X_GP0 },
	{ CASE(M64, "cmpxchg16b (%rsi), RSI 0x5000", "\x48\x0f\xc7\x0e"),
	  X_OK(-1), X_AT(V_RSI) },
	/* CMPXCHG8B's operand is one: checked whole before any access. */
	{ CASE(M64, "lock cmpxchg8b (%rsi), RSI 0x1ffc, page 0x2000 absent",
	       "\xf0\x0f\xc7\x0e"), R1(SI, 0x1ffc), PAGE1(0x2000, PG_NP),
	  X_PF(EC_W, 0x2000) },
	{ CASE(M32, "lock cmpxchg8b (%esi), DS limit 0xfff, ESI 0xffa",
	       "\xf0\x0f\xc7\x0e"), R1(SI, 0xffa),
	  SEG(DS, PM_DS, 0xfff, AR_DATA32), X_GP0 },

	/*
	 * What the emulator does not do (include/axvcpu/emul.h,
	 * EMU_FAIL_*): a register form has no memory operand; an unknown
	 * opcode; too few bytes for the instruction; virtual-8086 mode.
	 */
	{ CASE(M64, "mov %ecx,%eax", "\x89\xc8"), X_UNH(EMU_FAIL_NO_MEMORY) },
	{ CASE(M64, "add $0x1,%eax", "\x83\xc0\x01"),
	  X_UNH(EMU_FAIL_NO_MEMORY) },
	{ CASE(M64, "fxsave (%rax)", "\x0f\xae\x00"), X_UNH(EMU_FAIL_OPCODE) },
	{ CASE(M64, "flds (%rax)", "\xd9\x00"), X_UNH(EMU_FAIL_OPCODE) },
	{ CASE(M64, "mov (%rax),%ecx, 1 of 2 bytes", "\x8b"),
	  X_UNH(EMU_FAIL_FETCH) },
	{ CASE(M64, "mov 0x12345678(%rax),%eax, 5 of 6 bytes",
	       "\x8b\x80\x78\x56\x34"), X_UNH(EMU_FAIL_FETCH) },
	{ CASE(M64, "movdqu (%rax),%xmm0, 3 of 4 bytes", "\xf3\x0f\x6f"),
	  X_UNH(EMU_FAIL_FETCH) },
	/* Virtual-8086 mode is not emulated (include/axvcpu/emul.h). */
	{ CASE(MV86, "stos %al,%es:(%di)", "\xaa"), X_UNH(EMU_FAIL_MODE) },
};

static void sdm_case_desc(const struct sdm_case *tc, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s: %s", mode_name(tc->mode),
		 tc->name);
}

KUNIT_ARRAY_PARAM(sdm, sdm_cases, sdm_case_desc);

static void sdm_setup(struct kunit *test, const struct sdm_case *tc,
		      struct emu_ctxt *c)
{
	struct emu_fake *f = c->priv;
	unsigned int i;

	for (i = 0; i < tc->nset; i++)
		c->gprs[tc->set[i].reg] = tc->set[i].val;
	if (tc->seg)
		c->segs[tc->seg - 1] = tc->sv;
	c->cr0 = (c->cr0 | tc->cr0_on) & ~tc->cr0_off;
	c->cr4 &= ~tc->cr4_off;
	c->rflags |= tc->rflags_on;
	if (tc->xcr0)
		c->xcr0 = tc->xcr0;
	for (i = 0; i < tc->npg; i++)
		fake_set_page(f, tc->pg[i].la, tc->pg[i].la, tc->pg[i].attr);
	set_insn(c, tc->bytes, tc->size, tc->size);
}

static void sdm_vectors(struct kunit *test)
{
	const struct sdm_case *tc = test->param_value;
	struct emu_ctxt *c = ctxt_new(test, tc->mode, tc->cpl);
	struct emu_fake *f = c->priv;
	int ret;

	sdm_setup(test, tc, c);
	ret = emu_run(test, c, NULL);
	KUNIT_ASSERT_EQ_MSG(test, ret, tc->res,
			    "%s: fail %u, vector %u, error code 0x%x",
			    tc->name, c->fail, c->exc.vector,
			    c->exc.error_code);
	switch (ret) {
	case EMU_FAULT:
		KUNIT_EXPECT_EQ_MSG(test, c->exc.vector, tc->vector, "%s",
				    tc->name);
		KUNIT_EXPECT_EQ_MSG(test, c->exc.has_error_code, tc->has_ec,
				    "%s: has_error_code", tc->name);
		if (tc->has_ec)
			KUNIT_EXPECT_EQ_MSG(test, c->exc.error_code, tc->ec,
					    "%s: error code", tc->name);
		if (tc->vector == X86_TRAP_PF)
			KUNIT_EXPECT_EQ_MSG(test, c->exc.cr2, tc->cr2,
					    "%s: CR2", tc->name);
		KUNIT_EXPECT_EQ_MSG(test, f->nlog, 0U,
				    "%s: accesses before the fault", tc->name);
		break;
	case EMU_UNHANDLED:
		KUNIT_EXPECT_EQ_MSG(test, c->fail, tc->fail, "%s", tc->name);
		KUNIT_EXPECT_EQ_MSG(test, f->nlog, 0U, "%s: accesses",
				    tc->name);
		break;
	default:
		if (tc->nacc >= 0)
			KUNIT_EXPECT_EQ_MSG(test, f->nlog, (unsigned int)tc->nacc,
					    "%s: accesses", tc->name);
		if (tc->check_gpa && f->nlog)
			KUNIT_EXPECT_EQ_MSG(test, f->log[0].gpa, tc->gpa,
					    "%s: first access", tc->name);
		break;
	}
}

/**
 * struct rmw_case - a read-modify-write and its outcome.
 * @text: the assembler source of @bytes.
 * @bytes: the encoding.
 * @size: bytes in @bytes.
 * @addr: the operand's address (linear and guest-physical).
 * @mlen: the operand's size in bytes (up to 16).
 * @mem: the operand before (@mem[1]: bytes 8-15).
 * @nset: registers set in @set.
 * @set: registers set before.
 * @flags: RFLAGS before.
 * @want_mem: the operand after.
 * @nwant: registers checked in @want.
 * @want: registers after.
 * @want_flags: RFLAGS after.
 * @undef: flags the SDM leaves undefined, not compared.
 * @acc: the accesses in order, 'r' a read and 'w' a write.
 */
struct rmw_case {
	const char *text;
	const char *bytes;
	u8 size;
	u64 addr;
	u8 mlen;
	u64 mem[2];
	u8 nset;
	struct reg_set set[4];
	u64 flags;
	u64 want_mem[2];
	u8 nwant;
	struct reg_set want[2];
	u64 want_flags;
	u64 undef;
	const char *acc;
};

#define RMW(t, b)	.text = (t), .bytes = (b), .size = sizeof(b) - 1
#define MEM(a, n, v)	.addr = (a), .mlen = (n), .mem = { (v) }
#define MEM16(a, lo, hi) .addr = (a), .mlen = 16, .mem = { (lo), (hi) }
#define S1(r1, v1)	.nset = 1, .set = { { GPR_##r1, (v1) } }
#define S2(r1, v1, r2, v2)						\
	.nset = 2, .set = { { GPR_##r1, (v1) }, { GPR_##r2, (v2) } }
#define S4(r1, v1, r2, v2, r3, v3, r4, v4)				\
	.nset = 4, .set = { { GPR_##r1, (v1) }, { GPR_##r2, (v2) },	\
			    { GPR_##r3, (v3) }, { GPR_##r4, (v4) } }
#define IN(f)		.flags = F_FIXED | (f)
#define OUT(m, f)	.want_mem = { (m) }, .want_flags = F_FIXED | (f)
#define OUT16(lo, hi, f) .want_mem = { (lo), (hi) }, .want_flags = F_FIXED | (f)
#define W1(r1, v1)	.nwant = 1, .want = { { GPR_##r1, (v1) } }
#define W2(r1, v1, r2, v2)						\
	.nwant = 2, .want = { { GPR_##r1, (v1) }, { GPR_##r2, (v2) } }
/* AND, OR, XOR: AF undefined; BT*: all but CF and ZF. */
#define LOGIC		.undef = F_AF
#define BITS		.undef = F_PF | F_AF | F_SF | F_OF

/*
 * Every instruction LOCK allows (SDM Vol. 2A, "LOCK"), each with LOCK and
 * a memory destination at 0x1040 (RAX) or 0x5000 (RSI): the operand and
 * the registers after, the flags of its "Flags Affected" (Vol. 2), and the
 * accesses: a read, then a write.  CMPXCHG and CMPXCHG8B/16B write the
 * operand back when the comparison fails ("The destination operand is
 * written back if the comparison fails", their pages in Vol. 2A).  BTS,
 * BTR and BTC with a register offset address the bit string from the
 * operand (Vol. 2A, "BT": the doubleword at EA + 4 * (offset DIV 32), the
 * offset signed); an immediate offset is taken modulo the operand size.
 */
static const struct rmw_case rmw_cases[] = {
	{ RMW("lock add %ecx,(%rax)", "\xf0\x01\x08"),
	  MEM(V_RAX, 4, 0x7fffffff), S1(CX, 1), IN(0),
	  OUT(0x80000000, F_OF | F_SF | F_AF | F_PF), .acc = "rw" },
	{ RMW("lock adc %ecx,(%rax)", "\xf0\x11\x08"),
	  MEM(V_RAX, 4, 0xffffffff), S1(CX, 0), IN(F_CF),
	  OUT(0, F_CF | F_ZF | F_AF | F_PF), .acc = "rw" },
	{ RMW("lock and %ecx,(%rax)", "\xf0\x21\x08"),
	  MEM(V_RAX, 4, 0xf0f0f0f0), S1(CX, 0x0ff00ff0),
	  IN(F_CF | F_OF | F_ZF), OUT(0x00f000f0, F_PF), LOGIC, .acc = "rw" },
	{ RMW("lock btc %ecx,(%rax)", "\xf0\x0f\xbb\x08"),
	  MEM(V_RAX, 4, 0x8), S1(CX, 3), IN(F_ZF), OUT(0, F_ZF | F_CF), BITS,
	  .acc = "rw" },
	{ RMW("lock btr %ecx,(%rax)", "\xf0\x0f\xb3\x08"),
	  MEM(V_RAX, 4, 0x1), S1(CX, 0), IN(0), OUT(0, F_CF), BITS,
	  .acc = "rw" },
	{ RMW("lock bts %ecx,(%rax)", "\xf0\x0f\xab\x08"),
	  MEM(V_RAX, 4, 0), S1(CX, 31), IN(F_CF), OUT(0x80000000, 0), BITS,
	  .acc = "rw" },
	{ RMW("lock bts %ecx,(%rax), ECX 35: the next doubleword",
	      "\xf0\x0f\xab\x08"),
	  MEM(V_RAX + 4, 4, 0), S1(CX, 35), IN(0), OUT(0x8, 0), BITS,
	  .acc = "rw" },
	{ RMW("lock btr %ecx,(%rax), ECX -1: the doubleword before",
	      "\xf0\x0f\xb3\x08"),
	  MEM(V_RAX - 4, 4, 0x80000000), S1(CX, 0xffffffff), IN(0),
	  OUT(0, F_CF), BITS, .acc = "rw" },
	{ RMW("lock btsl $0x3,(%rax)", "\xf0\x0f\xba\x28\x03"),
	  MEM(V_RAX, 4, 0), IN(0), OUT(0x8, 0), BITS, .acc = "rw" },
	{ RMW("lock btsl $0x23,(%rax): the offset modulo 32",
	      "\xf0\x0f\xba\x28\x23"),
	  MEM(V_RAX, 4, 0), IN(F_CF), OUT(0x8, 0), BITS, .acc = "rw" },
	{ RMW("lock cmpxchg %ecx,(%rsi): equal", "\xf0\x0f\xb1\x0e"),
	  MEM(V_RSI, 4, 0x11223344), S2(AX, 0x11223344, CX, 0x55667788),
	  IN(F_CF | F_SF), OUT(0x55667788, F_ZF | F_PF),
	  W1(AX, 0x11223344), .acc = "rw" },
	{ RMW("lock cmpxchg %ecx,(%rsi): not equal", "\xf0\x0f\xb1\x0e"),
	  MEM(V_RSI, 4, 0x20), S2(AX, 0x10, CX, 0x55667788), IN(F_ZF),
	  OUT(0x20, F_CF | F_SF | F_PF), W1(AX, 0x20), .acc = "rw" },
	{ RMW("lock cmpxchg8b (%rsi): equal", "\xf0\x0f\xc7\x0e"),
	  MEM(V_RSI, 8, 0x1122334455667788ULL),
	  S4(DX, 0x11223344, AX, 0x55667788, CX, 0x99aabbcc, BX, 0xddeeff00),
	  IN(F_CF | F_PF), OUT(0x99aabbccddeeff00ULL, F_CF | F_PF | F_ZF),
	  W2(AX, 0x55667788, DX, 0x11223344), .acc = "rw" },
	{ RMW("lock cmpxchg8b (%rsi): not equal", "\xf0\x0f\xc7\x0e"),
	  MEM(V_RSI, 8, 0x0102030405060708ULL),
	  S4(DX, 0, AX, 0, CX, 0x99aabbcc, BX, 0xddeeff00), IN(F_ZF),
	  OUT(0x0102030405060708ULL, 0), W2(AX, 0x05060708, DX, 0x01020304),
	  .acc = "rw" },
	{ RMW("lock cmpxchg16b (%rsi): equal", "\xf0\x48\x0f\xc7\x0e"),
	  MEM16(V_RSI, 0x1111111111111111ULL, 0x2222222222222222ULL),
	  S4(AX, 0x1111111111111111ULL, DX, 0x2222222222222222ULL,
	     BX, 0x3333333333333333ULL, CX, 0x4444444444444444ULL),
	  IN(0),
	  OUT16(0x3333333333333333ULL, 0x4444444444444444ULL, F_ZF),
	  W2(AX, 0x1111111111111111ULL, DX, 0x2222222222222222ULL),
	  .acc = "rrww" },
	{ RMW("lock cmpxchg16b (%rsi): not equal", "\xf0\x48\x0f\xc7\x0e"),
	  MEM16(V_RSI, 0x1111111111111111ULL, 0x2222222222222222ULL),
	  S4(AX, 0, DX, 0, BX, 0x3333333333333333ULL,
	     CX, 0x4444444444444444ULL), IN(F_ZF | F_CF),
	  OUT16(0x1111111111111111ULL, 0x2222222222222222ULL, F_CF),
	  W2(AX, 0x1111111111111111ULL, DX, 0x2222222222222222ULL),
	  .acc = "rrww" },
	{ RMW("lock decl (%rax)", "\xf0\xff\x08"),
	  MEM(V_RAX, 4, 0x80000000), IN(F_CF),
	  OUT(0x7fffffff, F_CF | F_OF | F_AF | F_PF), .acc = "rw" },
	{ RMW("lock incl (%rax)", "\xf0\xff\x00"),
	  MEM(V_RAX, 4, 0xffffffff), IN(F_CF),
	  OUT(0, F_CF | F_ZF | F_AF | F_PF), .acc = "rw" },
	{ RMW("lock incl (%rax): signed overflow", "\xf0\xff\x00"),
	  MEM(V_RAX, 4, 0x7fffffff), IN(0),
	  OUT(0x80000000, F_OF | F_SF | F_AF | F_PF), .acc = "rw" },
	{ RMW("lock incw (%rax)", "\x66\xf0\xff\x00"),
	  MEM(V_RAX, 2, 0x00ff), IN(0), OUT(0x0100, F_AF | F_PF), .acc = "rw" },
	{ RMW("lock negl (%rax): 0x80000000", "\xf0\xf7\x18"),
	  MEM(V_RAX, 4, 0x80000000), IN(0),
	  OUT(0x80000000, F_CF | F_OF | F_SF | F_PF), .acc = "rw" },
	{ RMW("lock negl (%rax): 0", "\xf0\xf7\x18"),
	  MEM(V_RAX, 4, 0), IN(F_CF | F_OF), OUT(0, F_ZF | F_PF),
	  .acc = "rw" },
	{ RMW("lock negl (%rax): 1", "\xf0\xf7\x18"),
	  MEM(V_RAX, 4, 1), IN(0), OUT(0xffffffff, F_CF | F_SF | F_AF | F_PF),
	  .acc = "rw" },
	{ RMW("lock notl (%rax)", "\xf0\xf7\x10"),
	  MEM(V_RAX, 4, 0x0f0f0f0f), IN(F_CF | F_ZF | F_OF),
	  OUT(0xf0f0f0f0, F_CF | F_ZF | F_OF), .acc = "rw" },
	{ RMW("lock or %ecx,(%rax)", "\xf0\x09\x08"),
	  MEM(V_RAX, 4, 1), S1(CX, 0x80000000), IN(F_CF | F_OF),
	  OUT(0x80000001, F_SF), LOGIC, .acc = "rw" },
	{ RMW("lock sbb %ecx,(%rax)", "\xf0\x19\x08"),
	  MEM(V_RAX, 4, 0), S1(CX, 0), IN(F_CF),
	  OUT(0xffffffff, F_CF | F_SF | F_AF | F_PF), .acc = "rw" },
	{ RMW("lock sub %ecx,(%rax)", "\xf0\x29\x08"),
	  MEM(V_RAX, 4, 0x80000000), S1(CX, 1), IN(0),
	  OUT(0x7fffffff, F_OF | F_AF | F_PF), .acc = "rw" },
	{ RMW("lock xor %ecx,(%rax)", "\xf0\x31\x08"),
	  MEM(V_RAX, 4, 0x5a5a5a5a), S1(CX, 0x5a5a5a5a),
	  IN(F_CF | F_SF | F_OF), OUT(0, F_ZF | F_PF), LOGIC, .acc = "rw" },
	{ RMW("lock xadd %ecx,(%rax)", "\xf0\x0f\xc1\x08"),
	  MEM(V_RAX, 4, 0xffffffff), S1(CX, 2), IN(0),
	  OUT(1, F_CF | F_AF), W1(CX, 0xffffffff), .acc = "rw" },
	{ RMW("lock xadd %ah,(%rsi)", "\xf0\x0f\xc0\x26"),
	  MEM(V_RSI, 1, 0xf0), S1(AX, 0x1234), IN(0), OUT(0x02, F_CF),
	  W1(AX, 0xf034), .acc = "rw" },
	{ RMW("lock xchg %ecx,(%rax)", "\xf0\x87\x08"),
	  MEM(V_RAX, 4, 0x11111111), S1(CX, 0x22222222), IN(F_CF),
	  OUT(0x22222222, F_CF), W1(CX, 0x11111111), .acc = "rw" },
	/* XCHG with memory is locked without LOCK (Vol. 2B, "XCHG"). */
	{ RMW("xchg %ecx,(%rax)", "\x87\x08"),
	  MEM(V_RAX, 4, 0x11111111), S1(CX, 0x22222222), IN(F_CF),
	  OUT(0x22222222, F_CF), W1(CX, 0x11111111), .acc = "rw" },
	{ RMW("lock addl $0x12345678,(%rax)", "\xf0\x81\x00\x78\x56\x34\x12"),
	  MEM(V_RAX, 4, 1), IN(F_ZF | F_CF), OUT(0x12345679, 0), .acc = "rw" },
	{ RMW("lock subb $0x1,(%rax)", "\xf0\x80\x28\x01"),
	  MEM(V_RAX, 1, 0), IN(0), OUT(0xff, F_CF | F_SF | F_AF | F_PF),
	  .acc = "rw" },
	{ RMW("lock orw $0x8000,(%rax)", "\x66\xf0\x81\x08\x00\x80"),
	  MEM(V_RAX, 2, 0x0001), IN(0), OUT(0x8001, F_SF), LOGIC,
	  .acc = "rw" },
	{ RMW("lock andq $0xfffffffffffffff0,(%rax)", "\xf0\x48\x83\x20\xf0"),
	  MEM(V_RAX, 8, ~0ULL), IN(0), OUT(0xfffffffffffffff0ULL, F_SF | F_PF),
	  LOGIC, .acc = "rw" },
};

static void rmw_case_desc(const struct rmw_case *tc, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "64-bit: %s", tc->text);
}

KUNIT_ARRAY_PARAM(rmw, rmw_cases, rmw_case_desc);

static void rmw_vectors(struct kunit *test)
{
	const struct rmw_case *tc = test->param_value;
	unsigned int i, n = strlen(tc->acc), lo = min_t(u8, tc->mlen, 8);
	const char *how;
	struct emu_ctxt *c;
	struct emu_fake *f;
	enum via via;

	for (via = VIA_RAM; via <= VIA_AGAIN; via++) {
		how = via_names[via];
		c = ctxt_new(test, M64, 0);
		f = c->priv;
		f->exit_all = via == VIA_DEVICE;
		/* The write, the second access: answered EMU_AGAIN once. */
		f->again_at = via == VIA_AGAIN ? n / 2 : -1;
		for (i = 0; i < tc->nset; i++)
			c->gprs[tc->set[i].reg] = tc->set[i].val;
		c->rflags = tc->flags;
		mem_put(f, tc->addr, tc->mem[0], lo);
		if (tc->mlen > 8)
			mem_put(f, tc->addr + 8, tc->mem[1], tc->mlen - 8);
		set_insn(c, tc->bytes, tc->size, tc->size);

		KUNIT_ASSERT_EQ_MSG(test, emu_run(test, c, NULL), EMU_OK,
				    "%s [%s]: fail %u, vector %u", tc->text,
				    how, c->fail, c->exc.vector);
		KUNIT_EXPECT_EQ_MSG(test, c->rip, V_RIP + tc->size, "%s",
				    tc->text);
		KUNIT_EXPECT_EQ_MSG(test, mem_get(f, tc->addr, lo),
				    tc->want_mem[0], "%s [%s]: memory",
				    tc->text, how);
		if (tc->mlen > 8)
			KUNIT_EXPECT_EQ_MSG(test,
					    mem_get(f, tc->addr + 8,
						    tc->mlen - 8),
					    tc->want_mem[1],
					    "%s [%s]: memory, high half",
					    tc->text, how);
		for (i = 0; i < tc->nwant; i++)
			KUNIT_EXPECT_EQ_MSG(test, c->gprs[tc->want[i].reg],
					    tc->want[i].val,
					    "%s [%s]: register %u", tc->text,
					    how, tc->want[i].reg);
		KUNIT_EXPECT_EQ_MSG(test, c->rflags & ~tc->undef,
				    tc->want_flags & ~tc->undef,
				    "%s [%s]: RFLAGS", tc->text, how);

		/* The accesses: each once, reads before writes, in range. */
		KUNIT_ASSERT_EQ_MSG(test, f->nlog, n, "%s [%s]: accesses",
				    tc->text, how);
		for (i = 0; i < n; i++) {
			KUNIT_EXPECT_EQ_MSG(test, f->log[i].write,
					    tc->acc[i] == 'w',
					    "%s [%s]: access %u", tc->text, how,
					    i);
			KUNIT_EXPECT_TRUE_MSG(test,
					      f->log[i].gpa >= tc->addr &&
					      f->log[i].gpa + f->log[i].size <=
					      tc->addr + tc->mlen,
					      "%s [%s]: access %u at 0x%llx",
					      tc->text, how, i,
					      f->log[i].gpa);
		}
		KUNIT_EXPECT_EQ_MSG(test, f->log[0].gpa, tc->addr, "%s",
				    tc->text);
		if (via == VIA_AGAIN)
			KUNIT_EXPECT_EQ_MSG(test, f->nagain, 1U, "%s",
					    tc->text);
	}
}

/*
 * A LOCKed read-modify-write on a device, step by step (the replay
 * contract of emu_emulate()): the read is handed on (%EMU_EXIT), its data
 * comes with emu_complete_read(), and the next call makes the write,
 * which is handed on too; being the last access, the instruction
 * completes with it (%EMU_OK, exit_pending).  The device sees one read and
 * one write, nothing twice; nothing the guest sees changes before the
 * end.  Without a write handed on, nothing is pending.
 */
static void device_rmw_replay(struct kunit *test)
{
	/* lock add %ecx,(%rax); mov (%rax),%ecx */
	static const char insn[] = "\xf0\x01\x08", load[] = "\x8b\x08";
	struct emu_ctxt *c = ctxt_new(test, M64, 0);
	struct emu_fake *f = c->priv;
	const struct emu_access *a;
	u8 data[4] = { 0x10, 0, 0, 0 };
	u64 flags, res, undef;

	c->gprs[GPR_AX] = DEV_GPA + 0x40;
	c->gprs[GPR_CX] = 5;
	set_insn(c, insn, 3, 3);
	KUNIT_EXPECT_PTR_EQ(test, emu_pending_access(c), NULL);
	KUNIT_EXPECT_EQ(test, emu_complete_read(c, data), -EINVAL);

	KUNIT_ASSERT_EQ(test, emu_emulate(c), EMU_EXIT);
	KUNIT_ASSERT_EQ(test, f->nlog, 1U);
	a = emu_pending_access(c);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_EXPECT_EQ(test, a->gpa, DEV_GPA + 0x40);
	KUNIT_EXPECT_EQ(test, a->size, 4);
	KUNIT_EXPECT_FALSE(test, a->write);
	KUNIT_EXPECT_EQ(test, c->rip, V_RIP);
	KUNIT_EXPECT_EQ(test, emu_complete_read(c, data), 0);
	/* Only one read waits for data. */
	KUNIT_EXPECT_EQ(test, emu_complete_read(c, data), -EINVAL);

	KUNIT_ASSERT_EQ(test, emu_emulate(c), EMU_OK);
	KUNIT_EXPECT_TRUE(test, c->exit_pending);
	KUNIT_ASSERT_EQ(test, f->nlog, 2U);
	KUNIT_EXPECT_TRUE(test, f->log[1].write);
	KUNIT_EXPECT_EQ(test, le_value(f->log[1].data, 4), 0x15ULL);
	a = emu_pending_access(c);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_EXPECT_EQ(test, a->gpa, DEV_GPA + 0x40);
	KUNIT_EXPECT_EQ(test, a->size, 4);
	KUNIT_EXPECT_TRUE(test, a->write);
	KUNIT_EXPECT_EQ(test, le_value(a->data, 4), 0x15ULL);
	KUNIT_EXPECT_EQ(test, emu_complete_read(c, data), -EINVAL);
	KUNIT_EXPECT_EQ(test, c->rip, V_RIP + 3);
	flags = alu_model(ALU_ADD, 0x10, 5, 4, F_FIXED, &res, &undef);
	KUNIT_EXPECT_EQ(test, c->rflags, flags);

	/* The same with the write answered EMU_AGAIN once: still 2. */
	c = ctxt_new(test, M64, 0);
	f = c->priv;
	f->again_at = 1;
	c->gprs[GPR_AX] = DEV_GPA + 0x40;
	c->gprs[GPR_CX] = 5;
	set_insn(c, insn, 3, 3);
	KUNIT_ASSERT_EQ(test, emu_emulate(c), EMU_EXIT);
	KUNIT_EXPECT_EQ(test, emu_complete_read(c, data), 0);
	KUNIT_ASSERT_EQ(test, emu_emulate(c), EMU_AGAIN);
	KUNIT_EXPECT_EQ(test, f->nlog, 1U);
	KUNIT_EXPECT_EQ(test, c->rip, V_RIP);
	KUNIT_ASSERT_EQ(test, emu_emulate(c), EMU_OK);
	KUNIT_EXPECT_TRUE(test, c->exit_pending);
	KUNIT_EXPECT_EQ(test, f->nlog, 2U);
	KUNIT_EXPECT_FALSE(test, f->log[0].write);
	KUNIT_EXPECT_TRUE(test, f->log[1].write);
	KUNIT_EXPECT_EQ(test, le_value(f->log[1].data, 4), 0x15ULL);
	KUNIT_EXPECT_EQ(test, f->nagain, 1U);

	/* From RAM: nothing handed on, nothing pending. */
	c = ctxt_new(test, M64, 0);
	f = c->priv;
	set_insn(c, load, 2, 2);
	KUNIT_ASSERT_EQ(test, emu_emulate(c), EMU_OK);
	KUNIT_EXPECT_FALSE(test, c->exit_pending);
	KUNIT_EXPECT_EQ(test, f->nlog, 1U);
	KUNIT_EXPECT_PTR_EQ(test, emu_pending_access(c), NULL);
}

/* CMPXCHG16B on a device: two reads, two writes, in order, once each. */
static void device_cmpxchg16b_replay(struct kunit *test)
{
	/* lock cmpxchg16b (%rsi) */
	static const char insn[] = "\xf0\x48\x0f\xc7\x0e";
	struct emu_ctxt *c = ctxt_new(test, M64, 0);
	struct emu_fake *f = c->priv;
	unsigned int exits;

	c->gprs[GPR_SI] = DEV_GPA + 0x100;
	c->gprs[GPR_AX] = 0x1111111111111111ULL;
	c->gprs[GPR_DX] = 0x2222222222222222ULL;
	c->gprs[GPR_BX] = 0x3333333333333333ULL;
	c->gprs[GPR_CX] = 0x4444444444444444ULL;
	mem_put(f, DEV_GPA + 0x100, 0x1111111111111111ULL, 8);
	mem_put(f, DEV_GPA + 0x108, 0x2222222222222222ULL, 8);
	set_insn(c, insn, 5, 5);
	KUNIT_ASSERT_EQ(test, emu_run(test, c, &exits), EMU_OK);
	KUNIT_EXPECT_EQ(test, exits, 4U);
	KUNIT_ASSERT_EQ(test, f->nlog, 4U);
	KUNIT_EXPECT_FALSE(test, f->log[0].write);
	KUNIT_EXPECT_FALSE(test, f->log[1].write);
	KUNIT_EXPECT_TRUE(test, f->log[2].write);
	KUNIT_EXPECT_TRUE(test, f->log[3].write);
	KUNIT_EXPECT_EQ(test, f->log[0].gpa, DEV_GPA + 0x100);
	KUNIT_EXPECT_EQ(test, f->log[1].gpa, DEV_GPA + 0x108);
	KUNIT_EXPECT_EQ(test, f->log[2].gpa, DEV_GPA + 0x100);
	KUNIT_EXPECT_EQ(test, f->log[3].gpa, DEV_GPA + 0x108);
	KUNIT_EXPECT_EQ(test, mem_get(f, DEV_GPA + 0x100, 8),
			0x3333333333333333ULL);
	KUNIT_EXPECT_EQ(test, mem_get(f, DEV_GPA + 0x108, 8),
			0x4444444444444444ULL);
	KUNIT_EXPECT_TRUE(test, c->rflags & F_ZF);
}

/**
 * struct readonly_case - an instruction that only reads its operand.
 * @text: the assembler source of @bytes.
 * @bytes: the encoding.
 * @size: bytes in @bytes.
 * @op: the ALU operation (%ALU_NR: a bit test of bit 3).
 * @src: its source operand.
 */
struct readonly_case {
	const char *text;
	const char *bytes;
	u8 size;
	enum alu_op op;
	u64 src;
};

/* CMP, TEST and BT on a device: one read, no write. */
static void device_read_only_ops(struct kunit *test)
{
	static const struct readonly_case cases[] = {
		{ "cmp %ecx,(%rax)", "\x39\x08", 2, ALU_CMP, 3 },
		{ "test %ecx,(%rax)", "\x85\x08", 2, ALU_TEST, 3 },
		{ "cmpl $0x8,(%rax)", "\x83\x38\x08", 3, ALU_CMP, 8 },
		{ "bt %ecx,(%rax)", "\x0f\xa3\x08", 3, ALU_NR, 3 },
		{ "btl $0x3,(%rax)", "\x0f\xba\x20\x03", 4, ALU_NR, 3 },
	};
	const struct readonly_case *tc;
	u64 flags, res, undef;
	struct emu_ctxt *c;
	struct emu_fake *f;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		tc = &cases[i];
		c = ctxt_new(test, M64, 0);
		f = c->priv;
		c->gprs[GPR_AX] = DEV_GPA;
		c->gprs[GPR_CX] = 3;
		mem_put(f, DEV_GPA, 0x8, 4);
		set_insn(c, tc->bytes, tc->size, tc->size);
		KUNIT_ASSERT_EQ_MSG(test, emu_run(test, c, NULL), EMU_OK, "%s",
				    tc->text);
		KUNIT_EXPECT_EQ_MSG(test, f->nlog, 1U, "%s", tc->text);
		KUNIT_EXPECT_FALSE_MSG(test, f->log[0].write, "%s", tc->text);
		KUNIT_EXPECT_EQ_MSG(test, c->rip, V_RIP + tc->size, "%s",
				    tc->text);
		if (tc->op == ALU_NR) {
			KUNIT_EXPECT_TRUE_MSG(test, c->rflags & F_CF, "%s",
					      tc->text);
			continue;
		}
		flags = alu_model(tc->op, 0x8, tc->src, 4, F_FIXED, &res,
				  &undef);
		KUNIT_EXPECT_EQ_MSG(test, c->rflags & ~undef, flags & ~undef,
				    "%s", tc->text);
	}
}

/*
 * A resumed instruction whose access differs from the one the device saw
 * (here the guest's page table moved the page between the calls) is not
 * finished with the answer to another access: %EMU_UNHANDLED,
 * %EMU_FAIL_REPLAY.  (The instruction itself is not decoded again: its
 * addresses are those of the first call.)
 */
static void device_replay_mismatch(struct kunit *test)
{
	/* lock add %ecx,(%rax) */
	static const char insn[] = "\xf0\x01\x08";
	struct emu_ctxt *c = ctxt_new(test, M64, 0);
	struct emu_fake *f = c->priv;
	u8 data[4] = { 1, 2, 3, 4 };

	c->gprs[GPR_AX] = DEV_GPA;
	set_insn(c, insn, 3, 3);
	KUNIT_ASSERT_EQ(test, emu_emulate(c), EMU_EXIT);
	KUNIT_ASSERT_EQ(test, emu_complete_read(c, data), 0);
	fake_set_page(f, DEV_GPA, DEV_GPA + 0x1000, 0);
	KUNIT_EXPECT_EQ(test, emu_emulate(c), EMU_UNHANDLED);
	KUNIT_EXPECT_EQ(test, c->fail, EMU_FAIL_REPLAY);
	KUNIT_EXPECT_EQ(test, f->nlog, 1U);
}

/*
 * REP MOVS between RAM and a device (SDM Vol. 2B, "REP/REPE/REPZ/REPNE/
 * REPNZ" and "MOVS"): one element per call; RSI, RDI and RCX move on
 * with it, RIP stays on the instruction while RCX is not 0, and goes past
 * it with the last element; DF set goes down.
 */
static void rep_movs_steps(struct kunit *test, struct emu_ctxt *c,
			   unsigned int count, unsigned int size,
			   unsigned int len, bool down)
{
	u64 rsi = c->gprs[GPR_SI], rdi = c->gprs[GPR_DI], rip = c->rip;
	s64 step = down ? -(s64)size : size;
	unsigned int i;

	for (i = 1; i <= count; i++) {
		emu_reset(c);
		KUNIT_ASSERT_EQ_MSG(test, emu_run(test, c, NULL), EMU_OK,
				    "element %u", i);
		KUNIT_EXPECT_EQ_MSG(test, c->gprs[GPR_CX], (u64)(count - i),
				    "element %u", i);
		KUNIT_EXPECT_EQ_MSG(test, c->gprs[GPR_SI], rsi + i * step,
				    "element %u", i);
		KUNIT_EXPECT_EQ_MSG(test, c->gprs[GPR_DI], rdi + i * step,
				    "element %u", i);
		KUNIT_EXPECT_EQ_MSG(test, c->rip, i < count ? rip : rip + len,
				    "element %u", i);
	}
}

static void rep_movs_device(struct kunit *test)
{
	/* rep movsl; rep movsw (64-bit: 66 f3 a5); rep movsb */
	static const char movsl[] = "\xf3\xa5", movsw[] = "\x66\xf3\xa5";
	static const char movsb[] = "\xf3\xa4";
	struct emu_ctxt *c;
	struct emu_fake *f;
	const struct fake_access *a;
	unsigned int i;

	/* RAM to the device: a RAM read, then the device's write. */
	c = ctxt_new(test, M64, 0);
	f = c->priv;
	c->gprs[GPR_CX] = 3;
	c->gprs[GPR_SI] = V_RSI;
	c->gprs[GPR_DI] = DEV_GPA;
	set_insn(c, movsl, 2, 2);
	rep_movs_steps(test, c, 3, 4, 2, false);
	KUNIT_ASSERT_EQ(test, f->nlog, 6U);
	for (i = 0; i < 3; i++) {
		a = &f->log[2 * i];
		KUNIT_EXPECT_FALSE(test, a->write);
		KUNIT_EXPECT_EQ(test, a->gpa, V_RSI + 4 * i);
		a = &f->log[2 * i + 1];
		KUNIT_EXPECT_TRUE(test, a->write);
		KUNIT_EXPECT_EQ(test, a->gpa, DEV_GPA + 4 * i);
		KUNIT_EXPECT_EQ(test, le_value(a->data, 4),
				le_value(f->log[2 * i].data, 4));
	}

	/* The device to RAM. */
	c = ctxt_new(test, M64, 0);
	f = c->priv;
	c->gprs[GPR_CX] = 2;
	c->gprs[GPR_SI] = DEV_GPA + 0x10;
	c->gprs[GPR_DI] = V_RDI;
	mem_put(f, DEV_GPA + 0x10, 0xbeefcafe, 4);
	set_insn(c, movsw, 3, 3);
	rep_movs_steps(test, c, 2, 2, 3, false);
	KUNIT_ASSERT_EQ(test, f->nlog, 4U);
	KUNIT_EXPECT_EQ(test, f->log[0].gpa, DEV_GPA + 0x10);
	KUNIT_EXPECT_EQ(test, f->log[2].gpa, DEV_GPA + 0x12);
	KUNIT_EXPECT_EQ(test, mem_get(f, V_RDI, 4), 0xbeefcafeULL);

	/* DF set: down, from RSI and RDI to lower addresses. */
	c = ctxt_new(test, M64, 0);
	f = c->priv;
	c->rflags |= X86_EFLAGS_DF;
	c->gprs[GPR_CX] = 2;
	c->gprs[GPR_SI] = V_RSI + 1;
	c->gprs[GPR_DI] = DEV_GPA + 1;
	set_insn(c, movsb, 2, 2);
	rep_movs_steps(test, c, 2, 1, 2, true);
	KUNIT_ASSERT_EQ(test, f->nlog, 4U);
	KUNIT_EXPECT_EQ(test, f->log[0].gpa, V_RSI + 1);
	KUNIT_EXPECT_EQ(test, f->log[1].gpa, DEV_GPA + 1);
	KUNIT_EXPECT_EQ(test, f->log[2].gpa, V_RSI);
	KUNIT_EXPECT_EQ(test, f->log[3].gpa, DEV_GPA);

	/* RCX 0: nothing done, and past the instruction. */
	c = ctxt_new(test, M64, 0);
	f = c->priv;
	c->gprs[GPR_CX] = 0;
	c->gprs[GPR_DI] = DEV_GPA;
	set_insn(c, movsl, 2, 2);
	KUNIT_ASSERT_EQ(test, emu_run(test, c, NULL), EMU_OK);
	KUNIT_EXPECT_EQ(test, f->nlog, 0U);
	KUNIT_EXPECT_EQ(test, c->rip, V_RIP + 2);
	KUNIT_EXPECT_EQ(test, c->gprs[GPR_CX], 0ULL);
	KUNIT_EXPECT_EQ(test, c->gprs[GPR_SI], V_RSI);
	KUNIT_EXPECT_EQ(test, c->gprs[GPR_DI], DEV_GPA);
}

/* REP STOS to a device: one write per call. */
static void rep_stos_device(struct kunit *test)
{
	/* rep stos %al,%es:(%rdi) */
	static const char insn[] = "\xf3\xaa";
	struct emu_ctxt *c = ctxt_new(test, M64, 0);
	struct emu_fake *f = c->priv;
	unsigned int i, exits;

	c->gprs[GPR_CX] = 3;
	c->gprs[GPR_DI] = DEV_GPA;
	c->gprs[GPR_AX] = 0x5a;
	set_insn(c, insn, 2, 2);
	for (i = 1; i <= 3; i++) {
		emu_reset(c);
		KUNIT_ASSERT_EQ(test, emu_run(test, c, &exits), EMU_OK);
		KUNIT_EXPECT_EQ(test, exits, 1U);
		KUNIT_EXPECT_EQ(test, f->nlog, i);
		KUNIT_EXPECT_EQ(test, c->gprs[GPR_CX], 3ULL - i);
		KUNIT_EXPECT_EQ(test, c->rip, i < 3 ? V_RIP : V_RIP + 2);
	}
	for (i = 0; i < 3; i++) {
		KUNIT_EXPECT_TRUE(test, f->log[i].write);
		KUNIT_EXPECT_EQ(test, f->log[i].gpa, DEV_GPA + i);
		KUNIT_EXPECT_EQ(test, f->log[i].data[0], 0x5a);
	}
}

/* LODS from a device: one read, rAX loaded and named, RSI moved on. */
static void lods_device(struct kunit *test)
{
	/* lods %ds:(%rsi),%eax */
	static const char insn[] = "\xad";
	struct emu_ctxt *c = ctxt_new(test, M64, 0);
	struct emu_fake *f = c->priv;
	unsigned int exits;

	c->gprs[GPR_SI] = DEV_GPA + 0x20;
	mem_put(f, DEV_GPA + 0x20, 0x89abcdef, 4);
	set_insn(c, insn, 1, 1);
	KUNIT_ASSERT_EQ(test, emu_run(test, c, &exits), EMU_OK);
	KUNIT_EXPECT_EQ(test, exits, 1U);
	KUNIT_ASSERT_EQ(test, f->nlog, 1U);
	KUNIT_EXPECT_FALSE(test, f->log[0].write);
	KUNIT_EXPECT_EQ(test, f->log[0].size, 4);
	KUNIT_EXPECT_EQ(test, c->gprs[GPR_AX], 0x89abcdefULL);
	KUNIT_EXPECT_EQ(test, c->gprs[GPR_SI], DEV_GPA + 0x24);
	KUNIT_EXPECT_EQ(test, c->mov_reg, GPR_AX);
	KUNIT_EXPECT_EQ(test, c->rip, V_RIP + 1);
}

/*
 * In real mode the 16-bit address size counts with CX and moves SI and
 * DI, which wrap at 64 KiB, and leaves the registers' upper bits alone.
 */
static void rep_movs_real_mode(struct kunit *test)
{
	/* rep movsw (.code16) */
	static const char insn[] = "\xf3\xa5";
	struct emu_ctxt *c = ctxt_new(test, M16, 0);
	struct emu_fake *f = c->priv;

	c->gprs[GPR_CX] = 0x50001;
	c->gprs[GPR_SI] = V_RSI;
	c->gprs[GPR_DI] = 0x1fffe;
	mem_put(f, RM_DS + V_RSI, 0x1234, 2);
	set_insn(c, insn, 2, 2);
	KUNIT_ASSERT_EQ(test, emu_run(test, c, NULL), EMU_OK);
	KUNIT_EXPECT_EQ(test, c->gprs[GPR_CX], 0x50000ULL);
	KUNIT_EXPECT_EQ(test, c->gprs[GPR_SI], V_RSI + 2);
	KUNIT_EXPECT_EQ(test, c->gprs[GPR_DI], 0x10000ULL);
	KUNIT_EXPECT_EQ(test, c->rip, V_IP + 2);
	KUNIT_ASSERT_EQ(test, f->nlog, 2U);
	KUNIT_EXPECT_EQ(test, f->log[1].gpa, RM_ES + 0xfffe);
	KUNIT_EXPECT_EQ(test, mem_get(f, RM_ES + 0xfffe, 2), 0x1234ULL);
}

/*
 * The translation the exit gave (hint_valid): that page is not translated
 * again for a read, nor for a write when the exit was for one
 * (hint_write); another page of the same access is.
 */
static void exit_translation_hint(struct kunit *test)
{
	/* mov (%rax),%ecx; mov (%rax),%rcx; mov %ecx,(%rax) */
	static const char load32[] = "\x8b\x08", load64[] = "\x48\x8b\x08";
	static const char store[] = "\x89\x08";
	struct emu_ctxt *c;
	struct emu_fake *f;
	bool hint_write;

	for (hint_write = false; ; hint_write = true) {
		c = ctxt_new(test, M64, 0);
		f = c->priv;
		c->hint_valid = true;
		c->hint_write = hint_write;
		c->hint_la = 0x1000;
		c->hint_gpa = 0x77000;
		set_insn(c, store, 2, 2);
		KUNIT_ASSERT_EQ(test, emu_run(test, c, NULL), EMU_OK);
		KUNIT_ASSERT_EQ(test, f->nlog, 1U);
		if (hint_write) {
			KUNIT_EXPECT_EQ(test, f->ntlog, 0U);
			KUNIT_EXPECT_EQ(test, f->log[0].gpa,
					0x77000ULL + (V_RAX & 0xfff));
			break;
		}
		KUNIT_EXPECT_EQ(test, f->ntlog, 1U);
		KUNIT_EXPECT_EQ(test, f->tacc[0], (u32)EMU_ACC_WRITE);
		KUNIT_EXPECT_EQ(test, f->log[0].gpa, V_RAX);
	}

	c = ctxt_new(test, M64, 0);
	f = c->priv;
	c->hint_valid = true;
	c->hint_la = 0x1000;
	c->hint_gpa = 0x77000;
	set_insn(c, load32, 2, 2);
	KUNIT_ASSERT_EQ(test, emu_run(test, c, NULL), EMU_OK);
	KUNIT_EXPECT_EQ(test, f->ntlog, 0U);
	KUNIT_ASSERT_EQ(test, f->nlog, 1U);
	KUNIT_EXPECT_EQ(test, f->log[0].gpa, 0x77000ULL + (V_RAX & 0xfff));
	KUNIT_EXPECT_EQ(test, c->gprs[GPR_CX],
			mem_get(f, 0x77000 + (V_RAX & 0xfff), 4));

	c = ctxt_new(test, M64, 0);
	f = c->priv;
	c->hint_valid = true;
	c->hint_la = 0x1000;
	c->hint_gpa = 0x77000;
	c->gprs[GPR_AX] = 0x1ffc;
	set_insn(c, load64, 3, 3);
	KUNIT_ASSERT_EQ(test, emu_run(test, c, NULL), EMU_OK);
	KUNIT_ASSERT_EQ(test, f->ntlog, 1U);
	KUNIT_EXPECT_EQ(test, f->tlog[0], 0x2000ULL);
	KUNIT_ASSERT_EQ(test, f->nlog, 2U);
	KUNIT_EXPECT_EQ(test, f->log[0].gpa, 0x77ffcULL);
	KUNIT_EXPECT_EQ(test, f->log[0].size, 4);
	KUNIT_EXPECT_EQ(test, f->log[1].gpa, 0x2000ULL);
	KUNIT_EXPECT_EQ(test, f->log[1].size, 4);
}

/* CPL 3 translates as a user access, CPL 0 as a supervisor one. */
static void translate_access_types(struct kunit *test)
{
	/* mov %ecx,(%rax); mov (%rax),%ecx */
	static const char store[] = "\x89\x08", load[] = "\x8b\x08";
	struct emu_ctxt *c;
	struct emu_fake *f;

	c = ctxt_new(test, M64, 3);
	f = c->priv;
	set_insn(c, store, 2, 2);
	KUNIT_ASSERT_EQ(test, emu_run(test, c, NULL), EMU_OK);
	KUNIT_ASSERT_GE(test, f->ntlog, 1U);
	KUNIT_EXPECT_EQ(test, f->tlog[0], V_RAX);
	KUNIT_EXPECT_EQ(test, f->tacc[0], (u32)(EMU_ACC_WRITE | EMU_ACC_USER));

	c = ctxt_new(test, M64, 0);
	f = c->priv;
	set_insn(c, load, 2, 2);
	KUNIT_ASSERT_EQ(test, emu_run(test, c, NULL), EMU_OK);
	KUNIT_ASSERT_GE(test, f->ntlog, 1U);
	KUNIT_EXPECT_EQ(test, f->tacc[0], 0U);
}

/**
 * struct vec_case - a vector move and its effect.
 * @text: the assembler source of @bytes.
 * @bytes: the encoding.
 * @size: bytes in @bytes.
 * @mode: M32 or M64.
 * @ea: the operand's address.
 * @reg: the vector register.
 * @width: bytes moved.
 * @store: a store (else a load).
 * @vex: VEX-encoded: a load clears the register above @width.
 * @zext: a legacy load that clears bits @width-15 and keeps 16-31
 *	(MOVD, MOVQ).
 */
struct vec_case {
	const char *text;
	const char *bytes;
	u8 size;
	u8 mode;
	u64 ea;
	u8 reg;
	u8 width;
	bool store;
	bool vex;
	bool zext;
};

#define VEC(m, t, b, a, r, w)						\
	.mode = (m), .text = (t), .bytes = (b), .size = sizeof(b) - 1,	\
	.ea = (a), .reg = (r), .width = (w)

/*
 * Vector loads and stores (their pages in Vol. 2; Vol. 1, 14.1.3 on VEX
 * zeroing the upper bits and legacy SSE keeping them): the bytes moved,
 * and what becomes of the rest of the register.
 */
static const struct vec_case vec_cases[] = {
	{ VEC(M64, "movdqu (%rax),%xmm0", "\xf3\x0f\x6f\x00", V_RAX, 0, 16) },
	{ VEC(M64, "movdqu (%rax),%xmm0, RAX 0x1ff8: two pages",
	      "\xf3\x0f\x6f\x00", 0x1ff8, 0, 16) },
	{ VEC(M64, "movdqa (%rax),%xmm9", "\x66\x44\x0f\x6f\x08", V_RAX, 9,
	      16) },
	{ VEC(M64, "movups (%rax),%xmm6", "\x0f\x10\x30", V_RAX, 6, 16) },
	{ VEC(M64, "movaps (%rax),%xmm1", "\x0f\x28\x08", V_RAX, 1, 16) },
	{ VEC(M64, "vmovdqu (%rax),%xmm0", "\xc5\xfa\x6f\x00", V_RAX, 0, 16),
	  .vex = true },
	{ VEC(M64, "vmovdqu (%rax),%ymm1", "\xc5\xfe\x6f\x08", 0x1041, 1, 32),
	  .vex = true },
	{ VEC(M64, "vmovdqa (%rax),%ymm0", "\xc5\xfd\x6f\x00", V_RAX, 0, 32),
	  .vex = true },
	{ VEC(M64, "movdqu %xmm2,(%rax)", "\xf3\x0f\x7f\x10", 0x1043, 2, 16),
	  .store = true },
	{ VEC(M64, "movntdq %xmm0,(%rax)", "\x66\x0f\xe7\x00", V_RAX, 0, 16),
	  .store = true },
	{ VEC(M64, "movups %xmm1,(%rax)", "\x0f\x11\x08", V_RAX, 1, 16),
	  .store = true },
	{ VEC(M64, "vmovdqu %ymm7,(%rax)", "\xc5\xfe\x7f\x38", V_RAX, 7, 32),
	  .store = true },
	{ VEC(M64, "movq (%rax),%xmm3", "\xf3\x0f\x7e\x18", V_RAX, 3, 8),
	  .zext = true },
	{ VEC(M64, "movd (%rax),%xmm4", "\x66\x0f\x6e\x20", V_RAX, 4, 4),
	  .zext = true },
	{ VEC(M64, "movq %xmm5,(%rax)", "\x66\x0f\xd6\x28", V_RAX, 5, 8),
	  .store = true },
	{ VEC(M32, "movdqu (%eax),%xmm0", "\xf3\x0f\x6f\x00", PM_DS + V_RAX,
	      0, 16) },
};

static void vec_case_desc(const struct vec_case *tc, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s: %s", mode_name(tc->mode),
		 tc->text);
}

KUNIT_ARRAY_PARAM(vec, vec_cases, vec_case_desc);

static void vec_vectors(struct kunit *test)
{
	const struct vec_case *tc = test->param_value;
	u8 mem[32], want[32];
	struct emu_ctxt *c;
	struct emu_fake *f;
	unsigned int i;
	enum via via;

	for (via = VIA_RAM; via <= VIA_DEVICE; via++) {
		c = ctxt_new(test, tc->mode, 0);
		f = c->priv;
		f->exit_all = via == VIA_DEVICE;
		if (tc->mode == M64)
			c->gprs[GPR_AX] = tc->ea;
		else
			c->gprs[GPR_AX] = tc->ea - PM_DS;
		for (i = 0; i < 32; i++)
			f->vec[tc->reg][i] = 0xa0 + i;
		memcpy(want, f->vec[tc->reg], 32);
		mem_read(f, tc->ea, mem, 32);
		set_insn(c, tc->bytes, tc->size, tc->size);
		KUNIT_ASSERT_EQ_MSG(test, emu_run(test, c, NULL), EMU_OK,
				    "%s [%s]: fail %u, vector %u", tc->text,
				    via_names[via], c->fail, c->exc.vector);
		KUNIT_EXPECT_EQ_MSG(test, c->rip, V_RIP + tc->size, "%s",
				    tc->text);
		if (tc->store) {
			mem_read(f, tc->ea, mem, tc->width);
			KUNIT_EXPECT_EQ_MSG(test, memcmp(mem, want, tc->width),
					    0, "%s [%s]: memory", tc->text,
					    via_names[via]);
			KUNIT_EXPECT_EQ_MSG(test, f->vec_writes, 0U, "%s",
					    tc->text);
			for (i = 0; i < f->nlog; i++)
				KUNIT_EXPECT_TRUE(test, f->log[i].write);
			continue;
		}
		memcpy(want, mem, tc->width);
		if (tc->vex)
			memset(want + tc->width, 0, 32 - tc->width);
		if (tc->zext)
			memset(want + tc->width, 0, 16 - tc->width);
		KUNIT_EXPECT_EQ_MSG(test, memcmp(f->vec[tc->reg], want, 32), 0,
				    "%s [%s]: register", tc->text,
				    via_names[via]);
		KUNIT_EXPECT_GT_MSG(test, f->nlog, 0U, "%s", tc->text);
		for (i = 0; i < f->nlog; i++)
			KUNIT_EXPECT_FALSE(test, f->log[i].write);
	}
}

/*
 * 3. A random sample: ADD, OR, ADC, SBB, AND, SUB, XOR, CMP, TEST, INC, DEC
 * and NEG with a memory operand at (%rsi), in every operand size, with a
 * register source or destination (AH-BH included), an immediate (80, 81,
 * 83, F6, F7) or none, sometimes LOCKed, sometimes across a page, random
 * values (often equal, 0 or extreme) and random status flags, against
 * alu_model().  A quarter of the cases run on a device.  The emulator
 * computes flags on the host CPU; the model is the independent oracle.
 */
#define RND_CASES	10000
#define RND_BASE	0x20000ULL	/* two pages of fake RAM */

enum rnd_form {
	FORM_RM,	/* op r/m, reg: memory destination */
	FORM_MR,	/* op reg, r/m: register destination */
	FORM_IMM,	/* op r/m, imm */
	FORM_UNARY,	/* INC, DEC, NEG r/m */
};

/**
 * struct rnd_insn - one instruction of the random sample.
 * @bytes: its encoding.
 * @len: its length.
 * @op: the operation.
 * @form: enum rnd_form.
 * @size: the operand size in bytes.
 * @reg: the register operand (FORM_RM, FORM_MR), 0-15.
 * @high: @reg 4-7 means AH-BH (byte operands without REX).
 * @imm: the immediate, sign-extended to the operand size.
 */
struct rnd_insn {
	u8 bytes[EMU_INSN_MAX];
	u8 len;
	enum alu_op op;
	enum rnd_form form;
	unsigned int size;
	unsigned int reg;
	bool high;
	u64 imm;
};

static u64 rnd_value(struct rnd_state *rs, unsigned int size, u64 other)
{
	u64 mask = size_mask(size), sign = BIT_ULL(size * 8 - 1);

	switch (prandom_u32_state(rs) % 16) {
	case 0:
		return 0;
	case 1:
		return mask;
	case 2:
		return sign;
	case 3:
		return sign - 1;
	case 4:
	case 5:
		return other & mask;
	case 6:
		return 1;
	default:
		return (((u64)prandom_u32_state(rs) << 32) |
			prandom_u32_state(rs)) & mask;
	}
}

static void rnd_emit(struct rnd_insn *in, u8 b)
{
	in->bytes[in->len++] = b;
}

static void rnd_build(struct rnd_state *rs, struct rnd_insn *in, bool *lock)
{
	static const u8 group3[] = {
		[ALU_TEST] = 0, [ALU_NEG] = 3,
	};
	u32 r = prandom_u32_state(rs);
	unsigned int i, ext = 0, imm_bytes = 0;
	bool rex, byte, imm8 = false;
	u8 opcode;

	memset(in, 0, sizeof(*in));
	in->op = r % ALU_NR;
	r /= ALU_NR;
	in->size = 1U << (r % 4);
	r /= 4;
	byte = in->size == 1;
	if (in->op >= ALU_INC && in->op != ALU_TEST)
		in->form = FORM_UNARY;
	else if (in->op == ALU_TEST)
		in->form = r % 2 ? FORM_IMM : FORM_RM;
	else
		in->form = r % 3;
	r /= 3;
	rex = in->size == 8 || r % 2;
	r /= 2;
	in->reg = r % (rex ? 16 : 8);
	r /= 16;
	in->high = byte && !rex && in->reg >= 4;
	/* Not RSI, the base (without REX, 6 is DH in a byte operation). */
	if (in->reg == GPR_SI && !in->high)
		in->reg = GPR_DI;
	*lock = in->form != FORM_MR && alu_writes(in->op) && r % 4 == 0;
	r /= 4;

	if (*lock)
		rnd_emit(in, 0xf0);
	if (in->size == 2)
		rnd_emit(in, 0x66);
	if (rex)
		rnd_emit(in, 0x40 | (in->size == 8 ? 0x08 : 0) |
			 (in->form <= FORM_MR && in->reg >= 8 ? 0x04 : 0));

	switch (in->form) {
	case FORM_RM:
		opcode = in->op == ALU_TEST ? 0x84 : in->op * 8;
		ext = in->reg & 7;
		break;
	case FORM_MR:
		opcode = in->op * 8 + 2;
		ext = in->reg & 7;
		break;
	case FORM_IMM:
		if (in->op == ALU_TEST) {
			opcode = 0xf6;
			ext = group3[ALU_TEST];
		} else {
			imm8 = !byte && r % 2;
			opcode = byte ? 0x80 : imm8 ? 0x83 : 0x81;
			ext = in->op;
		}
		imm_bytes = byte || imm8 ? 1 : min(in->size, 4U);
		break;
	default:
		if (in->op == ALU_NEG) {
			opcode = 0xf6;
			ext = group3[ALU_NEG];
		} else {
			opcode = 0xfe;
			ext = in->op == ALU_INC ? 0 : 1;
		}
		break;
	}
	/* The byte form is the even opcode; 83 has none. */
	if (!byte && opcode != 0x83)
		opcode |= 1;
	rnd_emit(in, opcode);
	/* mod 00, rm 110: (%rsi), no displacement. */
	rnd_emit(in, (ext << 3) | 6);
	in->imm = 0;
	for (i = 0; i < imm_bytes; i++) {
		u8 b = prandom_u32_state(rs);

		in->imm |= (u64)b << (8 * i);
		rnd_emit(in, b);
	}
	if (imm_bytes)
		in->imm = sign_ext(in->imm, imm_bytes) & size_mask(in->size);
}

/* The register operand's value. */
static u64 rnd_reg_get(const struct rnd_insn *in, const u64 *gprs)
{
	if (in->high)
		return (gprs[in->reg - 4] >> 8) & 0xff;
	return gprs[in->reg] & size_mask(in->size);
}

static void rnd_print(struct kunit *test, const struct rnd_insn *in,
		      unsigned int n, u64 seed)
{
	char hex[3 * EMU_INSN_MAX + 1];
	unsigned int i;

	for (i = 0; i < in->len; i++)
		snprintf(hex + 3 * i, 4, "%02x ", in->bytes[i]);
	hex[3 * in->len] = '\0';
	kunit_info(test, "case %u of seed %llu: %s, %u bytes: %s", n, seed,
		   alu_names[in->op], in->size, hex);
}

/* One random case; false when it failed. */
static bool rnd_case(struct kunit *test, struct rnd_state *rs,
		     struct rnd_insn *in)
{
	u64 gprs[EMU_NR_GPRS], addr, dst, src, mem, res, before, flags, undef;
	struct emu_ctxt *c = ctxt_new(test, M64, 0);
	struct emu_fake *f = c->priv;
	enum kunit_status status = test->status;
	unsigned int i, nread = 0, nwrite = 0;
	bool lock, writes_mem, in_order = true;
	u64 defined;

	rnd_build(rs, in, &lock);
	for (i = 0; i < EMU_NR_GPRS; i++)
		c->gprs[i] = ((u64)prandom_u32_state(rs) << 32) |
			     prandom_u32_state(rs);
	/* One case in 8 crosses into the second page. */
	if (in->size > 1 && prandom_u32_state(rs) % 8 == 0)
		addr = RND_BASE + FAKE_PAGE_SIZE - 1 -
		       prandom_u32_state(rs) % (in->size - 1);
	else
		addr = RND_BASE + prandom_u32_state(rs) %
		       (2 * FAKE_PAGE_SIZE - in->size + 1);
	c->gprs[GPR_SI] = addr;
	before = F_FIXED | (prandom_u32_state(rs) &
			    (F_STATUS | X86_EFLAGS_IF | X86_EFLAGS_DF));
	c->rflags = before;
	f->exit_all = prandom_u32_state(rs) % 4 == 0;

	/* The operands, chosen after the registers: often related. */
	mem = rnd_value(rs, in->size, rnd_reg_get(in, c->gprs));
	mem_put(f, addr, mem, in->size);
	if (in->form <= FORM_MR) {
		src = rnd_value(rs, in->size, mem);
		if (in->high)
			c->gprs[in->reg - 4] = (c->gprs[in->reg - 4] &
						~0xff00ULL) | src << 8;
		else
			c->gprs[in->reg] = (c->gprs[in->reg] &
					    ~size_mask(in->size)) | src;
	}
	memcpy(gprs, c->gprs, sizeof(gprs));
	set_insn(c, (const char *)in->bytes, in->len, in->len);

	switch (in->form) {
	case FORM_RM:
		dst = mem;
		src = rnd_reg_get(in, gprs);
		break;
	case FORM_MR:
		dst = rnd_reg_get(in, gprs);
		src = mem;
		break;
	case FORM_IMM:
		dst = mem;
		src = in->imm;
		break;
	default:
		dst = mem;
		src = 0;
		break;
	}
	flags = alu_model(in->op, dst, src, in->size, before, &res, &undef);
	writes_mem = in->form != FORM_MR && alu_writes(in->op);
	if (in->form == FORM_MR && alu_writes(in->op)) {
		i = in->high ? in->reg - 4 : in->reg;
		gprs[i] = reg_after(gprs[i], res, in->size, in->high, true,
				    &defined);
	}

	KUNIT_EXPECT_EQ(test, emu_run(test, c, NULL), EMU_OK);
	KUNIT_EXPECT_EQ(test, c->insn_len, in->len);
	KUNIT_EXPECT_EQ(test, c->rip, V_RIP + in->len);
	KUNIT_EXPECT_EQ_MSG(test, mem_get(f, addr, in->size),
			    writes_mem ? res : mem, "memory at 0x%llx", addr);
	for (i = 0; i < EMU_NR_GPRS; i++)
		KUNIT_EXPECT_EQ_MSG(test, c->gprs[i], gprs[i], "register %u",
				    i);
	KUNIT_EXPECT_EQ_MSG(test, c->rflags & ~undef, flags & ~undef,
			    "RFLAGS before 0x%llx, dst 0x%llx, src 0x%llx",
			    before, dst, src);

	/* Reads, then as many writes for a read-modify-write, or none. */
	for (i = 0; i < f->nlog; i++) {
		if (f->log[i].write)
			nwrite++;
		else if (nwrite)
			in_order = false;
		else
			nread++;
	}
	KUNIT_EXPECT_TRUE(test, in_order);
	KUNIT_EXPECT_GE(test, nread, 1U);
	KUNIT_EXPECT_EQ(test, nwrite, writes_mem ? nread : 0);
	return test->status == status;
}

static void random_alu(struct kunit *test)
{
	u64 seed = emul_seed ? emul_seed : get_random_u64();
	struct rnd_state rs;
	struct rnd_insn in;
	unsigned int n;

	kunit_info(test, "seed %llu (emul_seed=%llu replays it)", seed, seed);
	prandom_seed_state(&rs, seed);
	for (n = 0; n < RND_CASES; n++) {
		if (!rnd_case(test, &rs, &in)) {
			rnd_print(test, &in, n, seed);
			break;
		}
	}
}

static struct kunit_case emul_test_cases[] = {
	KUNIT_CASE_PARAM(port_vectors, port_gen_params),
	KUNIT_CASE_PARAM(extend_and_merge, load_gen_params),
	KUNIT_CASE_PARAM(sdm_vectors, sdm_gen_params),
	KUNIT_CASE_PARAM(rmw_vectors, rmw_gen_params),
	KUNIT_CASE(device_rmw_replay),
	KUNIT_CASE(device_cmpxchg16b_replay),
	KUNIT_CASE(device_read_only_ops),
	KUNIT_CASE(device_replay_mismatch),
	KUNIT_CASE(rep_movs_device),
	KUNIT_CASE(rep_stos_device),
	KUNIT_CASE(lods_device),
	KUNIT_CASE(rep_movs_real_mode),
	KUNIT_CASE(exit_translation_hint),
	KUNIT_CASE(translate_access_types),
	KUNIT_CASE_PARAM(vec_vectors, vec_gen_params),
	KUNIT_CASE(random_alu),
	{ }
};

static struct kunit_suite emul_test_suite = {
	.name = "axvcpu_emul",
	.init = emul_test_init,
	.test_cases = emul_test_cases,
};

kunit_test_suites(&emul_test_suite);
