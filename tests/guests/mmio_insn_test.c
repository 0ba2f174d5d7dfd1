// SPDX-License-Identifier: GPL-2.0
/*
 * mmio_insn_test (ELF32) and mmio_insn_test64 (ELF64): device memory
 * reached by every kind of memory instruction, as real software reaches
 * it: Linux's accessors and bit operations (include/io.h), code that GCC
 * generates at -O2 (polling loops, read-modify-write of registers, struct
 * copies), string copies, atomics, SSE moves, and the local APIC's ICR and
 * TPR.  Run with "userctl run --test-device": the device at 0xd0000000
 * (testdev.h) behaves as memory and records each access, and after each
 * case the guest reads the record back and checks what the device saw
 * (order, address, size, direction, value, RIP where it names one) and
 * what the instructions gave back (values, flags, registers).
 *
 * What a VMM sees, and this test expects: one access per exit, at most 8
 * bytes; a read-modify-write is a read, then a write (none for CMP, TEST,
 * BT; CMPXCHG writes back the old value when the comparison fails); wider
 * accesses are 8-byte pieces in ascending address order; an access that
 * crosses a page is split there (a read-modify-write reads both pieces,
 * then writes both); a REP string instruction one element at a time.
 *
 * The QEMU smoke build (TESTDEV_IN_RAM) puts the "device" in RAM: nothing
 * records there, and only the values are checked, against QEMU's CPU.
 * The host build (TESTDEV_HOST, host/insn_host.c) runs the 64-bit cases
 * in a process of the build machine, the device emulated there; it leaves
 * out what a user process cannot do (control registers, the local APIC).
 *
 * The instructions each case compiles to (objdump -d of build/obj32 and
 * obj64, GCC 12.2 -O2) are named at the case.
 */
#include "io.h"
#include "testdev.h"
#ifdef __x86_64__
#define NAME		"mmio_insn_test64"
#ifndef TESTDEV_HOST
#include "lapic.h"
#endif
#else
#define NAME		"mmio_insn_test"
#endif

/* Each case on its own, so that objdump shows its instructions. */
#define noinline	__attribute__((__noinline__))

#define LB		((long)sizeof(long))	/* bytes in a long */
#define SPINS		1000			/* polling loops give up here */
#define RIP_ANY		0UL			/* expect(): no RIP check */
#define RIP_SAME	1UL			/* expect(): one instruction */
#define INSN_MAX	15			/* bytes in an instruction */

#define X86_CF		BIT(0)
#define X86_ZF		BIT(6)
#define X86_SF		BIT(7)
#define X86_OF		BIT(11)
#define ARITH_FLAGS	(X86_CF | X86_ZF | X86_SF | X86_OF)

#ifdef TESTDEV_IN_RAM
static const bool have_record;
#else
static const bool have_record = true;
#endif

static volatile void *dev(u32 off)
{
	return (volatile void *)(TESTDEV_BASE + off);
}

/* Byte @off of the device's initial contents, and @n bytes from there. */
static u8 pat8(u32 off)
{
	return (off ^ (off >> 8) ^ 0xa5) & 0xff;
}

static u64 pat(u32 off, u32 n)
{
	u64 v = 0;

	while (n--)
		v = v << 8 | pat8(off + n);
	return v;
}

/* @n bytes at @p, little-endian. */
static u64 le(const u8 *p, u32 n)
{
	u64 v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

/* --- results ---------------------------------------------------------------- */

/*
 * What the instructions gave back (values, flags, registers) is checked
 * without a line when right, to keep the output short (each character is
 * two exits); when wrong, a "not ok" line names it.  guest_main() ends
 * with one line for all of them.  What the device saw is one line per
 * case (expect(), expect_cover()).
 */
static u32 values, values_wrong;

static void value_eq(const char *what, u64 got, u64 want)
{
	values++;
	if (got != want) {
		values_wrong++;
		guest_check_eq(what, got, want);
	}
}

/* The same for @part of the case @what: "# WHAT: PART" before its line. */
static void value_part(const char *what, const char *part, u64 got, u64 want)
{
	if (got != want) {
		guest_puts("# ");
		guest_puts(what);
		guest_puts(": ");
		guest_puts(part);
		guest_putc('\n');
	}
	value_eq(what, got, want);
}

static void value_ok(bool cond, const char *what)
{
	values++;
	if (!cond) {
		values_wrong++;
		guest_check(false, what);
	}
}

/* --- the record ---------------------------------------------------------- */

/* One access, as expect() wants it. */
struct acc {
	u32 off;
	u8 size;
	bool write;
	u64 value;
};

#define RD(o, s, v)	{ (o), (s), false, (v) }
#define WR(o, s, v)	{ (o), (s), true, (v) }
#define N(a)		(sizeof(a) / sizeof((a)[0]))

/* One entry of the device's record. */
struct entry {
	u64 gpa;
	u64 value;
	u64 rip;
	u32 info;
};

static u64 dev_reg(u32 reg)
{
	return readq(dev(reg));
}

/* Forget the record. */
static void dev_clear(void)
{
	if (have_record)
		writel(TESTDEV_CTRL_CLEAR, dev(TESTDEV_CTRL));
}

/* The initial contents again, and an empty record. */
static void dev_reset(void)
{
	volatile u8 *p = dev(0);
	u32 i;

	if (have_record) {
		writel(TESTDEV_CTRL_CLEAR | TESTDEV_CTRL_FILL, dev(TESTDEV_CTRL));
		return;
	}
	for (i = 0; i < TESTDEV_DATA_SIZE; i++)
		p[i] = pat8(i);
}

/* Make the bits @mask of the 8 bytes at @off read as set @reads more times. */
static void dev_busy(u32 off, u64 mask, u64 reads)
{
	if (!have_record)
		return;
	writeq(off, dev(TESTDEV_BUSY_OFFSET));
	writeq(mask, dev(TESTDEV_BUSY_MASK));
	writeq(reads, dev(TESTDEV_BUSY_READS));
}

static u32 dev_count(void)
{
	return dev_reg(TESTDEV_COUNT);
}

static void dev_entry(u32 i, struct entry *e)
{
	writel(i, dev(TESTDEV_INDEX));
	e->gpa = dev_reg(TESTDEV_E_GPA);
	e->value = dev_reg(TESTDEV_E_VALUE);
	e->rip = dev_reg(TESTDEV_E_RIP);
	e->info = dev_reg(TESTDEV_E_INFO);
}

/* "# WHAT: 4-byte write of 0x1 at +0x100" */
static void put_acc(const char *what, bool write, u64 gpa, u32 size, u64 value)
{
	guest_puts(what);
	guest_put_dec(size);
	guest_puts(write ? "-byte write of " : "-byte read of ");
	guest_put_hex(value);
	guest_puts(" at +");
	guest_put_hex(gpa - TESTDEV_BASE);
}

/* List the whole record, and what was wanted. */
static void dump(const struct acc *want, u32 n, unsigned long rip)
{
	u32 count = dev_count(), i;
	struct entry e;

	guest_puts("# the device saw ");
	guest_put_dec(count);
	guest_puts(" accesses:\n");
	for (i = 0; i < count && i < TESTDEV_RECORD_MAX; i++) {
		dev_entry(i, &e);
		put_acc("#   ", e.info & TESTDEV_INFO_WRITE, e.gpa,
			e.info & TESTDEV_INFO_SIZE, e.value);
		guest_puts(", RIP ");
		guest_put_hex(e.rip);
		guest_putc('\n');
	}
	guest_puts("# wanted ");
	guest_put_dec(n);
	guest_puts(":\n");
	for (i = 0; i < n; i++) {
		put_acc("#   ", want[i].write, TESTDEV_BASE + want[i].off,
			want[i].size, want[i].value);
		guest_putc('\n');
	}
	if (rip > RIP_SAME) {
		guest_puts("#   at RIP ");
		guest_put_hex(rip);
		guest_puts(", the last write there or past the instruction\n");
	} else if (rip == RIP_SAME) {
		guest_puts("#   by one instruction\n");
	}
}

/*
 * The RIP of access @i of @n that one instruction at @start made: the
 * exit of a read, or of a write that does not end the instruction (a
 * first piece, a REP element with more to come) is at the instruction.
 * The write that ends it completes it: Documentation/uapi.rst says RIP is
 * past it then, which the guest's registers show; the exit's RIP may be
 * either, and is taken to be one or the other.
 */
static bool rip_ok(const struct entry *e, u32 i, u32 n, u64 start)
{
	if (i + 1 < n || !(e->info & TESTDEV_INFO_WRITE))
		return e->rip == start;
	return e->rip >= start && e->rip - start <= INSN_MAX;
}

/*
 * The device saw exactly @want, in order.  With @rip, one instruction at
 * @rip (RIP_SAME: at the RIP of the first access) made them, run once or
 * in a loop; see rip_ok().  One result line, named @what; the record and
 * @want follow it when they differ.
 */
static bool expect(const char *what, const struct acc *want, u32 n,
		   unsigned long rip)
{
	u32 count, i;
	struct entry e;
	u64 start = rip;
	bool ok;

	if (!have_record)
		return true;
	count = dev_count();
	ok = count == n;
	for (i = 0; ok && i < n; i++) {
		dev_entry(i, &e);
		if (!i && rip == RIP_SAME)
			start = n == 1 ? 0 : e.rip;	/* 0: nothing to compare */
		ok = e.gpa == TESTDEV_BASE + want[i].off &&
		     e.value == want[i].value &&
		     (e.info & TESTDEV_INFO_SIZE) == want[i].size &&
		     !!(e.info & TESTDEV_INFO_WRITE) == want[i].write &&
		     (start <= RIP_SAME || rip_ok(&e, i, n, start));
	}
	guest_check(ok, what);
	if (!ok)
		dump(want, n, rip);
	return ok;
}

/*
 * For code whose exact accesses the compiler chooses: every access was
 * one direction (@write), 1 to 8 bytes, within @len bytes at @off, with
 * the bytes of @bytes there, and every byte was covered; with @ordered,
 * the accesses also come in ascending address order, none crossing a
 * page, and none overlapping.
 */
static bool expect_cover(const char *what, u32 off, u32 len, bool write,
			 const u8 *bytes, bool ordered)
{
	static u8 seen[256];
	u32 count, i, j, size, at;
	u64 next = 0;
	struct entry e;
	bool ok;

	if (!have_record)
		return true;
	count = dev_count();
	ok = count && count <= TESTDEV_RECORD_MAX && len <= sizeof(seen);
	memset(seen, 0, sizeof(seen));
	for (i = 0; ok && i < count; i++) {
		dev_entry(i, &e);
		size = e.info & TESTDEV_INFO_SIZE;
		at = e.gpa - TESTDEV_BASE - off;
		ok = !!(e.info & TESTDEV_INFO_WRITE) == write && size >= 1 &&
		     size <= 8 && e.gpa >= TESTDEV_BASE + off && at + size <= len &&
		     e.value == le(bytes + at, size);
		if (ordered)
			ok = ok && e.gpa >= next &&
			     (e.gpa & 0xfff) + size <= 0x1000;
		next = e.gpa + size;
		for (j = 0; ok && j < size; j++)
			seen[at + j] = 1;
	}
	for (i = 0; ok && i < len; i++)
		ok = seen[i];
	guest_check(ok, what);
	guest_puts("# ");
	guest_put_dec(count);
	guest_puts(" accesses\n");
	if (!ok)
		dump(NULL, 0, RIP_ANY);
	return ok;
}

/* --- Linux's accessors ----------------------------------------------------- */

/* readX()/writeX(): MOV of each width (readq/writeq: two MOVs on 32-bit). */
static noinline void test_accessors(void)
{
	const u64 q = 0x0123456789abcdefULL;
	u32 l, fresh;
	u16 w;
	u8 b;
	u64 r;
	const struct acc want[] = {
		WR(0x10, 4, 0x12345678), RD(0x10, 4, 0x12345678),
		WR(0x20, 1, 0xab), RD(0x20, 1, 0xab),
		WR(0x22, 2, 0xbeef), RD(0x22, 2, 0xbeef),
#ifdef __x86_64__
		WR(0x28, 8, q), RD(0x28, 8, q),
#else
		WR(0x28, 4, (u32)q), WR(0x2c, 4, q >> 32),
		RD(0x28, 4, (u32)q), RD(0x2c, 4, q >> 32),
#endif
		RD(0x40, 4, pat(0x40, 4)),
	};

	dev_reset();
	writel(0x12345678, dev(0x10));
	l = readl(dev(0x10));
	writeb(0xab, dev(0x20));
	b = readb(dev(0x20));
	writew(0xbeef, dev(0x22));
	w = readw(dev(0x22));
	writeq(q, dev(0x28));
	r = readq(dev(0x28));
	fresh = readl(dev(0x40));
	expect("readb/readw/readl/readq, writeb/writew/writel/writeq: accesses",
	       want, N(want), RIP_ANY);
	value_eq("readl after writel", l, 0x12345678);
	value_eq("readb after writeb", b, 0xab);
	value_eq("readw after writew", w, 0xbeef);
	value_eq("readq after writeq", r, q);
	value_eq("readl of the initial contents", fresh, pat(0x40, 4));
}

/* --- polling loops ----------------------------------------------------------- */

/*
 * A status word at +0x40 whose bit 12 reads as set three times, then
 * clear (the device's busy bits); in RAM it is clear from the start.
 */
#define POLL_OFF	0x40
#define POLL_BUSY	(have_record ? 3 : 0)

static volatile u32 *poll_setup(void)
{
	volatile u32 *p = dev(POLL_OFF);

	dev_reset();
	writel(have_record ? 0x1008 : 0x0008, p);
	dev_busy(POLL_OFF, BIT(12), POLL_BUSY);
	dev_clear();
	return p;
}

/* The reads of a loop that saw the bit three times, then not. */
static void poll_expect(const char *what, u32 off, u32 size, u64 busy,
			u64 idle, unsigned long rip)
{
	const struct acc want[] = {
		RD(off, size, busy), RD(off, size, busy), RD(off, size, busy),
		RD(off, size, idle),
	};

	expect(what, want, N(want), rip);
}

/*
 * The loop of the readl() form: "mov (%rdi),%edx; and $0x10,%dh; jne"
 * (32-bit: "mov (%ecx),%edx; test $0x10,%dh") -- the read is readl()'s MOV.
 */
static noinline u32 poll_readl(volatile u32 *p)
{
	u32 spins = SPINS;

	while (readl(p) & BIT(12)) {
		if (!--spins)
			break;
	}
	return spins;
}

/*
 * The plain volatile form.  GCC 12.2 -O2 does not fold the volatile load
 * into TESTL $0x1000,(mem): it emits the same code as for readl(), "mov
 * (%rdi),%edx; and $0x10,%dh" (32-bit: "mov (%ecx),%edx; test $0x10,%dh";
 * with a constant address, "mov 0xfee00300,%eax; test $0x10,%ah").  clang
 * folds it; poll_testl() below is the folded form.
 */
static noinline u32 poll_volatile(volatile u32 *p)
{
	u32 spins = SPINS;

	while (*(volatile u32 *)p & BIT(12)) {
		if (!--spins)
			break;
	}
	return spins;
}

/* TESTL $0x1000, (mem) in the loop, as clang emits it; its RIP in *@rip. */
static noinline u32 poll_testl(volatile u32 *p, unsigned long *rip)
{
	u32 spins = SPINS;

	asm volatile("mov $1f, %[rip]\n"
		     "1:\ttestl $0x1000, %[m]\n\t"
		     "jz 2f\n\t"
		     "pause\n\t"
		     "dec %[spins]\n\t"
		     "jnz 1b\n"
		     "2:"
		     : [spins] "+r"(spins), [rip] "=&r"(*rip)
		     : [m] "m"(*p) : "memory", "cc");
	return spins;
}

/* TESTB $0x10, 1(mem): compilers narrow a one-bit test of a plain word so. */
static noinline u32 poll_testb(volatile u32 *p, unsigned long *rip)
{
	u32 spins = SPINS;

	asm volatile("mov $1f, %[rip]\n"
		     "1:\ttestb $0x10, %[m]\n\t"
		     "jz 2f\n\t"
		     "pause\n\t"
		     "dec %[spins]\n\t"
		     "jnz 1b\n"
		     "2:"
		     : [spins] "+r"(spins), [rip] "=&r"(*rip)
		     : [m] "m"(*((volatile u8 *)p + 1)) : "memory", "cc");
	return spins;
}

/*
 * A 16550's line status on MMIO (reg-shift 0, as SoC UARTs and Linux's
 * 8250 "mmio" iotype have it): wait for THRE before each byte, as
 * serial8250's wait_for_xmitr() does with readb(), and as the plain
 * volatile byte load GCC -O2 makes "testb $0x20, 0x5(%reg)" or "movzbl;
 * test" of.  LSR reads THRE and TEMT set at once.
 */
#define UART_OFF	0x80
#define UART_LSR	5
#define UART_LSR_THRE	0x20

static noinline u32 uart_wait_readb(volatile u8 *base)
{
	u32 spins = SPINS;

	while (!(readb(base + UART_LSR) & UART_LSR_THRE)) {
		if (!--spins)
			break;
	}
	return spins;
}

static noinline u32 uart_wait_volatile(volatile u8 *base)
{
	u32 spins = SPINS;

	while (!(base[UART_LSR] & UART_LSR_THRE)) {
		if (!--spins)
			break;
	}
	return spins;
}

static noinline void test_uart_lsr(void)
{
	volatile u8 *base = (volatile u8 *)dev(UART_OFF);
	const struct acc want[] = { RD(UART_OFF + UART_LSR, 1, 0x60) };

	dev_reset();
	writeb(0x60, base + UART_LSR);
	dev_clear();
	value_eq("UART LSR, readb() loop: THRE", uart_wait_readb(base), SPINS);
	expect("UART LSR, readb() loop: one byte read", want, N(want),
	       RIP_SAME);
	dev_clear();
	value_eq("UART LSR, volatile loop: THRE", uart_wait_volatile(base),
		 SPINS);
	expect("UART LSR, volatile loop: one byte read", want, N(want),
	       RIP_SAME);
}

static noinline void test_polling(void)
{
	unsigned long rip;
	volatile u32 *p;
	u32 left;

	p = poll_setup();
	left = poll_readl(p);
	poll_expect("while (readl(p) & BIT(12)): four reads", POLL_OFF, 4,
		    0x1008, 0x0008, RIP_SAME);
	value_eq("while (readl(p) & BIT(12)): loops", SPINS - left,
		 POLL_BUSY);

	p = poll_setup();
	left = poll_volatile(p);
	poll_expect("while (*(volatile u32 *)p & BIT(12)): four reads",
		    POLL_OFF, 4, 0x1008, 0x0008, RIP_SAME);
	value_eq("while (*(volatile u32 *)p & BIT(12)): loops",
		 SPINS - left, POLL_BUSY);

	p = poll_setup();
	left = poll_testl(p, &rip);
	poll_expect("testl $0x1000, (mem) loop: four reads, no write",
		    POLL_OFF, 4, 0x1008, 0x0008, rip);
	value_eq("testl $0x1000, (mem) loop: loops", SPINS - left,
		 POLL_BUSY);

	p = poll_setup();
	left = poll_testb(p, &rip);
	poll_expect("testb $0x10, 1(mem) loop: four byte reads", POLL_OFF + 1,
		    1, 0x10, 0x00, rip);
	value_eq("testb $0x10, 1(mem) loop: loops", SPINS - left,
		 POLL_BUSY);
	value_eq("the status word after the loops", readl(p), 0x0008);
}

/* --- bit operations ------------------------------------------------------------- */

#define MAP_OFF		0x100

/* The offset of the long that holds bit @nr of the bitmap, and the bit there. */
static u32 bit_off(long nr)
{
	long bits = 8 * LB;
	long word = nr >= 0 ? nr / bits : -((-nr + bits - 1) / bits);

	return MAP_OFF + word * LB;
}

static u64 bit_mask(long nr)
{
	return 1ULL << (nr & (8 * LB - 1));
}

/*
 * The constant-number forms, on the byte that holds the bit:
 * set_bit(37) "lock orb $0x20,(%r12)" with %r12 = 0xd0000104; clear_bit(42)
 * "lock andb $0xfb,(%r12)" at 0xd0000105; change_bit(51) "lock xorb
 * $0x8,(%rbx)" at 0xd0000106 (32-bit: "lock orb $0x20,0xd0000104", the
 * absolute forms).
 */
static noinline void test_bitops_const(void)
{
	volatile unsigned long *map = dev(MAP_OFF);
	u8 b4 = pat8(0x104), b5 = pat8(0x105), b6 = pat8(0x106);
	const struct acc set[] = {
		RD(0x104, 1, b4), WR(0x104, 1, b4 | 0x20),
	};
	const struct acc clear[] = {
		RD(0x105, 1, b5), WR(0x105, 1, b5 & ~0x04),
	};
	const struct acc change[] = {
		RD(0x106, 1, b6), WR(0x106, 1, b6 ^ 0x08),
	};

	dev_reset();
	set_bit(37, map);
	expect("set_bit(37): lock orb $0x20: read, write", set, N(set), RIP_SAME);
	value_eq("set_bit(37): the byte", readb(dev(0x104)), b4 | 0x20);
	dev_reset();
	clear_bit(42, map);
	expect("clear_bit(42): lock andb $0xfb: read, write", clear, N(clear),
	       RIP_SAME);
	value_eq("clear_bit(42): the byte", readb(dev(0x105)), b5 & ~0x04);
	dev_reset();
	change_bit(51, map);
	expect("change_bit(51): lock xorb $0x8: read, write", change, N(change),
	       RIP_SAME);
	value_eq("change_bit(51): the byte", readb(dev(0x106)), b6 ^ 0x08);
}

enum bitop { SET, CLEAR, CHANGE };

/*
 * The register forms, "lock bts %r9,(%rax)" and btr, btc (32-bit: "lock
 * bts %eax,0xd0000100", the 32-bit operand): the CPU reaches the long that
 * holds the bit, before the operand for a negative number.
 */
static noinline void bitop_var(const char *what, enum bitop op, long n)
{
	volatile unsigned long *map = dev(MAP_OFF);
	long nr = opaque_long(n);
	u32 off = bit_off(n);
	u64 old = pat(off, LB), mask = bit_mask(n);
	u64 now = op == SET ? old | mask : op == CLEAR ? old & ~mask : old ^ mask;
	const struct acc want[] = { RD(off, LB, old), WR(off, LB, now) };

	dev_reset();
	if (op == SET)
		set_bit(nr, map);
	else if (op == CLEAR)
		clear_bit(nr, map);
	else
		change_bit(nr, map);
	expect(what, want, N(want), RIP_SAME);
	value_part(what, "the long after it",
		   readq(dev(off)) & ~0ULL >> (64 - 8 * LB), now);
}

static noinline void test_bitops_var(void)
{
	volatile unsigned long *map = dev(MAP_OFF);
	u64 old, mask;
	bool r1, r2, r3;
	u32 off;

	/* Bit 37 is bit 5 of the second long on 32-bit. */
	bitop_var("set_bit(nr = 37): lock bts %reg", SET, 37);
	bitop_var("set_bit(nr = 100): lock bts %reg, a later long", SET, 100);
	bitop_var("set_bit(nr = -3): lock bts %reg, the long before", SET, -3);
	bitop_var("clear_bit(nr = 37): lock btr %reg", CLEAR, 37);
	bitop_var("change_bit(nr = 38): lock btc %reg", CHANGE, 38);

	/* test_and_set_bit(): twice; the second finds the bit set, still writes. */
	off = bit_off(40);
	old = pat(off, LB);
	mask = bit_mask(40);
	{
		const struct acc want[] = {
			RD(off, LB, old), WR(off, LB, old | mask),
			RD(off, LB, old | mask), WR(off, LB, old | mask),
		};

		dev_reset();
		r1 = test_and_set_bit(opaque_long(40), map);
		r2 = test_and_set_bit(opaque_long(40), map);
		expect("test_and_set_bit(nr = 40) twice: lock bts %reg: read, write, read, write",
		       want, N(want), RIP_ANY);
		value_eq("test_and_set_bit(40): the old bit", r1,
			 !!(old & mask));
		value_eq("test_and_set_bit(40) again: set", r2, 1);
	}

	/* A constant number: "lock bts $3,(mem)", the immediate form (0F BA /5). */
	old = pat(MAP_OFF, LB);
	{
		const struct acc want[] = {
			RD(MAP_OFF, LB, old), WR(MAP_OFF, LB, old | 8),
		};

		dev_reset();
		r3 = test_and_set_bit(3, map);
		expect("test_and_set_bit(3): lock bts $3: read, write", want,
		       N(want), RIP_SAME);
		value_eq("test_and_set_bit(3): the old bit", r3,
			 !!(old & 8));
	}

	/* "bt %reg,(mem)": a read only. */
	off = bit_off(37);
	old = pat(off, LB);
	{
		const struct acc want[] = { RD(off, LB, old) };

		dev_reset();
		r1 = test_bit_var(opaque_long(37), map);
		expect("test_bit(nr = 37): bt %reg: one read, no write", want,
		       N(want), RIP_SAME);
		value_eq("test_bit(37)", r1, !!(old & bit_mask(37)));
	}
}

/* --- string copies ------------------------------------------------------------- */

static u8 src_buf[64], dst_buf[64];

/*
 * memcpy_toio() of 23 bytes to +0x201: "movsb" (to align), "movsw", then
 * "rep movsl" of 5; memcpy_fromio() back, the same way from the device.
 */
static noinline void test_memcpy_io(void)
{
	struct acc want[7];
	u32 i;

	for (i = 0; i < sizeof(src_buf); i++)
		src_buf[i] = 0x30 + i;
	want[0] = (struct acc)WR(0x201, 1, src_buf[0]);
	want[1] = (struct acc)WR(0x202, 2, le(src_buf + 1, 2));
	for (i = 0; i < 5; i++)
		want[2 + i] = (struct acc)WR(0x204 + 4 * i, 4,
					     le(src_buf + 3 + 4 * i, 4));
	dev_reset();
	memcpy_toio(dev(0x201), src_buf, 23);
	expect("memcpy_toio(23 bytes): movsb, movsw, rep movsl x5", want,
	       N(want), RIP_ANY);

	for (i = 0; i < N(want); i++)
		want[i].write = false;
	dev_clear();
	memset(dst_buf, 0, sizeof(dst_buf));
	memcpy_fromio(dst_buf, dev(0x201), 23);
	expect("memcpy_fromio(23 bytes): movsb, movsw, rep movsl x5", want,
	       N(want), RIP_ANY);
	value_ok(!memcmp(dst_buf, src_buf, 23) && !dst_buf[23],
		 "memcpy_fromio: the bytes memcpy_toio wrote");
}

/* memset_io() of 18 bytes: "rep stosl" x4, "stosw"; REP STOSB; REP MOVSB. */
static noinline void test_memset_io(void)
{
	const struct acc stosl[] = {
		WR(0x300, 4, 0x5a5a5a5a), WR(0x304, 4, 0x5a5a5a5a),
		WR(0x308, 4, 0x5a5a5a5a), WR(0x30c, 4, 0x5a5a5a5a),
		WR(0x310, 2, 0x5a5a),
	};
	const struct acc stosb[] = {
		WR(0x320, 1, 0x3c), WR(0x321, 1, 0x3c), WR(0x322, 1, 0x3c),
		WR(0x323, 1, 0x3c), WR(0x324, 1, 0x3c),
	};
	const struct acc movsb[] = {
		RD(0x330, 1, pat8(0x330)), RD(0x331, 1, pat8(0x331)),
		RD(0x332, 1, pat8(0x332)),
	};

	dev_reset();
	memset_io(dev(0x300), 0x5a, 18);
	expect("memset_io(18 bytes): rep stosl x4, stosw", stosl, N(stosl),
	       RIP_ANY);
	value_eq("memset_io: the bytes", readq(dev(0x30c)),
		 0x5a5a5a5a5a5aULL | pat(0x312, 2) << 48);
	dev_reset();
	memset_io_erms(dev(0x320), 0x3c, 5);
	expect("memset (ERMS): rep stosb x5", stosb, N(stosb), RIP_SAME);
	value_eq("rep stosb: the bytes", readq(dev(0x320)),
		 0x3c3c3c3c3cULL | pat(0x325, 3) << 40);
	dev_reset();
	memset(dst_buf, 0, sizeof(dst_buf));
	memcpy_fromio_fsrm(dst_buf, dev(0x330), 3);
	expect("memcpy (FSRM): rep movsb x3 from the device", movsb, N(movsb),
	       RIP_SAME);
	value_eq("rep movsb: the bytes", le(dst_buf, 4), pat(0x330, 3));
}

/*
 * "rep movsl" from the device to the device, forwards (memcpy), and
 * backwards with DF set (memmove to an overlapping higher address): each
 * element a read, then a write.  RSI, RDI, RCX after it.
 */
static noinline void movsl_dev(u32 to, u32 from, unsigned long n,
			       bool back, unsigned long *rip,
			       unsigned long regs[3])
{
	unsigned long d = TESTDEV_BASE + to, s = TESTDEV_BASE + from;

	if (back) {
		d += 4 * (n - 1);
		s += 4 * (n - 1);
		asm volatile("mov $1f, %[rip]\n\t"
			     "std\n"
			     "1:\trep movsl\n\t"
			     "cld"
			     : "+c"(n), "+S"(s), "+D"(d), [rip] "=&r"(*rip)
			     : : "memory");
	} else {
		asm volatile("mov $1f, %[rip]\n"
			     "1:\trep movsl"
			     : "+c"(n), "+S"(s), "+D"(d), [rip] "=&r"(*rip)
			     : : "memory");
	}
	regs[0] = s - TESTDEV_BASE;
	regs[1] = d - TESTDEV_BASE;
	regs[2] = n;
}

/*
 * A compare of device bytes with RAM, "repe cmpsb", stops at the first
 * difference (RSI the device, RDI RAM: only the device side is seen); a
 * search, "repne scasb", reads until it finds AL.
 */
static noinline void test_cmps_scas(void)
{
	const struct acc cmps[] = {
		RD(0x4c0, 1, pat8(0x4c0)), RD(0x4c1, 1, pat8(0x4c1)),
		RD(0x4c2, 1, pat8(0x4c2)),
	};
	const struct acc scas[] = {
		RD(0x4d0, 1, pat8(0x4d0)), RD(0x4d1, 1, pat8(0x4d1)),
		RD(0x4d2, 1, pat8(0x4d2)), RD(0x4d3, 1, pat8(0x4d3)),
	};
	unsigned long rip, n = 8, s = TESTDEV_BASE + 0x4c0;
	unsigned long d = (unsigned long)src_buf;
	bool equal;
	u32 i;

	for (i = 0; i < 8; i++)
		src_buf[i] = pat8(0x4c0 + i);
	src_buf[2] ^= 0x40;
	dev_reset();
	asm volatile("mov $1f, %[rip]\n"
		     "1:\trepe cmpsb"
		     : "+c"(n), "+S"(s), "+D"(d), [rip] "=&r"(rip), "=@ccz"(equal)
		     : : "memory");
	expect("repe cmpsb, device against RAM: three byte reads", cmps,
	       N(cmps), rip);
	value_ok(!equal, "repe cmpsb: ZF clear at the difference");
	value_eq("repe cmpsb: RCX after", n, 5);
	value_eq("repe cmpsb: RSI after", s - TESTDEV_BASE, 0x4c3);

	n = 16;
	d = TESTDEV_BASE + 0x4d0;
	dev_reset();
	asm volatile("mov $1f, %[rip]\n"
		     "1:\trepne scasb"
		     : "+c"(n), "+D"(d), [rip] "=&r"(rip), "=@ccz"(equal)
		     : "a"(pat8(0x4d3)) : "memory");
	expect("repne scasb over the device: four byte reads", scas, N(scas),
	       rip);
	value_ok(equal, "repne scasb: ZF set, found");
	value_eq("repne scasb: RDI after", d - TESTDEV_BASE, 0x4d4);
	value_eq("repne scasb: RCX after", n, 12);
}

static noinline void test_movs_dev(void)
{
	const struct acc fwd[] = {
		RD(0x400, 4, pat(0x400, 4)), WR(0x440, 4, pat(0x400, 4)),
		RD(0x404, 4, pat(0x404, 4)), WR(0x444, 4, pat(0x404, 4)),
		RD(0x408, 4, pat(0x408, 4)), WR(0x448, 4, pat(0x408, 4)),
		RD(0x40c, 4, pat(0x40c, 4)), WR(0x44c, 4, pat(0x40c, 4)),
	};
	const struct acc back[] = {
		RD(0x488, 4, pat(0x488, 4)), WR(0x48c, 4, pat(0x488, 4)),
		RD(0x484, 4, pat(0x484, 4)), WR(0x488, 4, pat(0x484, 4)),
		RD(0x480, 4, pat(0x480, 4)), WR(0x484, 4, pat(0x480, 4)),
	};
	unsigned long rip, regs[3];

	dev_reset();
	movsl_dev(0x440, 0x400, 4, false, &rip, regs);
	expect("rep movsl x4 device to device: read, write per element", fwd,
	       N(fwd), rip);
	value_eq("rep movsl: RSI after", regs[0], 0x410);
	value_eq("rep movsl: RDI after", regs[1], 0x450);
	value_eq("rep movsl: RCX after", regs[2], 0);
	value_eq("rep movsl: the copy", readq(dev(0x448)),
		 pat(0x408, 8));

	dev_reset();
	movsl_dev(0x484, 0x480, 3, true, &rip, regs);
	expect("std; rep movsl x3 (memmove up): from the top down", back,
	       N(back), rip);
	value_eq("std; rep movsl: RSI after", regs[0], 0x47c);
	value_eq("std; rep movsl: RDI after", regs[1], 0x480);
	value_eq("std; rep movsl: RCX after", regs[2], 0);
	value_eq("std; rep movsl: the moved words", readq(dev(0x484)),
		 pat(0x480, 8));
	value_eq("std; rep movsl: the first word kept", readl(dev(0x480)),
		 pat(0x480, 4));
	test_cmps_scas();
}

/* --- a struct copied by the compiler ---------------------------------------- */

/* 160 bytes: large enough that GCC copies it with REP MOVSQ on 64-bit. */
struct desc_block {
	u32 ctrl;
	u32 status;
	u64 addr[8];
	u16 len[16];
	u32 cookie[14];
};

#define DESC_OFF	0x500

static struct desc_block desc_src, desc_dst;

/*
 * The assignment, to and from the device.  64-bit: "mov $0x14,%ecx; rep
 * movsq", 20 quadwords; 32-bit: a loop of "mov %esi,(%ecx,%eax,1); mov
 * %ebx,0x4(%ecx,%eax,1)" (from the device, "mov (%edx,%eax,1),%esi; mov
 * 0x4(%edx,%eax,1),%ebx").  Other compilers and other sizes copy
 * otherwise (GCC copies an unaligned one with a MOV at each end and a REP
 * MOVSQ that overlaps them), so only the coverage is checked.
 */
static __attribute__((noipa)) void
desc_to_dev(volatile struct desc_block *d, const struct desc_block *s)
{
	*d = *s;
}

static __attribute__((noipa)) void
desc_from_dev(struct desc_block *d, const volatile struct desc_block *s)
{
	*d = *s;
}

static noinline void test_struct_copy(void)
{
	volatile struct desc_block *d = dev(DESC_OFF);
	u8 *bytes = (u8 *)&desc_src;
	u32 i;

	for (i = 0; i < sizeof(desc_src); i++)
		bytes[i] = 0x80 ^ i;
	dev_reset();
	desc_to_dev(d, &desc_src);
	expect_cover("*(struct desc_block *)dev = s: writes of every byte, no read",
		     DESC_OFF, sizeof(desc_src), true, bytes, false);
	dev_clear();
	desc_from_dev(&desc_dst, d);
	expect_cover("s = *(struct desc_block *)dev: reads of every byte, no write",
		     DESC_OFF, sizeof(desc_src), false, bytes, false);
	value_ok(!memcmp(&desc_dst, &desc_src, sizeof(desc_src)),
		 "struct copy to the device and back: the same bytes");
}

/* --- exchanges ------------------------------------------------------------------ */

/*
 * 64-bit: "xchg %r13d,(%rax)", "lock cmpxchg %edx,(%r14)", "cmpxchg
 * %ecx,(%rdx)", "lock xadd %r13d,(%r14)", "lock cmpxchg %r13,0x0(%rbp)";
 * 32-bit: "xchg %esi,0xd0000600" ... "lock cmpxchg8b 0xd0000618".
 */
static noinline void test_xchg(void)
{
	u32 p600 = pat(0x600, 4), p604 = pat(0x604, 4), p608 = pat(0x608, 4);
	u32 p60c = pat(0x60c, 4), p610 = pat(0x610, 4);
	u64 p618 = pat(0x618, 8);
	const u64 q = 0x0123456789abcdefULL;
	u32 r;
	u64 r64;

	{
		const struct acc want[] = {
			RD(0x600, 4, p600), WR(0x600, 4, 0x11112222),
		};

		dev_reset();
		r = xchg32(dev(0x600), 0x11112222);
		expect("xchgl %reg, (mem): read, write", want, N(want),
		       RIP_SAME);
		value_eq("xchgl: the old value", r, p600);
	}
	{
		const struct acc want[] = {
			RD(0x604, 4, p604), WR(0x604, 4, 0x33334444),
		};

		dev_reset();
		r = cmpxchg32(dev(0x604), p604, 0x33334444);
		expect("lock cmpxchgl that succeeds: read, write", want,
		       N(want), RIP_SAME);
		value_eq("lock cmpxchgl that succeeds: the value found",
			 r, p604);
		value_eq("lock cmpxchgl that succeeds: the word",
			 readl(dev(0x604)), 0x33334444);
	}
	{
		const struct acc want[] = {
			RD(0x608, 4, p608), WR(0x608, 4, p608),
		};

		dev_reset();
		r = cmpxchg32(dev(0x608), p608 ^ 1, 0x55556666);
		expect("lock cmpxchgl that fails: read, write of the old value",
		       want, N(want), RIP_SAME);
		value_eq("lock cmpxchgl that fails: the value found", r,
			 p608);
		value_eq("lock cmpxchgl that fails: the word kept",
			 readl(dev(0x608)), p608);
	}
	{
		const struct acc want[] = {
			RD(0x60c, 4, p60c), WR(0x60c, 4, p60c),
		};

		dev_reset();
		r = cmpxchg32_local(dev(0x60c), p60c ^ 1, 0x77778888);
		expect("cmpxchgl (no lock) that fails: read, write of the old value",
		       want, N(want), RIP_SAME);
		value_eq("cmpxchgl (no lock) that fails: the value found",
			 r, p60c);
	}
	{
		const struct acc want[] = {
			RD(0x610, 4, p610), WR(0x610, 4, p610 + 0x100),
		};

		dev_reset();
		r = xadd32(dev(0x610), 0x100);
		expect("lock xaddl: read, write", want, N(want), RIP_SAME);
		value_eq("lock xaddl: the old value", r, p610);
		value_eq("lock xaddl: the sum", readl(dev(0x610)),
			 p610 + 0x100);
	}
	{
		/* cmpxchg8b on 32-bit: one 8-byte access each way. */
		const struct acc want[] = {
			RD(0x618, 8, p618), WR(0x618, 8, q),
		};

		dev_reset();
		r64 = cmpxchg64(dev(0x618), p618, q);
#ifdef __x86_64__
		expect("lock cmpxchgq that succeeds: read, write", want,
		       N(want), RIP_SAME);
#else
		expect("lock cmpxchg8b that succeeds: 8-byte read, 8-byte write",
		       want, N(want), RIP_SAME);
#endif
		value_eq("cmpxchg64: the value found", r64, p618);
		value_eq("cmpxchg64: the quadword", readq(dev(0x618)), q);
	}
}

#ifdef __x86_64__
struct u128 {
	u64 lo;
	u64 hi;
} __attribute__((aligned(16)));

/* LOCK CMPXCHG16B: ZF, and the value found in *@lo, *@hi. */
static noinline bool cmpxchg16b(volatile struct u128 *p, u64 *lo, u64 *hi,
				u64 new_lo, u64 new_hi, unsigned long *rip)
{
	bool ok;

	asm volatile("mov $1f, %[rip]\n"
		     "1:\tlock cmpxchg16b %[m]"
		     : "=@ccz"(ok), [m] "+m"(*p), "+a"(*lo), "+d"(*hi),
		       [rip] "=&r"(*rip)
		     : "b"(new_lo), "c"(new_hi) : "memory");
	return ok;
}

/* 16 bytes: two 8-byte reads, then two 8-byte writes, ascending. */
static noinline void test_cmpxchg16b(void)
{
	u64 lo = pat(0x620, 8), hi = pat(0x628, 8), flo, fhi;
	const struct acc ok_want[] = {
		RD(0x620, 8, lo), RD(0x628, 8, hi),
		WR(0x620, 8, 0x1111), WR(0x628, 8, 0x2222),
	};
	const struct acc fail_want[] = {
		RD(0x630, 8, pat(0x630, 8)), RD(0x638, 8, pat(0x638, 8)),
		WR(0x630, 8, pat(0x630, 8)), WR(0x638, 8, pat(0x638, 8)),
	};
	unsigned long rip;
	u32 a, b, c, d;
	bool ok;

	cpuid(1, 0, &a, &b, &c, &d);
	if (!(c & BIT(13))) {
		guest_skip("lock cmpxchg16b", "no CMPXCHG16B (CPUID.1:ECX.CX16)");
		return;
	}
	dev_reset();
	flo = lo;
	fhi = hi;
	ok = cmpxchg16b(dev(0x620), &flo, &fhi, 0x1111, 0x2222, &rip);
	expect("lock cmpxchg16b that succeeds: 2 reads, 2 writes of 8 bytes",
	       ok_want, N(ok_want), rip);
	value_ok(ok, "lock cmpxchg16b that succeeds: ZF");
	value_eq("lock cmpxchg16b: the new low quadword",
		 readq(dev(0x620)), 0x1111);

	dev_reset();
	flo = 0;
	fhi = 0;
	ok = cmpxchg16b(dev(0x630), &flo, &fhi, 0x3333, 0x4444, &rip);
	expect("lock cmpxchg16b that fails: 2 reads, 2 writes of the old value",
	       fail_want, N(fail_want), rip);
	value_ok(!ok, "lock cmpxchg16b that fails: ZF clear");
	value_eq("lock cmpxchg16b that fails: RAX", flo, pat(0x630, 8));
	value_eq("lock cmpxchg16b that fails: RDX", fhi, pat(0x638, 8));
}
#endif

/* --- read-modify-write of a register -------------------------------------------- */

/*
 * C on a volatile register: GCC emits "mov (%rdi),%eax; or %esi,%eax;
 * mov %eax,(%rdi)" (and, add likewise; 32-bit through %edx), never "or
 * %esi,(%rdi)": a read and a write from two instructions.
 */
static __attribute__((noipa)) void vreg_or(volatile u32 *r, u32 x)
{
	*r |= x;
}

static __attribute__((noipa)) void vreg_and(volatile u32 *r, u32 x)
{
	*r &= x;
}

static __attribute__((noipa)) void vreg_add(volatile u32 *r, u32 x)
{
	*r += x;
}

/*
 * The same through a plain pointer, as code that forgot the volatile: GCC
 * folds these into one instruction: "or %esi,(%rdi)", "orl $0x80,(%rdi)",
 * "add %esi,(%rdi)", "addl $0x1,(%rdi)" (32-bit: "or %edx,(%eax)" ...
 * "incl (%eax)"), and "cmp %esi,(%rdi); sete", which only reads.
 */
static __attribute__((noipa)) void preg_or(u32 *r, u32 x)
{
	*r |= x;
}

static __attribute__((noipa)) void preg_or_80(u32 *r)
{
	*r |= 0x80;
}

static __attribute__((noipa)) void preg_add(u32 *r, u32 x)
{
	*r += x;
}

static __attribute__((noipa)) void preg_inc(u32 *r)
{
	(*r)++;
}

static __attribute__((noipa)) bool preg_eq(const u32 *r, u32 x)
{
	return *r == x;
}

/* A read, then a write of @now, of the 32-bit word at @off. */
static void rmw_expect(const char *what, u32 off, u32 size, u64 old, u64 now,
		       unsigned long rip)
{
	const struct acc want[] = { RD(off, size, old), WR(off, size, now) };

	expect(what, want, N(want), rip);
}

static noinline void test_rmw_c(void)
{
	u32 p = pat(0x700, 4);

	dev_reset();
	vreg_or(dev(0x700), 0x80000001);
	rmw_expect("*(volatile u32 *)reg |= x: read, write", 0x700, 4, p,
		   p | 0x80000001, RIP_ANY);
	dev_reset();
	vreg_and(dev(0x700), 0xffff00ff);
	rmw_expect("*(volatile u32 *)reg &= x: read, write", 0x700, 4, p,
		   p & 0xffff00ff, RIP_ANY);
	dev_reset();
	vreg_add(dev(0x700), 0x01010101);
	rmw_expect("*(volatile u32 *)reg += x: read, write", 0x700, 4, p,
		   p + 0x01010101, RIP_ANY);
	value_eq("*reg += x: the sum", readl(dev(0x700)), p + 0x01010101);

	dev_reset();
	preg_or((u32 *)dev(0x700), 0x80000001);
	rmw_expect("or %reg, (mem) (plain *reg |= x): read, write", 0x700, 4,
		   p, p | 0x80000001, RIP_SAME);
	dev_reset();
	preg_or_80((u32 *)dev(0x700));
	rmw_expect("orl $0x80, (mem) (plain *reg |= 0x80): read, write", 0x700,
		   4, p, p | 0x80, RIP_SAME);
	dev_reset();
	preg_add((u32 *)dev(0x700), 0x01010101);
	rmw_expect("add %reg, (mem) (plain *reg += x): read, write", 0x700, 4,
		   p, p + 0x01010101, RIP_SAME);
	dev_reset();
	preg_inc((u32 *)dev(0x700));
	rmw_expect("addl $1 / incl (mem) (plain (*reg)++): read, write", 0x700,
		   4, p, p + 1, RIP_SAME);
	value_eq("(*reg)++: the word", readl(dev(0x700)), p + 1);
	{
		const struct acc want[] = { RD(0x700, 4, p), RD(0x700, 4, p) };

		dev_reset();
		value_ok(preg_eq((u32 *)dev(0x700), p) &&
			 !preg_eq((u32 *)dev(0x700), ~p),
			 "cmp %reg, (mem) (plain *reg == x): ZF");
		expect("cmp %reg, (mem): a read each, no write", want, N(want),
		       RIP_SAME);
	}
}

/*
 * One instruction on the word at @m, at a RIP of its own: @insn names the
 * memory operand %[m] and may use %[src] (RCX/ECX, %b[src] is CL).  The
 * arithmetic flags after it go to @fl.
 */
#define RMW_ASM(insn_, mem_, src_, rip_out, fl_out)			\
	({								\
		asm volatile("mov $1f, %[rip]\n"			\
			     "1:\t" insn_ "\n\t"				\
			     "pushf\n\t"					\
			     "pop %[fl]"				\
			     : [rip] "=&r"(rip_out), [fl] "=r"(fl_out),	\
			       [m] "+m"(mem_)				\
			     : [src] "c"(src_) : "memory", "cc");	\
	})

/*
 * One case: the word at @off starts as @init, @insn runs on it; the
 * device must see a read of @init and (unless @now is NO_WRITE) a write
 * of @now; the word must then hold @now and the flags in @mask be @flags.
 */
#define NO_WRITE	0xdeadbeefcafef00dULL

struct rmw_case {
	const char *what;
	u32 off;
	u32 size;
	u64 init;
	u64 now;
	unsigned long flags;
	unsigned long mask;
};

static void rmw_check(const struct rmw_case *c, unsigned long rip,
		      unsigned long fl)
{
	const struct acc want[] = {
		RD(c->off, c->size, c->init), WR(c->off, c->size, c->now),
	};
	u64 word = c->now == NO_WRITE ? c->init : c->now;
	u64 got;

	expect(c->what, want, c->now == NO_WRITE ? 1 : 2, rip);
	got = c->size == 1 ? readb(dev(c->off)) :
	      c->size == 2 ? readw(dev(c->off)) :
	      c->size == 4 ? readl(dev(c->off)) : readq(dev(c->off));
	value_part(c->what, "the word after it", got, word);
	value_part(c->what, "the flags after it", fl & c->mask, c->flags);
}

/* Set up the word, then clear the record: only the instruction is seen. */
static void rmw_init(const struct rmw_case *c)
{
	dev_reset();
	if (c->size == 1)
		writeb(c->init, dev(c->off));
	else if (c->size == 2)
		writew(c->init, dev(c->off));
	else if (c->size == 4)
		writel(c->init, dev(c->off));
	else
		writeq(c->init, dev(c->off));
	dev_clear();
}

#define RMW_CASE(what, type, src, insn, ...)				\
	do {								\
		const struct rmw_case c_ = { what, __VA_ARGS__ };	\
		unsigned long rip_, fl_;				\
									\
		rmw_init(&c_);						\
		RMW_ASM(insn, *(volatile type *)dev(c_.off), src, rip_,	\
			fl_);						\
		rmw_check(&c_, rip_, fl_);				\
	} while (0)

/*
 * What compilers emit for "x = c ? *p : x" and "*p = (a == b)" on plain
 * pointers: CMOVcc from memory reads whatever the condition; SETcc to
 * memory writes one byte and reads nothing.  MOVNTI (memcpy_flushcache()
 * and non-temporal stores) writes.
 */
static noinline void test_cmov_set(void)
{
	unsigned long rip, r = 0x55;
	const struct acc cmov[] = { RD(0x778, 4, pat(0x778, 4)) };
	const struct acc set[] = { WR(0x77c, 1, 1) };
	const struct acc nti[] = { WR(0x780, 4, 0xfeedface) };

	dev_reset();
	asm volatile("cmp %k[r], %k[r]\n\t"
		     "mov $1f, %[rip]\n"
		     "1:\tcmovne %[m], %k[r]"
		     : [rip] "=&r"(rip), [r] "+r"(r)
		     : [m] "m"(*(volatile u32 *)dev(0x778)) : "cc");
	expect("cmovne (mem), %reg, condition false: still one read", cmov,
	       N(cmov), rip);
	value_eq("cmovne, condition false: the register kept", r, 0x55);

	dev_reset();
	asm volatile("cmp %k[r], %k[r]\n\t"
		     "mov $1f, %[rip]\n"
		     "1:\tsete %[m]"
		     : [rip] "=&r"(rip), [m] "=m"(*(volatile u8 *)dev(0x77c))
		     : [r] "r"(r) : "cc");
	expect("sete (mem): one byte written, nothing read", set, N(set), rip);

	dev_reset();
	asm volatile("mov $1f, %[rip]\n"
		     "1:\tmovnti %[v], %[m]"
		     : [rip] "=&r"(rip), [m] "=m"(*(volatile u32 *)dev(0x780))
		     : [v] "r"(0xfeedface) : "memory");
	expect("movnti %reg, (mem): one write", nti, N(nti), RIP_ANY);
	value_eq("movnti: the word", readl(dev(0x780)), 0xfeedface);
}

/* Each instruction as named, on "(%rax)" (32-bit: "(%eax)"). */
static noinline void test_rmw_asm(void)
{
	const unsigned long z = X86_ZF, cf = X86_CF, all = ARITH_FLAGS;
	const u32 p = 0x89abcdef;

	RMW_CASE("orl $0x80000001, (mem)", u32, 0, "orl $0x80000001, %[m]",
		 0x710, 4, 0x12345678, 0x92345679, X86_SF, all);
	RMW_CASE("andl $0xffff00ff, (mem)", u32, 0, "andl $0xffff00ff, %[m]",
		 0x714, 4, p, 0x89ab00ef, X86_SF, all);
	RMW_CASE("xorl $0xffff, (mem)", u32, 0, "xorl $0xffff, %[m]",
		 0x718, 4, p, 0x89ab3210, X86_SF, all);
	RMW_CASE("addl $1, (mem): carry out, zero", u32, 0, "addl $1, %[m]",
		 0x71c, 4, 0xffffffff, 0, z | cf, all);
	RMW_CASE("addl %ecx, (mem)", u32, 0x10, "addl %[src], %[m]",
		 0x720, 4, 0x7ffffff8, 0x80000008, X86_SF | X86_OF, all);
	RMW_CASE("subl $1, (mem): borrow", u32, 0, "subl $1, %[m]",
		 0x724, 4, 0, 0xffffffff, cf | X86_SF, all);
	RMW_CASE("notl (mem)", u32, 0, "notl %[m]",
		 0x728, 4, p, ~p, 0, 0);
	RMW_CASE("negl (mem)", u32, 0, "negl %[m]",
		 0x72c, 4, 5, (u32)-5, cf | X86_SF, all);
	RMW_CASE("incl (mem): overflow", u32, 0, "incl %[m]",
		 0x730, 4, 0x7fffffff, 0x80000000, X86_SF | X86_OF,
		 X86_ZF | X86_SF | X86_OF);
	RMW_CASE("decl (mem): zero", u32, 0, "decl %[m]",
		 0x734, 4, 1, 0, z, X86_ZF | X86_SF);
	RMW_CASE("shll $4, (mem)", u32, 0, "shll $4, %[m]",
		 0x738, 4, p, p << 4, X86_SF, cf | X86_ZF | X86_SF);
	RMW_CASE("shrl %cl, (mem)", u32, 3, "shrl %b[src], %[m]",
		 0x73c, 4, p, p >> 3, cf, cf | X86_ZF | X86_SF);
	RMW_CASE("rorl $8, (mem)", u32, 0, "rorl $8, %[m]",
		 0x740, 4, p, 0xef89abcd, cf, cf);
	RMW_CASE("btsl $4, (mem) (no lock)", u32, 0, "btsl $4, %[m]",
		 0x744, 4, p, p | 0x10, 0, cf);
	RMW_CASE("btl $5, (mem): a read only", u32, 0, "btl $5, %[m]",
		 0x748, 4, p, NO_WRITE, cf, cf);
	RMW_CASE("cmpl $imm, (mem): a read only", u32, 0,
		 "cmpl $0x89abcdef, %[m]", 0x74c, 4, p, NO_WRITE, z, all);
	RMW_CASE("testl $imm, (mem): a read only", u32, 0,
		 "testl $0x10, %[m]", 0x750, 4, p, NO_WRITE, z, z);
	RMW_CASE("addw $1, (mem): 16 bits, carry out", u16, 0,
		 "addw $1, %[m]", 0x754, 2, 0xffff, 0, z | cf, all);
	RMW_CASE("orb $0x80, (mem)", u8, 0, "orb $0x80, %[m]",
		 0x758, 1, 0x01, 0x81, X86_SF, all);
	RMW_CASE("lock decl (mem): atomic_dec_and_test", u32, 0,
		 "lock decl %[m]", 0x75c, 4, 1, 0, z, X86_ZF);
#ifdef __x86_64__
	RMW_CASE("addq $1, (mem): 64 bits, carry out", u64, 0, "addq $1, %[m]",
		 0x760, 8, ~0ULL, 0, z | cf, all);
	RMW_CASE("orq %rcx, (mem)", u64, 0x8000000000000001ULL,
		 "orq %[src], %[m]", 0x768, 8, 0x0123456789abcdefULL,
		 0x8123456789abcdefULL, X86_SF, all);
#endif
	/* A memory source and a register destination: a read, RCX the sum. */
	{
		const struct acc want[] = { RD(0x770, 4, pat(0x770, 4)) };
		unsigned long rip, c = 0x100;

		dev_reset();
		asm volatile("mov $1f, %[rip]\n"
			     "1:\taddl %[m], %k[c]"
			     : [rip] "=&r"(rip), [c] "+r"(c)
			     : [m] "m"(*(volatile u32 *)dev(0x770)) : "cc");
		expect("addl (mem), %reg: a read only", want, N(want), rip);
		value_eq("addl (mem), %reg: the register", (u32)c,
			 (u32)(pat(0x770, 4) + 0x100));
	}
	test_cmov_set();
}

/* --- across a page --------------------------------------------------------------- */

/*
 * +0xffe and +0xffc, the last bytes of the first page: "mov %eax,(%reg)",
 * "addl $0x1,(%rbx)" (32-bit: "mov %eax,0xd0000ffe", "addl
 * $0x1,0xd0000ffe").
 */
static noinline void test_page_cross(void)
{
	const struct acc mov[] = {
		WR(0xffe, 2, 0xc3d4), WR(0x1000, 2, 0xa1b2),
		RD(0xffe, 2, 0xc3d4), RD(0x1000, 2, 0xa1b2),
	};
	const struct acc movq[] = {
		WR(0xffc, 4, 0x89abcdef), WR(0x1000, 4, 0x01234567),
	};
	const struct acc add[] = {
		RD(0xffe, 2, 0xffff), RD(0x1000, 2, 0x0000),
		WR(0xffe, 2, 0x0000), WR(0x1000, 2, 0x0001),
	};
	unsigned long rip, fl;
	u32 l;

	dev_reset();
	writel(0xa1b2c3d4, dev(0xffe));
	l = readl(dev(0xffe));
	expect("movl across a page: 2 + 2 bytes each way", mov, N(mov),
	       RIP_ANY);
	value_eq("movl across a page: the value", l, 0xa1b2c3d4);

	dev_reset();
	writeq(0x0123456789abcdefULL, dev(0xffc));
	expect("writeq across a page: 4 + 4 bytes", movq, N(movq), RIP_ANY);

	dev_reset();
	writel(0x0000ffff, dev(0xffe));
	dev_clear();
	RMW_ASM("addl $1, %[m]", *(volatile u32 *)dev(0xffe), 0, rip, fl);
	expect("addl $1 across a page: both reads, then both writes", add,
	       N(add), rip);
	value_eq("addl $1 across a page: the sum", readl(dev(0xffe)),
		 0x10000);
	value_eq("addl $1 across a page: flags", fl & ARITH_FLAGS, 0);
}

/* --- SSE and AVX moves (64-bit) ---------------------------------------------------- */

#ifdef __x86_64__
static u8 vec_in[32] __attribute__((aligned(32)));
static u8 vec_out[32] __attribute__((aligned(32)));

#define CPUID_1_ECX_XSAVE	BIT(26)
#define CPUID_1_ECX_AVX		BIT(28)

/* SSE always (CR4.OSFXSR); AVX when the CPU has it (CR4.OSXSAVE, XCR0). */
static bool vec_enable(void)
{
	u32 a, b, c, d;

#ifdef TESTDEV_HOST
	/* A user process: SSE is on, AVX when the OS turned it on in XCR0. */
	cpuid(1, 0, &a, &b, &c, &d);
	if (!(c & BIT(27)) || !(c & CPUID_1_ECX_AVX))
		return false;
	asm volatile("xgetbv" : "=a"(a), "=d"(d) : "c"(0));
	return (a & 6) == 6;
#endif
	write_cr0((read_cr0() & ~(X86_CR0_EM | X86_CR0_TS)) | X86_CR0_MP);
	write_cr4(read_cr4() | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT);
	cpuid(1, 0, &a, &b, &c, &d);
	if (!(c & CPUID_1_ECX_XSAVE) || !(c & CPUID_1_ECX_AVX))
		return false;
	cpuid(0xd, 0, &a, &b, &c, &d);
	if (!(a & 4))
		return false;
	write_cr4(read_cr4() | X86_CR4_OSXSAVE);
	asm volatile("xsetbv" : : "a"(7), "d"(0), "c"(0) : "memory");
	return true;
}

/*
 * 16 bytes are two 8-byte accesses, ascending; @insn moves between %xmm0
 * (loaded from vec_in, stored to vec_out after) and %[m] at its RIP.
 */
#define VEC_ASM(insn_, mem_, rip_out)					\
	({								\
		asm volatile("movdqu %[in], %%xmm0\n\t"			\
			     "mov $1f, %[rip]\n"			\
			     "1:\t" insn_ "\n\t"				\
			     "movdqu %%xmm0, %[out]"			\
			     : [rip] "=&r"(rip_out),			\
			       [out] "=m"(*(u8 (*)[16])vec_out),	\
			       [m] "+m"(mem_)				\
			     : [in] "m"(*(const u8 (*)[16])vec_in)	\
			     : "memory");				\
	})

static noinline void test_sse(void)
{
	u8 crossing[16];
	unsigned long rip;
	u32 i;

	for (i = 0; i < sizeof(vec_in); i++)
		vec_in[i] = 0xc0 + i;
	{
		const struct acc want[] = {
			WR(0x800, 8, le(vec_in, 8)), WR(0x808, 8, le(vec_in + 8, 8)),
		};

		dev_reset();
		VEC_ASM("movdqu %%xmm0, %[m]", *(volatile u8 (*)[16])dev(0x800),
			rip);
		expect("movdqu %xmm0, (mem): two 8-byte writes", want, N(want),
		       rip);
	}
	{
		const struct acc want[] = {
			RD(0x800, 8, le(vec_in, 8)), RD(0x808, 8, le(vec_in + 8, 8)),
		};

		dev_clear();
		memset(vec_out, 0, sizeof(vec_out));
		VEC_ASM("movups %[m], %%xmm0", *(volatile u8 (*)[16])dev(0x800),
			rip);
		expect("movups (mem), %xmm0: two 8-byte reads", want, N(want),
		       rip);
		value_ok(!memcmp(vec_out, vec_in, 16),
			 "movups (mem), %xmm0: what movdqu wrote");
	}
	{
		const struct acc want[] = {
			WR(0x810, 8, le(vec_in, 8)), WR(0x818, 8, le(vec_in + 8, 8)),
			RD(0x810, 8, le(vec_in, 8)), RD(0x818, 8, le(vec_in + 8, 8)),
		};

		dev_reset();
		VEC_ASM("movdqa %%xmm0, %[m]", *(volatile u8 (*)[16])dev(0x810),
			rip);
		memset(vec_out, 0, sizeof(vec_out));
		VEC_ASM("movaps %[m], %%xmm0", *(volatile u8 (*)[16])dev(0x810),
			rip);
		expect("movdqa store, movaps load: 8-byte pieces", want, N(want),
		       RIP_ANY);
		value_ok(!memcmp(vec_out, vec_in, 16),
			 "movaps (mem), %xmm0: what movdqa wrote");
	}
	{
		const struct acc want[] = {
			RD(0x824, 8, pat(0x824, 8)), RD(0x82c, 8, pat(0x82c, 8)),
		};

		dev_reset();
		VEC_ASM("movdqu %[m], %%xmm0", *(volatile u8 (*)[16])dev(0x824),
			rip);
		expect("movdqu (mem), %xmm0 unaligned: +0x824, +0x82c", want,
		       N(want), rip);
		value_eq("movdqu unaligned: low quadword", le(vec_out, 8),
			 pat(0x824, 8));
		value_eq("movdqu unaligned: high quadword",
			 le(vec_out + 8, 8), pat(0x82c, 8));
	}
	{
		const struct acc want[] = {
			RD(0x840, 8, pat(0x840, 8)), WR(0x848, 4, pat(0x840, 4)),
		};

		dev_reset();
		asm volatile("mov $1f, %[rip]\n"
			     "1:\tmovq %[src], %%xmm1\n\t"
			     "movd %%xmm1, %[dst]"
			     : [rip] "=&r"(rip),
			       [dst] "=m"(*(volatile u32 *)dev(0x848))
			     : [src] "m"(*(volatile u64 *)dev(0x840)) : "memory");
		expect("movq (mem), %xmm1; movd %xmm1, (mem): 8 bytes in, 4 out",
		       want, N(want), RIP_ANY);
	}
	/* Across a page: pieces of at most 8 bytes, none crossing, ascending. */
	dev_reset();
	VEC_ASM("movdqu %%xmm0, %[m]", *(volatile u8 (*)[16])dev(0xffc), rip);
	expect_cover("movdqu %xmm0 across a page: ascending pieces within pages",
		     0xffc, 16, true, vec_in, true);
	memcpy(crossing, vec_in, 16);
	dev_clear();
	memset(vec_out, 0, sizeof(vec_out));
	VEC_ASM("movdqu %[m], %%xmm0", *(volatile u8 (*)[16])dev(0xffc), rip);
	expect_cover("movdqu (mem) across a page: ascending pieces within pages",
		     0xffc, 16, false, crossing, true);
	value_ok(!memcmp(vec_out, vec_in, 16),
		 "movdqu across a page: the 16 bytes back");
}

static noinline void test_avx(bool avx)
{
	unsigned long rip;
	u32 i;

	if (!avx) {
		guest_skip("vmovdqu %ymm0: four 8-byte writes", "no AVX");
		return;
	}
	for (i = 0; i < sizeof(vec_in); i++)
		vec_in[i] = 0x40 + 3 * i;
	{
		const struct acc want[] = {
			WR(0x880, 8, le(vec_in, 8)), WR(0x888, 8, le(vec_in + 8, 8)),
			WR(0x890, 8, le(vec_in + 16, 8)),
			WR(0x898, 8, le(vec_in + 24, 8)),
			RD(0x880, 8, le(vec_in, 8)), RD(0x888, 8, le(vec_in + 8, 8)),
			RD(0x890, 8, le(vec_in + 16, 8)),
			RD(0x898, 8, le(vec_in + 24, 8)),
		};

		dev_reset();
		memset(vec_out, 0, sizeof(vec_out));
		asm volatile("vmovdqu %[in], %%ymm2\n\t"
			     "mov $1f, %[rip]\n"
			     "1:\tvmovdqu %%ymm2, %[m]\n\t"
			     "vmovdqu %[m], %%ymm3\n\t"
			     "vmovdqu %%ymm3, %[out]"
			     : [rip] "=&r"(rip), [out] "=m"(vec_out),
			       [m] "+m"(*(volatile u8 (*)[32])dev(0x880))
			     : [in] "m"(vec_in) : "memory");
		expect("vmovdqu %ymm2 to and from (mem): four 8-byte pieces each way",
		       want, N(want), RIP_ANY);
		value_ok(!memcmp(vec_out, vec_in, 32),
			 "vmovdqu: the 32 bytes back");
	}
}
#endif

/* --- the local APIC's page ----------------------------------------------------------- */

#ifndef TESTDEV_HOST

#define APIC_PAGE	0xfee00000UL
#define APIC_TPR_REG	0x80
#define APIC_ICR_LO	0x300
#define APIC_ICR_HI	0x310

static volatile u32 *apic(u32 reg)
{
	return (volatile u32 *)(APIC_PAGE + reg);
}

/*
 * The ICR's delivery status with the kernel's local APIC, polled as Linux
 * does before it writes the ICR: readl() and the volatile form ("mov
 * (%reg),%edx; test $0x10,%dh"), TESTL $0x1000 on it through a register,
 * and here in place, "testl $0x1000,0xfee00300" on 32-bit (the absolute
 * form).  Then read-modify-writes of the TPR ("orl $0x10,0xfee00080" on
 * 32-bit, through %rbx on 64-bit).
 */
static noinline void test_apic_page(void)
{
	unsigned long rip, fl;
	u32 a, b, c, d, spins = SPINS;

	cpuid(1, 0, &a, &b, &c, &d);
	if (!(d & BIT(9))) {
		guest_skip("local APIC page: ICR polling, TPR", "no APIC (CPUID.1:EDX.APIC)");
		return;
	}
	value_ok(poll_readl(apic(APIC_ICR_LO)) > 0,
		 "APIC ICR: while (readl(icr) & BIT(12)) ends");
	value_ok(poll_volatile(apic(APIC_ICR_LO)) > 0,
		 "APIC ICR: while (*(volatile u32 *)icr & BIT(12)) ends");
	value_ok(poll_testl(apic(APIC_ICR_LO), &rip) > 0,
		 "APIC ICR: testl $0x1000 loop ends");
	asm volatile("1:\ttestl $0x1000, %[icr]\n\t"
		     "jz 2f\n\t"
		     "pause\n\t"
		     "dec %[spins]\n\t"
		     "jnz 1b\n"
		     "2:"
		     : [spins] "+r"(spins)
		     : [icr] "m"(*apic(APIC_ICR_LO)) : "memory", "cc");
	value_ok(spins > 0, "APIC ICR: testl $0x1000, 0xfee00300 loop ends");

	writel(0x20, apic(APIC_TPR_REG));
	RMW_ASM("orl $0x10, %[m]", *apic(APIC_TPR_REG), 0, rip, fl);
	value_eq("APIC TPR: orl $0x10", readl(apic(APIC_TPR_REG)) & 0xff,
		 0x30);
	RMW_ASM("addl $0x10, %[m]", *apic(APIC_TPR_REG), 0, rip, fl);
	value_eq("APIC TPR: addl $0x10", readl(apic(APIC_TPR_REG)) & 0xff,
		 0x40);
	RMW_ASM("andl $0x0f, %[m]", *apic(APIC_TPR_REG), 0, rip, fl);
	value_eq("APIC TPR: andl $0x0f", readl(apic(APIC_TPR_REG)) & 0xff,
		 0);
	value_eq("APIC TPR: andl $0x0f sets ZF", fl & X86_ZF, X86_ZF);
	writel(0, apic(APIC_TPR_REG));
}
#endif /* !TESTDEV_HOST */

#if defined(__x86_64__) && !defined(TESTDEV_HOST)
#define SELF_VECTOR	0x50

static volatile u32 self_irqs;

static void self_irq(struct irq_frame *f)
{
	(void)f;
	self_irqs++;
	lapic_eoi();
}

/* A self IPI through the ICR, then the TESTL loop until it is sent. */
static noinline void test_apic_ipi(void)
{
	unsigned long rip;
	u32 a, b, c, d, spins;

	cpuid(1, 0, &a, &b, &c, &d);
	if (!(d & BIT(9))) {
		guest_skip("local APIC: self IPI", "no APIC (CPUID.1:EDX.APIC)");
		return;
	}
	tsc_init();
	idt_init();
	lapic_init();
	irq_set_handler(SELF_VECTOR, self_irq);
	writel(0, apic(APIC_ICR_HI));
	writel(APIC_SH_SELF | APIC_DM_FIXED | APIC_LEVEL_ASSERT | SELF_VECTOR,
	       apic(APIC_ICR_LO));
	value_ok(poll_testl(apic(APIC_ICR_LO), &rip) > 0,
		 "self IPI: testl $0x1000 on the ICR ends");
	irq_enable();
	for (spins = 0; spins < 1000000 && !self_irqs; spins++)
		cpu_pause();
	irq_disable();
	value_eq("self IPI: taken once", self_irqs, 1);
}
#endif

void guest_main(void)
{
#ifdef __x86_64__
	bool avx;
#endif

	if (have_record) {
		if (!guest_check_eq("test device at 0xd0000000 (userctl run --test-device)",
				    dev_reg(TESTDEV_ID), TESTDEV_ID_VALUE))
			guest_done(NAME);
		guest_check(dev_reg(TESTDEV_CAPACITY) >= 64,
			    "test device: room for 64 accesses");
	} else {
		guest_note("the device is RAM here: values checked, no record");
	}
	test_accessors();
	test_polling();
	test_uart_lsr();
	test_bitops_const();
	test_bitops_var();
	test_memcpy_io();
	test_memset_io();
	test_movs_dev();
	test_struct_copy();
	test_xchg();
#ifdef __x86_64__
	test_cmpxchg16b();
#endif
	test_rmw_c();
	test_rmw_asm();
	test_page_cross();
#ifdef __x86_64__
	avx = vec_enable();
	test_sse();
	test_avx(avx);
#endif
#ifndef TESTDEV_HOST
	test_apic_page();
#ifdef __x86_64__
	test_apic_ipi();
#endif
#endif
	guest_puts("# ");
	guest_put_dec(values);
	guest_puts(" values checked\n");
	guest_check(!values_wrong, "what the instructions gave back");
	guest_done(NAME);
}
