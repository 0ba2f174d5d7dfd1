// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the MMIO instruction decoder (vmx/decode.c).
 *
 * Every vector's bytes are what GNU as 2.40 emits for its text in its mode
 * (.code16, .code32 or .code64), and objdump reads them back as the same
 * instruction.  Encodings as does not emit (REX placement, redundant
 * prefixes, reserved forms) are spelled with .byte and were checked with
 * objdump in the same way.
 */
#include <kunit/test.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "../vmx/decode.h"

#define M16	2
#define M32	4
#define M64	8

/* Register numbers in encoding order. */
enum test_gpr {
	GPR_AX, GPR_CX, GPR_DX, GPR_BX, GPR_SP, GPR_BP, GPR_SI, GPR_DI,
	GPR_R8, GPR_R9, GPR_R10, GPR_R11, GPR_R12, GPR_R13, GPR_R14, GPR_R15,
	GPR_NONE = VMX_INSN_NO_REG,
};

/**
 * struct decode_case - one instruction and what the decoder should say.
 * @text: the assembler source of @bytes.
 * @bytes: the encoding.
 * @size: bytes in @bytes.
 * @avail: how many of them the decoder is given.
 * @mode: the mode argument.
 * @err: the expected return value.
 * @want: the expected decoding when @err is 0 (@want.mode is @mode).
 */
struct decode_case {
	const char *text;
	const char *bytes;
	unsigned int size;
	unsigned int avail;
	unsigned int mode;
	int err;
	struct vmx_mmio_insn want;
};

#define INSN(m, t, b)							\
	.mode = (m), .text = (t), .bytes = (b), .size = sizeof(b) - 1,	\
	.avail = sizeof(b) - 1
/* Only the first @a bytes of the instruction are given. */
#define INSN_CUT(m, t, b, a)						\
	.mode = (m), .text = (t), .bytes = (b), .size = sizeof(b) - 1,	\
	.avail = (a)
#define WANT(o, l, sz, r, rs, as)					\
	.want.op = VMX_INSN_##o, .want.len = (l), .want.size = (sz),	\
	.want.reg = GPR_##r, .want.reg_size = (rs), .want.addr_size = (as)
#define WANT_IMM(l, sz, as, i)						\
	WANT(STORE_IMM, l, sz, NONE, 0, as), .want.imm = (i)
#define ZX	.want.extend = VMX_EXTEND_ZERO
#define SX	.want.extend = VMX_EXTEND_SIGN
#define HIGH	.want.high_byte = true
#define REP	.want.rep = true
#define FAILS(e)	.err = (e)

static const struct decode_case decode_cases[] = {
	/* 64-bit mode: MOV 8B/89 with each operand size. */
	{ INSN(M64, "mov (%rax),%ecx", "\x8b\x08"),
	  WANT(LOAD, 2, 4, CX, 4, 8) },
	{ INSN(M64, "mov %ecx,(%rax)", "\x89\x08"),
	  WANT(STORE, 2, 4, CX, 4, 8) },
	{ INSN(M64, "mov (%rax),%rcx", "\x48\x8b\x08"),
	  WANT(LOAD, 3, 8, CX, 8, 8) },
	{ INSN(M64, "mov %rcx,(%rax)", "\x48\x89\x08"),
	  WANT(STORE, 3, 8, CX, 8, 8) },
	{ INSN(M64, "mov (%rax),%cx", "\x66\x8b\x08"),
	  WANT(LOAD, 3, 2, CX, 2, 8) },
	{ INSN(M64, "mov %cx,(%rax)", "\x66\x89\x08"),
	  WANT(STORE, 3, 2, CX, 2, 8) },
	/* REX.R and REX.B. */
	{ INSN(M64, "mov (%rax),%r9", "\x4c\x8b\x08"),
	  WANT(LOAD, 3, 8, R9, 8, 8) },
	{ INSN(M64, "mov %r15d,(%rax)", "\x44\x89\x38"),
	  WANT(STORE, 3, 4, R15, 4, 8) },
	{ INSN(M64, "mov (%r8),%eax", "\x41\x8b\x00"),
	  WANT(LOAD, 3, 4, AX, 4, 8) },
	/* SIB with disp8, disp32, and no base (mod 00, base 101). */
	{ INSN(M64, "mov 0x12(%rax,%rbx,4),%edx", "\x8b\x54\x98\x12"),
	  WANT(LOAD, 4, 4, DX, 4, 8) },
	{ INSN(M64, "mov 0x12345678(%rax,%rbx,4),%edx",
	       "\x8b\x94\x98\x78\x56\x34\x12"),
	  WANT(LOAD, 7, 4, DX, 4, 8) },
	{ INSN(M64, "mov 0x12345678(,%rbx,4),%edx",
	       "\x8b\x14\x9d\x78\x56\x34\x12"),
	  WANT(LOAD, 7, 4, DX, 4, 8) },
	{ INSN(M64, "mov %gs:0x28,%rax",
	       "\x65\x48\x8b\x04\x25\x28\x00\x00\x00"),
	  WANT(LOAD, 9, 8, AX, 8, 8) },
	/* RIP-relative: mod 00 rm 101. */
	{ INSN(M64, "mov 0x10(%rip),%eax", "\x8b\x05\x10\x00\x00\x00"),
	  WANT(LOAD, 6, 4, AX, 4, 8) },
	/* REX.B does not change the special forms: r13 as rbp, r12 as rsp. */
	{ INSN(M64, "mov (%r13),%eax", "\x41\x8b\x45\x00"),
	  WANT(LOAD, 4, 4, AX, 4, 8) },
	{ INSN(M64, "mov (%r12),%eax", "\x41\x8b\x04\x24"),
	  WANT(LOAD, 4, 4, AX, 4, 8) },
	{ INSN(M64, "mov 0x12(%r13,%r14,8),%r11", "\x4f\x8b\x5c\xf5\x12"),
	  WANT(LOAD, 5, 8, R11, 8, 8) },
	/* 67: 32-bit addressing in 64-bit mode. */
	{ INSN(M64, "mov (%eax),%ecx", "\x67\x8b\x08"),
	  WANT(LOAD, 3, 4, CX, 4, 4) },
	{ INSN(M64, "mov %fs:(%rax),%eax", "\x64\x8b\x00"),
	  WANT(LOAD, 3, 4, AX, 4, 8) },
	/* Byte registers: AH-BH without REX, SPL-DIL and r8b-r15b with. */
	{ INSN(M64, "mov (%rax),%al", "\x8a\x00"),
	  WANT(LOAD, 2, 1, AX, 1, 8) },
	{ INSN(M64, "mov %ah,(%rax)", "\x88\x20"),
	  WANT(STORE, 2, 1, AX, 1, 8), HIGH },
	{ INSN(M64, "mov (%rax),%bh", "\x8a\x38"),
	  WANT(LOAD, 2, 1, BX, 1, 8), HIGH },
	{ INSN(M64, "mov %spl,(%rax)", "\x40\x88\x20"),
	  WANT(STORE, 3, 1, SP, 1, 8) },
	{ INSN(M64, "mov (%rax),%dil", "\x40\x8a\x38"),
	  WANT(LOAD, 3, 1, DI, 1, 8) },
	{ INSN(M64, "mov (%rax),%r10b", "\x44\x8a\x10"),
	  WANT(LOAD, 3, 1, R10, 1, 8) },
	/* C6 /0 and C7 /0; imm32 is sign-extended to 64 bits with REX.W. */
	{ INSN(M64, "movb $0x12,(%rax)", "\xc6\x00\x12"),
	  WANT_IMM(3, 1, 8, 0x12) },
	{ INSN(M64, "movw $0x1234,(%rax)", "\x66\xc7\x00\x34\x12"),
	  WANT_IMM(5, 2, 8, 0x1234) },
	{ INSN(M64, "movl $0x12345678,0x10(%rax)",
	       "\xc7\x40\x10\x78\x56\x34\x12"),
	  WANT_IMM(7, 4, 8, 0x12345678) },
	{ INSN(M64, "movl $-2,(%rax)", "\xc7\x00\xfe\xff\xff\xff"),
	  WANT_IMM(6, 4, 8, 0xfffffffe) },
	{ INSN(M64, "movq $-2,(%rax)", "\x48\xc7\x00\xfe\xff\xff\xff"),
	  WANT_IMM(7, 8, 8, 0xfffffffffffffffeULL) },
	{ INSN(M64, "movq $0x1,0x12345678(%rip)",
	       "\x48\xc7\x05\x78\x56\x34\x12\x01\x00\x00\x00"),
	  WANT_IMM(11, 8, 8, 1) },
	/* A0-A3: the offset has the address size, 8 bytes (movabs) or 4. */
	{ INSN(M64, "movabs 0x1122334455667788,%al",
	       "\xa0\x88\x77\x66\x55\x44\x33\x22\x11"),
	  WANT(LOAD, 9, 1, AX, 1, 8) },
	{ INSN(M64, "movabs 0x1122334455667788,%eax",
	       "\xa1\x88\x77\x66\x55\x44\x33\x22\x11"),
	  WANT(LOAD, 9, 4, AX, 4, 8) },
	{ INSN(M64, "movabs %al,0x1122334455667788",
	       "\xa2\x88\x77\x66\x55\x44\x33\x22\x11"),
	  WANT(STORE, 9, 1, AX, 1, 8) },
	{ INSN(M64, "movabs %rax,0x1122334455667788",
	       "\x48\xa3\x88\x77\x66\x55\x44\x33\x22\x11"),
	  WANT(STORE, 10, 8, AX, 8, 8) },
	{ INSN(M64, "movabs %ax,0x1122334455667788",
	       "\x66\xa3\x88\x77\x66\x55\x44\x33\x22\x11"),
	  WANT(STORE, 10, 2, AX, 2, 8) },
	{ INSN(M64, "addr32 mov 0x12345678,%eax",
	       "\x67\xa1\x78\x56\x34\x12"),
	  WANT(LOAD, 6, 4, AX, 4, 4) },
	/* MOVZX, MOVSX, MOVSXD. */
	{ INSN(M64, "movzbl (%rax),%ecx", "\x0f\xb6\x08"),
	  WANT(LOAD, 3, 1, CX, 4, 8), ZX },
	{ INSN(M64, "movzwq (%rax),%rcx", "\x48\x0f\xb7\x08"),
	  WANT(LOAD, 4, 2, CX, 8, 8), ZX },
	{ INSN(M64, ".byte 0x4c,0x0f,0xb6,0x08", "\x4c\x0f\xb6\x08"),
	  WANT(LOAD, 4, 1, R9, 8, 8), ZX },
	{ INSN(M64, "movsbw (%rax),%cx", "\x66\x0f\xbe\x08"),
	  WANT(LOAD, 4, 1, CX, 2, 8), SX },
	{ INSN(M64, "movswl (%rax),%r11d", "\x44\x0f\xbf\x18"),
	  WANT(LOAD, 4, 2, R11, 4, 8), SX },
	{ INSN(M64, "movsbq 0x8(%rsp),%r8", "\x4c\x0f\xbe\x44\x24\x08"),
	  WANT(LOAD, 6, 1, R8, 8, 8), SX },
	{ INSN(M64, "movslq (%rax),%rcx", "\x48\x63\x08"),
	  WANT(LOAD, 3, 4, CX, 8, 8), SX },
	/* 63 without REX.W: objdump's "movsxd (%rax),%ecx", and %cx with 66. */
	{ INSN(M64, ".byte 0x63,0x08", "\x63\x08"),
	  WANT(LOAD, 2, 4, CX, 4, 8) },
	{ INSN(M64, ".byte 0x66,0x63,0x08", "\x66\x63\x08"),
	  WANT(LOAD, 3, 2, CX, 2, 8) },
	/* STOS, REP STOS. */
	{ INSN(M64, "stos %al,%es:(%rdi)", "\xaa"),
	  WANT(STOS, 1, 1, AX, 1, 8) },
	{ INSN(M64, "stos %ax,%es:(%rdi)", "\x66\xab"),
	  WANT(STOS, 2, 2, AX, 2, 8) },
	{ INSN(M64, "rep stos %rax,%es:(%rdi)", "\xf3\x48\xab"),
	  WANT(STOS, 3, 8, AX, 8, 8), REP },
	{ INSN(M64, "rep stos %eax,%es:(%edi)", "\x67\xf3\xab"),
	  WANT(STOS, 3, 4, AX, 4, 4), REP },
	/* REX.W wins over 66, whichever comes first... */
	{ INSN(M64, ".byte 0x66,0x48,0x8b,0x08", "\x66\x48\x8b\x08"),
	  WANT(LOAD, 4, 8, CX, 8, 8) },
	/* ...but a REX followed by a legacy prefix is ignored. */
	{ INSN(M64, ".byte 0x48,0x66,0x8b,0x08", "\x48\x66\x8b\x08"),
	  WANT(LOAD, 4, 2, CX, 2, 8) },
	{ INSN(M64, ".byte 0x40,0x2e,0x88,0x20", "\x40\x2e\x88\x20"),
	  WANT(STORE, 4, 1, AX, 1, 8), HIGH },
	{ INSN(M64, ".byte 0x2e,0x40,0x88,0x20", "\x2e\x40\x88\x20"),
	  WANT(STORE, 4, 1, SP, 1, 8) },
	/* Of two REX prefixes the last one counts. */
	{ INSN(M64, ".byte 0x41,0x48,0x8b,0x08", "\x41\x48\x8b\x08"),
	  WANT(LOAD, 4, 8, CX, 8, 8) },
	{ INSN(M64, ".byte 0x48,0x41,0x8b,0x08", "\x48\x41\x8b\x08"),
	  WANT(LOAD, 4, 4, CX, 4, 8) },
	/* Bytes after the instruction are not looked at. */
	{ INSN(M64, "mov (%rax),%ecx; nop; nop", "\x8b\x08\x90\x90"),
	  WANT(LOAD, 2, 4, CX, 4, 8) },
	/* 15 bytes is the limit, prefixes included. */
	{ INSN(M64, ".fill 13,1,0x3e; mov (%rax),%ecx",
	       "\x3e\x3e\x3e\x3e\x3e\x3e\x3e\x3e\x3e\x3e\x3e\x3e\x3e\x8b\x08"),
	  WANT(LOAD, 15, 4, CX, 4, 8) },
	{ INSN(M64, ".fill 9,1,0x3e; mov 0x12345678(%rax),%eax",
	       "\x3e\x3e\x3e\x3e\x3e\x3e\x3e\x3e\x3e\x8b\x80\x78\x56\x34\x12"),
	  WANT(LOAD, 15, 4, AX, 4, 8) },
	{ INSN(M64, ".fill 14,1,0x3e; mov (%rax),%ecx",
	       "\x3e\x3e\x3e\x3e\x3e\x3e\x3e\x3e\x3e\x3e\x3e\x3e\x3e\x3e\x8b\x08"),
	  FAILS(-EOPNOTSUPP) },
	{ INSN(M64, ".fill 16,1,0x66; mov (%rax),%ecx",
	       "\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66"
	       "\x8b\x08"),
	  FAILS(-EOPNOTSUPP) },
	/* Too long is known before the displacement is there. */
	{ INSN_CUT(M64, ".fill 10,1,0x3e; mov 0x12345678(%rax),%eax",
		   "\x3e\x3e\x3e\x3e\x3e\x3e\x3e\x3e\x3e\x3e\x8b\x80\x78\x56\x34"
		   "\x12", 12),
	  FAILS(-EOPNOTSUPP) },
	/* Not a memory access, or not one that is supported. */
	{ INSN(M64, "mov %eax,%ecx", "\x89\xc1"), FAILS(-EOPNOTSUPP) },
	{ INSN(M64, ".byte 0xc6,0xc0,0x01", "\xc6\xc0\x01"),
	  FAILS(-EOPNOTSUPP) },
	{ INSN(M64, "movzbl %al,%ecx", "\x0f\xb6\xc8"), FAILS(-EOPNOTSUPP) },
	{ INSN(M64, "add %eax,(%rax)", "\x01\x00"), FAILS(-EOPNOTSUPP) },
	{ INSN(M64, "syscall", "\x0f\x05"), FAILS(-EOPNOTSUPP) },
	{ INSN(M64, "xbegin .", "\xc7\xf8\xfa\xff\xff\xff"),
	  FAILS(-EOPNOTSUPP) },
	/* C6 /1 is undefined; LOCK MOV and REP MOV do not execute. */
	{ INSN(M64, ".byte 0xc6,0x08,0x12", "\xc6\x08\x12"),
	  FAILS(-EOPNOTSUPP) },
	{ INSN(M64, ".byte 0xf0,0x89,0x08", "\xf0\x89\x08"),
	  FAILS(-EOPNOTSUPP) },
	{ INSN(M64, ".byte 0xf3,0x8b,0x08", "\xf3\x8b\x08"),
	  FAILS(-EOPNOTSUPP) },
	{ INSN(M64, ".byte 0xf2,0xab", "\xf2\xab"), FAILS(-EOPNOTSUPP) },
	/* Cut short: the caller has to fetch more. */
	{ INSN_CUT(M64, "mov (%rax),%ecx", "\x8b\x08", 0), FAILS(-ENODATA) },
	{ INSN_CUT(M64, "mov (%rax),%ecx", "\x8b\x08", 1), FAILS(-ENODATA) },
	{ INSN_CUT(M64, "mov (%rax),%rcx", "\x48\x8b\x08", 1),
	  FAILS(-ENODATA) },
	{ INSN_CUT(M64, "movzbl (%rax),%ecx", "\x0f\xb6\x08", 1),
	  FAILS(-ENODATA) },
	{ INSN_CUT(M64, "movabs 0x1122334455667788,%eax",
		   "\xa1\x88\x77\x66\x55\x44\x33\x22\x11", 5),
	  FAILS(-ENODATA) },
	/* The mode must be 2, 4 or 8. */
	{ INSN(0, "mov (%rax),%ecx", "\x8b\x08"), FAILS(-EINVAL) },
	{ INSN(3, "mov (%rax),%ecx", "\x8b\x08"), FAILS(-EINVAL) },
	{ INSN(16, "mov (%rax),%ecx", "\x8b\x08"), FAILS(-EINVAL) },

	/* 32-bit code. */
	{ INSN(M32, "mov (%eax),%ecx", "\x8b\x08"),
	  WANT(LOAD, 2, 4, CX, 4, 4) },
	{ INSN(M32, "mov %ecx,(%eax)", "\x89\x08"),
	  WANT(STORE, 2, 4, CX, 4, 4) },
	{ INSN(M32, "mov (%bx,%si),%cx", "\x67\x66\x8b\x08"),
	  WANT(LOAD, 4, 2, CX, 2, 2) },
	{ INSN(M32, "mov 0x12(%ebp,%esi,2),%ax", "\x66\x8b\x44\x75\x12"),
	  WANT(LOAD, 5, 2, AX, 2, 4) },
	{ INSN(M32, "mov (%esp),%eax", "\x8b\x04\x24"),
	  WANT(LOAD, 3, 4, AX, 4, 4) },
	/* Outside 64-bit mode mod 00 rm 101 is an absolute disp32. */
	{ INSN(M32, "mov 0x12345678,%ecx", "\x8b\x0d\x78\x56\x34\x12"),
	  WANT(LOAD, 6, 4, CX, 4, 4) },
	{ INSN(M32, "mov 0x12345678,%eax", "\xa1\x78\x56\x34\x12"),
	  WANT(LOAD, 5, 4, AX, 4, 4) },
	{ INSN(M32, "mov %al,0x12345678", "\xa2\x78\x56\x34\x12"),
	  WANT(STORE, 5, 1, AX, 1, 4) },
	{ INSN(M32, "addr16 mov 0x1234,%eax", "\x67\xa1\x34\x12"),
	  WANT(LOAD, 4, 4, AX, 4, 2) },
	{ INSN(M32, "mov (%eax),%ah", "\x8a\x20"),
	  WANT(LOAD, 2, 1, AX, 1, 4), HIGH },
	{ INSN(M32, "movzbl (%eax),%ecx", "\x0f\xb6\x08"),
	  WANT(LOAD, 3, 1, CX, 4, 4), ZX },
	{ INSN(M32, "movswl (%eax),%ecx", "\x0f\xbf\x08"),
	  WANT(LOAD, 3, 2, CX, 4, 4), SX },
	{ INSN(M32, "movl $0x12345678,(%eax)", "\xc7\x00\x78\x56\x34\x12"),
	  WANT_IMM(6, 4, 4, 0x12345678) },
	{ INSN(M32, "movw $0xbeef,(%eax)", "\x66\xc7\x00\xef\xbe"),
	  WANT_IMM(5, 2, 4, 0xbeef) },
	{ INSN(M32, "stos %al,%es:(%edi)", "\xaa"),
	  WANT(STOS, 1, 1, AX, 1, 4) },
	{ INSN(M32, "rep stos %eax,%es:(%edi)", "\xf3\xab"),
	  WANT(STOS, 2, 4, AX, 4, 4), REP },
	/* ARPL, and 40-4F are INC/DEC, not REX. */
	{ INSN(M32, ".byte 0x63,0x08", "\x63\x08"), FAILS(-EOPNOTSUPP) },
	{ INSN(M32, ".byte 0x48,0x8b,0x08", "\x48\x8b\x08"),
	  FAILS(-EOPNOTSUPP) },
	{ INSN(M32, ".byte 0x40,0x88,0x20", "\x40\x88\x20"),
	  FAILS(-EOPNOTSUPP) },

	/* 16-bit code: no SIB, disp16, [bp] only with a displacement. */
	{ INSN(M16, "mov (%bx,%si),%ax", "\x8b\x00"),
	  WANT(LOAD, 2, 2, AX, 2, 2) },
	{ INSN(M16, "mov (%bp,%si),%ax", "\x8b\x02"),
	  WANT(LOAD, 2, 2, AX, 2, 2) },
	{ INSN(M16, "mov 0x12(%bp,%si),%ax", "\x8b\x42\x12"),
	  WANT(LOAD, 3, 2, AX, 2, 2) },
	{ INSN(M16, "mov 0x1234(%bp,%si),%ax", "\x8b\x82\x34\x12"),
	  WANT(LOAD, 4, 2, AX, 2, 2) },
	{ INSN(M16, "mov (%bp),%ax", "\x8b\x46\x00"),
	  WANT(LOAD, 3, 2, AX, 2, 2) },
	{ INSN(M16, "mov 0x1234,%cx", "\x8b\x0e\x34\x12"),
	  WANT(LOAD, 4, 2, CX, 2, 2) },
	/* rm 101 is [di] here: no displacement. */
	{ INSN(M16, "movw $0x1234,(%di)", "\xc7\x05\x34\x12"),
	  WANT_IMM(4, 2, 2, 0x1234) },
	{ INSN(M16, "movl $0x12345678,0x10(%bx)",
	       "\x66\xc7\x47\x10\x78\x56\x34\x12"),
	  WANT_IMM(8, 4, 2, 0x12345678) },
	{ INSN(M16, "mov 0x1234,%ax", "\xa1\x34\x12"),
	  WANT(LOAD, 3, 2, AX, 2, 2) },
	{ INSN(M16, "mov %al,0x1234", "\xa2\x34\x12"),
	  WANT(STORE, 3, 1, AX, 1, 2) },
	{ INSN(M16, "addr32 mov 0x12345678,%eax",
	       "\x67\x66\xa1\x78\x56\x34\x12"),
	  WANT(LOAD, 7, 4, AX, 4, 4) },
	/* 67 brings the 32-bit forms, SIB included. */
	{ INSN(M16, "mov (%eax),%eax", "\x67\x66\x8b\x00"),
	  WANT(LOAD, 4, 4, AX, 4, 4) },
	{ INSN(M16, "mov 0x12345678(%eax,%ebx,4),%cx",
	       "\x67\x8b\x8c\x98\x78\x56\x34\x12"),
	  WANT(LOAD, 8, 2, CX, 2, 4) },
	{ INSN(M16, "mov %ah,(%bx)", "\x88\x27"),
	  WANT(STORE, 2, 1, AX, 1, 2), HIGH },
	{ INSN(M16, "movzbw (%si),%ax", "\x0f\xb6\x04"),
	  WANT(LOAD, 3, 1, AX, 2, 2), ZX },
	{ INSN(M16, "movzwl (%bx),%eax", "\x66\x0f\xb7\x07"),
	  WANT(LOAD, 4, 2, AX, 4, 2), ZX },
	{ INSN(M16, "movsbw (%bx),%ax", "\x0f\xbe\x07"),
	  WANT(LOAD, 3, 1, AX, 2, 2), SX },
	{ INSN(M16, "movsbl -0x2(%bx,%di),%edx", "\x66\x0f\xbe\x51\xfe"),
	  WANT(LOAD, 5, 1, DX, 4, 2), SX },
	{ INSN(M16, "rep stos %ax,%es:(%di)", "\xf3\xab"),
	  WANT(STOS, 2, 2, AX, 2, 2), REP },
	{ INSN(M16, ".byte 0x63,0x08", "\x63\x08"), FAILS(-EOPNOTSUPP) },
};

static void decode_case_desc(const struct decode_case *tc, char *desc)
{
	int n;

	if (tc->mode == M16 || tc->mode == M32 || tc->mode == M64)
		n = snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%u-bit: %s",
			     tc->mode * 8, tc->text);
	else
		n = snprintf(desc, KUNIT_PARAM_DESC_SIZE, "mode %u: %s",
			     tc->mode, tc->text);
	if (tc->avail < tc->size && n < KUNIT_PARAM_DESC_SIZE)
		snprintf(desc + n, KUNIT_PARAM_DESC_SIZE - n, " [%u of %u bytes]",
			 tc->avail, tc->size);
}

KUNIT_ARRAY_PARAM(decode, decode_cases, decode_case_desc);

/*
 * The decoder gets a copy of exactly the bytes it may read, so that KASAN,
 * when enabled, catches a read past them.
 */
static int decode_copy(const struct decode_case *tc, unsigned int avail,
		       struct vmx_mmio_insn *d)
{
	u8 *buf;
	int ret;

	buf = kmemdup(tc->bytes, avail, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	ret = vmx_decode_mmio(buf, avail, tc->mode, d);
	kfree(buf);
	return ret;
}

static void decode_vectors(struct kunit *test)
{
	const struct decode_case *tc = test->param_value;
	const struct vmx_mmio_insn *w = &tc->want;
	struct vmx_mmio_insn d, poison;
	unsigned int avail;

	memset(&poison, 0xa5, sizeof(poison));
	d = poison;
	KUNIT_ASSERT_EQ_MSG(test, decode_copy(tc, tc->avail, &d), tc->err,
			    "%s", tc->text);
	if (tc->err) {
		KUNIT_EXPECT_EQ_MSG(test, memcmp(&d, &poison, sizeof(d)), 0,
				    "%s: output written on failure", tc->text);
		return;
	}

	KUNIT_EXPECT_EQ_MSG(test, d.len, w->len, "%s", tc->text);
	KUNIT_EXPECT_EQ_MSG(test, d.op, w->op, "%s", tc->text);
	KUNIT_EXPECT_EQ_MSG(test, d.size, w->size, "%s", tc->text);
	KUNIT_EXPECT_EQ_MSG(test, d.reg, w->reg, "%s", tc->text);
	KUNIT_EXPECT_EQ_MSG(test, d.reg_size, w->reg_size, "%s", tc->text);
	KUNIT_EXPECT_EQ_MSG(test, d.high_byte, w->high_byte, "%s", tc->text);
	KUNIT_EXPECT_EQ_MSG(test, d.extend, w->extend, "%s", tc->text);
	KUNIT_EXPECT_EQ_MSG(test, d.rep, w->rep, "%s", tc->text);
	KUNIT_EXPECT_EQ_MSG(test, d.addr_size, w->addr_size, "%s", tc->text);
	KUNIT_EXPECT_EQ_MSG(test, d.mode, tc->mode, "%s", tc->text);
	KUNIT_EXPECT_EQ_MSG(test, d.imm, w->imm, "%s", tc->text);

	/* Every proper prefix of the instruction asks for more bytes. */
	for (avail = 0; avail < w->len; avail++)
		KUNIT_EXPECT_EQ_MSG(test, decode_copy(tc, avail, &d),
				    -ENODATA, "%s: %u of %u bytes", tc->text,
				    avail, w->len);
}

/**
 * struct load_case - a load, the data it reads, and the register after it.
 * @text: the assembler source of @bytes.
 * @bytes: the encoding.
 * @size: bytes in @bytes.
 * @mode: the mode argument.
 * @data: what the load reads, with garbage above its size.
 * @old: the destination register before.
 * @value: what vmx_mmio_extend() should return.
 * @reg: the destination register after.
 */
struct load_case {
	const char *text;
	const char *bytes;
	unsigned int size;
	unsigned int mode;
	u64 data;
	u64 old;
	u64 value;
	u64 reg;
};

#define LOAD_INSN(m, t, b)						\
	.mode = (m), .text = (t), .bytes = (b), .size = sizeof(b) - 1
#define LOAD_RESULT(d, o, v, r)						\
	.data = (d), .old = (o), .value = (v), .reg = (r)

static const struct load_case load_cases[] = {
	/* Sign-extension stops at the destination's size... */
	{ LOAD_INSN(M64, "movsbw (%rax),%cx", "\x66\x0f\xbe\x08"),
	  LOAD_RESULT(0x80, 0x1111111111111111ULL,
		      0xff80, 0x111111111111ff80ULL) },
	{ LOAD_INSN(M64, "movsbw (%rax),%cx", "\x66\x0f\xbe\x08"),
	  LOAD_RESULT(0x17f, 0x1111111111111111ULL,
		      0x7f, 0x111111111111007fULL) },
	{ LOAD_INSN(M16, "movsbw (%si),%ax", "\x0f\xbe\x04"),
	  LOAD_RESULT(0x7f, 0xabcdffffULL, 0x7f, 0xabcd007fULL) },
	/* ...and a 32-bit destination is zero-extended in 64-bit mode. */
	{ LOAD_INSN(M64, "movsbl (%rax),%ecx", "\x0f\xbe\x08"),
	  LOAD_RESULT(0x80, ~0ULL, 0xffffff80, 0xffffff80ULL) },
	{ LOAD_INSN(M64, "movswq (%rax),%rcx", "\x48\x0f\xbf\x08"),
	  LOAD_RESULT(0x8000, 0,
		      0xffffffffffff8000ULL, 0xffffffffffff8000ULL) },
	{ LOAD_INSN(M64, "movslq (%rax),%rcx", "\x48\x63\x08"),
	  LOAD_RESULT(0x80000000, 0,
		      0xffffffff80000000ULL, 0xffffffff80000000ULL) },
	{ LOAD_INSN(M64, ".byte 0x63,0x08", "\x63\x08"),
	  LOAD_RESULT(0xffffffff80000000ULL, ~0ULL, 0x80000000, 0x80000000) },
	/* Zero-extension. */
	{ LOAD_INSN(M64, "movzbl (%rax),%ecx", "\x0f\xb6\x08"),
	  LOAD_RESULT(0xfff0, ~0ULL, 0xf0, 0xf0) },
	{ LOAD_INSN(M16, "movzwl (%bx),%eax", "\x66\x0f\xb7\x07"),
	  LOAD_RESULT(0xbeef, ~0ULL, 0xbeef, 0xffffffff0000beefULL) },
	/* Plain loads. */
	{ LOAD_INSN(M64, "mov (%rax),%rcx", "\x48\x8b\x08"),
	  LOAD_RESULT(0x8877665544332211ULL, 0,
		      0x8877665544332211ULL, 0x8877665544332211ULL) },
	{ LOAD_INSN(M64, "mov (%rax),%eax", "\x8b\x00"),
	  LOAD_RESULT(0xdeadbeef12345678ULL, ~0ULL, 0x12345678, 0x12345678) },
	{ LOAD_INSN(M32, "mov (%eax),%eax", "\x8b\x00"),
	  LOAD_RESULT(0x12345678, 0xaaaaaaaa00000000ULL,
		      0x12345678, 0xaaaaaaaa12345678ULL) },
	{ LOAD_INSN(M64, "mov (%rax),%cx", "\x66\x8b\x08"),
	  LOAD_RESULT(0x12345678, ~0ULL, 0x5678, 0xffffffffffff5678ULL) },
	{ LOAD_INSN(M64, "mov (%rax),%al", "\x8a\x00"),
	  LOAD_RESULT(0x5a, 0x1122334455667788ULL,
		      0x5a, 0x112233445566775aULL) },
	{ LOAD_INSN(M64, "mov (%rax),%r10b", "\x44\x8a\x10"),
	  LOAD_RESULT(0x1ff, 0x1234, 0xff, 0x12ff) },
	/* High-byte registers keep all but bits 15:8. */
	{ LOAD_INSN(M64, "mov (%rax),%ah", "\x8a\x20"),
	  LOAD_RESULT(0x5a, 0x1122334455667788ULL,
		      0x5a, 0x1122334455665a88ULL) },
	{ LOAD_INSN(M32, "mov (%eax),%bh", "\x8a\x38"),
	  LOAD_RESULT(0xc3, 0xffffffffULL, 0xc3, 0xffffc3ffULL) },
};

static void load_case_desc(const struct load_case *tc, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%u-bit: %s, data 0x%llx",
		 tc->mode * 8, tc->text, tc->data);
}

KUNIT_ARRAY_PARAM(load, load_cases, load_case_desc);

static void extend_and_merge(struct kunit *test)
{
	const struct load_case *tc = test->param_value;
	struct vmx_mmio_insn d;
	u64 value, reg = 0;

	KUNIT_ASSERT_EQ_MSG(test, vmx_decode_mmio((const u8 *)tc->bytes,
						  tc->size, tc->mode, &d),
			    0, "%s", tc->text);
	KUNIT_ASSERT_EQ_MSG(test, d.op, VMX_INSN_LOAD, "%s", tc->text);
	value = vmx_mmio_extend(&d, tc->data);
	KUNIT_EXPECT_EQ_MSG(test, value, tc->value, "%s", tc->text);
	KUNIT_EXPECT_EQ_MSG(test, vmx_mmio_merge_reg(&d, tc->old, value, &reg),
			    0, "%s", tc->text);
	KUNIT_EXPECT_EQ_MSG(test, reg, tc->reg, "%s", tc->text);
}

/* Only a load has a destination register to merge into. */
static void merge_needs_load(struct kunit *test)
{
	/* mov %ecx,(%rax); movb $0x12,(%rax); stos %al,%es:(%rdi) */
	static const u8 store[] = { 0x89, 0x08 };
	static const u8 store_imm[] = { 0xc6, 0x00, 0x12 };
	static const u8 stos[] = { 0xaa };
	struct vmx_mmio_insn d;
	u64 reg = 0x1234;

	KUNIT_ASSERT_EQ(test, vmx_decode_mmio(store, sizeof(store), M64, &d), 0);
	KUNIT_EXPECT_EQ(test, vmx_mmio_merge_reg(&d, 0, 0, &reg), -EINVAL);
	KUNIT_ASSERT_EQ(test, vmx_decode_mmio(store_imm, sizeof(store_imm), M64,
					      &d), 0);
	KUNIT_EXPECT_EQ(test, vmx_mmio_merge_reg(&d, 0, 0, &reg), -EINVAL);
	KUNIT_ASSERT_EQ(test, vmx_decode_mmio(stos, sizeof(stos), M64, &d), 0);
	KUNIT_EXPECT_EQ(test, vmx_mmio_merge_reg(&d, 0, 0, &reg), -EINVAL);
	KUNIT_EXPECT_EQ(test, reg, 0x1234);
}

static struct kunit_case vmx_decode_test_cases[] = {
	KUNIT_CASE_PARAM(decode_vectors, decode_gen_params),
	KUNIT_CASE_PARAM(extend_and_merge, load_gen_params),
	KUNIT_CASE(merge_needs_load),
	{ }
};

static struct kunit_suite vmx_decode_test_suite = {
	.name = "axvcpu_vmx_decode",
	.test_cases = vmx_decode_test_cases,
};

kunit_test_suites(&vmx_decode_test_suite);
