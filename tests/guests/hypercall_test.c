// SPDX-License-Identifier: GPL-2.0
/*
 * hypercall_test (ELF32) and hypercall_test64 (ELF64): VMCALL "ping"
 * returns its argument plus one, other numbers return -38 (ENOSYS), and
 * the registers other than RAX come back as they went in.
 */
#include "guest.h"

#ifdef __x86_64__
#define NAME		"hypercall_test64"
#else
#define NAME		"hypercall_test"
#endif

static unsigned long hypercall(unsigned long nr, unsigned long arg)
{
	asm volatile("vmcall" : "+a"(nr) : "b"(arg) : "memory");
	return nr;
}

static void test_ping(unsigned long arg)
{
	guest_puts("# ping ");
	guest_put_hex(arg);
	guest_putc('\n');
	guest_check_eq("ping returns its argument + 1",
		       hypercall(AXV_HC_PING, arg), arg + 1);
}

static void test_unknown(unsigned long nr)
{
	guest_puts("# hypercall ");
	guest_put_hex(nr);
	guest_putc('\n');
	guest_check_eq("an unknown hypercall returns -38", hypercall(nr, 0),
		       (unsigned long)AXV_HC_ENOSYS);
}

/* Patterns in every register the asm can name; all but RAX must stay. */
static void test_registers(void)
{
	unsigned long a = AXV_HC_PING, b = 0x0b0b0b0b, c = 0x0c0c0c0c;
	unsigned long d = 0x0d0d0d0d, s = 0x05050505, di = 0x0d1d1d1d;
	bool same;
#ifdef __x86_64__
	register unsigned long r8 asm("r8") = 0x0808080808080808UL;
	register unsigned long r9 asm("r9") = 0x0909090909090909UL;
	register unsigned long r10 asm("r10") = 0x1010101010101010UL;
	register unsigned long r11 asm("r11") = 0x1111111111111111UL;
	register unsigned long r12 asm("r12") = 0x1212121212121212UL;
	register unsigned long r13 asm("r13") = 0x1313131313131313UL;
	register unsigned long r14 asm("r14") = 0x1414141414141414UL;
	register unsigned long r15 asm("r15") = 0x1515151515151515UL;

	asm volatile("vmcall"
		     : "+a"(a), "+b"(b), "+c"(c), "+d"(d), "+S"(s), "+D"(di),
		       "+r"(r8), "+r"(r9), "+r"(r10), "+r"(r11), "+r"(r12),
		       "+r"(r13), "+r"(r14), "+r"(r15)
		     : : "memory");
	guest_check(r8 == 0x0808080808080808UL && r9 == 0x0909090909090909UL &&
		    r10 == 0x1010101010101010UL &&
		    r11 == 0x1111111111111111UL &&
		    r12 == 0x1212121212121212UL &&
		    r13 == 0x1313131313131313UL &&
		    r14 == 0x1414141414141414UL &&
		    r15 == 0x1515151515151515UL,
		    "R8-R15 preserved across VMCALL");
#else
	asm volatile("vmcall"
		     : "+a"(a), "+b"(b), "+c"(c), "+d"(d), "+S"(s), "+D"(di)
		     : : "memory");
#endif
	guest_check_eq("ping result with patterns in the registers", a,
		       0x0b0b0b0b + 1);
	same = b == 0x0b0b0b0b && c == 0x0c0c0c0c && d == 0x0d0d0d0d &&
	       s == 0x05050505 && di == 0x0d1d1d1d;
	guest_check(same, "EBX, ECX, EDX, ESI, EDI preserved across VMCALL");
}

void guest_main(void)
{
	test_ping(0);
	test_ping(1);
	test_ping(41);
	test_ping(0x7fffffff);
	test_ping(0xfffffffe);
	test_ping(0xffffffff);		/* wraps to 0 in 32-bit mode */
#ifdef __x86_64__
	test_ping(0x123456789abcdef0UL);
	test_ping(~0UL - 1);
	test_ping(~0UL);
#endif
	test_unknown(1);
	test_unknown(2);
	test_unknown(0x7fffffff);
	test_unknown(0xffffffff);
#ifdef __x86_64__
	/* The number is all of RAX in 64-bit mode: this is not ping. */
	test_unknown(0x100000000UL);
#endif
	test_registers();
	guest_done(NAME);
}
