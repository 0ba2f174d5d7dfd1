// SPDX-License-Identifier: GPL-2.0
/*
 * Execution of the decoded instruction: one routine per kind of
 * instruction (enum emu_op), each reading its memory operand through
 * access.c, computing with alu.c, and writing registers and flags into
 * struct emu_ctxt.  Every routine writes the general registers only after
 * its last access, so that an access that stops the instruction leaves
 * them as they were (emulate.c restores RFLAGS).  Strings are in
 * string.c, vector moves in vector.c.
 */
#include <linux/kernel.h>

#include "emul_internal.h"

/*
 * A write of @size bytes: 8- and 16-bit writes keep the rest of the
 * register, 32-bit writes clear bits 63:32 (Vol. 1, 3.4.1.1).
 */
void emu_set_reg(struct emu_ctxt *c, unsigned int reg, bool high,
		 unsigned int size, u64 val)
{
	u64 *r = &c->regs[reg & 15];

	switch (size) {
	case 1:
		if (high)
			*r = (*r & ~0xff00ULL) | (val & 0xff) << 8;
		else
			*r = (*r & ~0xffULL) | (val & 0xff);
		break;
	case 2:
		*r = (*r & ~0xffffULL) | (val & 0xffff);
		break;
	case 4:
		*r = (u32)val;
		break;
	default:
		*r = val;
		break;
	}
}

/* The value of a non-memory source operand. */
static u64 emu_src_value(const struct emu_ctxt *c, const struct emu_insn *in)
{
	const struct emu_operand *s = &in->src;

	switch (s->kind) {
	case EMU_K_G:
	case EMU_K_Z:
	case EMU_K_ACC:
		return emu_get_reg(c, s->reg, s->high, s->size);
	case EMU_K_I:
	case EMU_K_IB:
	case EMU_K_IB_RAW:
		return in->imm & emu_addr_mask(s->size);
	case EMU_K_CL:
		return c->regs[EMU_RCX] & 0xff;
	case EMU_K_ONE:
		return 1;
	default:
		return 0;
	}
}

static bool emu_is_mem(unsigned int kind)
{
	return kind == EMU_K_E || kind == EMU_K_MOFFS;
}

/* Read the memory operand: @rmw when the instruction will write it. */
static int emu_load(struct emu_ctxt *c, const struct emu_insn *in, u64 *val,
		    unsigned int size, bool rmw)
{
	*val = 0;
	if (rmw)
		return emu_read_rmw(c, in->seg, in->ea, val, size, size);
	return emu_read(c, in->seg, in->ea, val, size, size);
}

static int emu_store(struct emu_ctxt *c, const struct emu_insn *in, u64 val,
		     unsigned int size)
{
	return emu_write(c, in->seg, in->ea, &val, size, size);
}

/* MOV, MOVZX, MOVSX, MOVSXD, MOVNTI, MOVBE. */
static int emu_exec_mov(struct emu_ctxt *c, struct emu_insn *in)
{
	const struct emu_operand *d = &in->dst, *s = &in->src;
	u64 val;
	int ret;

	if (emu_is_mem(d->kind)) {
		val = emu_src_value(c, in);
		if (in->op == EMU_OP_MOVBE)
			val = d->size == 8 ? __builtin_bswap64(val) :
			      d->size == 4 ? __builtin_bswap32(val) :
			      __builtin_bswap16(val);
		return emu_store(c, in, val, d->size);
	}
	ret = emu_load(c, in, &val, s->size, false);
	if (ret)
		return ret;
	if (in->op == EMU_OP_MOVSX)
		val = sign_extend64(val, 8 * s->size - 1);
	else if (in->op == EMU_OP_MOVBE)
		val = s->size == 8 ? __builtin_bswap64(val) :
		      s->size == 4 ? __builtin_bswap32(val) :
		      __builtin_bswap16(val);
	emu_set_reg(c, d->reg, d->high, d->size, val);
	return EMU_OK;
}

/* The arithmetic and logic group, TEST, INC, DEC, NOT, NEG, shifts. */
static int emu_exec_alu(struct emu_ctxt *c, struct emu_insn *in)
{
	const struct emu_operand *d = &in->dst, *s = &in->src;
	bool write = !(in->opc.flags & EMU_F_NO_WRITE);
	u64 a, b, res;
	int ret;

	if (emu_is_mem(d->kind)) {
		ret = emu_load(c, in, &a, d->size, write);
		if (ret)
			return ret;
		b = emu_src_value(c, in);
	} else {
		a = emu_get_reg(c, d->reg, d->high, d->size);
		ret = emu_load(c, in, &b, s->size, false);
		if (ret)
			return ret;
	}
	res = emu_alu(in->sub, d->size, a, b, &c->rflags);
	if (!write)
		return EMU_OK;
	if (emu_is_mem(d->kind))
		return emu_store(c, in, res, d->size);
	emu_set_reg(c, d->reg, d->high, d->size, res);
	return EMU_OK;
}

/*
 * BT, BTS, BTR, BTC.  A register bit offset is signed and may address
 * beyond the operand: the operand is then the one it falls in, at
 * ea + size * (offset / (8 * size)) rounded down (Vol. 2, BT, "Bit(Base,
 * Offset)"); an immediate offset is taken modulo the operand's width.
 */
static int emu_exec_bt(struct emu_ctxt *c, struct emu_insn *in)
{
	unsigned int size = in->dst.size, bits = 8 * size;
	bool write = in->sub != EMU_ALU_BT;
	u64 val, res, bit;
	int ret;

	if (in->src.kind == EMU_K_G) {
		s64 off = sign_extend64(emu_src_value(c, in), bits - 1);
		s64 words = off >> __builtin_ctz(bits);

		in->ea = (in->ea + words * (s64)size) &
			 emu_addr_mask(in->addr_size);
		bit = off & (bits - 1);
	} else {
		bit = in->imm & (bits - 1);
	}
	ret = emu_load(c, in, &val, size, write);
	if (ret)
		return ret;
	res = emu_alu(in->sub, size, val, bit, &c->rflags);
	return write ? emu_store(c, in, res, size) : EMU_OK;
}

/* SETcc r/m8; CMOVcc r, r/m (which reads its source whatever the condition). */
static int emu_exec_cc(struct emu_ctxt *c, struct emu_insn *in)
{
	bool cond = emu_cond(in->opcode & 0xf, c->rflags);
	const struct emu_operand *d = &in->dst;
	u64 val;
	int ret;

	if (in->op == EMU_OP_SETCC)
		return emu_store(c, in, cond, 1);
	ret = emu_load(c, in, &val, in->src.size, false);
	if (ret)
		return ret;
	/* A 32-bit CMOVcc clears bits 63:32 even when it does not move. */
	if (!cond)
		val = c->regs[d->reg];
	emu_set_reg(c, d->reg, false, d->size, val);
	return EMU_OK;
}

/* XCHG, XADD, CMPXCHG with a register and memory. */
static int emu_exec_exchange(struct emu_ctxt *c, struct emu_insn *in)
{
	const struct emu_operand *s = &in->src;
	unsigned int size = in->dst.size;
	u64 old, reg = emu_src_value(c, in), val, rax;
	int ret;

	ret = emu_load(c, in, &old, size, true);
	if (ret)
		return ret;
	switch (in->op) {
	case EMU_OP_XCHG:
		val = reg;
		break;
	case EMU_OP_XADD:
		val = emu_alu(EMU_ALU_ADD, size, old, reg, &c->rflags);
		break;
	default:
		/* Written back, unchanged, when the comparison fails. */
		rax = c->regs[EMU_RAX];
		val = emu_cmpxchg(size, old, reg, &rax, &c->rflags);
		ret = emu_store(c, in, val, size);
		if (!ret)
			c->regs[EMU_RAX] = rax;
		return ret;
	}
	ret = emu_store(c, in, val, size);
	if (ret)
		return ret;
	emu_set_reg(c, s->reg, s->high, size, old);
	return EMU_OK;
}

/*
 * CMPXCHG8B m64 and CMPXCHG16B m128 (REX.W): EDX:EAX or RDX:RAX against
 * memory; ECX:EBX or RCX:RBX stored if equal, else memory loaded into
 * EDX:EAX and written back unchanged.  Only ZF changes.
 */
static int emu_exec_cmpxchg8b(struct emu_ctxt *c, struct emu_insn *in)
{
	unsigned int half = in->opsize == 8 ? 8 : 4;
	u64 mask = emu_addr_mask(half), old[2] = { 0, 0 }, new[2];
	u32 old32[2], new32[2];
	bool equal;
	int ret;

	if (half == 8) {
		u64 la = in->ea;

		if (c->mode != EMU_MODE_LONG || in->seg >= EMU_FS)
			la += emu_seg(c, in->seg)->base;
		/* CMPXCHG16B: #GP(0) off a 16-byte boundary. */
		if (la & 15)
			return emu_fault(c, EMU_VEC_GP, true, 0);
		ret = emu_read_rmw(c, in->seg, in->ea, old, 16, 16);
	} else {
		/* One 8-byte access, as the CPU makes it. */
		ret = emu_read_rmw(c, in->seg, in->ea, old32, 8, 8);
		old[0] = old32[0];
		old[1] = old32[1];
	}
	if (ret)
		return ret;
	equal = old[0] == (c->regs[EMU_RAX] & mask) &&
		old[1] == (c->regs[EMU_RDX] & mask);
	if (equal) {
		new[0] = c->regs[EMU_RBX] & mask;
		new[1] = c->regs[EMU_RCX] & mask;
	} else {
		new[0] = old[0];
		new[1] = old[1];
	}
	if (half == 8) {
		ret = emu_write(c, in->seg, in->ea, new, 16, 16);
	} else {
		new32[0] = new[0];
		new32[1] = new[1];
		ret = emu_write(c, in->seg, in->ea, new32, 8, 8);
	}
	if (ret)
		return ret;
	if (equal) {
		c->rflags |= EMU_FL_ZF;
	} else {
		c->rflags &= ~(u64)EMU_FL_ZF;
		emu_set_reg(c, EMU_RAX, false, half, old[0]);
		emu_set_reg(c, EMU_RDX, false, half, old[1]);
	}
	return EMU_OK;
}

/* The stack's address size: 64-bit mode, else SS.B (Vol. 3, 3.4.5). */
static unsigned int emu_stack_addr_size(struct emu_ctxt *c)
{
	if (c->mode == EMU_MODE_LONG)
		return 8;
	if (c->mode == EMU_MODE_PROT && (emu_seg(c, EMU_SS)->ar & EMU_AR_DB))
		return 4;
	return 2;
}

/* PUSH r/m, r, imm with the stack on emulated memory. */
static int emu_exec_push(struct emu_ctxt *c, struct emu_insn *in)
{
	unsigned int size = in->dst.size, sas = emu_stack_addr_size(c);
	u64 val, sp;
	int ret;

	if (in->src.kind == EMU_K_E) {
		ret = emu_load(c, in, &val, size, false);
		if (ret)
			return ret;
	} else {
		/* PUSH rSP pushes its value from before the instruction. */
		val = emu_src_value(c, in);
	}
	sp = (c->regs[EMU_RSP] - size) & emu_addr_mask(sas);
	ret = emu_write(c, EMU_SS, sp, &val, size, size);
	if (ret)
		return ret;
	emu_set_reg(c, EMU_RSP, false, sas, sp);
	return EMU_OK;
}

/*
 * POP r/m, r.  A memory destination based on rSP is addressed with rSP
 * as it is after the pop (Vol. 2, POP); POP rSP leaves the popped value.
 */
static int emu_exec_pop(struct emu_ctxt *c, struct emu_insn *in)
{
	unsigned int size = in->src.size, sas = emu_stack_addr_size(c);
	u64 val = 0, sp = c->regs[EMU_RSP] & emu_addr_mask(sas);
	int ret;

	ret = emu_read(c, EMU_SS, sp, &val, size, size);
	if (ret)
		return ret;
	if (in->dst.kind == EMU_K_E) {
		if (in->base == EMU_RSP)
			in->ea = (in->ea + size) & emu_addr_mask(in->addr_size);
		ret = emu_store(c, in, val, size);
		if (ret)
			return ret;
	}
	/* Registers last: nothing changes unless the instruction completes. */
	emu_set_reg(c, EMU_RSP, false, sas, sp + size);
	if (in->dst.kind == EMU_K_Z)
		emu_set_reg(c, in->dst.reg, false, size, val);
	return EMU_OK;
}

int emu_execute(struct emu_ctxt *c, struct emu_insn *in)
{
	switch (in->op) {
	case EMU_OP_MOV:
	case EMU_OP_MOVZX:
	case EMU_OP_MOVSX:
	case EMU_OP_MOVBE:
		return emu_exec_mov(c, in);
	case EMU_OP_ALU:
		return emu_exec_alu(c, in);
	case EMU_OP_BT:
		return emu_exec_bt(c, in);
	case EMU_OP_SETCC:
	case EMU_OP_CMOVCC:
		return emu_exec_cc(c, in);
	case EMU_OP_XCHG:
	case EMU_OP_XADD:
	case EMU_OP_CMPXCHG:
		return emu_exec_exchange(c, in);
	case EMU_OP_CMPXCHG8B:
		return emu_exec_cmpxchg8b(c, in);
	case EMU_OP_PUSH:
		return emu_exec_push(c, in);
	case EMU_OP_POP:
		return emu_exec_pop(c, in);
	case EMU_OP_MOVS:
	case EMU_OP_CMPS:
	case EMU_OP_STOS:
	case EMU_OP_LODS:
	case EMU_OP_SCAS:
		return emu_exec_string(c, in);
	case EMU_OP_VLOAD:
	case EMU_OP_VSTORE:
	case EMU_OP_MOVD_LOAD:
	case EMU_OP_MOVD_STORE:
		return emu_exec_vector(c, in);
	case EMU_OP_NOACCESS:
		/* The address must be valid; nothing is read (CLFLUSH: #GP/#PF). */
		return emu_check_address(c, in->seg, in->ea, 1, 1, false);
	case EMU_OP_PREFETCH:
		/* A hint: no access, and no fault whatever the address. */
		return EMU_OK;
	case EMU_OP_UD:
		return emu_fault(c, EMU_VEC_UD, false, 0);
	default:
		return emu_unhandled(c, EMU_FAIL_OPCODE);
	}
}
