// SPDX-License-Identifier: GPL-2.0
/*
 * mmio_test (ELF32) and mmio_test64 (ELF64): loads and stores of every
 * width and of the forms compilers emit, at a guest-physical address with
 * no RAM.  userctl's MMIO bus is empty: loads read all ones, stores are
 * dropped, nothing faults.  Each form is written as inline asm so that it
 * is exactly the instruction named.
 */
#include "guest.h"

#define STR(x)		#x
#define XSTR(x)		STR(x)
#define HOLE		XSTR(AXV_MMIO_HOLE)

#ifdef __x86_64__
#define NAME		"mmio_test64"
#define MOFFS		"movabs "	/* the A0-A3 forms, 64-bit offset */
#define PRESET		0x1122334455667788UL
#else
#define NAME		"mmio_test"
#define MOFFS		"mov "		/* the A0-A3 forms, 32-bit offset */
#define PRESET		0x11223344UL
#endif

/* volatile: the address stays in a register, never an absolute operand. */
static volatile unsigned long hole = AXV_MMIO_HOLE;

static void test_loads(unsigned long m)
{
	unsigned long r;
	u16 w;
	u8 b;
	u32 l;

	asm volatile("movb (%1), %0" : "=q"(b) : "r"(m) : "memory");
	guest_check_eq("movb load", b, 0xff);
	asm volatile("movw (%1), %0" : "=r"(w) : "r"(m) : "memory");
	guest_check_eq("movw load", w, 0xffff);
	asm volatile("movl (%1), %0" : "=r"(l) : "r"(m) : "memory");
	guest_check_eq("movl load", l, 0xffffffff);
	asm volatile("movl (%1), %0" : "=r"(l) : "r"(m + 0x1001) : "memory");
	guest_check_eq("movl load, unaligned", l, 0xffffffff);
	asm volatile("movzbl (%1), %0" : "=r"(l) : "r"(m) : "memory");
	guest_check_eq("movzbl load", l, 0xff);
	asm volatile("movsbl (%1), %0" : "=r"(l) : "r"(m) : "memory");
	guest_check_eq("movsbl load", l, 0xffffffff);
	asm volatile("movzwl (%1), %0" : "=r"(l) : "r"(m) : "memory");
	guest_check_eq("movzwl load", l, 0xffff);
	asm volatile("movswl (%1), %0" : "=r"(l) : "r"(m) : "memory");
	guest_check_eq("movswl load", l, 0xffffffff);
	asm volatile(MOFFS HOLE ", %0" : "=a"(b) : : "memory");
	guest_check_eq("movb load, moffs form", b, 0xff);
	asm volatile(MOFFS HOLE ", %0" : "=a"(l) : : "memory");
	guest_check_eq("movl load, moffs form", l, 0xffffffff);

	/* Byte and word loads keep the rest of the register. */
	r = PRESET;
	asm volatile("movb (%1), %b0" : "+q"(r) : "r"(m) : "memory");
	guest_check_eq("movb load keeps the upper bits", r,
		       (PRESET & ~0xffUL) | 0xff);
	r = PRESET;
	asm volatile("movb (%1), %h0" : "+Q"(r) : "S"(m) : "memory");
	guest_check_eq("movb load to a high byte register", r,
		       (PRESET & ~0xff00UL) | 0xff00);
	r = PRESET;
	asm volatile("movw (%1), %w0" : "+r"(r) : "r"(m) : "memory");
	guest_check_eq("movw load keeps the upper bits", r,
		       (PRESET & ~0xffffUL) | 0xffff);
#ifdef __x86_64__
	/* ... and a 32-bit load clears the upper half. */
	r = PRESET;
	asm volatile("movl (%1), %k0" : "+r"(r) : "r"(m) : "memory");
	guest_check_eq("movl load zero-extends", r, 0xffffffff);
	asm volatile("movq (%1), %0" : "=r"(r) : "r"(m) : "memory");
	guest_check_eq("movq load", r, ~0UL);
	asm volatile("movq (%1), %0" : "=r"(r) : "r"(m + 0x1003) : "memory");
	guest_check_eq("movq load, unaligned", r, ~0UL);
	asm volatile("movzbq (%1), %0" : "=r"(r) : "r"(m) : "memory");
	guest_check_eq("movzbq load", r, 0xff);
	asm volatile("movsbq (%1), %0" : "=r"(r) : "r"(m) : "memory");
	guest_check_eq("movsbq load", r, ~0UL);
	asm volatile("movswq (%1), %0" : "=r"(r) : "r"(m) : "memory");
	guest_check_eq("movswq load", r, ~0UL);
	asm volatile("movslq (%1), %0" : "=r"(r) : "r"(m) : "memory");
	guest_check_eq("movslq load", r, ~0UL);
	asm volatile(MOFFS HOLE ", %0" : "=a"(r) : : "memory");
	guest_check_eq("movq load, moffs form", r, ~0UL);
#endif
}

/* After a store, the hole still reads all ones. */
static void stored(const char *what, unsigned long m)
{
	u32 l;

	asm volatile("movl (%1), %0" : "=r"(l) : "r"(m) : "memory");
	guest_check_eq(what, l, 0xffffffff);
}

static void test_stores(unsigned long m)
{
	unsigned long di;

	asm volatile("movb %1, (%0)" : : "r"(m), "q"((u8)0x12) : "memory");
	stored("movb store", m);
	asm volatile("movw %1, (%0)" : : "r"(m), "r"((u16)0x1234) : "memory");
	stored("movw store", m);
	asm volatile("movl %1, (%0)" : : "r"(m), "r"(0x12345678) : "memory");
	stored("movl store", m);
	asm volatile("movb $0x12, (%0)" : : "r"(m) : "memory");
	stored("movb store of an immediate", m);
	asm volatile("movw $0x1234, (%0)" : : "r"(m) : "memory");
	stored("movw store of an immediate", m);
	asm volatile("movl $0x12345678, (%0)" : : "r"(m) : "memory");
	stored("movl store of an immediate", m);
	asm volatile(MOFFS "%0, " HOLE : : "a"((u8)0x12) : "memory");
	stored("movb store, moffs form", m);
	asm volatile(MOFFS "%0, " HOLE : : "a"(0x12345678) : "memory");
	stored("movl store, moffs form", m);
#ifdef __x86_64__
	asm volatile("movq %1, (%0)" : : "r"(m), "r"(PRESET) : "memory");
	stored("movq store", m);
	asm volatile("movq $-2, (%0)" : : "r"(m) : "memory");
	stored("movq store of an immediate", m);
	asm volatile(MOFFS "%0, " HOLE : : "a"(PRESET) : "memory");
	stored("movq store, moffs form", m);
#endif

	di = m;
	asm volatile("stosb" : "+D"(di) : "a"(0x12) : "memory");
	guest_check_eq("stosb: EDI", di, m + 1);
	di = m;
	asm volatile("stosw" : "+D"(di) : "a"(0x1234) : "memory");
	guest_check_eq("stosw: EDI", di, m + 2);
	di = m;
	asm volatile("stosl" : "+D"(di) : "a"(0x12345678) : "memory");
	guest_check_eq("stosl: EDI", di, m + 4);
#ifdef __x86_64__
	di = m;
	asm volatile("stosq" : "+D"(di) : "a"(PRESET) : "memory");
	guest_check_eq("stosq: RDI", di, m + 8);
#endif
	stored("load after the stos stores", m);
}

void guest_main(void)
{
	unsigned long m = hole;

	test_loads(m);
	test_stores(m);
	guest_done(NAME);
}
