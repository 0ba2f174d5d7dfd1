/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The emulator's own declarations, shared by the files of emul/: the
 * opcode tables (opcodes.c), the decoded instruction (decode.c), memory
 * operands and the access log (access.c), the host-executed arithmetic
 * (alu.c), and the execution (exec.c, string.c, vector.c).  Private to
 * emul/ and its tests.
 */
#ifndef _AXVCPU_EMUL_INTERNAL_H
#define _AXVCPU_EMUL_INTERNAL_H

#include <linux/bits.h>
#include <linux/types.h>

#include <axvcpu/emul.h>

/* Exception vectors (SDM Vol. 3, 6.3.1, Table 6-1). */
#define EMU_VEC_UD		6
#define EMU_VEC_NM		7
#define EMU_VEC_SS		12
#define EMU_VEC_GP		13
#define EMU_VEC_PF		14
#define EMU_VEC_AC		17

/* RFLAGS bits (Vol. 1, 3.4.3). */
#define EMU_FL_CF		BIT(0)
#define EMU_FL_PF		BIT(2)
#define EMU_FL_AF		BIT(4)
#define EMU_FL_ZF		BIT(6)
#define EMU_FL_SF		BIT(7)
#define EMU_FL_DF		BIT(10)
#define EMU_FL_OF		BIT(11)
#define EMU_FL_AC		BIT(18)
/* The status flags an arithmetic instruction writes. */
#define EMU_FL_ARITH		(EMU_FL_CF | EMU_FL_PF | EMU_FL_AF | \
				 EMU_FL_ZF | EMU_FL_SF | EMU_FL_OF)

/* Control register bits the emulator reads (Vol. 3, 2.5). */
#define EMU_CR0_EM		BIT(2)
#define EMU_CR0_TS		BIT(3)
#define EMU_CR0_AM		BIT(18)
#define EMU_CR4_OSFXSR		BIT(9)
#define EMU_CR4_OSXSAVE		BIT(18)
#define EMU_XCR0_SSE		BIT(1)
#define EMU_XCR0_YMM		BIT(2)

/*
 * What an instruction does: one execution routine each (exec.c,
 * string.c, vector.c).
 */
enum emu_op {
	EMU_OP_NONE,		/* not emulated */
	EMU_OP_MOV,		/* dst = src */
	EMU_OP_MOVZX,		/* dst = src zero-extended */
	EMU_OP_MOVSX,		/* dst = src sign-extended */
	EMU_OP_MOVBE,		/* dst = src with its bytes swapped */
	EMU_OP_ALU,		/* ADD..CMP, TEST, INC, DEC, NOT, NEG, shifts */
	EMU_OP_BT,		/* BT, BTS, BTR, BTC */
	EMU_OP_SETCC,
	EMU_OP_CMOVCC,
	EMU_OP_XCHG,
	EMU_OP_CMPXCHG,
	EMU_OP_CMPXCHG8B,	/* and CMPXCHG16B */
	EMU_OP_XADD,
	EMU_OP_PUSH,
	EMU_OP_POP,
	EMU_OP_MOVS,
	EMU_OP_CMPS,
	EMU_OP_STOS,
	EMU_OP_LODS,
	EMU_OP_SCAS,
	EMU_OP_VLOAD,		/* vector register = memory */
	EMU_OP_VSTORE,		/* memory = vector register */
	EMU_OP_MOVD_LOAD,	/* MOVD/MOVQ xmm, r/m: zero-extended into xmm */
	EMU_OP_MOVD_STORE,	/* MOVD/MOVQ r/m, xmm: the low dword/qword */
	EMU_OP_NOACCESS,	/* CLFLUSH, CLFLUSHOPT: checks only */
	EMU_OP_PREFETCH,	/* PREFETCHh, PREFETCHW: nothing, never a fault */
	EMU_OP_UD,		/* a form that raises #UD */
};

/*
 * The arithmetic and logic operations of EMU_OP_ALU and EMU_OP_BT, run on
 * the host (alu.c).  The first eight are in the order of the opcode
 * extension of 80-83 (and of bits 5:3 of 00-3F); the shifts in that of
 * C0-C1, D0-D3 (Vol. 2, Table A-6).
 */
enum emu_alu {
	EMU_ALU_ADD, EMU_ALU_OR, EMU_ALU_ADC, EMU_ALU_SBB,
	EMU_ALU_AND, EMU_ALU_SUB, EMU_ALU_XOR, EMU_ALU_CMP,
	EMU_ALU_ROL, EMU_ALU_ROR, EMU_ALU_RCL, EMU_ALU_RCR,
	EMU_ALU_SHL, EMU_ALU_SHR, EMU_ALU_SAL, EMU_ALU_SAR,
	EMU_ALU_TEST, EMU_ALU_INC, EMU_ALU_DEC, EMU_ALU_NOT, EMU_ALU_NEG,
	EMU_ALU_BT, EMU_ALU_BTS, EMU_ALU_BTR, EMU_ALU_BTC,
};

/* Operand kinds in the opcode tables. */
enum emu_kind {
	EMU_K_NONE,
	EMU_K_E,		/* ModRM r/m; only memory is emulated */
	EMU_K_G,		/* general register in ModRM reg */
	EMU_K_I,		/* immediate of the operand size (imm32 at most) */
	EMU_K_IB,		/* imm8, sign-extended to the operand size */
	EMU_K_IB_RAW,		/* imm8 as it is (shift counts, bit offsets) */
	EMU_K_ACC,		/* rAX */
	EMU_K_MOFFS,		/* [moffs] */
	EMU_K_SRC_STR,		/* seg:[rSI] */
	EMU_K_DST_STR,		/* ES:[rDI] */
	EMU_K_CL,		/* CL */
	EMU_K_ONE,		/* the constant 1 */
	EMU_K_Z,		/* general register in opcode bits 2:0 */
	EMU_K_V,		/* vector register in ModRM reg */
	EMU_K_STACK,		/* SS:[rSP] */
};

/* Operand sizes in the opcode tables. */
enum emu_size {
	EMU_S_NONE,
	EMU_S_B,		/* byte */
	EMU_S_W,		/* word */
	EMU_S_D,		/* doubleword */
	EMU_S_Q,		/* quadword */
	EMU_S_V,		/* the operand size: 2, 4 or 8 */
	EMU_S_Y,		/* 4, or 8 with REX.W */
	EMU_S_X,		/* 16, or 32 with VEX.L */
	EMU_S_DQ,		/* 16 */
	EMU_S_STACK,		/* the stack operand size (8 in 64-bit mode) */
};

/* struct emu_opcode.flags */
#define EMU_F_MODRM		BIT(0)	/* a ModRM byte follows */
#define EMU_F_LOCK		BIT(1)	/* LOCK allowed (with a memory dst) */
#define EMU_F_NO_WRITE		BIT(2)	/* dst is only read (CMP, TEST, BT) */
#define EMU_F_REP		BIT(3)	/* REP allowed: a string instruction */
#define EMU_F_REPCOND		BIT(4)	/* REPE/REPNE test ZF (CMPS, SCAS) */
#define EMU_F_ALIGN		BIT(5)	/* #GP unless aligned to its size */
#define EMU_F_ONLY64		BIT(6)	/* another instruction outside it */
#define EMU_F_MOV		BIT(7)	/* a plain move (emu_ctxt.mov_reg) */
#define EMU_F_GROUP		BIT(8)	/* @group[ModRM reg] gives the entry */
#define EMU_F_PREFIXED		BIT(9)	/* @group[mandatory prefix] gives it */
#define EMU_F_VEX		BIT(10)	/* only with a VEX prefix */
#define EMU_F_MEM_ONLY		BIT(11)	/* the register form is another insn */

/**
 * struct emu_opcode - how to decode and execute one opcode.
 * @op: enum emu_op.
 * @sub: enum emu_alu for EMU_OP_ALU and EMU_OP_BT.
 * @dst: enum emu_kind of the destination (first) operand.
 * @src: enum emu_kind of the source (second) operand.
 * @dsize: enum emu_size of @dst.
 * @ssize: enum emu_size of @src.
 * @flags: EMU_F_*.
 * @group: with EMU_F_GROUP, eight entries indexed by ModRM reg; with
 *	EMU_F_PREFIXED, four indexed by the mandatory prefix (none, 66, F3,
 *	F2).
 */
struct emu_opcode {
	u8 op;
	u8 sub;
	u8 dst;
	u8 src;
	u8 dsize;
	u8 ssize;
	u16 flags;
	const struct emu_opcode *group;
};

/* opcodes.c: the one-byte map, the 0F map, and the VEX 0F map. */
extern const struct emu_opcode emu_map1[256];
extern const struct emu_opcode emu_map2[256];
extern const struct emu_opcode emu_map_0f38[256];
extern const struct emu_opcode emu_map_vex[256];

/**
 * struct emu_operand - one operand of the decoded instruction.
 * @kind: enum emu_kind.
 * @size: bytes.
 * @reg: register number, for EMU_K_G, EMU_K_Z, EMU_K_V, EMU_K_ACC.
 * @high: @reg 0-3 is AH, CH, DH, BH.
 */
struct emu_operand {
	u8 kind;
	u8 size;
	u8 reg;
	bool high;
};

/**
 * struct emu_insn - a decoded instruction.
 * @len: its length.
 * @opcode: its opcode byte (the last one, after 0F or 0F 38).
 * @opc: its opcode table entry, groups and mandatory prefixes resolved.
 * @op: enum emu_op (from @opc).
 * @sub: enum emu_alu (from @opc, or from ModRM reg for the groups).
 * @opsize: operand size, bytes (2, 4, 8).
 * @addr_size: address size, bytes (2, 4, 8).
 * @seg: segment of the memory operand (override or default), enum emu_seg.
 * @seg_override: a segment-override prefix was given.
 * @lock: F0.
 * @rep: F3 (REP, REPE).
 * @repne: F2.
 * @opsize_prefix: 66.
 * @rex: the REX prefix, or 0.
 * @vex: a VEX prefix was given.
 * @vex_l: VEX.L.
 * @vex_w: VEX.W.
 * @modrm: the ModRM byte.
 * @has_modrm: @modrm is valid.
 * @has_mem: the instruction has a ModRM (or moffs) memory operand.
 * @rip_rel: the memory operand is RIP-relative.
 * @base: base register of the memory operand, or EMU_NO_REG.
 * @index: index register, or EMU_NO_REG.
 * @scale: scale factor, 1, 2, 4 or 8.
 * @disp: displacement, sign-extended.
 * @ea: the effective address (offset in @seg) an execution uses; BT and
 *	POP move it.
 * @ea0: the effective address as decoded.
 * @repeat: out of execution: a REP string instruction goes on; RIP stays.
 * @imm: the immediate, sign- or zero-extended as the table says.
 * @dst: the destination operand.
 * @src: the source operand.
 * @mov_reg: what emu_ctxt.mov_reg says of it.
 * @mov_high: what emu_ctxt.mov_high says of it.
 * @mov_extend: what emu_ctxt.mov_extend says of it.
 */
struct emu_insn {
	u8 len;
	u8 opcode;
	struct emu_opcode opc;
	u8 op;
	u8 sub;
	u8 opsize;
	u8 addr_size;
	u8 seg;
	bool seg_override;
	bool lock;
	bool rep;
	bool repne;
	bool opsize_prefix;
	u8 rex;
	bool vex;
	bool vex_l;
	bool vex_w;
	u8 modrm;
	bool has_modrm;
	bool has_mem;
	bool rip_rel;
	u8 base;
	u8 index;
	u8 scale;
	s64 disp;
	u64 ea;
	u64 ea0;
	bool repeat;
	u64 imm;
	struct emu_operand dst;
	struct emu_operand src;
	u8 mov_reg;
	bool mov_high;
	u8 mov_extend;
};

/* The mask of an address or operand of @size bytes (1 to 8). */
static inline u64 emu_addr_mask(unsigned int size)
{
	return size >= 8 ? ~0ULL : BIT_ULL(8 * size) - 1;
}

/* General register @reg, @size bytes of it (AH-BH with @high). */
static inline u64 emu_get_reg(const struct emu_ctxt *c, unsigned int reg,
			      bool high, unsigned int size)
{
	u64 v = c->regs[reg & 15];

	if (high)
		return (v >> 8) & 0xff;
	return v & emu_addr_mask(size);
}

/* A segment register, loaded through the ops if it is not yet. */
static inline const struct emu_segment *emu_seg(struct emu_ctxt *c,
						unsigned int seg)
{
	if (c->ops->load_segment && !(c->segs_valid & BIT(seg))) {
		c->ops->load_segment(c, seg);
		c->segs_valid |= BIT(seg);
	}
	return &c->segs[seg];
}

/* decode.c */
int emu_decode(struct emu_ctxt *c, struct emu_insn *in);

/* access.c: memory operands, through segments, paging and the log. */
int emu_read(struct emu_ctxt *c, unsigned int seg, u64 offset, void *buf,
	     unsigned int size, unsigned int align);
int emu_read_rmw(struct emu_ctxt *c, unsigned int seg, u64 offset, void *buf,
		 unsigned int size, unsigned int align);
int emu_write(struct emu_ctxt *c, unsigned int seg, u64 offset,
	      const void *buf, unsigned int size, unsigned int align);
int emu_check_address(struct emu_ctxt *c, unsigned int seg, u64 offset,
		      unsigned int size, unsigned int align, bool write);
int emu_fault(struct emu_ctxt *c, u8 vector, bool has_error, u32 error);
int emu_unhandled(struct emu_ctxt *c, u8 why);

/* alu.c */
u64 emu_alu(unsigned int sub, unsigned int size, u64 dst, u64 src,
	    u64 *rflags);
u64 emu_cmpxchg(unsigned int size, u64 dst, u64 src, u64 *rax, u64 *rflags);
bool emu_cond(unsigned int cc, u64 rflags);

/* exec.c */
void emu_set_reg(struct emu_ctxt *c, unsigned int reg, bool high,
		 unsigned int size, u64 val);
int emu_execute(struct emu_ctxt *c, struct emu_insn *in);

/* string.c */
int emu_exec_string(struct emu_ctxt *c, struct emu_insn *in);

/* vector.c */
int emu_exec_vector(struct emu_ctxt *c, struct emu_insn *in);

#endif /* _AXVCPU_EMUL_INTERNAL_H */
