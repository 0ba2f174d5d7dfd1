// SPDX-License-Identifier: GPL-2.0
/*
 * The opcode tables (SDM Vol. 2, Appendix A: Table A-2 for the one-byte
 * map, A-3 for the two-byte map after 0F, A-4 for 0F 38, A-6 for the
 * groups).  Only instructions with a memory operand are listed: those are
 * the ones that can reach emulated memory.  An entry says what the
 * instruction does (enum emu_op), its operands' kinds and sizes, and what
 * the decoder and the execution must check (EMU_F_*).
 */
#include <linux/kernel.h>

#include "emul_internal.h"

#define ENT(o, s, d, sr, ds, ss, f)					\
	{ .op = EMU_OP_##o, .sub = (s), .dst = EMU_K_##d,		\
	  .src = EMU_K_##sr, .dsize = EMU_S_##ds, .ssize = EMU_S_##ss,	\
	  .flags = (f) }
#define PREFIXED(g)	{ .flags = EMU_F_PREFIXED | EMU_F_MODRM, .group = (g) }

#define MODRM		EMU_F_MODRM
/* A read-modify-write of its r/m; READ_ONLY does not write it back. */
#define RMW		EMU_F_MODRM
#define RMW_LOCK	(RMW | EMU_F_LOCK)
#define READ_ONLY	(RMW | EMU_F_NO_WRITE)

/*
 * A group's entries give what the operation is; their operands, where
 * they name none, are those of the opcode that leads to the group
 * (GROUP_OF()).
 */
#define GROUP_OF(g, d, s, ds, ss)					\
	{ .dst = EMU_K_##d, .src = EMU_K_##s, .dsize = EMU_S_##ds,	\
	  .ssize = EMU_S_##ss, .flags = EMU_F_GROUP | EMU_F_MODRM,	\
	  .group = (g) }

/* 80-83 (group 1): ADD OR ADC SBB AND SUB XOR CMP r/m, imm. */
static const struct emu_opcode emu_grp1[8] = {
	ENT(ALU, EMU_ALU_ADD, NONE, NONE, NONE, NONE, RMW_LOCK),
	ENT(ALU, EMU_ALU_OR, NONE, NONE, NONE, NONE, RMW_LOCK),
	ENT(ALU, EMU_ALU_ADC, NONE, NONE, NONE, NONE, RMW_LOCK),
	ENT(ALU, EMU_ALU_SBB, NONE, NONE, NONE, NONE, RMW_LOCK),
	ENT(ALU, EMU_ALU_AND, NONE, NONE, NONE, NONE, RMW_LOCK),
	ENT(ALU, EMU_ALU_SUB, NONE, NONE, NONE, NONE, RMW_LOCK),
	ENT(ALU, EMU_ALU_XOR, NONE, NONE, NONE, NONE, RMW_LOCK),
	ENT(ALU, EMU_ALU_CMP, NONE, NONE, NONE, NONE, READ_ONLY),
};

/* C0, C1, D0-D3 (group 2): ROL ROR RCL RCR SHL SHR SAL SAR; no LOCK. */
static const struct emu_opcode emu_grp2[8] = {
	ENT(ALU, EMU_ALU_ROL, NONE, NONE, NONE, NONE, RMW),
	ENT(ALU, EMU_ALU_ROR, NONE, NONE, NONE, NONE, RMW),
	ENT(ALU, EMU_ALU_RCL, NONE, NONE, NONE, NONE, RMW),
	ENT(ALU, EMU_ALU_RCR, NONE, NONE, NONE, NONE, RMW),
	ENT(ALU, EMU_ALU_SHL, NONE, NONE, NONE, NONE, RMW),
	ENT(ALU, EMU_ALU_SHR, NONE, NONE, NONE, NONE, RMW),
	ENT(ALU, EMU_ALU_SAL, NONE, NONE, NONE, NONE, RMW),
	ENT(ALU, EMU_ALU_SAR, NONE, NONE, NONE, NONE, RMW),
};

/*
 * F6, F7 (group 3): TEST r/m, imm (/0, and /1, which processors execute
 * as TEST too), NOT, NEG.  MUL, IMUL, DIV, IDIV are not emulated.
 */
static const struct emu_opcode emu_grp3[8] = {
	ENT(ALU, EMU_ALU_TEST, NONE, I, NONE, NONE, READ_ONLY),
	ENT(ALU, EMU_ALU_TEST, NONE, I, NONE, NONE, READ_ONLY),
	ENT(ALU, EMU_ALU_NOT, NONE, NONE, NONE, NONE, RMW_LOCK),
	ENT(ALU, EMU_ALU_NEG, NONE, NONE, NONE, NONE, RMW_LOCK),
};

/* FE (group 4), FF (group 5): INC, DEC; FF /6 PUSH r/m. */
static const struct emu_opcode emu_grp4[8] = {
	ENT(ALU, EMU_ALU_INC, NONE, NONE, NONE, NONE, RMW_LOCK),
	ENT(ALU, EMU_ALU_DEC, NONE, NONE, NONE, NONE, RMW_LOCK),
};

static const struct emu_opcode emu_grp5[8] = {
	ENT(ALU, EMU_ALU_INC, NONE, NONE, NONE, NONE, RMW_LOCK),
	ENT(ALU, EMU_ALU_DEC, NONE, NONE, NONE, NONE, RMW_LOCK),
	[6] = ENT(PUSH, 0, STACK, E, STACK, STACK, MODRM),
};

/* 8F /0 (group 1A): POP r/m. */
static const struct emu_opcode emu_grp1a[8] = {
	ENT(POP, 0, E, STACK, STACK, STACK, MODRM),
};

/* C6 /0, C7 /0 (group 11): MOV r/m, imm. */
static const struct emu_opcode emu_grp11[8] = {
	ENT(MOV, 0, NONE, NONE, NONE, NONE, MODRM),
};

const struct emu_opcode emu_map1[256] = {
	/*
	 * 00-3F, columns 0-3: ADD OR ADC SBB AND SUB XOR CMP, r/m then r
	 * (LOCK allowed, the memory operand being the destination), r then
	 * r/m.  CMP writes nothing and cannot be locked.  Columns 4 and 5
	 * (AL/rAX, imm) have no memory operand.
	 */
	[0x00] = ENT(ALU, EMU_ALU_ADD, E, G, B, B, RMW_LOCK),
	[0x01] = ENT(ALU, EMU_ALU_ADD, E, G, V, V, RMW_LOCK),
	[0x02] = ENT(ALU, EMU_ALU_ADD, G, E, B, B, RMW),
	[0x03] = ENT(ALU, EMU_ALU_ADD, G, E, V, V, RMW),
	[0x08] = ENT(ALU, EMU_ALU_OR, E, G, B, B, RMW_LOCK),
	[0x09] = ENT(ALU, EMU_ALU_OR, E, G, V, V, RMW_LOCK),
	[0x0a] = ENT(ALU, EMU_ALU_OR, G, E, B, B, RMW),
	[0x0b] = ENT(ALU, EMU_ALU_OR, G, E, V, V, RMW),
	[0x10] = ENT(ALU, EMU_ALU_ADC, E, G, B, B, RMW_LOCK),
	[0x11] = ENT(ALU, EMU_ALU_ADC, E, G, V, V, RMW_LOCK),
	[0x12] = ENT(ALU, EMU_ALU_ADC, G, E, B, B, RMW),
	[0x13] = ENT(ALU, EMU_ALU_ADC, G, E, V, V, RMW),
	[0x18] = ENT(ALU, EMU_ALU_SBB, E, G, B, B, RMW_LOCK),
	[0x19] = ENT(ALU, EMU_ALU_SBB, E, G, V, V, RMW_LOCK),
	[0x1a] = ENT(ALU, EMU_ALU_SBB, G, E, B, B, RMW),
	[0x1b] = ENT(ALU, EMU_ALU_SBB, G, E, V, V, RMW),
	[0x20] = ENT(ALU, EMU_ALU_AND, E, G, B, B, RMW_LOCK),
	[0x21] = ENT(ALU, EMU_ALU_AND, E, G, V, V, RMW_LOCK),
	[0x22] = ENT(ALU, EMU_ALU_AND, G, E, B, B, RMW),
	[0x23] = ENT(ALU, EMU_ALU_AND, G, E, V, V, RMW),
	[0x28] = ENT(ALU, EMU_ALU_SUB, E, G, B, B, RMW_LOCK),
	[0x29] = ENT(ALU, EMU_ALU_SUB, E, G, V, V, RMW_LOCK),
	[0x2a] = ENT(ALU, EMU_ALU_SUB, G, E, B, B, RMW),
	[0x2b] = ENT(ALU, EMU_ALU_SUB, G, E, V, V, RMW),
	[0x30] = ENT(ALU, EMU_ALU_XOR, E, G, B, B, RMW_LOCK),
	[0x31] = ENT(ALU, EMU_ALU_XOR, E, G, V, V, RMW_LOCK),
	[0x32] = ENT(ALU, EMU_ALU_XOR, G, E, B, B, RMW),
	[0x33] = ENT(ALU, EMU_ALU_XOR, G, E, V, V, RMW),
	[0x38] = ENT(ALU, EMU_ALU_CMP, E, G, B, B, READ_ONLY),
	[0x39] = ENT(ALU, EMU_ALU_CMP, E, G, V, V, READ_ONLY),
	[0x3a] = ENT(ALU, EMU_ALU_CMP, G, E, B, B, READ_ONLY),
	[0x3b] = ENT(ALU, EMU_ALU_CMP, G, E, V, V, READ_ONLY),
	/* PUSH and POP of a register, with the stack on emulated memory. */
	[0x50 ... 0x57] = ENT(PUSH, 0, STACK, Z, STACK, STACK, 0),
	[0x58 ... 0x5f] = ENT(POP, 0, Z, STACK, STACK, STACK, 0),
	/* MOVSXD in 64-bit mode; ARPL, not emulated, outside it. */
	[0x63] = ENT(MOVSX, 0, G, E, V, D, MODRM | EMU_F_ONLY64 | EMU_F_MOV),
	[0x68] = ENT(PUSH, 0, STACK, I, STACK, STACK, 0),
	[0x6a] = ENT(PUSH, 0, STACK, IB, STACK, STACK, 0),
	[0x80] = GROUP_OF(emu_grp1, E, IB, B, B),
	[0x81] = GROUP_OF(emu_grp1, E, I, V, V),
	/* 82 is 80 outside 64-bit mode; the decoder checks. */
	[0x82] = GROUP_OF(emu_grp1, E, IB, B, B),
	[0x83] = GROUP_OF(emu_grp1, E, IB, V, V),
	[0x84] = ENT(ALU, EMU_ALU_TEST, E, G, B, B, READ_ONLY),
	[0x85] = ENT(ALU, EMU_ALU_TEST, E, G, V, V, READ_ONLY),
	/* XCHG with memory is locked whether or not LOCK is given. */
	[0x86] = ENT(XCHG, 0, E, G, B, B, RMW_LOCK),
	[0x87] = ENT(XCHG, 0, E, G, V, V, RMW_LOCK),
	[0x88] = ENT(MOV, 0, E, G, B, B, MODRM | EMU_F_MOV),
	[0x89] = ENT(MOV, 0, E, G, V, V, MODRM | EMU_F_MOV),
	[0x8a] = ENT(MOV, 0, G, E, B, B, MODRM | EMU_F_MOV),
	[0x8b] = ENT(MOV, 0, G, E, V, V, MODRM | EMU_F_MOV),
	[0x8f] = GROUP_OF(emu_grp1a, NONE, NONE, NONE, NONE),
	[0xa0] = ENT(MOV, 0, ACC, MOFFS, B, B, EMU_F_MOV),
	[0xa1] = ENT(MOV, 0, ACC, MOFFS, V, V, EMU_F_MOV),
	[0xa2] = ENT(MOV, 0, MOFFS, ACC, B, B, EMU_F_MOV),
	[0xa3] = ENT(MOV, 0, MOFFS, ACC, V, V, EMU_F_MOV),
	[0xa4] = ENT(MOVS, 0, DST_STR, SRC_STR, B, B, EMU_F_REP),
	[0xa5] = ENT(MOVS, 0, DST_STR, SRC_STR, V, V, EMU_F_REP),
	[0xa6] = ENT(CMPS, 0, DST_STR, SRC_STR, B, B,
		     EMU_F_REP | EMU_F_REPCOND),
	[0xa7] = ENT(CMPS, 0, DST_STR, SRC_STR, V, V,
		     EMU_F_REP | EMU_F_REPCOND),
	[0xaa] = ENT(STOS, 0, DST_STR, ACC, B, B, EMU_F_REP | EMU_F_MOV),
	[0xab] = ENT(STOS, 0, DST_STR, ACC, V, V, EMU_F_REP | EMU_F_MOV),
	[0xac] = ENT(LODS, 0, ACC, SRC_STR, B, B, EMU_F_REP | EMU_F_MOV),
	[0xad] = ENT(LODS, 0, ACC, SRC_STR, V, V, EMU_F_REP | EMU_F_MOV),
	[0xae] = ENT(SCAS, 0, ACC, DST_STR, B, B, EMU_F_REP | EMU_F_REPCOND),
	[0xaf] = ENT(SCAS, 0, ACC, DST_STR, V, V, EMU_F_REP | EMU_F_REPCOND),
	[0xc0] = GROUP_OF(emu_grp2, E, IB_RAW, B, B),
	[0xc1] = GROUP_OF(emu_grp2, E, IB_RAW, V, B),
	[0xc6] = GROUP_OF(emu_grp11, E, I, B, B),
	[0xc7] = GROUP_OF(emu_grp11, E, I, V, V),
	[0xd0] = GROUP_OF(emu_grp2, E, ONE, B, B),
	[0xd1] = GROUP_OF(emu_grp2, E, ONE, V, B),
	[0xd2] = GROUP_OF(emu_grp2, E, CL, B, B),
	[0xd3] = GROUP_OF(emu_grp2, E, CL, V, B),
	[0xf6] = GROUP_OF(emu_grp3, E, NONE, B, B),
	[0xf7] = GROUP_OF(emu_grp3, E, NONE, V, V),
	[0xfe] = GROUP_OF(emu_grp4, E, NONE, B, NONE),
	[0xff] = GROUP_OF(emu_grp5, E, NONE, V, NONE),
};

/*
 * 0F 18 (group 16): PREFETCHNTA, T0, T1, T2, and reserved hints that
 * execute as NOPs; 0F 0D: PREFETCH, PREFETCHW.  They never fault and,
 * on emulated memory, do nothing.
 */
#define NOACCESS_MEM	ENT(PREFETCH, 0, E, NONE, B, NONE, \
			    MODRM | EMU_F_MEM_ONLY)
static const struct emu_opcode emu_grp_prefetch[8] = {
	NOACCESS_MEM, NOACCESS_MEM, NOACCESS_MEM, NOACCESS_MEM,
	NOACCESS_MEM, NOACCESS_MEM, NOACCESS_MEM, NOACCESS_MEM,
};

/* 0F AE /7: CLFLUSH, 66 CLFLUSHOPT (group 15, memory forms). */
static const struct emu_opcode emu_clflush[4] = {
	[0] = ENT(NOACCESS, 0, E, NONE, B, NONE, MODRM | EMU_F_MEM_ONLY),
	[1] = ENT(NOACCESS, 0, E, NONE, B, NONE, MODRM | EMU_F_MEM_ONLY),
};

static const struct emu_opcode emu_grp15[8] = {
	[7] = PREFIXED(emu_clflush),
};

/* 0F BA (group 8): BT, BTS, BTR, BTC r/m, imm8. */
static const struct emu_opcode emu_grp8[8] = {
	[4] = ENT(BT, EMU_ALU_BT, NONE, NONE, NONE, NONE, READ_ONLY),
	[5] = ENT(BT, EMU_ALU_BTS, NONE, NONE, NONE, NONE, RMW_LOCK),
	[6] = ENT(BT, EMU_ALU_BTR, NONE, NONE, NONE, NONE, RMW_LOCK),
	[7] = ENT(BT, EMU_ALU_BTC, NONE, NONE, NONE, NONE, RMW_LOCK),
};

/* 0F C7 /1 (group 9): CMPXCHG8B, CMPXCHG16B with REX.W. */
static const struct emu_opcode emu_grp9[8] = {
	[1] = ENT(CMPXCHG8B, 0, E, NONE, Q, NONE,
		  RMW_LOCK | EMU_F_MEM_ONLY),
};

/*
 * The SSE moves, by mandatory prefix (none, 66, F3, F2).  Loads are
 * EMU_OP_VLOAD with the vector register as destination; stores
 * EMU_OP_VSTORE.  MOVSS, MOVSD, MOVD and MOVQ loads zero the rest of the
 * XMM register (EMU_OP_MOVD_LOAD).
 */
/* Legacy SSE; vector.c makes the CR0/CR4 checks of either encoding. */
#define SSE		EMU_F_MODRM
static const struct emu_opcode emu_sse_10[4] = {
	ENT(VLOAD, 0, V, E, DQ, DQ, SSE),		/* MOVUPS */
	ENT(VLOAD, 0, V, E, DQ, DQ, SSE),		/* MOVUPD */
	ENT(MOVD_LOAD, 0, V, E, D, D, SSE),		/* MOVSS */
	ENT(MOVD_LOAD, 0, V, E, Q, Q, SSE),		/* MOVSD */
};

static const struct emu_opcode emu_sse_11[4] = {
	ENT(VSTORE, 0, E, V, DQ, DQ, SSE),
	ENT(VSTORE, 0, E, V, DQ, DQ, SSE),
	ENT(MOVD_STORE, 0, E, V, D, D, SSE),
	ENT(MOVD_STORE, 0, E, V, Q, Q, SSE),
};

static const struct emu_opcode emu_sse_28[4] = {
	ENT(VLOAD, 0, V, E, DQ, DQ, SSE | EMU_F_ALIGN),	/* MOVAPS */
	ENT(VLOAD, 0, V, E, DQ, DQ, SSE | EMU_F_ALIGN),	/* MOVAPD */
};

static const struct emu_opcode emu_sse_29[4] = {
	ENT(VSTORE, 0, E, V, DQ, DQ, SSE | EMU_F_ALIGN),
	ENT(VSTORE, 0, E, V, DQ, DQ, SSE | EMU_F_ALIGN),
};

static const struct emu_opcode emu_sse_2b[4] = {	/* MOVNTPS, MOVNTPD */
	ENT(VSTORE, 0, E, V, DQ, DQ, SSE | EMU_F_ALIGN | EMU_F_MEM_ONLY),
	ENT(VSTORE, 0, E, V, DQ, DQ, SSE | EMU_F_ALIGN | EMU_F_MEM_ONLY),
};

static const struct emu_opcode emu_sse_6e[4] = {	/* MOVD/MOVQ xmm, r/m */
	[1] = ENT(MOVD_LOAD, 0, V, E, Y, Y, SSE),
};

static const struct emu_opcode emu_sse_6f[4] = {
	[1] = ENT(VLOAD, 0, V, E, DQ, DQ, SSE | EMU_F_ALIGN),	/* MOVDQA */
	[2] = ENT(VLOAD, 0, V, E, DQ, DQ, SSE),			/* MOVDQU */
};

static const struct emu_opcode emu_sse_7e[4] = {
	[1] = ENT(MOVD_STORE, 0, E, V, Y, Y, SSE),	/* MOVD/MOVQ r/m, xmm */
	[2] = ENT(MOVD_LOAD, 0, V, E, Q, Q, SSE),	/* MOVQ xmm, m64 */
};

static const struct emu_opcode emu_sse_7f[4] = {
	[1] = ENT(VSTORE, 0, E, V, DQ, DQ, SSE | EMU_F_ALIGN),
	[2] = ENT(VSTORE, 0, E, V, DQ, DQ, SSE),
};

static const struct emu_opcode emu_sse_d6[4] = {	/* MOVQ m64, xmm */
	[1] = ENT(MOVD_STORE, 0, E, V, Q, Q, SSE),
};

static const struct emu_opcode emu_sse_e7[4] = {	/* MOVNTDQ */
	[1] = ENT(VSTORE, 0, E, V, DQ, DQ, SSE | EMU_F_ALIGN | EMU_F_MEM_ONLY),
};

/* 0F C3: MOVNTI m, r; with 66, F3 or F2 it is #UD. */
static const struct emu_opcode emu_movnti[4] = {
	[0] = ENT(MOV, 0, E, G, Y, Y, MODRM | EMU_F_MEM_ONLY | EMU_F_MOV),
	[1] = ENT(UD, 0, NONE, NONE, NONE, NONE, MODRM),
	[2] = ENT(UD, 0, NONE, NONE, NONE, NONE, MODRM),
	[3] = ENT(UD, 0, NONE, NONE, NONE, NONE, MODRM),
};

const struct emu_opcode emu_map2[256] = {
	[0x0d] = GROUP_OF(emu_grp_prefetch, NONE, NONE, NONE, NONE),
	[0x10] = PREFIXED(emu_sse_10),
	[0x11] = PREFIXED(emu_sse_11),
	[0x18] = GROUP_OF(emu_grp_prefetch, NONE, NONE, NONE, NONE),
	[0x28] = PREFIXED(emu_sse_28),
	[0x29] = PREFIXED(emu_sse_29),
	[0x2b] = PREFIXED(emu_sse_2b),
	[0x40 ... 0x4f] = ENT(CMOVCC, 0, G, E, V, V, MODRM),
	[0x6e] = PREFIXED(emu_sse_6e),
	[0x6f] = PREFIXED(emu_sse_6f),
	[0x7e] = PREFIXED(emu_sse_7e),
	[0x7f] = PREFIXED(emu_sse_7f),
	[0x90 ... 0x9f] = ENT(SETCC, 0, E, NONE, B, NONE, MODRM),
	[0xa3] = ENT(BT, EMU_ALU_BT, E, G, V, V, READ_ONLY),
	[0xab] = ENT(BT, EMU_ALU_BTS, E, G, V, V, RMW_LOCK),
	[0xae] = GROUP_OF(emu_grp15, NONE, NONE, NONE, NONE),
	[0xb0] = ENT(CMPXCHG, 0, E, G, B, B, RMW_LOCK),
	[0xb1] = ENT(CMPXCHG, 0, E, G, V, V, RMW_LOCK),
	[0xb3] = ENT(BT, EMU_ALU_BTR, E, G, V, V, RMW_LOCK),
	[0xb6] = ENT(MOVZX, 0, G, E, V, B, MODRM | EMU_F_MOV),
	[0xb7] = ENT(MOVZX, 0, G, E, V, W, MODRM | EMU_F_MOV),
	[0xba] = GROUP_OF(emu_grp8, E, IB_RAW, V, B),
	[0xbb] = ENT(BT, EMU_ALU_BTC, E, G, V, V, RMW_LOCK),
	[0xbe] = ENT(MOVSX, 0, G, E, V, B, MODRM | EMU_F_MOV),
	[0xbf] = ENT(MOVSX, 0, G, E, V, W, MODRM | EMU_F_MOV),
	[0xc0] = ENT(XADD, 0, E, G, B, B, RMW_LOCK),
	[0xc1] = ENT(XADD, 0, E, G, V, V, RMW_LOCK),
	[0xc3] = PREFIXED(emu_movnti),
	[0xc7] = GROUP_OF(emu_grp9, NONE, NONE, NONE, NONE),
	[0xd6] = PREFIXED(emu_sse_d6),
	[0xe7] = PREFIXED(emu_sse_e7),
};

/* 0F 38 F0/F1: MOVBE (F2 0F 38 F0/F1 is CRC32, not emulated). */
static const struct emu_opcode emu_movbe_load[4] = {
	[0] = ENT(MOVBE, 0, G, E, V, V, MODRM | EMU_F_MEM_ONLY | EMU_F_MOV),
	[1] = ENT(MOVBE, 0, G, E, V, V, MODRM | EMU_F_MEM_ONLY | EMU_F_MOV),
};

static const struct emu_opcode emu_movbe_store[4] = {
	[0] = ENT(MOVBE, 0, E, G, V, V, MODRM | EMU_F_MEM_ONLY | EMU_F_MOV),
	[1] = ENT(MOVBE, 0, E, G, V, V, MODRM | EMU_F_MEM_ONLY | EMU_F_MOV),
};

const struct emu_opcode emu_map_0f38[256] = {
	[0xf0] = PREFIXED(emu_movbe_load),
	[0xf1] = PREFIXED(emu_movbe_store),
};

/*
 * VEX-encoded moves, map 0F, by VEX.pp (none, 66, F3, F2); VEX.L picks
 * 128 or 256 bits (EMU_S_X).  VMOVD and VMOVQ need VEX.L 0.
 */
#define AVX		(EMU_F_MODRM | EMU_F_VEX)
static const struct emu_opcode emu_vex_10[4] = {
	ENT(VLOAD, 0, V, E, X, X, AVX),			/* VMOVUPS */
	ENT(VLOAD, 0, V, E, X, X, AVX),			/* VMOVUPD */
};

static const struct emu_opcode emu_vex_11[4] = {
	ENT(VSTORE, 0, E, V, X, X, AVX),
	ENT(VSTORE, 0, E, V, X, X, AVX),
};

static const struct emu_opcode emu_vex_28[4] = {
	ENT(VLOAD, 0, V, E, X, X, AVX | EMU_F_ALIGN),	/* VMOVAPS */
	ENT(VLOAD, 0, V, E, X, X, AVX | EMU_F_ALIGN),	/* VMOVAPD */
};

static const struct emu_opcode emu_vex_29[4] = {
	ENT(VSTORE, 0, E, V, X, X, AVX | EMU_F_ALIGN),
	ENT(VSTORE, 0, E, V, X, X, AVX | EMU_F_ALIGN),
};

static const struct emu_opcode emu_vex_2b[4] = {
	ENT(VSTORE, 0, E, V, X, X, AVX | EMU_F_ALIGN | EMU_F_MEM_ONLY),
	ENT(VSTORE, 0, E, V, X, X, AVX | EMU_F_ALIGN | EMU_F_MEM_ONLY),
};

static const struct emu_opcode emu_vex_6e[4] = {
	[1] = ENT(MOVD_LOAD, 0, V, E, Y, Y, AVX),
};

static const struct emu_opcode emu_vex_6f[4] = {
	[1] = ENT(VLOAD, 0, V, E, X, X, AVX | EMU_F_ALIGN),	/* VMOVDQA */
	[2] = ENT(VLOAD, 0, V, E, X, X, AVX),			/* VMOVDQU */
};

static const struct emu_opcode emu_vex_7e[4] = {
	[1] = ENT(MOVD_STORE, 0, E, V, Y, Y, AVX),
	[2] = ENT(MOVD_LOAD, 0, V, E, Q, Q, AVX),
};

static const struct emu_opcode emu_vex_7f[4] = {
	[1] = ENT(VSTORE, 0, E, V, X, X, AVX | EMU_F_ALIGN),
	[2] = ENT(VSTORE, 0, E, V, X, X, AVX),
};

static const struct emu_opcode emu_vex_d6[4] = {
	[1] = ENT(MOVD_STORE, 0, E, V, Q, Q, AVX),
};

static const struct emu_opcode emu_vex_e7[4] = {
	[1] = ENT(VSTORE, 0, E, V, X, X, AVX | EMU_F_ALIGN | EMU_F_MEM_ONLY),
};

const struct emu_opcode emu_map_vex[256] = {
	[0x10] = PREFIXED(emu_vex_10),
	[0x11] = PREFIXED(emu_vex_11),
	[0x28] = PREFIXED(emu_vex_28),
	[0x29] = PREFIXED(emu_vex_29),
	[0x2b] = PREFIXED(emu_vex_2b),
	[0x6e] = PREFIXED(emu_vex_6e),
	[0x6f] = PREFIXED(emu_vex_6f),
	[0x7e] = PREFIXED(emu_vex_7e),
	[0x7f] = PREFIXED(emu_vex_7f),
	[0xd6] = PREFIXED(emu_vex_d6),
	[0xe7] = PREFIXED(emu_vex_e7),
};
