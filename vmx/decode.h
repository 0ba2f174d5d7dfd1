/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Decoding of the guest instructions that touch emulated MMIO: the MOV
 * forms compilers emit for device registers (MOV, MOVZX, MOVSX, MOVSXD)
 * and STOS.  The exit qualification of an EPT violation tells a read from
 * a write, but not the width of the access or the register, so the
 * faulting instruction has to be decoded.  Pure logic: the caller fetches
 * the instruction bytes and does the access.  Private to vmx/.
 */
#ifndef _AXVCPU_VMX_DECODE_H
#define _AXVCPU_VMX_DECODE_H

#include <linux/types.h>

/*
 * The longest instruction (SDM Vol. 2, 2.3.11); the CPU raises #GP for
 * longer ones, which only redundant prefixes can make.
 */
#define VMX_INSN_MAX_LEN	15

/* vmx_mmio_insn.reg when the instruction has no register operand. */
#define VMX_INSN_NO_REG		0xff

/**
 * enum vmx_insn_op - what a decoded MMIO instruction does.
 * @VMX_INSN_LOAD: memory to register (MOV, MOVZX, MOVSX, MOVSXD).
 * @VMX_INSN_STORE: register to memory (MOV).
 * @VMX_INSN_STORE_IMM: immediate to memory (MOV C6/C7).
 * @VMX_INSN_STOS: AL/AX/EAX/RAX to ES:[rDI], possibly repeated (STOS).
 */
enum vmx_insn_op {
	VMX_INSN_LOAD,
	VMX_INSN_STORE,
	VMX_INSN_STORE_IMM,
	VMX_INSN_STOS,
};

/**
 * enum vmx_insn_extend - how a load widens the memory operand.
 * @VMX_EXTEND_NONE: memory and register operands have the same size.
 * @VMX_EXTEND_ZERO: zero-extended (MOVZX).
 * @VMX_EXTEND_SIGN: sign-extended (MOVSX, MOVSXD).
 */
enum vmx_insn_extend {
	VMX_EXTEND_NONE,
	VMX_EXTEND_ZERO,
	VMX_EXTEND_SIGN,
};

/**
 * struct vmx_mmio_insn - a decoded MMIO instruction.
 * @len: instruction length in bytes, prefixes included.
 * @op: enum vmx_insn_op.
 * @size: bytes accessed in memory: 1, 2, 4 or 8 (per iteration for STOS).
 * @reg: register operand, 0-15 in encoding order (rAX, rCX, rDX, rBX, rSP,
 *	rBP, rSI, rDI, r8-r15), or VMX_INSN_NO_REG for an immediate store.
 *	STOS and the moffs forms of MOV name rAX (0).
 * @reg_size: bytes of @reg written by a load or read by a store; differs
 *	from @size for MOVZX, MOVSX and MOVSXD; 0 without a register.
 * @high_byte: @reg (0-3) names AH, CH, DH or BH: a byte operand encoded as
 *	4-7 with no REX prefix.
 * @extend: enum vmx_insn_extend.
 * @rep: STOS with a REP (F3) prefix: rCX gives the count.
 * @addr_size: effective address size in bytes: 2, 4 or 8; for STOS the
 *	width of rDI and rCX.
 * @mode: the mode argument given to vmx_decode_mmio().
 * @imm: the immediate of a VMX_INSN_STORE_IMM, sign-extended to @size as
 *	the CPU does it and masked to @size bytes.
 */
struct vmx_mmio_insn {
	u8 len;
	u8 op;
	u8 size;
	u8 reg;
	u8 reg_size;
	bool high_byte;
	u8 extend;
	bool rep;
	u8 addr_size;
	u8 mode;
	u64 imm;
};

/**
 * vmx_decode_mmio() - decode an instruction that accessed MMIO.
 * @insn: the instruction bytes, from its first prefix.
 * @avail: how many bytes of @insn may be read; fewer than the instruction
 *	takes is not an error in itself (see Return).
 * @mode: the default operand and address size of the code, in bytes:
 *	2 (real mode, 16-bit code segment), 4 (32-bit code segment) or
 *	8 (64-bit mode, where the default operand size is still 4).
 * @out: the decoded instruction; left untouched on failure.
 *
 * Recognises MOV 88, 89, 8A, 8B, C6 /0, C7 /0 and A0-A3, MOVZX and MOVSX
 * (0F B6, B7, BE, BF), MOVSXD (63, 64-bit mode only) and STOS (AA, AB)
 * with any legacy prefixes and a REX prefix in 64-bit mode.  Never reads
 * @insn beyond @avail bytes.
 *
 * Return: 0 on success; -ENODATA when the instruction goes on past @avail
 * bytes (fetch more and retry); -EOPNOTSUPP for an instruction outside the
 * set above, a register operand where memory is expected, or one that
 * would not execute (longer than %VMX_INSN_MAX_LEN, LOCK, REP on MOV);
 * -EINVAL for a bad @mode.
 */
int vmx_decode_mmio(const u8 *insn, unsigned int avail, unsigned int mode,
		    struct vmx_mmio_insn *out);

/**
 * vmx_mmio_extend() - widen loaded data to the destination register.
 * @d: a decoded load.
 * @data: the data read from memory; bytes above @d->size are ignored.
 *
 * MOVZX and MOVSX fill the rest of the destination with zeroes or copies
 * of the sign bit; the other loads just truncate.  A 4-byte destination in
 * 64-bit mode is zero-extended to 64 bits by vmx_mmio_merge_reg().
 *
 * Return: the value of the destination's low @d->reg_size bytes, the bits
 * above them clear.
 */
u64 vmx_mmio_extend(const struct vmx_mmio_insn *d, u64 data);

/**
 * vmx_mmio_merge_reg() - the destination register after a load.
 * @d: a decoded load.
 * @old: the register's whole 64-bit value before the load.
 * @value: the loaded value, as vmx_mmio_extend() returns it.
 * @new_val: where the register's whole 64-bit value after the load goes.
 *
 * Writes to 8- and 16-bit registers leave the other bits alone (for AH-BH,
 * all but bits 15:8).  A 32-bit write clears bits 63:32 in 64-bit mode
 * (SDM Vol. 1, 3.4.1.1); outside it they are kept.
 *
 * Return: 0, or -EINVAL when @d is not a load into a register.
 */
int vmx_mmio_merge_reg(const struct vmx_mmio_insn *d, u64 old, u64 value,
		       u64 *new_val);

#endif /* _AXVCPU_VMX_DECODE_H */
