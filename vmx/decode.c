// SPDX-License-Identifier: GPL-2.0
/*
 * Decoding of the instructions that access emulated MMIO (decode.h).
 *
 * An instruction is (SDM Vol. 2, 2.1, Figure 2-1): legacy prefixes, a REX
 * prefix in 64-bit mode, the opcode (one byte, or 0F and a second byte),
 * ModRM, SIB, displacement, immediate.  The opcode is looked up in a table
 * that says what the instruction does and which of the later parts follow
 * it; the prefixes and the mode give the operand and address sizes.  The
 * addresses themselves are not computed: the EPT violation already gives
 * the guest-physical address, so ModRM, SIB and displacement are only
 * measured.
 */
#include <linux/bits.h>
#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/types.h>

#include "decode.h"

/* REX prefix fields (SDM Vol. 2, 2.2.1, Table 2-4). */
#define VMX_DEC_REX_W		BIT(3)	/* 64-bit operand size */
#define VMX_DEC_REX_R		BIT(2)	/* ModRM reg field bit 3 */

/* Operand sizes in the opcode tables. */
enum vmx_dec_size {
	VMX_DEC_SZ_NONE = 0,	/* no such operand; in .mem: not supported */
	VMX_DEC_SZ_B = 1,	/* byte */
	VMX_DEC_SZ_W = 2,	/* word */
	VMX_DEC_SZ_V = 0x80,	/* the effective operand size: 2, 4 or 8 */
};

/* A ModRM byte follows the opcode; it addresses memory (mod != 3). */
#define VMX_DEC_MODRM		BIT(0)
/* The ModRM reg field extends the opcode and must be 0 ("/0"). */
#define VMX_DEC_EXT0		BIT(1)
/* An immediate of the memory operand's size, at most 4 bytes, follows. */
#define VMX_DEC_IMM		BIT(2)
/* The register is rAX, implied by the opcode. */
#define VMX_DEC_RAX		BIT(3)
/* An offset of the address size follows the opcode (moffs, no ModRM). */
#define VMX_DEC_MOFFS		BIT(4)
/* A string instruction: F3 (REP) is allowed. */
#define VMX_DEC_STRING		BIT(5)
/* 63: MOVSXD in 64-bit mode, ARPL (not supported) outside it. */
#define VMX_DEC_MOVSXD		BIT(6)

/**
 * struct vmx_dec_entry - how to decode one opcode.
 * @op: enum vmx_insn_op.
 * @mem: size of the memory operand, enum vmx_dec_size; VMX_DEC_SZ_NONE for
 *	an opcode that is not supported.
 * @reg: size of the register operand, enum vmx_dec_size.
 * @extend: enum vmx_insn_extend.
 * @flags: VMX_DEC_MODRM etc.
 */
struct vmx_dec_entry {
	u8 op;
	u8 mem;
	u8 reg;
	u8 extend;
	u8 flags;
};

#define VMX_DEC_OP(o, m, r, e, f)					\
	{ .op = VMX_INSN_##o, .mem = VMX_DEC_SZ_##m, .reg = VMX_DEC_SZ_##r, \
	  .extend = VMX_EXTEND_##e, .flags = (f) }

/* One-byte opcode map (SDM Vol. 2, Table A-2); opcode pages in Vol. 2B. */
static const struct vmx_dec_entry vmx_dec_map1[256] = {
	/* MOVSXD r, r/m32; the memory operand size depends on REX.W. */
	[0x63] = VMX_DEC_OP(LOAD, V, V, NONE, VMX_DEC_MODRM | VMX_DEC_MOVSXD),
	/* MOV r/m8, r8; MOV r/m, r; MOV r8, r/m8; MOV r, r/m. */
	[0x88] = VMX_DEC_OP(STORE, B, B, NONE, VMX_DEC_MODRM),
	[0x89] = VMX_DEC_OP(STORE, V, V, NONE, VMX_DEC_MODRM),
	[0x8a] = VMX_DEC_OP(LOAD, B, B, NONE, VMX_DEC_MODRM),
	[0x8b] = VMX_DEC_OP(LOAD, V, V, NONE, VMX_DEC_MODRM),
	/* MOV AL/rAX, moffs; MOV moffs, AL/rAX. */
	[0xa0] = VMX_DEC_OP(LOAD, B, B, NONE, VMX_DEC_RAX | VMX_DEC_MOFFS),
	[0xa1] = VMX_DEC_OP(LOAD, V, V, NONE, VMX_DEC_RAX | VMX_DEC_MOFFS),
	[0xa2] = VMX_DEC_OP(STORE, B, B, NONE, VMX_DEC_RAX | VMX_DEC_MOFFS),
	[0xa3] = VMX_DEC_OP(STORE, V, V, NONE, VMX_DEC_RAX | VMX_DEC_MOFFS),
	/* STOS m8; STOS m16/32/64. */
	[0xaa] = VMX_DEC_OP(STOS, B, B, NONE, VMX_DEC_RAX | VMX_DEC_STRING),
	[0xab] = VMX_DEC_OP(STOS, V, V, NONE, VMX_DEC_RAX | VMX_DEC_STRING),
	/* MOV r/m8, imm8; MOV r/m, imm16/32 (C6 /0, C7 /0). */
	[0xc6] = VMX_DEC_OP(STORE_IMM, B, NONE, NONE,
			    VMX_DEC_MODRM | VMX_DEC_EXT0 | VMX_DEC_IMM),
	[0xc7] = VMX_DEC_OP(STORE_IMM, V, NONE, NONE,
			    VMX_DEC_MODRM | VMX_DEC_EXT0 | VMX_DEC_IMM),
};

/* Two-byte opcode map, after 0F (SDM Vol. 2, Table A-3). */
static const struct vmx_dec_entry vmx_dec_map2[256] = {
	/* MOVZX r, r/m8; MOVZX r, r/m16. */
	[0xb6] = VMX_DEC_OP(LOAD, B, V, ZERO, VMX_DEC_MODRM),
	[0xb7] = VMX_DEC_OP(LOAD, W, V, ZERO, VMX_DEC_MODRM),
	/* MOVSX r, r/m8; MOVSX r, r/m16. */
	[0xbe] = VMX_DEC_OP(LOAD, B, V, SIGN, VMX_DEC_MODRM),
	[0xbf] = VMX_DEC_OP(LOAD, W, V, SIGN, VMX_DEC_MODRM),
};

/* The legacy prefixes seen (SDM Vol. 2, 2.1.1). */
struct vmx_dec_prefixes {
	bool opsize;	/* 66 */
	bool addrsize;	/* 67 */
	bool lock;	/* F0 */
	bool repne;	/* F2 */
	bool rep;	/* F3 */
};

/* Bytes consumed so far, of the @avail that may be read. */
struct vmx_dec_cursor {
	const u8 *insn;
	unsigned int avail;
	unsigned int pos;
};

/*
 * Take the next @n bytes, little-endian, into @val.  Running past the
 * 15-byte limit is final whatever the bytes are; running past @avail only
 * means the caller has to fetch more.
 */
static int vmx_dec_take(struct vmx_dec_cursor *c, unsigned int n, u64 *val)
{
	unsigned int i;

	if (c->pos + n > VMX_INSN_MAX_LEN)
		return -EOPNOTSUPP;
	if (c->pos + n > c->avail)
		return -ENODATA;
	*val = 0;
	for (i = 0; i < n; i++)
		*val |= (u64)c->insn[c->pos + i] << (8 * i);
	c->pos += n;
	return 0;
}

static int vmx_dec_byte(struct vmx_dec_cursor *c, u8 *byte)
{
	u64 val;
	int err;

	err = vmx_dec_take(c, 1, &val);
	if (!err)
		*byte = val;
	return err;
}

/* Record @b in @p if it is a legacy prefix; false if it is not one. */
static bool vmx_dec_legacy_prefix(u8 b, struct vmx_dec_prefixes *p)
{
	switch (b) {
	case 0x66:
		p->opsize = true;
		return true;
	case 0x67:
		p->addrsize = true;
		return true;
	case 0xf0:
		p->lock = true;
		return true;
	case 0xf2:
		p->repne = true;
		return true;
	case 0xf3:
		p->rep = true;
		return true;
	/*
	 * Segment overrides: the guest-physical address is known already.
	 * (In 64-bit mode ES, CS, SS and DS ones are ignored anyway.)
	 */
	case 0x26:
	case 0x2e:
	case 0x36:
	case 0x3e:
	case 0x64:
	case 0x65:
		return true;
	default:
		return false;
	}
}

/*
 * Skip what follows a ModRM byte that addresses memory: SIB and
 * displacement (SDM Vol. 2, 2.1.5, Tables 2-1 to 2-3).  REX.B does not
 * change which forms take a SIB or a displacement (2.2.1.2, Table 2-5):
 * [r12] needs a SIB like [rSP], [r13] a displacement like [rBP].
 */
static int vmx_dec_skip_mem(struct vmx_dec_cursor *c, u8 modrm,
			    unsigned int addr_size)
{
	unsigned int mod = modrm >> 6, rm = modrm & 7, disp;
	u64 val;
	int err;

	if (addr_size == 2) {
		/*
		 * 16-bit forms (Table 2-1): no SIB; mod 00 rm 110 is [disp16]
		 * instead of [BP].
		 */
		if (mod == 1)
			disp = 1;
		else if (mod == 2 || (mod == 0 && rm == 6))
			disp = 2;
		else
			disp = 0;
		return vmx_dec_take(c, disp, &val);
	}

	/* 32- and 64-bit forms (Tables 2-2, 2-3). */
	if (mod == 1)
		disp = 1;
	else if (mod == 2)
		disp = 4;
	else
		disp = 0;
	if (rm == 4) {
		/* A SIB follows; base 101 with mod 00 is disp32, no base. */
		err = vmx_dec_take(c, 1, &val);
		if (err)
			return err;
		if (mod == 0 && (val & 7) == 5)
			disp = 4;
	} else if (mod == 0 && rm == 5) {
		/* [disp32]; RIP-relative in 64-bit mode (2.2.1.6). */
		disp = 4;
	}
	return vmx_dec_take(c, disp, &val);
}

static unsigned int vmx_dec_size(u8 sz, unsigned int opsize)
{
	return sz == VMX_DEC_SZ_V ? opsize : sz;
}

int vmx_decode_mmio(const u8 *insn, unsigned int avail, unsigned int mode,
		    struct vmx_mmio_insn *out)
{
	struct vmx_dec_cursor c = { .insn = insn, .avail = avail };
	struct vmx_dec_prefixes p = { };
	struct vmx_mmio_insn d = { .mode = mode };
	const struct vmx_dec_entry *e;
	unsigned int opsize;
	u8 b, rex = 0, modrm;
	u64 val;
	int err;

	if (mode != 2 && mode != 4 && mode != 8)
		return -EINVAL;

	/*
	 * Prefixes, in any order and repeated.  40-4F are REX in 64-bit mode
	 * (INC/DEC opcodes, not supported, outside it).  A REX prefix counts
	 * only immediately before the opcode: one followed by a legacy prefix
	 * is ignored (SDM Vol. 2, 2.2.1), and so is the first of two REX
	 * prefixes (the SDM allows one; the CPU uses the last).
	 */
	for (;;) {
		err = vmx_dec_byte(&c, &b);
		if (err)
			return err;
		if (mode == 8 && (b & 0xf0) == 0x40) {
			rex = b;
			continue;
		}
		if (!vmx_dec_legacy_prefix(b, &p))
			break;
		rex = 0;
	}

	if (b == 0x0f) {
		err = vmx_dec_byte(&c, &b);
		if (err)
			return err;
		e = &vmx_dec_map2[b];
	} else {
		e = &vmx_dec_map1[b];
	}
	if (e->mem == VMX_DEC_SZ_NONE)
		return -EOPNOTSUPP;
	/* Outside 64-bit mode 63 is ARPL, which no device access uses. */
	if ((e->flags & VMX_DEC_MOVSXD) && mode != 8)
		return -EOPNOTSUPP;
	/* None of these instructions can be locked: #UD (Vol. 2, LOCK). */
	if (p.lock)
		return -EOPNOTSUPP;
	/*
	 * REPNE is defined for CMPS and SCAS only, REP for string and I/O
	 * instructions; other uses are reserved (Vol. 2, 2.1.1, REP) and
	 * may mean another instruction on a later CPU.
	 */
	if (p.repne || (p.rep && !(e->flags & VMX_DEC_STRING)))
		return -EOPNOTSUPP;

	/*
	 * Operand size (SDM Vol. 1, 3.6.1 and Vol. 2, 2.2.1.2): 66 switches
	 * between 16 and 32 bits; in 64-bit mode REX.W makes it 64 whatever
	 * 66 says.  Address size: 67 switches between 16 and 32 bits, or
	 * from 64 to 32 in 64-bit mode.
	 */
	if (mode == 8 && (rex & VMX_DEC_REX_W))
		opsize = 8;
	else if (mode == 8)
		opsize = p.opsize ? 2 : 4;
	else
		opsize = p.opsize ? (mode == 2 ? 4 : 2) : mode;
	if (!p.addrsize)
		d.addr_size = mode;
	else
		d.addr_size = mode == 4 ? 2 : 4;

	d.op = e->op;
	d.size = vmx_dec_size(e->mem, opsize);
	d.reg_size = vmx_dec_size(e->reg, opsize);
	d.extend = e->extend;
	d.reg = VMX_INSN_NO_REG;
	/*
	 * MOVSXD with REX.W sign-extends 32 bits into 64.  Without it, the
	 * SDM gives "MOVSXD r32, r/m32" (and r16, r/m16 with 66), which
	 * moves without extending: a plain load of the operand size.
	 */
	if ((e->flags & VMX_DEC_MOVSXD) && opsize == 8) {
		d.size = 4;
		d.extend = VMX_EXTEND_SIGN;
	}

	if (e->flags & VMX_DEC_RAX)
		d.reg = 0;
	if (e->flags & VMX_DEC_STRING)
		d.rep = p.rep;
	if (e->flags & VMX_DEC_MOFFS) {
		/*
		 * The offset has the address size, 8 bytes in 64-bit mode
		 * unless 67 makes it 4 (Vol. 2, 2.2.1.4).
		 */
		err = vmx_dec_take(&c, d.addr_size, &val);
		if (err)
			return err;
	}

	if (e->flags & VMX_DEC_MODRM) {
		err = vmx_dec_byte(&c, &modrm);
		if (err)
			return err;
		/* mod 11 names a register: no memory access to emulate. */
		if ((modrm >> 6) == 3)
			return -EOPNOTSUPP;
		if (e->flags & VMX_DEC_EXT0) {
			if (modrm & 0x38)
				return -EOPNOTSUPP;
		} else {
			d.reg = (modrm >> 3) & 7;
			if (rex & VMX_DEC_REX_R)
				d.reg |= 8;
			/*
			 * Byte registers 4-7 are AH, CH, DH, BH without a REX
			 * prefix and SPL, BPL, SIL, DIL with any REX, even
			 * 40 (Vol. 2, 3.1.1.1, Table 3-1).
			 */
			if (d.reg_size == 1 && !rex && d.reg >= 4) {
				d.reg -= 4;
				d.high_byte = true;
			}
		}
		err = vmx_dec_skip_mem(&c, modrm, d.addr_size);
		if (err)
			return err;
	}

	if (e->flags & VMX_DEC_IMM) {
		/*
		 * imm8, imm16 or imm32; with a 64-bit operand imm32 is
		 * sign-extended (Vol. 2, 2.2.1.5).
		 */
		err = vmx_dec_take(&c, d.size == 8 ? 4 : d.size, &val);
		if (err)
			return err;
		if (d.size == 8)
			val = sign_extend64(val, 31);
		d.imm = val;
	}

	d.len = c.pos;
	*out = d;
	return 0;
}

/* The low @bytes bytes of a value. */
static u64 vmx_dec_mask(unsigned int bytes)
{
	return bytes >= 8 ? ~0ULL : BIT_ULL(8 * bytes) - 1;
}

u64 vmx_mmio_extend(const struct vmx_mmio_insn *d, u64 data)
{
	data &= vmx_dec_mask(d->size);
	if (d->extend == VMX_EXTEND_SIGN && d->size && d->size < 8)
		data = sign_extend64(data, 8 * d->size - 1);
	return data & vmx_dec_mask(d->reg_size);
}

int vmx_mmio_merge_reg(const struct vmx_mmio_insn *d, u64 old, u64 value,
		       u64 *new_val)
{
	u64 mask;

	if (d->op != VMX_INSN_LOAD || d->reg == VMX_INSN_NO_REG)
		return -EINVAL;

	switch (d->reg_size) {
	case 1:
		if (d->high_byte) {
			*new_val = (old & ~0xff00ULL) | (value & 0xff) << 8;
			return 0;
		}
		mask = 0xff;
		break;
	case 2:
		mask = 0xffff;
		break;
	case 4:
		/* Zero-extended in 64-bit mode (SDM Vol. 1, 3.4.1.1). */
		if (d->mode == 8) {
			*new_val = value & 0xffffffffULL;
			return 0;
		}
		mask = 0xffffffffULL;
		break;
	case 8:
		*new_val = value;
		return 0;
	default:
		return -EINVAL;
	}
	*new_val = (old & ~mask) | (value & mask);
	return 0;
}
