// SPDX-License-Identifier: GPL-2.0
/*
 * Decoding (SDM Vol. 2, chapter 2): legacy prefixes, REX or VEX, the
 * opcode and its table entry, ModRM, SIB, displacement, immediate; then
 * the operand and address sizes, the memory operand's segment and its
 * effective address, and the checks that make an instruction #UD before
 * it touches memory.
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "emul_internal.h"

/* REX prefix bits (Vol. 2, 2.2.1.2, Table 2-4). */
#define REX_W		BIT(3)
#define REX_R		BIT(2)
#define REX_X		BIT(1)
#define REX_B		BIT(0)

/* The mandatory prefix index of EMU_F_PREFIXED entries (and VEX.pp). */
#define PFX_NONE	0
#define PFX_66		1
#define PFX_F3		2
#define PFX_F2		3

/* Bytes read so far of the instruction. */
struct emu_cursor {
	const u8 *insn;
	unsigned int avail;
	unsigned int pos;
};

/*
 * Take @n bytes, little-endian.  Past 15 bytes the CPU raises #GP
 * (Vol. 2, 2.3.11); past what the backend could read, the instruction
 * cannot be emulated.
 */
static int emu_take(struct emu_ctxt *c, struct emu_cursor *cur,
		    unsigned int n, u64 *val)
{
	unsigned int i;

	if (cur->pos + n > EMU_INSN_MAX)
		return emu_fault(c, EMU_VEC_GP, true, 0);
	if (cur->pos + n > cur->avail)
		return emu_unhandled(c, EMU_FAIL_FETCH);
	*val = 0;
	for (i = 0; i < n; i++)
		*val |= (u64)cur->insn[cur->pos + i] << (8 * i);
	cur->pos += n;
	return EMU_OK;
}

static int emu_take_byte(struct emu_ctxt *c, struct emu_cursor *cur, u8 *b)
{
	if (likely(cur->pos < cur->avail && cur->pos < EMU_INSN_MAX)) {
		*b = cur->insn[cur->pos++];
		return EMU_OK;
	}
	if (cur->pos >= EMU_INSN_MAX)
		return emu_fault(c, EMU_VEC_GP, true, 0);
	return emu_unhandled(c, EMU_FAIL_FETCH);
}

/* Segment-override prefixes, by segment (Vol. 2, 2.1.1, group 2). */
static int emu_seg_prefix(u8 b)
{
	switch (b) {
	case 0x26:
		return EMU_ES;
	case 0x2e:
		return EMU_CS;
	case 0x36:
		return EMU_SS;
	case 0x3e:
		return EMU_DS;
	case 0x64:
		return EMU_FS;
	case 0x65:
		return EMU_GS;
	default:
		return -1;
	}
}

/* Decoding state beyond struct emu_insn. */
struct emu_dec {
	struct emu_cursor cur;
	u8 last_rep;		/* the last of F2 and F3, or 0 */
	u8 vex_pp;
	u8 vex_vvvv;
	u8 vex_map;
	u8 map;			/* 1: one-byte, 2: 0F, 3: 0F 38 */
	bool addr67;		/* 67 was given */
	bool prefixed;		/* the entry depends on the mandatory prefix */
};

/*
 * Legacy and REX prefixes, in any order and repeated.  A REX prefix
 * counts only right before the opcode: one followed by a legacy prefix is
 * ignored (Vol. 2, 2.2.1), and of two REX prefixes the last one counts.
 * Leaves the first opcode byte in @b.
 */
static int emu_prefixes(struct emu_ctxt *c, struct emu_insn *in,
			struct emu_dec *d, u8 *b)
{
	int ret, seg;

	for (;;) {
		ret = emu_take_byte(c, &d->cur, b);
		if (ret)
			return ret;
		if (c->mode == EMU_MODE_LONG && (*b & 0xf0) == 0x40) {
			in->rex = *b;
			continue;
		}
		seg = emu_seg_prefix(*b);
		if (seg >= 0) {
			/* In 64-bit mode only FS and GS overrides count (3.3.7). */
			if (c->mode != EMU_MODE_LONG || seg >= EMU_FS) {
				in->seg = seg;
				in->seg_override = true;
			}
		} else if (*b == 0x66) {
			in->opsize_prefix = true;
		} else if (*b == 0x67) {
			d->addr67 = true;
		} else if (*b == 0xf0) {
			in->lock = true;
		} else if (*b == 0xf2 || *b == 0xf3) {
			d->last_rep = *b;
		} else {
			return EMU_OK;
		}
		in->rex = 0;
	}
}

/*
 * A VEX prefix (Vol. 2, 2.3.5): C5 (two bytes) or C4 (three).  Outside
 * 64-bit mode C4 and C5 are LES and LDS unless the next byte has the form
 * of a register ModRM (bits 7:6 set), which LES and LDS cannot take.
 * Sets @in->vex when @b starts one.
 */
static int emu_vex(struct emu_ctxt *c, struct emu_insn *in, struct emu_dec *d,
		   u8 b)
{
	u8 b1, b2;
	int ret;

	if (b != 0xc4 && b != 0xc5)
		return EMU_OK;
	if (c->mode == EMU_MODE_REAL || c->mode == EMU_MODE_VM86)
		return EMU_OK;
	if (d->cur.pos >= d->cur.avail)
		return emu_unhandled(c, EMU_FAIL_FETCH);
	if (c->mode != EMU_MODE_LONG && (d->cur.insn[d->cur.pos] >> 6) != 3)
		return EMU_OK;
	/* A VEX prefix after 66, F2, F3, LOCK or REX is #UD (2.3.2). */
	if (in->opsize_prefix || d->last_rep || in->lock || in->rex)
		return emu_fault(c, EMU_VEC_UD, false, 0);
	ret = emu_take_byte(c, &d->cur, &b1);
	if (ret)
		return ret;
	in->vex = true;
	if (b == 0xc5) {
		/* R vvvv L pp; the map is 0F. */
		in->rex = (b1 & 0x80) ? 0 : REX_R;
		d->vex_map = 1;
		b2 = b1;
	} else {
		/* R X B mmmmm, then W vvvv L pp. */
		ret = emu_take_byte(c, &d->cur, &b2);
		if (ret)
			return ret;
		in->rex = (~b1 >> 5) & (REX_R | REX_X | REX_B);
		d->vex_map = b1 & 0x1f;
		in->vex_w = b2 & 0x80;
		if (c->mode != EMU_MODE_LONG)
			in->rex &= ~REX_B;
	}
	d->vex_vvvv = (~b2 >> 3) & 0xf;
	in->vex_l = b2 & 0x04;
	d->vex_pp = b2 & 3;
	return EMU_OK;
}

/* The mandatory prefix: VEX.pp, else F3 or F2 (the last given), else 66. */
static unsigned int emu_mandatory(const struct emu_insn *in,
				  const struct emu_dec *d)
{
	if (in->vex)
		return d->vex_pp;
	if (d->last_rep == 0xf3)
		return PFX_F3;
	if (d->last_rep == 0xf2)
		return PFX_F2;
	return in->opsize_prefix ? PFX_66 : PFX_NONE;
}

/*
 * The memory operand of a ModRM byte: 16-bit forms (Vol. 2, 2.1.5,
 * Table 2-1) or 32/64-bit ones with SIB (Tables 2-2, 2-3), and the
 * default segment: SS for a base of BP or SP (3.7.4), DS otherwise.
 */
static int emu_modrm_mem(struct emu_ctxt *c, struct emu_insn *in,
			 struct emu_dec *d)
{
	static const u8 base16[8] = {
		EMU_RBX, EMU_RBX, EMU_RBP, EMU_RBP,
		EMU_RSI, EMU_RDI, EMU_RBP, EMU_RBX,
	};
	static const u8 index16[8] = {
		EMU_RSI, EMU_RDI, EMU_RSI, EMU_RDI,
		EMU_NO_REG, EMU_NO_REG, EMU_NO_REG, EMU_NO_REG,
	};
	unsigned int mod = in->modrm >> 6, rm = in->modrm & 7, disp = 0;
	u64 val;
	int ret;

	in->has_mem = true;
	in->base = EMU_NO_REG;
	in->index = EMU_NO_REG;
	in->scale = 1;
	if (in->addr_size == 2) {
		if (mod == 0 && rm == 6) {
			disp = 2;
		} else {
			in->base = base16[rm];
			in->index = index16[rm];
			disp = mod == 1 ? 1 : mod == 2 ? 2 : 0;
		}
	} else {
		disp = mod == 1 ? 1 : mod == 2 ? 4 : 0;
		if (rm == 4) {
			u8 sib;

			ret = emu_take_byte(c, &d->cur, &sib);
			if (ret)
				return ret;
			in->scale = 1 << (sib >> 6);
			in->index = ((sib >> 3) & 7) | ((in->rex & REX_X) ? 8 : 0);
			/* Index 100 without REX.X means none (Table 2-3). */
			if (in->index == EMU_RSP)
				in->index = EMU_NO_REG;
			if ((sib & 7) == 5 && mod == 0)
				disp = 4;
			else
				in->base = (sib & 7) | ((in->rex & REX_B) ? 8 : 0);
		} else if (rm == 5 && mod == 0) {
			/* disp32; RIP-relative in 64-bit mode (2.2.1.6). */
			disp = 4;
			in->rip_rel = c->mode == EMU_MODE_LONG;
		} else {
			in->base = rm | ((in->rex & REX_B) ? 8 : 0);
		}
	}
	if (!in->seg_override)
		in->seg = (in->base == EMU_RSP || in->base == EMU_RBP) ?
			  EMU_SS : EMU_DS;
	ret = emu_take(c, &d->cur, disp, &val);
	if (ret)
		return ret;
	in->disp = disp ? sign_extend64(val, 8 * disp - 1) : 0;
	return EMU_OK;
}

/* The size in bytes of an operand of table size @s. */
static unsigned int emu_size_of(struct emu_ctxt *c, const struct emu_insn *in,
				unsigned int s)
{
	switch (s) {
	case EMU_S_B:
		return 1;
	case EMU_S_W:
		return 2;
	case EMU_S_D:
		return 4;
	case EMU_S_Q:
		return 8;
	case EMU_S_V:
		return in->opsize;
	case EMU_S_Y:
		return (in->rex & REX_W) || (in->vex && in->vex_w &&
					     c->mode == EMU_MODE_LONG) ? 8 : 4;
	case EMU_S_X:
		return in->vex_l ? 32 : 16;
	case EMU_S_DQ:
		return 16;
	case EMU_S_STACK:
		/*
		 * 64 bits in 64-bit mode, or 16 with 66 (REX.W wins over
		 * it); no 32 (2.2.1.3).
		 */
		if (c->mode == EMU_MODE_LONG)
			return in->opsize_prefix && !(in->rex & REX_W) ? 2 : 8;
		return in->opsize;
	default:
		return 0;
	}
}

/* The immediate of an operand of kind @kind and @size bytes. */
static int emu_immediate(struct emu_ctxt *c, struct emu_insn *in,
			 struct emu_dec *d, unsigned int kind,
			 unsigned int size)
{
	unsigned int n;
	u64 val;
	int ret;

	if (kind == EMU_K_IB || kind == EMU_K_IB_RAW)
		n = 1;
	else
		n = min(size, 4U);	/* imm32 for 64-bit operands (2.2.1.5) */
	ret = emu_take(c, &d->cur, n, &val);
	if (ret)
		return ret;
	if (kind != EMU_K_IB_RAW)
		val = sign_extend64(val, 8 * n - 1);
	in->imm = val;
	return EMU_OK;
}

/* A general register operand: AH-BH are 4-7 of byte ones without REX. */
static void emu_gpr_operand(struct emu_operand *op, unsigned int reg,
			    const struct emu_insn *in)
{
	op->reg = reg;
	op->high = op->size == 1 && !in->rex && !in->vex && reg >= 4 &&
		   reg < 8;
	if (op->high)
		op->reg -= 4;
}

static void emu_operand(struct emu_ctxt *c, struct emu_insn *in,
			struct emu_operand *op, unsigned int kind,
			unsigned int size)
{
	op->kind = kind;
	op->size = emu_size_of(c, in, size);
	op->reg = 0;
	op->high = false;
	switch (kind) {
	case EMU_K_G:
		emu_gpr_operand(op, ((in->modrm >> 3) & 7) |
				((in->rex & REX_R) ? 8 : 0), in);
		break;
	case EMU_K_Z:
		emu_gpr_operand(op, (in->opcode & 7) |
				((in->rex & REX_B) ? 8 : 0), in);
		break;
	case EMU_K_ACC:
		op->reg = EMU_RAX;
		break;
	case EMU_K_V:
		op->reg = ((in->modrm >> 3) & 7) | ((in->rex & REX_R) ? 8 : 0);
		break;
	case EMU_K_CL:
		op->reg = EMU_RCX;
		break;
	default:
		break;
	}
}

/* The entry after groups and mandatory prefixes, reading ModRM. */
static int emu_lookup(struct emu_ctxt *c, struct emu_insn *in,
		      struct emu_dec *d, const struct emu_opcode *e)
{
	int ret;

	if (e->flags & EMU_F_MODRM) {
		ret = emu_take_byte(c, &d->cur, &in->modrm);
		if (ret)
			return ret;
		in->has_modrm = true;
	}
	in->opc = *e;
	if (e->flags & EMU_F_GROUP) {
		const struct emu_opcode *g = &e->group[(in->modrm >> 3) & 7];

		/* Operands the group's entry does not name are the opcode's. */
		in->opc = *g;
		if (g->dst == EMU_K_NONE) {
			in->opc.dst = e->dst;
			in->opc.dsize = e->dsize;
		}
		if (g->src == EMU_K_NONE)
			in->opc.src = e->src;
		if (g->ssize == EMU_S_NONE)
			in->opc.ssize = e->ssize;
		in->opc.flags |= EMU_F_MODRM;
		e = g;
	}
	if (e->flags & EMU_F_PREFIXED) {
		in->opc = e->group[emu_mandatory(in, d)];
		d->prefixed = true;
	}
	return EMU_OK;
}

static int emu_check_form(struct emu_ctxt *c, struct emu_insn *in,
			  const struct emu_dec *d)
{
	const struct emu_opcode *e = &in->opc;

	if (e->op == EMU_OP_NONE)
		return emu_unhandled(c, EMU_FAIL_OPCODE);
	if (!!(e->flags & EMU_F_VEX) != in->vex)
		return emu_unhandled(c, EMU_FAIL_OPCODE);
	if ((e->flags & EMU_F_ONLY64) && c->mode != EMU_MODE_LONG)
		return emu_unhandled(c, EMU_FAIL_OPCODE);
	/*
	 * LOCK is #UD but on the read-modify-write instructions listed
	 * for it, with a memory destination (Vol. 2, LOCK).
	 */
	if (in->lock && (!(e->flags & EMU_F_LOCK) || in->vex ||
			 (in->has_modrm && (in->modrm >> 6) == 3)))
		return emu_fault(c, EMU_VEC_UD, false, 0);
	if (in->has_modrm && (in->modrm >> 6) == 3)
		return emu_unhandled(c, (e->flags & EMU_F_MEM_ONLY) ?
				     EMU_FAIL_OPCODE : EMU_FAIL_NO_MEMORY);
	/*
	 * F2 and F3 before a two-byte opcode that is not a string
	 * instruction may make another instruction of it (F3 0F B8 is
	 * POPCNT, F3 0F BC TZCNT): only the forms listed with their
	 * mandatory prefix are emulated.  Before one-byte opcodes they are
	 * ignored (XACQUIRE/XRELEASE hints, or no meaning).
	 */
	if (d->last_rep && d->map > 1 && !d->prefixed)
		return emu_unhandled(c, EMU_FAIL_OPCODE);
	/* 82 is an alias of 80 outside 64-bit mode only (Table A-2). */
	if (d->map == 1 && in->opcode == 0x82 && c->mode == EMU_MODE_LONG)
		return emu_fault(c, EMU_VEC_UD, false, 0);
	if (in->vex) {
		/* These moves take no VEX.vvvv operand: it must be 1111. */
		if (d->vex_vvvv)
			return emu_fault(c, EMU_VEC_UD, false, 0);
		if ((e->op == EMU_OP_MOVD_LOAD || e->op == EMU_OP_MOVD_STORE) &&
		    in->vex_l)
			return emu_fault(c, EMU_VEC_UD, false, 0);
	}
	return EMU_OK;
}

/* Operand and address sizes (Vol. 1, 3.6.1; Vol. 2, 2.2.1.2). */
static void emu_sizes(struct emu_ctxt *c, struct emu_insn *in, bool addr67)
{
	unsigned int def;

	if (c->mode == EMU_MODE_LONG) {
		in->opsize = (in->rex & REX_W) ? 8 : in->opsize_prefix ? 2 : 4;
		in->addr_size = addr67 ? 4 : 8;
		return;
	}
	if (c->mode == EMU_MODE_PROT && (emu_seg(c, EMU_CS)->ar & EMU_AR_DB))
		def = 4;
	else
		def = 2;
	in->opsize = in->opsize_prefix ? 6 - def : def;
	in->addr_size = addr67 ? 6 - def : def;
}

/* The effective address: base + index * scale + displacement (3.7.5). */
static void emu_effective_address(struct emu_ctxt *c, struct emu_insn *in)
{
	u64 ea = in->disp;

	if (in->base != EMU_NO_REG)
		ea += c->regs[in->base];
	if (in->index != EMU_NO_REG)
		ea += c->regs[in->index] * in->scale;
	/* Relative to the next instruction's RIP (2.2.1.6). */
	if (in->rip_rel)
		ea += c->rip + in->len;
	in->ea0 = ea & emu_addr_mask(in->addr_size);
	in->ea = in->ea0;
}

/* What a plain move names for the backend (emu_ctxt.mov_reg). */
static void emu_mov_register(struct emu_insn *in)
{
	const struct emu_opcode *e = &in->opc;
	const struct emu_operand *r;

	in->mov_reg = EMU_NO_REG;
	in->mov_high = false;
	in->mov_extend = 0;
	if (!(e->flags & EMU_F_MOV))
		return;
	r = e->dst == EMU_K_E || e->dst == EMU_K_MOFFS ||
	    e->dst == EMU_K_DST_STR ? &in->src : &in->dst;
	if (r->kind == EMU_K_G || r->kind == EMU_K_ACC) {
		in->mov_reg = r->reg;
		in->mov_high = r->high;
		in->mov_extend = e->op == EMU_OP_MOVZX ? 1 :
				 e->op == EMU_OP_MOVSX &&
				 in->src.size < in->dst.size ? 2 : 0;
	}
}

static int emu_decode_insn(struct emu_ctxt *c, struct emu_insn *in)
{
	struct emu_dec d = { .cur = { .insn = c->insn, .avail = c->insn_avail },
			     .map = 1 };
	const struct emu_opcode *e;
	u64 val;
	u8 b;
	int ret;

	/* Only what the decoder may leave unset; the rest it always sets. */
	memset(in, 0, offsetof(struct emu_insn, dst));
	in->seg = EMU_DS;
	ret = emu_prefixes(c, in, &d, &b);
	if (ret)
		return ret;
	ret = emu_vex(c, in, &d, b);
	if (ret)
		return ret;
	if (in->vex) {
		/* Only map 0F is emulated among the VEX maps. */
		if (d.vex_map != 1)
			return emu_unhandled(c, EMU_FAIL_OPCODE);
		ret = emu_take_byte(c, &d.cur, &b);
		if (ret)
			return ret;
		d.map = 2;
		e = &emu_map_vex[b];
	} else if (b == 0x0f) {
		ret = emu_take_byte(c, &d.cur, &b);
		if (ret)
			return ret;
		d.map = 2;
		e = &emu_map2[b];
		if (b == 0x38) {
			ret = emu_take_byte(c, &d.cur, &b);
			if (ret)
				return ret;
			d.map = 3;
			e = &emu_map_0f38[b];
		}
	} else {
		e = &emu_map1[b];
	}
	in->opcode = b;
	emu_sizes(c, in, d.addr67);

	ret = emu_lookup(c, in, &d, e);
	if (ret)
		return ret;
	ret = emu_check_form(c, in, &d);
	if (ret)
		return ret;
	e = &in->opc;
	in->op = e->op;
	in->sub = e->sub;

	if (in->has_modrm) {
		ret = emu_modrm_mem(c, in, &d);
		if (ret)
			return ret;
	}
	if (e->dst == EMU_K_MOFFS || e->src == EMU_K_MOFFS) {
		/* The offset has the address size (2.2.1.4). */
		ret = emu_take(c, &d.cur, in->addr_size, &val);
		if (ret)
			return ret;
		in->has_mem = true;
		in->disp = val;
		in->base = EMU_NO_REG;
		in->index = EMU_NO_REG;
	}
	emu_operand(c, in, &in->dst, e->dst, e->dsize);
	emu_operand(c, in, &in->src, e->src, e->ssize);
	/* MOVSXD r16, r/m16 and r32, r/m32 move; REX.W r64, r/m32 extends. */
	if (d.map == 1 && in->opcode == 0x63)
		in->src.size = min_t(unsigned int, in->opsize, 4);
	if (e->src == EMU_K_I || e->src == EMU_K_IB || e->src == EMU_K_IB_RAW) {
		ret = emu_immediate(c, in, &d, e->src, in->src.size);
		if (ret)
			return ret;
	}
	in->len = d.cur.pos;
	c->insn_len = in->len;
	if (in->has_mem)
		emu_effective_address(c, in);
	if (e->flags & EMU_F_REP) {
		in->rep = d.last_rep == 0xf3;
		in->repne = d.last_rep == 0xf2;
	}

	emu_mov_register(in);
	return EMU_OK;
}

/*
 * What the decoding depends on beside the bytes: the mode and, in
 * protected mode, CS.D (the default operand and address sizes).
 */
static u8 emu_decode_key(struct emu_ctxt *c)
{
	if (c->mode == EMU_MODE_PROT && (emu_seg(c, EMU_CS)->ar & EMU_AR_DB))
		return c->mode | 0x80;
	return c->mode;
}

/* @in holds the instruction at @c->insn, decoded last time. */
static bool emu_decoded_before(const struct emu_ctxt *c, u8 key)
{
	unsigned int i;

	if (!c->dec_len || c->dec_key != key || c->insn_avail < c->dec_len)
		return false;
	for (i = 0; i < c->dec_len; i++)
		if (c->insn[i] != c->dec_insn[i])
			return false;
	return true;
}

int emu_decode(struct emu_ctxt *c, struct emu_insn *in)
{
	u8 key = emu_decode_key(c);
	int ret;

	if (emu_decoded_before(c, key)) {
		if (in->has_mem)
			emu_effective_address(c, in);
	} else {
		/* @in is overwritten, whether the decoding succeeds or not. */
		c->dec_len = 0;
		c->mov_reg = EMU_NO_REG;
		ret = emu_decode_insn(c, in);
		if (ret)
			return ret;
		c->dec_len = in->len;
		c->dec_key = key;
		memcpy(c->dec_insn, c->insn, in->len);
	}
	c->insn_len = in->len;
	c->mov_reg = in->mov_reg;
	c->mov_high = in->mov_high;
	c->mov_extend = in->mov_extend;
	return EMU_OK;
}
