// SPDX-License-Identifier: GPL-2.0
/*
 * fpu_test: x87, SSE and (when the CPU has it) AVX state survives exits
 * to userctl.  Distinct values go into two x87 registers, the x87 control
 * word, MXCSR and XMM0-XMM15 (YMM0-YMM15 with AVX); then come 1000 OUTs to
 * the UART scratch register and 100 loads from the MMIO hole, each an exit
 * that userctl handles with code free to use the FPU; then every register
 * is stored and compared.
 *
 * Built with -mgeneral-regs-only like the rest: the compiler never touches
 * an x87 or vector register here, which is why the asm can leave them out
 * of its clobbers (gcc refuses them with that option).
 */
#include "guest.h"

#define IO_EXITS	1000
#define MMIO_EXITS	100

#define CPUID_1_ECX_XSAVE	BIT(26)
#define CPUID_1_ECX_OSXSAVE	BIT(27)
#define CPUID_1_ECX_AVX		BIT(28)
#define XCR0_X87_SSE		0x3
#define XCR0_AVX		0x4

#define FCW	0x0f7f		/* all masked, 64-bit precision, truncate */
#define FSW	0x3000		/* TOP 6 after two loads, nothing else */
#define MXCSR	0x7f80		/* all masked, truncate */

/* What the asm below loads and stores; it addresses the fields by offset. */
struct fpu_regs {
	u8 st[2][16];		/* 80-bit ST0 and ST1 */
	u16 fcw;
	u16 fsw;
	u32 mxcsr;
	u8 vec[16][32];		/* XMMn is the low half of YMMn */
};

static struct fpu_regs want, got;

static void xgetbv0(u32 *lo, u32 *hi)
{
	asm volatile("xgetbv" : "=a"(*lo), "=d"(*hi) : "c"(0));
}

static void xsetbv0(u32 lo)
{
	asm volatile("xsetbv" : : "a"(lo), "d"(0), "c"(0) : "memory");
}

static void fill(void)
{
	static const u8 st0[10] = {
		0xef, 0xcd, 0xab, 0x89, 0x67, 0x45, 0x23, 0x81, 0x05, 0x40
	};
	static const u8 st1[10] = {
		0x10, 0x32, 0x54, 0x76, 0x98, 0xba, 0xdc, 0xfe, 0x01, 0xc0
	};
	u32 lane[8];
	int r, i;

	memcpy(want.st[1], st1, sizeof(st1));
	memcpy(want.st[0], st0, sizeof(st0));
	want.fcw = FCW;
	want.fsw = FSW;
	want.mxcsr = MXCSR;
	for (r = 0; r < 16; r++) {
		for (i = 0; i < 8; i++)
			lane[i] = 0xa5000000 | r << 16 | i << 8 | 0x5a;
		memcpy(want.vec[r], lane, sizeof(lane));
	}
}

/*
 * Load the registers from @want, exit many times, store them to @got.
 * ".irp r" repeats its body for each register number, as \r.
 */
static void run(bool avx)
{
	unsigned long io = IO_EXITS, mmio = MMIO_EXITS, scratch;

	asm volatile("fninit\n\t"
		     "fldcw %c[fcw](%[in])\n\t"
		     "fldt %c[st1](%[in])\n\t"
		     "fldt %c[st0](%[in])\n\t"
		     "ldmxcsr %c[mxcsr](%[in])\n\t"
		     "test %[avx], %[avx]\n\t"
		     "jz 1f\n\t"
		     ".irp r, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n\t"
		     "vmovdqu %c[vec]+\\r*32(%[in]), %%ymm\\r\n\t"
		     ".endr\n\t"
		     "jmp 2f\n"
		     "1:\n\t"
		     ".irp r, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n\t"
		     "movdqu %c[vec]+\\r*32(%[in]), %%xmm\\r\n\t"
		     ".endr\n"
		     "2:\n\t"
		     "movb $0x5a, %%al\n"
		     "3:\n\t"
		     "outb %%al, %%dx\n\t"
		     "dec %[io]\n\t"
		     "jnz 3b\n"
		     "4:\n\t"
		     "movl (%[hole]), %%eax\n\t"
		     "dec %[mmio]\n\t"
		     "jnz 4b\n\t"
		     "test %[avx], %[avx]\n\t"
		     "jz 5f\n\t"
		     ".irp r, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n\t"
		     "vmovdqu %%ymm\\r, %c[vec]+\\r*32(%[out])\n\t"
		     ".endr\n\t"
		     "jmp 6f\n"
		     "5:\n\t"
		     ".irp r, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n\t"
		     "movdqu %%xmm\\r, %c[vec]+\\r*32(%[out])\n\t"
		     ".endr\n"
		     "6:\n\t"
		     "stmxcsr %c[mxcsr](%[out])\n\t"
		     "fnstcw %c[fcw](%[out])\n\t"
		     "fnstsw %c[fsw](%[out])\n\t"
		     "fstpt %c[st0](%[out])\n\t"
		     "fstpt %c[st1](%[out])"
		     : [io] "+c"(io), [mmio] "+r"(mmio), "=&a"(scratch)
		     : [in] "r"(&want), [out] "r"(&got),
		       [avx] "r"((unsigned long)avx),
		       [hole] "r"((unsigned long)AXV_MMIO_HOLE),
		       "d"(AXV_UART_SCR),
		       [st0] "i"(offsetof(struct fpu_regs, st[0])),
		       [st1] "i"(offsetof(struct fpu_regs, st[1])),
		       [fcw] "i"(offsetof(struct fpu_regs, fcw)),
		       [fsw] "i"(offsetof(struct fpu_regs, fsw)),
		       [mxcsr] "i"(offsetof(struct fpu_regs, mxcsr)),
		       [vec] "i"(offsetof(struct fpu_regs, vec))
		     : "memory", "cc");
}

/* Compare @len bytes at @off of registers first..last; name the bad ones. */
static void check_vec(const char *what, int first, int last, int off,
		      int len)
{
	bool good = true;
	int r;

	for (r = first; r <= last; r++) {
		if (!memcmp(got.vec[r] + off, want.vec[r] + off, len))
			continue;
		guest_puts(good ? "# differs:" : "");
		guest_puts(" register ");
		guest_put_dec(r);
		good = false;
	}
	if (!good)
		guest_putc('\n');
	guest_check(good, what);
}

/* CR0, CR4 and XCR0 for x87, SSE and, if the CPU has it, AVX. */
static bool enable(void)
{
	u32 a, b, c, d, c1, xcr0, hi;
	unsigned long cr0, cr4;
	bool avx = false;

	cpuid(1, 0, &a, &b, &c1, &d);
	cr4 = read_cr4();
	guest_check_eq("CPUID.1:ECX.OSXSAVE follows CR4.OSXSAVE",
		       !!(c1 & CPUID_1_ECX_OSXSAVE),
		       !!(cr4 & X86_CR4_OSXSAVE));

	cr0 = read_cr0();
	cr0 &= ~(X86_CR0_EM | X86_CR0_TS);
	cr0 |= X86_CR0_MP | X86_CR0_NE;
	write_cr0(cr0);
	cr4 |= X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;
	if (!(c1 & CPUID_1_ECX_XSAVE)) {
		write_cr4(cr4);
		guest_skip("XSETBV", "no XSAVE");
		return false;
	}
	write_cr4(cr4 | X86_CR4_OSXSAVE);
	cpuid(1, 0, &a, &b, &c, &d);
	guest_check(c & CPUID_1_ECX_OSXSAVE,
		    "CPUID.1:ECX.OSXSAVE set with CR4.OSXSAVE");

	xcr0 = XCR0_X87_SSE;
	if (c1 & CPUID_1_ECX_AVX) {
		cpuid(0xd, 0, &a, &b, &c, &d);
		if (a & XCR0_AVX) {
			xcr0 |= XCR0_AVX;
			avx = true;
		}
	}
	xsetbv0(xcr0);
	xgetbv0(&a, &hi);
	guest_check_eq("XCR0 after XSETBV", (u64)hi << 32 | a, xcr0);
	return avx;
}

void guest_main(void)
{
	bool avx = enable();

	guest_note(avx ? "AVX: yes, testing YMM0-YMM15" :
			 "AVX: no, testing XMM0-XMM15");
	fill();
	run(avx);
	guest_check_eq("x87 control word", got.fcw, want.fcw);
	guest_check_eq("x87 status word", got.fsw, want.fsw);
	guest_check(!memcmp(got.st[0], want.st[0], 10), "x87 ST0");
	guest_check(!memcmp(got.st[1], want.st[1], 10), "x87 ST1");
	guest_check_eq("MXCSR", got.mxcsr, want.mxcsr);
	check_vec("XMM0-XMM7", 0, 7, 0, 16);
	check_vec("XMM8-XMM15", 8, 15, 0, 16);
	if (avx)
		check_vec("YMM0-YMM15 upper halves", 0, 15, 16, 16);
	else
		guest_skip("YMM0-YMM15 upper halves", "no AVX");
	guest_done("fpu_test");
}
