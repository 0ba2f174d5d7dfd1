// SPDX-License-Identifier: GPL-2.0
/*
 * Arithmetic, logic, shifts and bit tests, run on the host: the guest's
 * status flags are loaded into RFLAGS, the same instruction runs on
 * register copies of the operands, and the flags it leaves are taken
 * back.  Results and flags, the ones the SDM leaves undefined included,
 * are then those of the CPU the guest runs on, which no model written
 * from the SDM could promise.  Only the status flags (CF, PF, AF, ZF, SF,
 * OF) go in and out; the host's IF, DF, TF and AC are left as they are.
 *
 * Each routine pushes and pops RFLAGS inside its asm: whoever builds this
 * code must not keep data below the stack pointer (the kernel has no red
 * zone; the host test program is built with -mno-red-zone).
 */
#include <linux/kernel.h>

#include "emul_internal.h"

/*
 * Around the instruction: RFLAGS with the guest's status flags in, then
 * RFLAGS out.  %[f] holds the status flags, in and out.
 */
#define EMU_FLAGS_IN							\
	"pushf\n\t"							\
	"andq %[keep], (%%rsp)\n\t"					\
	"orq %[f], (%%rsp)\n\t"						\
	"popf\n\t"
#define EMU_FLAGS_OUT							\
	"\n\tpushf\n\t"							\
	"popq %[f]"
#define EMU_KEEP_MASK	(~(long)EMU_FL_ARITH)

/*
 * One instruction on the caller's locals: d (destination, in and out),
 * s (source), c (a count for CL), f (the status flags, in and out).
 */
#define EMU_ASM2(insn)							\
	asm(EMU_FLAGS_IN insn EMU_FLAGS_OUT				\
	    : [d] "+r" (d), [f] "+r" (f)				\
	    : [s] "r" (s), [keep] "i" (EMU_KEEP_MASK) : "cc")
#define EMU_ASM_CL(insn)						\
	asm(EMU_FLAGS_IN insn EMU_FLAGS_OUT				\
	    : [d] "+r" (d), [f] "+r" (f)				\
	    : "c" (c), [keep] "i" (EMU_KEEP_MASK) : "cc")
#define EMU_ASM1(insn)							\
	asm(EMU_FLAGS_IN insn EMU_FLAGS_OUT				\
	    : [d] "+r" (d), [f] "+r" (f)				\
	    : [keep] "i" (EMU_KEEP_MASK) : "cc")

/* An operation and an operand size (0: byte, 1: word, 2: dword, 3: qword). */
#define EMU_KEY(sub, width)	((sub) << 2 | (width))

/* Two operands: ADD..CMP, TEST, and the bit tests (no byte form). */
static u64 emu_binary(unsigned int key, u64 d, u64 s, unsigned long f,
		      unsigned long *fp)
{
	switch (key) {
	case EMU_KEY(EMU_ALU_ADD, 0):
		EMU_ASM2("addb %b[s], %b[d]");
		break;
	case EMU_KEY(EMU_ALU_ADD, 1):
		EMU_ASM2("addw %w[s], %w[d]");
		break;
	case EMU_KEY(EMU_ALU_ADD, 2):
		EMU_ASM2("addl %k[s], %k[d]");
		break;
	case EMU_KEY(EMU_ALU_ADD, 3):
		EMU_ASM2("addq %[s], %[d]");
		break;
	case EMU_KEY(EMU_ALU_OR, 0):
		EMU_ASM2("orb %b[s], %b[d]");
		break;
	case EMU_KEY(EMU_ALU_OR, 1):
		EMU_ASM2("orw %w[s], %w[d]");
		break;
	case EMU_KEY(EMU_ALU_OR, 2):
		EMU_ASM2("orl %k[s], %k[d]");
		break;
	case EMU_KEY(EMU_ALU_OR, 3):
		EMU_ASM2("orq %[s], %[d]");
		break;
	case EMU_KEY(EMU_ALU_ADC, 0):
		EMU_ASM2("adcb %b[s], %b[d]");
		break;
	case EMU_KEY(EMU_ALU_ADC, 1):
		EMU_ASM2("adcw %w[s], %w[d]");
		break;
	case EMU_KEY(EMU_ALU_ADC, 2):
		EMU_ASM2("adcl %k[s], %k[d]");
		break;
	case EMU_KEY(EMU_ALU_ADC, 3):
		EMU_ASM2("adcq %[s], %[d]");
		break;
	case EMU_KEY(EMU_ALU_SBB, 0):
		EMU_ASM2("sbbb %b[s], %b[d]");
		break;
	case EMU_KEY(EMU_ALU_SBB, 1):
		EMU_ASM2("sbbw %w[s], %w[d]");
		break;
	case EMU_KEY(EMU_ALU_SBB, 2):
		EMU_ASM2("sbbl %k[s], %k[d]");
		break;
	case EMU_KEY(EMU_ALU_SBB, 3):
		EMU_ASM2("sbbq %[s], %[d]");
		break;
	case EMU_KEY(EMU_ALU_AND, 0):
		EMU_ASM2("andb %b[s], %b[d]");
		break;
	case EMU_KEY(EMU_ALU_AND, 1):
		EMU_ASM2("andw %w[s], %w[d]");
		break;
	case EMU_KEY(EMU_ALU_AND, 2):
		EMU_ASM2("andl %k[s], %k[d]");
		break;
	case EMU_KEY(EMU_ALU_AND, 3):
		EMU_ASM2("andq %[s], %[d]");
		break;
	case EMU_KEY(EMU_ALU_SUB, 0):
		EMU_ASM2("subb %b[s], %b[d]");
		break;
	case EMU_KEY(EMU_ALU_SUB, 1):
		EMU_ASM2("subw %w[s], %w[d]");
		break;
	case EMU_KEY(EMU_ALU_SUB, 2):
		EMU_ASM2("subl %k[s], %k[d]");
		break;
	case EMU_KEY(EMU_ALU_SUB, 3):
		EMU_ASM2("subq %[s], %[d]");
		break;
	case EMU_KEY(EMU_ALU_XOR, 0):
		EMU_ASM2("xorb %b[s], %b[d]");
		break;
	case EMU_KEY(EMU_ALU_XOR, 1):
		EMU_ASM2("xorw %w[s], %w[d]");
		break;
	case EMU_KEY(EMU_ALU_XOR, 2):
		EMU_ASM2("xorl %k[s], %k[d]");
		break;
	case EMU_KEY(EMU_ALU_XOR, 3):
		EMU_ASM2("xorq %[s], %[d]");
		break;
	case EMU_KEY(EMU_ALU_CMP, 0):
		EMU_ASM2("cmpb %b[s], %b[d]");
		break;
	case EMU_KEY(EMU_ALU_CMP, 1):
		EMU_ASM2("cmpw %w[s], %w[d]");
		break;
	case EMU_KEY(EMU_ALU_CMP, 2):
		EMU_ASM2("cmpl %k[s], %k[d]");
		break;
	case EMU_KEY(EMU_ALU_CMP, 3):
		EMU_ASM2("cmpq %[s], %[d]");
		break;
	case EMU_KEY(EMU_ALU_TEST, 0):
		EMU_ASM2("testb %b[s], %b[d]");
		break;
	case EMU_KEY(EMU_ALU_TEST, 1):
		EMU_ASM2("testw %w[s], %w[d]");
		break;
	case EMU_KEY(EMU_ALU_TEST, 2):
		EMU_ASM2("testl %k[s], %k[d]");
		break;
	case EMU_KEY(EMU_ALU_TEST, 3):
		EMU_ASM2("testq %[s], %[d]");
		break;
	case EMU_KEY(EMU_ALU_BT, 1):
		EMU_ASM2("btw %w[s], %w[d]");
		break;
	case EMU_KEY(EMU_ALU_BT, 2):
		EMU_ASM2("btl %k[s], %k[d]");
		break;
	case EMU_KEY(EMU_ALU_BT, 3):
		EMU_ASM2("btq %[s], %[d]");
		break;
	case EMU_KEY(EMU_ALU_BTS, 1):
		EMU_ASM2("btsw %w[s], %w[d]");
		break;
	case EMU_KEY(EMU_ALU_BTS, 2):
		EMU_ASM2("btsl %k[s], %k[d]");
		break;
	case EMU_KEY(EMU_ALU_BTS, 3):
		EMU_ASM2("btsq %[s], %[d]");
		break;
	case EMU_KEY(EMU_ALU_BTR, 1):
		EMU_ASM2("btrw %w[s], %w[d]");
		break;
	case EMU_KEY(EMU_ALU_BTR, 2):
		EMU_ASM2("btrl %k[s], %k[d]");
		break;
	case EMU_KEY(EMU_ALU_BTR, 3):
		EMU_ASM2("btrq %[s], %[d]");
		break;
	case EMU_KEY(EMU_ALU_BTC, 1):
		EMU_ASM2("btcw %w[s], %w[d]");
		break;
	case EMU_KEY(EMU_ALU_BTC, 2):
		EMU_ASM2("btcl %k[s], %k[d]");
		break;
	case EMU_KEY(EMU_ALU_BTC, 3):
		EMU_ASM2("btcq %[s], %[d]");
		break;
	}
	*fp = f;
	return d;
}

/* Shifts and rotates by CL: the CPU masks the count itself. */
static u64 emu_shift(unsigned int key, u64 d, u8 c, unsigned long f,
		     unsigned long *fp)
{
	switch (key) {
	case EMU_KEY(EMU_ALU_ROL, 0):
		EMU_ASM_CL("rolb %%cl, %b[d]");
		break;
	case EMU_KEY(EMU_ALU_ROL, 1):
		EMU_ASM_CL("rolw %%cl, %w[d]");
		break;
	case EMU_KEY(EMU_ALU_ROL, 2):
		EMU_ASM_CL("roll %%cl, %k[d]");
		break;
	case EMU_KEY(EMU_ALU_ROL, 3):
		EMU_ASM_CL("rolq %%cl, %[d]");
		break;
	case EMU_KEY(EMU_ALU_ROR, 0):
		EMU_ASM_CL("rorb %%cl, %b[d]");
		break;
	case EMU_KEY(EMU_ALU_ROR, 1):
		EMU_ASM_CL("rorw %%cl, %w[d]");
		break;
	case EMU_KEY(EMU_ALU_ROR, 2):
		EMU_ASM_CL("rorl %%cl, %k[d]");
		break;
	case EMU_KEY(EMU_ALU_ROR, 3):
		EMU_ASM_CL("rorq %%cl, %[d]");
		break;
	case EMU_KEY(EMU_ALU_RCL, 0):
		EMU_ASM_CL("rclb %%cl, %b[d]");
		break;
	case EMU_KEY(EMU_ALU_RCL, 1):
		EMU_ASM_CL("rclw %%cl, %w[d]");
		break;
	case EMU_KEY(EMU_ALU_RCL, 2):
		EMU_ASM_CL("rcll %%cl, %k[d]");
		break;
	case EMU_KEY(EMU_ALU_RCL, 3):
		EMU_ASM_CL("rclq %%cl, %[d]");
		break;
	case EMU_KEY(EMU_ALU_RCR, 0):
		EMU_ASM_CL("rcrb %%cl, %b[d]");
		break;
	case EMU_KEY(EMU_ALU_RCR, 1):
		EMU_ASM_CL("rcrw %%cl, %w[d]");
		break;
	case EMU_KEY(EMU_ALU_RCR, 2):
		EMU_ASM_CL("rcrl %%cl, %k[d]");
		break;
	case EMU_KEY(EMU_ALU_RCR, 3):
		EMU_ASM_CL("rcrq %%cl, %[d]");
		break;
	case EMU_KEY(EMU_ALU_SHL, 0):
		EMU_ASM_CL("shlb %%cl, %b[d]");
		break;
	case EMU_KEY(EMU_ALU_SHL, 1):
		EMU_ASM_CL("shlw %%cl, %w[d]");
		break;
	case EMU_KEY(EMU_ALU_SHL, 2):
		EMU_ASM_CL("shll %%cl, %k[d]");
		break;
	case EMU_KEY(EMU_ALU_SHL, 3):
		EMU_ASM_CL("shlq %%cl, %[d]");
		break;
	case EMU_KEY(EMU_ALU_SHR, 0):
		EMU_ASM_CL("shrb %%cl, %b[d]");
		break;
	case EMU_KEY(EMU_ALU_SHR, 1):
		EMU_ASM_CL("shrw %%cl, %w[d]");
		break;
	case EMU_KEY(EMU_ALU_SHR, 2):
		EMU_ASM_CL("shrl %%cl, %k[d]");
		break;
	case EMU_KEY(EMU_ALU_SHR, 3):
		EMU_ASM_CL("shrq %%cl, %[d]");
		break;
	case EMU_KEY(EMU_ALU_SAR, 0):
		EMU_ASM_CL("sarb %%cl, %b[d]");
		break;
	case EMU_KEY(EMU_ALU_SAR, 1):
		EMU_ASM_CL("sarw %%cl, %w[d]");
		break;
	case EMU_KEY(EMU_ALU_SAR, 2):
		EMU_ASM_CL("sarl %%cl, %k[d]");
		break;
	case EMU_KEY(EMU_ALU_SAR, 3):
		EMU_ASM_CL("sarq %%cl, %[d]");
		break;
	}
	*fp = f;
	return d;
}

/* INC, DEC, NOT, NEG. */
static u64 emu_unary(unsigned int key, u64 d, unsigned long f,
		     unsigned long *fp)
{
	switch (key) {
	case EMU_KEY(EMU_ALU_INC, 0):
		EMU_ASM1("incb %b[d]");
		break;
	case EMU_KEY(EMU_ALU_INC, 1):
		EMU_ASM1("incw %w[d]");
		break;
	case EMU_KEY(EMU_ALU_INC, 2):
		EMU_ASM1("incl %k[d]");
		break;
	case EMU_KEY(EMU_ALU_INC, 3):
		EMU_ASM1("incq %[d]");
		break;
	case EMU_KEY(EMU_ALU_DEC, 0):
		EMU_ASM1("decb %b[d]");
		break;
	case EMU_KEY(EMU_ALU_DEC, 1):
		EMU_ASM1("decw %w[d]");
		break;
	case EMU_KEY(EMU_ALU_DEC, 2):
		EMU_ASM1("decl %k[d]");
		break;
	case EMU_KEY(EMU_ALU_DEC, 3):
		EMU_ASM1("decq %[d]");
		break;
	case EMU_KEY(EMU_ALU_NOT, 0):
		EMU_ASM1("notb %b[d]");
		break;
	case EMU_KEY(EMU_ALU_NOT, 1):
		EMU_ASM1("notw %w[d]");
		break;
	case EMU_KEY(EMU_ALU_NOT, 2):
		EMU_ASM1("notl %k[d]");
		break;
	case EMU_KEY(EMU_ALU_NOT, 3):
		EMU_ASM1("notq %[d]");
		break;
	case EMU_KEY(EMU_ALU_NEG, 0):
		EMU_ASM1("negb %b[d]");
		break;
	case EMU_KEY(EMU_ALU_NEG, 1):
		EMU_ASM1("negw %w[d]");
		break;
	case EMU_KEY(EMU_ALU_NEG, 2):
		EMU_ASM1("negl %k[d]");
		break;
	case EMU_KEY(EMU_ALU_NEG, 3):
		EMU_ASM1("negq %[d]");
		break;
	}
	*fp = f;
	return d;
}

static unsigned int emu_width(unsigned int size)
{
	return size == 8 ? 3 : size == 4 ? 2 : size == 2 ? 1 : 0;
}

u64 emu_alu(unsigned int sub, unsigned int size, u64 dst, u64 src,
	    u64 *rflags)
{
	unsigned long f = *rflags & EMU_FL_ARITH;
	unsigned int key;

	/* The bit tests have no byte form; their callers pass 2 to 8. */
	key = EMU_KEY(sub == EMU_ALU_SAL ? EMU_ALU_SHL : sub, emu_width(size));
	if (sub <= EMU_ALU_CMP || sub == EMU_ALU_TEST || sub >= EMU_ALU_BT)
		dst = emu_binary(key, dst, src, f, &f);
	else if (sub <= EMU_ALU_SAR)
		/* /6 executes as /4: SAL and SHL are one instruction. */
		dst = emu_shift(key, dst, src, f, &f);
	else
		dst = emu_unary(key, dst, f, &f);
	*rflags = (*rflags & ~(u64)EMU_FL_ARITH) | (f & EMU_FL_ARITH);
	return dst;
}

u64 emu_cmpxchg(unsigned int size, u64 dst, u64 src, u64 *rax, u64 *rflags)
{
	unsigned long f = *rflags & EMU_FL_ARITH;
	u64 a = *rax, d = dst, s = src;

	switch (size) {
	case 1:
		asm(EMU_FLAGS_IN "cmpxchgb %b[s], %b[d]" EMU_FLAGS_OUT
		    : [d] "+r" (d), [f] "+r" (f), "+a" (a)
		    : [s] "r" (s), [keep] "i" (EMU_KEEP_MASK) : "cc");
		break;
	case 2:
		asm(EMU_FLAGS_IN "cmpxchgw %w[s], %w[d]" EMU_FLAGS_OUT
		    : [d] "+r" (d), [f] "+r" (f), "+a" (a)
		    : [s] "r" (s), [keep] "i" (EMU_KEEP_MASK) : "cc");
		break;
	case 4:
		asm(EMU_FLAGS_IN "cmpxchgl %k[s], %k[d]" EMU_FLAGS_OUT
		    : [d] "+r" (d), [f] "+r" (f), "+a" (a)
		    : [s] "r" (s), [keep] "i" (EMU_KEEP_MASK) : "cc");
		break;
	default:
		asm(EMU_FLAGS_IN "cmpxchgq %[s], %[d]" EMU_FLAGS_OUT
		    : [d] "+r" (d), [f] "+r" (f), "+a" (a)
		    : [s] "r" (s), [keep] "i" (EMU_KEEP_MASK) : "cc");
		break;
	}
	*rax = a;
	*rflags = (*rflags & ~(u64)EMU_FL_ARITH) | (f & EMU_FL_ARITH);
	return d;
}

/* The condition codes of Jcc, SETcc and CMOVcc (Vol. 1, Table B-1). */
bool emu_cond(unsigned int cc, u64 fl)
{
	bool of = fl & EMU_FL_OF, sf = fl & EMU_FL_SF, zf = fl & EMU_FL_ZF;
	bool cf = fl & EMU_FL_CF, pf = fl & EMU_FL_PF;
	bool r;

	switch ((cc >> 1) & 7) {
	case 0:
		r = of;
		break;
	case 1:
		r = cf;
		break;
	case 2:
		r = zf;
		break;
	case 3:
		r = cf || zf;
		break;
	case 4:
		r = sf;
		break;
	case 5:
		r = pf;
		break;
	case 6:
		r = sf != of;
		break;
	default:
		r = zf || sf != of;
		break;
	}
	/* Odd codes are the negations (NO, AE, NE, A, NS, NP, GE, G). */
	return (cc & 1) ? !r : r;
}
