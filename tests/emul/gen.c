// SPDX-License-Identifier: GPL-2.0
/*
 * Case generators: one instruction of a form, with random prefixes, a
 * random ModRM/SIB/displacement form for its memory operand, register
 * values solved so that the operand lands where the case wants it (in the
 * data, across a page, on the read-only page or in a guard page), random
 * other registers, flags, vector registers and memory.
 *
 * The harness runs every case natively, so the generator must know where
 * each access goes: every linear address it picks lies in the arena, and
 * the registers are solved to reach it under the CPU's addressing rules
 * (segment base, address-size truncation, RIP-relative, the bit offset of
 * BT, the stack of PUSH and POP).  Registers the instruction does not use
 * for addressing hold random values, mostly non-canonical, so that a
 * mistake in this file faults instead of writing into the harness.
 */
#include <stdarg.h>
#include <string.h>
#include <linux/kernel.h>

#include "emul_diff.h"

/* splitmix64: small, fast, and good enough for test data. */
static u64 rng_state;

void rng_seed(u64 seed)
{
	rng_state = seed;
}

u64 rng(void)
{
	u64 z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

u64 rng_below(u64 n)
{
	return n ? rng() % n : 0;
}

bool rng_chance(unsigned int one_in)
{
	return rng_below(one_in) == 0;
}

/* Values where arithmetic has its edges, and random ones. */
u64 rng_value(void)
{
	static const u64 edges[] = {
		0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff,
		0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ULL,
		0x7fffffffffffffffULL, 0x8000000000000000ULL, ~0ULL, ~1ULL,
	};
	u64 v;

	switch (rng_below(8)) {
	case 0:
		return edges[rng_below(ARRAY_SIZE(edges))];
	case 1:
		return -(u64)rng_below(300);
	case 2:
		return rng_below(300);
	case 3:
		v = edges[rng_below(ARRAY_SIZE(edges))];
		return v + rng_below(5) - 2;
	default:
		return rng();
	}
}

/* Prefixes a form lets the generator add. */
#define P_66	BIT(0)	/* operand-size override (changes the form's size) */
#define P_67	BIT(1)	/* address-size override */
#define P_SEG	BIT(2)	/* segment override */
#define P_LOCK	BIT(3)	/* LOCK is legal */
#define P_REX	BIT(4)	/* REX (R, X, B) */
#define P_REXW	BIT(5)	/* REX.W (changes the form's size) */
#define P_REP	BIT(6)	/* REP/REPNE (strings) */
#define P_MEM	(P_67 | P_SEG | P_REX)

/* The instruction being assembled, and the choices made for it. */
struct gen {
	struct test_case *tc;
	bool m64;
	bool p66, p67, lock, vex;
	u8 rep;			/* 0, 0xf3 or 0xf2 */
	u8 mand;		/* SSE mandatory prefix, next to the opcode */
	int seg;		/* segment override, EMU_ES.., or -1 */
	bool rex, w, r, x, b;
	u8 vex_pp, vex_l;	/* VEX fields besides R, X, B, W */
	u8 vex_nvvvv;		/* VEX.vvvv as encoded (inverted): 1111 unused */
	unsigned int osize, asize;
	u32 fixed;		/* registers the instruction needs as they are */
	u64 eff[EMU_NR_GPRS];	/* a fixed register's value for addressing */
	u8 body[EMU_INSN_MAX + 8];
	unsigned int n;
	int rip_at;		/* offset of a RIP-relative disp32, or -1 */
	u64 rip_want;
	int mem_seg;		/* the segment mem() addressed through */
};

static const u8 seg_prefix[EMU_NR_SEGS] = { 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65 };
static const char *const seg_name[EMU_NR_SEGS] = { "es", "cs", "ss", "ds", "fs", "gs" };

static void note(struct gen *g, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void note(struct gen *g, const char *fmt, ...)
{
	size_t used = strlen(g->tc->note);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(g->tc->note + used, sizeof(g->tc->note) - used, fmt, ap);
	va_end(ap);
}

static void emit(struct gen *g, u8 byte)
{
	if (g->n < sizeof(g->body))
		g->body[g->n++] = byte;
}

static void emit_imm(struct gen *g, unsigned int size, u64 v)
{
	unsigned int i;

	for (i = 0; i < size; i++)
		emit(g, v >> (8 * i));
}

static u64 size_mask(unsigned int bytes)
{
	return bytes >= 8 ? ~0ULL : BIT_ULL(8 * bytes) - 1;
}

/* An immediate of @size bytes with values at the edges half the time. */
static u64 imm_value(unsigned int size)
{
	return rng_value() & size_mask(size);
}

/* Selectors compatibility-mode cases choose from, weighted. */
static int pick_sel(bool stack, bool addr16)
{
	static const u8 plain[] = {
		SEL_USER_DS, SEL_USER_DS, SEL_USER_DS, SEL_LDT_FLAT, SEL_LDT_BASED,
		SEL_LDT_BASED, SEL_LDT_SMALL, SEL_LDT_DOWN, SEL_LDT_16, SEL_NULL,
	};
	static const u8 low[] = {
		SEL_LDT_BASED, SEL_LDT_BASED, SEL_LDT_16, SEL_LDT_16, SEL_LDT_16,
		SEL_LDT_SMALL, SEL_USER_DS, SEL_LDT_DOWN,
	};
	int s;

	if (!host.seg_checks)
		return host.ldt && rng_chance(2) ? SEL_LDT_BASED : SEL_USER_DS;
	if (!host.ldt)
		return stack || !rng_chance(12) ? SEL_USER_DS : SEL_NULL;
	do {
		s = addr16 ? low[rng_below(ARRAY_SIZE(low))] :
			     plain[rng_below(ARRAY_SIZE(plain))];
	} while (stack && s == SEL_NULL);
	return s;
}

/* The state every case starts from: random registers, flags and memory. */
static void gen_begin(struct gen *g, struct test_case *tc)
{
	u64 *mem = (u64 *)arena.data;
	unsigned int i;

	memset(g, 0, sizeof(*g));
	g->tc = tc;
	g->m64 = !tc->compat;
	g->seg = -1;
	g->rip_at = -1;
	g->vex_nvvvv = 0xf;
	/* Unused REX.X/B bits are random: the CPU ignores them. */
	g->x = rng_chance(2);
	g->b = rng_chance(2);

	tc->len = 0;
	tc->step = false;
	tc->max_reads = 1;
	tc->nmem = 1;
	tc->str_size = 0;
	tc->regform = false;
	tc->mov_reg = EMU_NO_REG;
	tc->mov_high = false;
	tc->mov_extend = 0xff;
	tc->note[0] = 0;
	for (i = 0; i < EMU_NR_GPRS; i++)
		tc->in.gprs[i] = rng_value();
	if (!host.rsp_any)
		tc->in.gprs[EMU_RSP] = sign_extend64(tc->in.gprs[EMU_RSP], 47);
	tc->in.rip = (uintptr_t)arena.code + rng_below(ARENA_PAGE - 32);
	tc->in.rflags = 0x202 | (rng() & (FL_ARITH | FL_DF));
	/* RFLAGS.AC with CR0.AM at CPL 3: misaligned accesses raise #AC. */
	if (host.ac && rng_chance(8))
		tc->in.rflags |= FL_AC;
	for (i = 0; i < 16; i++) {
		u64 v[4] = { rng(), rng(), rng(), rng() };

		memcpy(tc->in.vec[i], v, 32);
	}
	if (!host.avx)
		for (i = 0; i < 16; i++)
			memset(tc->in.vec[i] + 16, 0, 16);
	for (i = 0; i < DATA_PAGES * ARENA_PAGE / 8; i++)
		mem[i] = rng();

	if (tc->compat) {
		tc->segs[EMU_CS] = (struct seg_desc){
			.sel = 0x23, .base = 0, .limit = 0xffffffff,
			.ar = EMU_AR_TYPE_A | EMU_AR_TYPE_W | EMU_AR_TYPE_CODE |
			      EMU_AR_S | 3 << 5 | EMU_AR_P | EMU_AR_DB | EMU_AR_G,
		};
		tc->segs[EMU_DS] = sels[pick_sel(false, false)];
		tc->segs[EMU_ES] = sels[pick_sel(false, false)];
		tc->segs[EMU_SS] = sels[pick_sel(true, false)];
		tc->segs[EMU_FS] = sels[SEL_NULL];
		tc->segs[EMU_GS] = sels[pick_sel(false, false)];
	} else {
		tc->segs[EMU_CS] = (struct seg_desc){
			.sel = 0x33, .base = 0, .limit = 0xffffffff,
			.ar = EMU_AR_TYPE_A | EMU_AR_TYPE_W | EMU_AR_TYPE_CODE |
			      EMU_AR_S | 3 << 5 | EMU_AR_P | EMU_AR_L | EMU_AR_G,
		};
		tc->segs[EMU_SS] = sels[SEL_USER_DS];
		/* DS and ES as the process has them, null in practice. */
		tc->segs[EMU_DS] = host.ds ? sels[SEL_USER_DS] : sels[SEL_NULL];
		tc->segs[EMU_ES] = host.es ? sels[SEL_USER_DS] : sels[SEL_NULL];
		/* FS and GS: null selectors; their bases still apply. */
		tc->segs[EMU_FS] = (struct seg_desc){
			.base = host.fs_base, .ar = EMU_AR_UNUSABLE,
		};
		tc->segs[EMU_GS] = (struct seg_desc){
			.base = host.gs_base, .ar = EMU_AR_UNUSABLE,
		};
	}
}

/* Choose prefixes among @allow; sets the address size. */
static void prefixes(struct gen *g, unsigned int allow)
{
	static const u8 reps[] = { 0, 0, 0xf3, 0xf3, 0xf3, 0xf2 };
	struct test_case *tc = g->tc;

	if ((allow & P_66) && rng_chance(3))
		g->p66 = true;
	if ((allow & P_67) && rng_chance(4))
		g->p67 = true;
	if ((allow & P_LOCK) && rng_chance(3))
		g->lock = true;
	if (allow & P_REP)
		g->rep = reps[rng_below(ARRAY_SIZE(reps))];
	if ((allow & P_SEG) && rng_chance(3)) {
		do {
			g->seg = rng_below(EMU_NR_SEGS);
		} while (tc->compat && (g->seg == EMU_FS ||
					(g->seg == EMU_CS && !host.seg_checks)));
	}
	if (g->m64 && (allow & P_REX) && rng_chance(2)) {
		g->rex = true;
		g->w = (allow & P_REXW) && rng_chance(2);
	}
	if (g->m64)
		g->asize = g->p67 ? 4 : 8;
	else
		g->asize = g->p67 ? 2 : 4;
	/* 16-bit addressing needs a segment whose base is near the arena. */
	if (tc->compat && g->asize == 2) {
		tc->segs[EMU_DS] = sels[pick_sel(false, true)];
		tc->segs[EMU_ES] = sels[pick_sel(false, true)];
		tc->segs[EMU_SS] = sels[pick_sel(true, true)];
		tc->segs[EMU_GS] = sels[pick_sel(false, true)];
	}
}

/* Operand size: 1 for byte forms, else 2, 4 or 8 from 66 and REX.W. */
static void opsize(struct gen *g, bool byte)
{
	if (byte)
		g->osize = 1;
	else if (g->w)
		g->osize = 8;
	else
		g->osize = g->p66 ? 2 : 4;
}

/* A general register for ModRM.reg: 0-15 only with REX (or VEX). */
static unsigned int pick_reg(struct gen *g)
{
	return rng_below(g->m64 && (g->rex || g->vex) ? 16 : 8);
}

static void fix_reg(struct gen *g, unsigned int reg, u64 value)
{
	g->tc->in.gprs[reg] = value;
	g->fixed |= BIT(reg);
	g->eff[reg] = value;
}

/* Bytes of the arena a case may read natively (not the guard pages). */
static bool arena_readable(u64 la, unsigned int size)
{
	return la >= (uintptr_t)arena.data && la + size <= (uintptr_t)arena.hi;
}

static bool arena_writable(u64 la, unsigned int size)
{
	return la >= (uintptr_t)arena.data && la + size <= (uintptr_t)arena.ro;
}

static u64 arena_read(u64 la, unsigned int size)
{
	u64 v = 0;

	if (arena_readable(la, size))
		memcpy(&v, (void *)(uintptr_t)la, min(size, 8U));
	return v;
}

/*
 * Where an access of @size bytes goes: mostly in the data, else across a
 * page boundary, on the read-only page, across into it or out of it into
 * a guard page, or inside a guard page.  @align: the natural alignment,
 * used half the time in the data.  @margin keeps that many bytes from
 * the arena's ends (strings step on from there).
 */
static u64 pick_la(unsigned int size, unsigned int align, unsigned int margin)
{
	u64 lo = (uintptr_t)arena.lo, data = (uintptr_t)arena.data;
	u64 ro = (uintptr_t)arena.ro, hi = (uintptr_t)arena.hi;
	u64 end = (uintptr_t)arena.end, la;
	unsigned int back = size > 1 ? 1 + rng_below(size - 1) : rng_below(2);

	switch (rng_below(20)) {
	case 0 ... 9:
		la = data + rng_below(DATA_PAGES * ARENA_PAGE - size + 1);
		if (align > 1 && rng_chance(2))
			la &= ~(u64)(align - 1);
		break;
	case 10 ... 11:		/* across two data pages */
		la = data + ARENA_PAGE * (1 + rng_below(DATA_PAGES - 1)) - back;
		break;
	case 12:
		la = ro + rng_below(ARENA_PAGE - size + 1);
		break;
	case 13:		/* data into read-only */
		la = ro - back;
		break;
	case 14:		/* read-only into the guard page */
		la = hi - back;
		break;
	case 15:		/* guard page into data */
		la = data - back;
		break;
	case 16:		/* inside a guard page */
		la = (rng_chance(2) ? lo : hi) + rng_below(ARENA_PAGE - size + 1);
		break;
	case 17:		/* the data's edges */
		la = rng_chance(2) ? data + rng_below(64) :
				     ro - size - rng_below(64);
		break;
	default:		/* aligned, anywhere in the data */
		la = data + rng_below(DATA_PAGES * ARENA_PAGE - size + 1);
		la &= ~(u64)(max(align, 1U) - 1);
		break;
	}
	return clamp(la, lo + margin, end - margin - size);
}

static u64 seg_base(struct gen *g, int seg)
{
	return g->tc->segs[seg].base;
}

/*
 * The effective address (offset in the segment) that reaches linear @la,
 * or false when the address size cannot express it.  In 64-bit mode the
 * linear address is base + EA in 64 bits; in compatibility mode it wraps
 * at 4 GiB.
 */
static bool want_ea(struct gen *g, int seg, u64 la, unsigned int asize, u64 *ea)
{
	u64 v = la - seg_base(g, seg);

	if (!g->m64)
		v &= 0xffffffff;
	if (v > size_mask(asize))
		return false;
	*ea = v;
	return true;
}

/* Garbage above the address size, which the CPU ignores. */
static u64 with_garbage(struct gen *g, u64 v, unsigned int size)
{
	if (size >= 8)
		return v;
	if (g->m64 && rng_chance(4))	/* sometimes clean */
		return v;
	return (v & size_mask(size)) | (rng() & ~size_mask(size));
}

/* Does @d (mod 2^(8 * @asize)) fit a sign-extended displacement of @dbytes? */
static bool disp_fits(u64 d, unsigned int dbytes, unsigned int asize)
{
	u64 m = size_mask(asize);

	return ((u64)sign_extend64(d, 8 * dbytes - 1) & m) == (d & m);
}

static bool fits_mod(u64 d, unsigned int mod, unsigned int asize)
{
	switch (mod) {
	case 0:
		return (d & size_mask(asize)) == 0;
	case 1:
		return disp_fits(d, 1, asize);
	default:
		return disp_fits(d, asize == 2 ? 2 : 4, asize);
	}
}

static u64 random_disp(unsigned int mod, unsigned int asize)
{
	if (mod == 1)
		return sign_extend64(rng(), 7);
	if (mod == 0)
		return 0;
	if (asize == 2)
		return rng_chance(2) ? (u64)sign_extend64(rng(), 15) : rng_below(512) - 256;
	switch (rng_below(3)) {
	case 0:
		return sign_extend64(rng(), 31);
	case 1:
		return rng_below(0x20000) - 0x10000;
	default:
		return rng_below(256) - 128;
	}
}

/* A register for addressing: mostly a free one. */
static unsigned int pick_addr_reg(struct gen *g, unsigned int nregs, bool no_sp)
{
	unsigned int r, tries = 0;

	do {
		r = rng_below(nregs);
	} while ((no_sp && r == EMU_RSP) ||
		 ((g->fixed & BIT(r)) && ++tries < 8 && !rng_chance(10)));
	return r;
}

/* Multiplicative inverse of odd @a modulo 2^64 (Newton's iteration). */
static u64 inverse(u64 a)
{
	u64 x = a;
	int i;

	for (i = 0; i < 6; i++)
		x *= 2 - a * x;
	return x;
}

/*
 * base + index * scale + disp = ea (mod 2^(8 * asize)), with either
 * register possibly fixed, possibly the same register, possibly absent
 * (base or index -1); @mod says which displacement sizes are possible
 * (-1: disp32 and nothing else, for the forms without a base).  Sets the
 * free registers and *disp; false when there is no solution.
 */
static bool solve(struct gen *g, int base, int index, unsigned int scale,
		  int mod, u64 ea, u64 *disp)
{
	unsigned int asize = g->asize;
	u64 m = size_mask(asize), d, bv = 0, iv = 0, rest;
	bool bfix = base >= 0 && (g->fixed & BIT(base));
	bool ifix = index >= 0 && (g->fixed & BIT(index));
	int dmod = mod < 0 ? 2 : mod;

	d = random_disp(dmod, asize);
	if (base >= 0 && base == index) {
		u64 k = scale + 1;

		if (bfix) {
			d = ea - g->eff[base] * k;
		} else {
			if (k == 2 && ((ea - d) & 1)) {
				if (dmod == 0)
					return false;
				d++;
			}
			if (k == 2)
				bv = ((ea - d) & m) >> 1;
			else
				bv = (ea - d) * inverse(k);
			/* Half the time from the other solution (k = 2). */
			if (k == 2 && rng_chance(2))
				bv += BIT_ULL(8 * asize - 1);
			g->tc->in.gprs[base] = with_garbage(g, bv, asize);
		}
		*disp = d;
		return fits_mod(d, dmod, asize);
	}
	if (index >= 0) {
		if (ifix)
			iv = g->eff[index];
		else if (!bfix && base >= 0)
			iv = rng_chance(2) ? rng() : rng_below(0x2000) - 0x1000;
	}
	if (base >= 0 && bfix)
		bv = g->eff[base];

	if (base >= 0 && !bfix) {
		/* The base takes what is left. */
		bv = ea - d - iv * scale;
		g->tc->in.gprs[base] = with_garbage(g, bv, asize);
		if (index >= 0 && !ifix)
			g->tc->in.gprs[index] = with_garbage(g, iv, asize);
		*disp = d;
		return true;
	}
	if (index >= 0 && !ifix) {
		/* index * scale = ea - d - base: scale must divide it. */
		rest = (ea - d - bv) & m;
		if (rest % scale) {
			if (dmod == 0)
				return false;
			d += rest % scale;
			rest -= rest % scale;
		}
		iv = rest / scale;
		if (scale > 1 && rng_chance(2))
			iv += (m / scale + 1) * rng_below(scale);
		g->tc->in.gprs[index] = with_garbage(g, iv, asize);
		*disp = d;
		return fits_mod(d, dmod, asize);
	}
	/* Everything fixed (or absent): the displacement must make it. */
	d = ea - bv - iv * scale;
	*disp = d;
	return fits_mod(d, dmod, asize);
}

static void emit_disp(struct gen *g, unsigned int bytes, u64 d)
{
	emit_imm(g, bytes, d);
}

/* A 16-bit ModRM memory operand (compatibility mode with 67). */
static bool mem16(struct gen *g, unsigned int reg, u64 la, int *segp)
{
	static const s8 rm_base[8] = { 3, 3, 5, 5, -1, -1, 5, 3 };
	static const s8 rm_index[8] = { 6, 7, 6, 7, 6, 7, -1, -1 };
	unsigned int rm = rng_below(8), mod = rng_below(3);
	int base, index, seg;
	u64 ea, d;

	if (rm == 6 && mod == 0) {
		base = -1;
		index = -1;
	} else {
		base = rm_base[rm];
		index = rm_index[rm];
	}
	seg = g->seg >= 0 ? g->seg : (base == 5 ? EMU_SS : EMU_DS);
	*segp = seg;
	if (!want_ea(g, seg, la, 2, &ea))
		return false;
	if (base < 0 && index < 0) {
		d = ea;
	} else {
		if (base < 0) {
			base = index;
			index = -1;
		}
		if (!solve(g, base, index, 1, mod, ea, &d))
			return false;
	}
	emit(g, (base < 0 && index < 0 ? 0 : mod << 6) | (reg & 7) << 3 | rm);
	if (base < 0 && index < 0)
		emit_disp(g, 2, d);
	else if (mod == 1)
		emit_disp(g, 1, d);
	else if (mod == 2)
		emit_disp(g, 2, d);
	return true;
}

/*
 * Does a 64-bit mode operand with base register @base reference SS?  CS,
 * DS, ES and SS overrides are ignored there, so RSP and RBP bases make a
 * stack reference (#SS, not #GP, when non-canonical) whatever they say.
 */
static bool stack_ref(const struct gen *g, int base)
{
	if (g->seg == EMU_FS || g->seg == EMU_GS)
		return false;
	return g->seg == EMU_SS || base == EMU_RSP || base == EMU_RBP;
}

/*
 * Encode a memory operand with ModRM.reg = @reg (0-15) whose linear
 * address is @la.  Picks the form (RIP-relative, absolute, base,
 * base + index * scale, index * scale) and displacement size, solves the
 * registers, and emits ModRM, SIB and displacement.
 */
static bool mem(struct gen *g, unsigned int reg, u64 la)
{
	unsigned int nregs = g->m64 && (g->rex || g->vex) ? 16 : 8;
	unsigned int kind = rng_below(16), mod, scale = 1, ss = 0;
	int base = -1, index = -1, seg;
	bool sib;
	u64 ea, d;

	g->r = reg >> 3;
	if (g->asize == 2) {
		if (!mem16(g, reg, la, &seg))
			return false;
		goto done;
	}

	if (kind == 0 && g->m64) {
		/* RIP-relative: the displacement is fixed up in finish(). */
		seg = g->seg >= 0 ? g->seg : EMU_DS;
		if (!want_ea(g, seg, la, g->asize, &ea))
			return false;
		emit(g, (reg & 7) << 3 | 5);
		g->rip_at = g->n;
		g->rip_want = ea;
		emit_imm(g, 4, 0);
		note(g, "rip-rel ");
		goto done;
	}
	if (kind == 1) {
		/* Absolute disp32: SIB with neither base nor index. */
		seg = g->seg >= 0 ? g->seg : EMU_DS;
		if (!want_ea(g, seg, la, g->asize, &ea))
			return false;
		if (g->asize == 8 && !disp_fits(ea, 4, 8))
			return false;
		if (!g->m64 && rng_chance(2)) {
			emit(g, (reg & 7) << 3 | 5);
		} else {
			g->x = false;
			emit(g, (reg & 7) << 3 | 4);
			emit(g, rng_below(4) << 6 | 4 << 3 | 5);
		}
		emit_disp(g, 4, ea);
		note(g, "abs ");
		goto done;
	}

	/* base, base + index, or index alone. */
	sib = kind >= 8;
	mod = rng_below(3);
	if (kind < 12 || !sib)
		base = pick_addr_reg(g, nregs, false);
	if (sib) {
		if (rng_chance(4)) {
			index = -1;		/* SIB without an index */
		} else {
			index = pick_addr_reg(g, nregs, true);
			ss = rng_below(4);
			scale = 1 << ss;
		}
	}
	if (base >= 0 && (base & 7) == EMU_RSP)
		sib = true;		/* rm = 100 means SIB */
	if (base >= 0 && (base & 7) == EMU_RBP && mod == 0)
		mod = 1 + rng_below(2);	/* mod 0 would mean no base */
	if (base < 0)
		mod = 0;		/* SIB base 101, mod 0: disp32 */

	seg = g->seg;
	if (seg < 0)
		seg = base == EMU_RSP || base == EMU_RBP ? EMU_SS : EMU_DS;
	if (!want_ea(g, seg, la, g->asize, &ea))
		return false;
	if (!solve(g, base, index, scale, base < 0 ? -1 : (int)mod, ea, &d))
		return false;

	if (base >= 0)
		g->b = base >> 3;
	if (sib) {
		/* Index 100 without REX.X is "no index"; with it, R12. */
		if (index >= 0)
			g->x = index >> 3;
		else
			g->x = false;
		emit(g, mod << 6 | (reg & 7) << 3 | 4);
		emit(g, ss << 6 | (index >= 0 ? index & 7 : 4) << 3 |
			(base >= 0 ? base & 7 : 5));
	} else {
		emit(g, mod << 6 | (reg & 7) << 3 | (base & 7));
	}
	if (base < 0 || mod == 2)
		emit_disp(g, 4, d);
	else if (mod == 1)
		emit_disp(g, 1, d);
	/*
	 * Now and then a non-canonical address: #GP(0), or #SS(0) through
	 * RSP or RBP.  Bit 63 flips in the sum as in the base (unless the
	 * base is also the index, scaled by an even factor: then nothing
	 * changes, which is harmless).
	 */
	if (g->m64 && g->asize == 8 && base >= 0 && !(g->fixed & BIT(base)) &&
	    (host.ss_canonical || !stack_ref(g, base)) && rng_chance(24)) {
		g->tc->in.gprs[base] ^= BIT_ULL(63);
		note(g, "non-canonical ");
	}
done:
	g->mem_seg = seg;
	note(g, "%s:%#llx ", seg_name[seg], (unsigned long long)la);
	return true;
}

/* A register operand in ModRM (mod 11): for the LOCK #UD cases. */
static void modrm_reg(struct gen *g, unsigned int reg, unsigned int rm)
{
	g->r = reg >> 3;
	g->b = rm >> 3;
	emit(g, 0xc0 | (reg & 7) << 3 | (rm & 7));
}

static void shuffle(u8 *p, unsigned int n)
{
	unsigned int i, j;
	u8 t;

	for (i = n; i > 1; i--) {
		j = rng_below(i);
		t = p[i - 1];
		p[i - 1] = p[j];
		p[j] = t;
	}
}

/* Put the instruction together: legacy prefixes, REX or VEX, the body. */
static bool finish(struct gen *g)
{
	struct test_case *tc = g->tc;
	u8 pfx[8], *p = tc->insn;
	unsigned int np = 0, n = 0, i;

	if (g->p66)
		pfx[np++] = 0x66;
	if (g->p67)
		pfx[np++] = 0x67;
	if (g->lock)
		pfx[np++] = 0xf0;
	if (g->rep)
		pfx[np++] = g->rep;
	if (g->seg >= 0)
		pfx[np++] = seg_prefix[g->seg];
	shuffle(pfx, np);
	if (np + 1 + !!g->mand + 3 + g->n > EMU_INSN_MAX + 1)
		return false;
	for (i = 0; i < np; i++)
		p[n++] = pfx[i];
	if (g->mand)
		p[n++] = g->mand;
	if (g->vex) {
		/* Opcode map 0F; vvvv unused (1111). */
		bool two = !g->x && !g->b && !g->w && rng_chance(2);

		if (two) {
			p[n++] = 0xc5;
			p[n++] = !g->r << 7 | g->vex_nvvvv << 3 | g->vex_l << 2 |
				 g->vex_pp;
		} else {
			p[n++] = 0xc4;
			p[n++] = !g->r << 7 | !g->x << 6 | !g->b << 5 | 1;
			p[n++] = g->w << 7 | g->vex_nvvvv << 3 | g->vex_l << 2 |
				 g->vex_pp;
		}
	} else if (g->rex) {
		p[n++] = 0x40 | g->w << 3 | g->r << 2 | g->x << 1 | g->b;
	}
	if (n + g->n > EMU_INSN_MAX)
		return false;
	if (g->rip_at >= 0) {
		u64 next = tc->in.rip + n + g->n;
		u64 d = g->rip_want - next;

		if (g->asize == 8 && !disp_fits(d, 4, 8))
			return false;
		for (i = 0; i < 4; i++)
			g->body[g->rip_at + i] = d >> (8 * i);
	}
	memcpy(p + n, g->body, g->n);
	tc->len = n + g->n;
	return true;
}

/* ModRM.reg as a general register: the plain-move decode to expect. */
static void expect_mov(struct gen *g, unsigned int reg, bool byte, u8 extend)
{
	struct test_case *tc = g->tc;

	tc->mov_reg = reg;
	tc->mov_high = byte && !g->rex && reg >= 4 && reg < 8;
	if (tc->mov_high)
		tc->mov_reg = reg - 4;
	tc->mov_extend = extend;
}

/* ---- forms ---- */

/* MOV 88/89/8A/8B/C6/C7 */
static bool gen_mov(struct test_case *tc, const struct form *f)
{
	static const u8 ops[] = { 0x88, 0x89, 0x8a, 0x8b, 0xc6, 0xc7 };
	u8 op = ops[rng_below(ARRAY_SIZE(ops))];
	unsigned int reg;
	struct gen g;
	u64 la;

	(void)f;
	gen_begin(&g, tc);
	prefixes(&g, P_66 | P_MEM | P_REXW);
	opsize(&g, !(op & 1));
	reg = op >= 0xc6 ? 0 : pick_reg(&g);
	la = pick_la(g.osize, g.osize, 0);
	emit(&g, op);
	if (!mem(&g, reg, la))
		return false;
	if (op == 0xc6)
		emit_imm(&g, 1, imm_value(1));
	else if (op == 0xc7)
		emit_imm(&g, min(g.osize, 4U), imm_value(4));
	if (op < 0xc6)
		expect_mov(&g, reg, g.osize == 1, 0);
	return finish(&g);
}

/* MOV A0-A3: AL/rAX and a memory offset of the address size. */
static bool gen_moffs(struct test_case *tc, const struct form *f)
{
	u8 op = 0xa0 + rng_below(4);
	int seg;
	struct gen g;
	u64 la, ea;

	(void)f;
	gen_begin(&g, tc);
	prefixes(&g, P_66 | P_67 | P_SEG | P_REX | P_REXW);
	opsize(&g, !(op & 1));
	la = pick_la(g.osize, g.osize, 0);
	seg = g.seg >= 0 ? g.seg : EMU_DS;
	if (!want_ea(&g, seg, la, g.asize, &ea))
		return false;
	emit(&g, op);
	emit_imm(&g, g.asize, ea);
	g.r = rng_chance(2);	/* REX.R/X/B: ignored */
	note(&g, "%s:%#llx ", seg_name[seg], (unsigned long long)la);
	expect_mov(&g, EMU_RAX, false, 0);
	return finish(&g);
}

/* MOVZX/MOVSX 0F B6/B7/BE/BF */
static bool gen_movzx(struct test_case *tc, const struct form *f)
{
	static const u8 ops[] = { 0xb6, 0xb7, 0xbe, 0xbf };
	u8 op = ops[rng_below(ARRAY_SIZE(ops))];
	unsigned int reg, msize = op & 1 ? 2 : 1;
	struct gen g;
	u64 la;

	(void)f;
	gen_begin(&g, tc);
	prefixes(&g, P_66 | P_MEM | P_REXW);
	opsize(&g, false);
	reg = pick_reg(&g);
	la = pick_la(msize, msize, 0);
	emit(&g, 0x0f);
	emit(&g, op);
	if (!mem(&g, reg, la))
		return false;
	/* Only a load into a wider register widens. */
	expect_mov(&g, reg, false, msize < g.osize ? (op < 0xbe ? 1 : 2) : 0xff);
	return finish(&g);
}

/* MOVSXD 63 (64-bit mode) */
static bool gen_movsxd(struct test_case *tc, const struct form *f)
{
	unsigned int reg;
	struct gen g;
	u64 la;

	(void)f;
	gen_begin(&g, tc);
	prefixes(&g, P_66 | P_MEM | P_REXW);
	opsize(&g, false);
	/* Where 66 63 reads 4 bytes (AMD), it is not what emul/ follows. */
	if (g.osize == 2 && host.movsxd16_wide)
		return false;
	reg = pick_reg(&g);
	la = pick_la(min(g.osize, 4U), 4, 0);
	emit(&g, 0x63);
	if (!mem(&g, reg, la))
		return false;
	expect_mov(&g, reg, false, g.osize == 8 ? 2 : 0xff);
	return finish(&g);
}

/* MOVBE 0F 38 F0 (load) / F1 (store) */
static bool gen_movbe(struct test_case *tc, const struct form *f)
{
	u8 op = 0xf0 + rng_below(2);
	unsigned int reg;
	struct gen g;
	u64 la;

	(void)f;
	gen_begin(&g, tc);
	prefixes(&g, P_66 | P_MEM | P_REXW);
	opsize(&g, false);
	if (g.p66 && g.w && !host.movbe_66w)
		return false;
	reg = pick_reg(&g);
	la = pick_la(g.osize, g.osize, 0);
	emit(&g, 0x0f);
	emit(&g, 0x38);
	emit(&g, op);
	if (!mem(&g, reg, la))
		return false;
	expect_mov(&g, reg, false, 0);
	return finish(&g);
}

/* MOVNTI 0F C3 (32 or 64 bits) */
static bool gen_movnti(struct test_case *tc, const struct form *f)
{
	unsigned int reg;
	struct gen g;
	u64 la;

	(void)f;
	gen_begin(&g, tc);
	prefixes(&g, P_MEM | P_REXW);
	opsize(&g, false);
	reg = pick_reg(&g);
	la = pick_la(g.osize, g.osize, 0);
	emit(&g, 0x0f);
	emit(&g, 0xc3);
	if (!mem(&g, reg, la))
		return false;
	expect_mov(&g, reg, false, 0);
	return finish(&g);
}

/* ADD OR ADC SBB AND SUB XOR CMP: 00-3B, all four directions with memory */
static bool gen_alu(struct test_case *tc, const struct form *f)
{
	unsigned int op = rng_below(8), dir = rng_below(4), reg;
	bool lock_ok = dir < 2 && op != 7;
	struct gen g;
	u64 la;

	(void)f;
	gen_begin(&g, tc);
	prefixes(&g, P_66 | P_MEM | P_REXW | (lock_ok ? P_LOCK : 0));
	opsize(&g, !(dir & 1));
	reg = pick_reg(&g);
	la = pick_la(g.osize, g.osize, 0);
	emit(&g, op << 3 | dir);
	return mem(&g, reg, la) && finish(&g);
}

/* 80/81/83 /0-/7 */
static bool gen_alu_imm(struct test_case *tc, const struct form *f)
{
	static const u8 ops[] = { 0x80, 0x81, 0x83 };
	u8 op = ops[rng_below(ARRAY_SIZE(ops))];
	unsigned int digit = rng_below(8);
	struct gen g;
	u64 la;

	(void)f;
	gen_begin(&g, tc);
	prefixes(&g, P_66 | P_MEM | P_REXW | (digit != 7 ? P_LOCK : 0));
	opsize(&g, op == 0x80);
	la = pick_la(g.osize, g.osize, 0);
	emit(&g, op);
	if (!mem(&g, digit, la))
		return false;
	emit_imm(&g, op == 0x81 ? min(g.osize, 4U) : 1, imm_value(4));
	return finish(&g);
}

/* TEST 84/85 and F6/F7 /0 */
static bool gen_test(struct test_case *tc, const struct form *f)
{
	static const u8 ops[] = { 0x84, 0x85, 0xf6, 0xf7 };
	u8 op = ops[rng_below(ARRAY_SIZE(ops))];
	unsigned int reg;
	struct gen g;
	u64 la;

	(void)f;
	gen_begin(&g, tc);
	prefixes(&g, P_66 | P_MEM | P_REXW);
	opsize(&g, !(op & 1));
	reg = op < 0xf6 ? pick_reg(&g) : 0;
	la = pick_la(g.osize, g.osize, 0);
	emit(&g, op);
	if (!mem(&g, reg, la))
		return false;
	if (op >= 0xf6)
		emit_imm(&g, min(g.osize, 4U), imm_value(4));
	return finish(&g);
}

/* FE/FF /0 /1 (INC, DEC) and F6/F7 /2 /3 (NOT, NEG): f->arg is the first digit */
static bool gen_unary(struct test_case *tc, const struct form *f)
{
	bool byte = rng_chance(2);
	unsigned int digit = f->arg + rng_below(2);
	struct gen g;
	u64 la;

	gen_begin(&g, tc);
	prefixes(&g, P_66 | P_MEM | P_REXW | P_LOCK);
	opsize(&g, byte);
	la = pick_la(g.osize, g.osize, 0);
	emit(&g, f->op[0] | !byte);
	return mem(&g, digit, la) && finish(&g);
}

/* A shift or rotate count: edges of every operand size, and random. */
static u8 shift_count(unsigned int osize)
{
	static const u8 edges[] = { 0, 1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64 };
	unsigned int bits = 8 * osize;

	switch (rng_below(6)) {
	case 0:
		return edges[rng_below(ARRAY_SIZE(edges))];
	case 1:
		return bits - 1 + rng_below(3);
	case 2:
		return rng();
	default:
		return rng_below(bits + 2);
	}
}

/* C0/C1/D0/D1/D2/D3 /0-/7 */
static bool gen_shift(struct test_case *tc, const struct form *f)
{
	static const u8 ops[] = { 0xc0, 0xc1, 0xd0, 0xd1, 0xd2, 0xd3 };
	u8 op = ops[rng_below(ARRAY_SIZE(ops))];
	unsigned int digit = rng_below(8);
	struct gen g;
	u64 la;

	(void)f;
	gen_begin(&g, tc);
	prefixes(&g, P_66 | P_MEM | P_REXW);
	opsize(&g, !(op & 1));
	if (op >= 0xd2)
		fix_reg(&g, EMU_RCX, (tc->in.gprs[EMU_RCX] & ~0xffULL) |
			shift_count(g.osize));
	la = pick_la(g.osize, g.osize, 0);
	emit(&g, op);
	if (!mem(&g, digit, la))
		return false;
	if (op < 0xd0)
		emit_imm(&g, 1, shift_count(g.osize));
	return finish(&g);
}

/* BT/BTS/BTR/BTC 0F A3/AB/B3/BB with the bit offset in a register */
static bool gen_bt(struct test_case *tc, const struct form *f)
{
	static const u8 ops[] = { 0xa3, 0xab, 0xb3, 0xbb };
	u8 op = ops[rng_below(ARRAY_SIZE(ops))];
	unsigned int reg, bits, shift;
	s64 off, disp;
	struct gen g;
	u64 la, ea, v;

	(void)f;
	gen_begin(&g, tc);
	prefixes(&g, P_66 | P_MEM | P_REXW | (op != 0xa3 ? P_LOCK : 0));
	opsize(&g, false);
	bits = 8 * g.osize;
	shift = g.osize == 2 ? 4 : g.osize == 4 ? 5 : 6;
	switch (rng_below(4)) {
	case 0:
		off = rng_below(bits);
		break;
	case 1:
		off = (s64)rng_below(8 * 512) - 8 * 256;
		break;
	case 2:		/* anywhere in the 16-bit range, or +-16 KiB of bytes */
		off = g.osize == 2 ? (s16)rng() : (s64)rng_below(8 << 15) - (8 << 14);
		break;
	default:	/* far: +-128 MiB of bytes, the operand near the arena */
		off = g.osize == 2 ? (s16)rng() :
		      (s64)rng_below(1ULL << 31) - (1LL << 30);
		break;
	}
	disp = (off >> shift) * (s64)g.osize;
	la = pick_la(g.osize, g.osize, 0);
	reg = pick_reg(&g);
	v = (u64)off & size_mask(g.osize);
	fix_reg(&g, reg, v | (rng() & ~size_mask(g.osize)));
	emit(&g, 0x0f);
	emit(&g, op);
	note(&g, "bitoff %lld ", (long long)off);
	if (!mem(&g, reg, la - disp))
		return false;
	/*
	 * Below 64-bit addressing, keep the operand's offset and the
	 * accessed one inside the address size: whether the CPU wraps their
	 * sum is not what this test is about.
	 */
	if (g.asize < 8) {
		if (!want_ea(&g, g.mem_seg, la - disp, g.asize, &ea))
			return false;
		if ((s64)ea + disp < 0 || (s64)ea + disp > (s64)size_mask(g.asize))
			return false;
	}
	return finish(&g);
}

/* BT/BTS/BTR/BTC 0F BA /4-/7 ib */
static bool gen_bt_imm(struct test_case *tc, const struct form *f)
{
	unsigned int digit = 4 + rng_below(4);
	struct gen g;
	u64 la;

	(void)f;
	gen_begin(&g, tc);
	prefixes(&g, P_66 | P_MEM | P_REXW | (digit != 4 ? P_LOCK : 0));
	opsize(&g, false);
	la = pick_la(g.osize, g.osize, 0);
	emit(&g, 0x0f);
	emit(&g, 0xba);
	if (!mem(&g, digit, la))
		return false;
	emit_imm(&g, 1, rng());
	return finish(&g);
}

/* SETcc 0F 90-9F (ModRM.reg ignored) */
static bool gen_setcc(struct test_case *tc, const struct form *f)
{
	struct gen g;
	u64 la;

	(void)f;
	gen_begin(&g, tc);
	prefixes(&g, P_66 | P_MEM | P_REXW);
	la = pick_la(1, 1, 0);
	emit(&g, 0x0f);
	emit(&g, 0x90 + rng_below(16));
	return mem(&g, pick_reg(&g), la) && finish(&g);
}

/* CMOVcc 0F 40-4F from memory */
static bool gen_cmovcc(struct test_case *tc, const struct form *f)
{
	struct gen g;
	u64 la;

	(void)f;
	gen_begin(&g, tc);
	prefixes(&g, P_66 | P_MEM | P_REXW);
	opsize(&g, false);
	la = pick_la(g.osize, g.osize, 0);
	emit(&g, 0x0f);
	emit(&g, 0x40 + rng_below(16));
	return mem(&g, pick_reg(&g), la) && finish(&g);
}

/* XCHG 86/87, XADD 0F C0/C1: f->op[0] is the byte form, after 0F if nop 2 */
static bool gen_xchg(struct test_case *tc, const struct form *f)
{
	bool byte = rng_chance(2);
	struct gen g;
	u64 la;

	gen_begin(&g, tc);
	prefixes(&g, P_66 | P_MEM | P_REXW | P_LOCK);
	opsize(&g, byte);
	la = pick_la(g.osize, g.osize, 0);
	if (f->nop == 2)
		emit(&g, 0x0f);
	emit(&g, f->op[f->nop - 1] | !byte);
	return mem(&g, pick_reg(&g), la) && finish(&g);
}

/* CMPXCHG 0F B0/B1: rAX equals the memory half the time */
static bool gen_cmpxchg(struct test_case *tc, const struct form *f)
{
	bool byte = rng_chance(2);
	struct gen g;
	u64 la, m;

	(void)f;
	gen_begin(&g, tc);
	prefixes(&g, P_66 | P_MEM | P_REXW | P_LOCK);
	opsize(&g, byte);
	la = pick_la(g.osize, g.osize, 0);
	m = size_mask(g.osize);
	if (rng_chance(2))
		fix_reg(&g, EMU_RAX, (tc->in.gprs[EMU_RAX] & ~m) |
			(arena_read(la, g.osize) & m));
	else
		fix_reg(&g, EMU_RAX, tc->in.gprs[EMU_RAX]);
	emit(&g, 0x0f);
	emit(&g, 0xb0 | !byte);
	return mem(&g, pick_reg(&g), la) && finish(&g);
}

/* CMPXCHG8B, and CMPXCHG16B with REX.W: 0F C7 /1 */
static bool gen_cmpxchg8b(struct test_case *tc, const struct form *f)
{
	unsigned int half, size;
	struct gen g;
	u64 la, lo, hi;

	(void)f;
	gen_begin(&g, tc);
	prefixes(&g, P_MEM | P_REXW | P_LOCK);
	size = g.w ? 16 : 8;
	half = size / 2;
	la = pick_la(size, size, 0);
	if (size == 16 && rng_chance(2))
		la = clamp(la & ~15ULL, (u64)(uintptr_t)arena.lo,
			   (u64)(uintptr_t)arena.end - 16);
	lo = arena_read(la, half);
	hi = arena_read(la + half, half);
	if (rng_chance(2)) {
		lo = rng_value();
		hi = rng_chance(2) ? hi : rng_value();
	}
	if (half == 4) {
		/* The upper halves of RAX and RDX are random. */
		lo = (lo & 0xffffffff) | (rng() << 32);
		hi = (hi & 0xffffffff) | (rng() << 32);
	}
	fix_reg(&g, EMU_RAX, lo);
	fix_reg(&g, EMU_RDX, hi);
	fix_reg(&g, EMU_RBX, tc->in.gprs[EMU_RBX]);
	fix_reg(&g, EMU_RCX, tc->in.gprs[EMU_RCX]);
	emit(&g, 0x0f);
	emit(&g, 0xc7);
	return mem(&g, 1, la) && finish(&g);
}

/*
 * The stack: RSP (or ESP, or SP with a 16-bit SS) such that the slot the
 * instruction reads or writes is at linear @slot.  @push: RSP is above
 * the slot.  Returns false when the stack's width cannot reach it.
 */
static bool set_stack(struct gen *g, u64 slot, bool push)
{
	struct test_case *tc = g->tc;
	unsigned int width = g->m64 ? 8 : (tc->segs[EMU_SS].ar & EMU_AR_DB) ? 4 : 2;
	u64 off, v;

	if (!want_ea(g, EMU_SS, slot, width, &off))
		return false;
	if (push)
		off += g->osize;
	if (off > size_mask(width))
		return false;
	v = g->m64 ? off : (off | (rng() & ~size_mask(width)));
	if (g->m64 && host.ss_canonical && rng_chance(24)) {
		v ^= BIT_ULL(63);		/* #SS(0) */
		note(g, "non-canonical ");
	}
	fix_reg(g, EMU_RSP, v);
	note(g, "stack %#llx ", (unsigned long long)slot);
	return true;
}

/* PUSH FF /6 and POP 8F /0 with a memory operand */
static bool gen_pushpop(struct test_case *tc, const struct form *f)
{
	bool push = rng_chance(2);
	struct gen g;
	u64 la;

	(void)f;
	gen_begin(&g, tc);
	tc->nmem = 2;
	prefixes(&g, P_66 | P_MEM | P_REXW);
	if (g.m64)
		g.osize = g.p66 && !g.w ? 2 : 8;
	else
		g.osize = g.p66 ? 2 : 4;
	if (!set_stack(&g, pick_la(g.osize, g.osize, 0), push))
		return false;
	/* POP computes an RSP-based address with RSP already incremented. */
	if (!push)
		g.eff[EMU_RSP] += g.osize;
	la = pick_la(g.osize, g.osize, 0);
	emit(&g, push ? 0xff : 0x8f);
	return mem(&g, push ? 6 : 0, la) && finish(&g);
}

/* PUSH 50-57 and POP 58-5F (with REX.B: R8-R15) */
static bool gen_pushpop_reg(struct test_case *tc, const struct form *f)
{
	bool push = rng_chance(2);
	unsigned int reg;
	struct gen g;

	(void)f;
	gen_begin(&g, tc);
	prefixes(&g, P_66 | P_REX | P_REXW);
	if (g.m64)
		g.osize = g.p66 && !g.w ? 2 : 8;
	else
		g.osize = g.p66 ? 2 : 4;
	reg = pick_reg(&g);
	g.b = reg >> 3;
	if (!set_stack(&g, pick_la(g.osize, g.osize, 0), push))
		return false;
	emit(&g, (push ? 0x50 : 0x58) | (reg & 7));
	return finish(&g);
}

/* PUSH 6A ib / 68 iz */
static bool gen_push_imm(struct test_case *tc, const struct form *f)
{
	bool imm8 = rng_chance(2);
	struct gen g;

	(void)f;
	gen_begin(&g, tc);
	prefixes(&g, P_66 | P_REX | P_REXW);
	if (g.m64)
		g.osize = g.p66 && !g.w ? 2 : 8;
	else
		g.osize = g.p66 ? 2 : 4;
	if (!set_stack(&g, pick_la(g.osize, g.osize, 0), true))
		return false;
	emit(&g, imm8 ? 0x6a : 0x68);
	emit_imm(&g, imm8 ? 1 : min(g.osize, 4U), imm_value(4));
	return finish(&g);
}

/*
 * Would an access fault, in the harness's model of the arena and the
 * segments?  Used where the order of two faults is the implementation's
 * choice (CMPS: AMD and QEMU check ES:rDI first, Bochs and emul/ DS:rSI).
 */
static bool would_fault(const struct test_case *tc, int seg, u64 la,
			unsigned int size, bool write)
{
	const struct seg_desc *s = &tc->segs[seg];
	u64 off = (la - s->base) & 0xffffffff, last = off + size - 1;

	if (!tc->compat && (u64)sign_extend64(la, 47) != la)
		return true;		/* non-canonical */
	if (tc->compat) {
		if ((s->ar & EMU_AR_UNUSABLE) || (seg == EMU_CS && write))
			return true;
		if ((s->ar & EMU_AR_TYPE_E) && !(s->ar & EMU_AR_TYPE_CODE)) {
			if (off <= s->limit ||
			    last > ((s->ar & EMU_AR_DB) ? 0xffffffffULL : 0xffff))
				return true;
		} else if (last > s->limit) {
			return true;
		}
	}
	if ((tc->in.rflags & FL_AC) && (la & (size - 1)))
		return true;
	if (!arena_readable(la, size))
		return true;
	return write && !arena_writable(la, size);
}

/* The linear address of a string operand, from the registers. */
static u64 string_la(const struct test_case *tc, int seg, unsigned int reg)
{
	u64 la = tc->segs[seg].base + (tc->in.gprs[reg] & size_mask(tc->str_asize));

	return tc->compat ? la & 0xffffffff : la;
}

/*
 * Would both operands of this MOVS or CMPS iteration fault?  Which fault
 * wins is then the implementation's choice: for CMPS, AMD and QEMU report
 * ES:rDI's, Bochs DS:rSI's; for MOVS the CPU here reports the source's,
 * and emul/ checks the destination first (so that a device does not see
 * the source read twice).
 */
bool string_ambiguous(const struct test_case *tc)
{
	if (!tc->str_size)
		return false;
	return would_fault(tc, tc->str_seg, string_la(tc, tc->str_seg, EMU_RSI),
			   tc->str_size, false) &&
	       would_fault(tc, EMU_ES, string_la(tc, EMU_ES, EMU_RDI),
			   tc->str_size, tc->str_write);
}

/* String operands: what each string instruction reads and writes. */
#define S_SRC	BIT(0)	/* DS:rSI */
#define S_DST	BIT(1)	/* ES:rDI */
#define S_ACC	BIT(2)	/* rAX */

/* MOVS/CMPS/STOS/LODS/SCAS: f->op[0] is the byte form, f->arg its operands */
static bool gen_string(struct test_case *tc, const struct form *f)
{
	static const u64 counts[] = { 0, 1, 2, 3, 4, 5, 1000 };
	bool byte = rng_chance(2), clean = false;
	u64 src = 0, dst = 0, off, count;
	unsigned int margin = 64;
	struct gen g;
	int seg;

	gen_begin(&g, tc);
	prefixes(&g, P_66 | P_67 | P_SEG | P_REX | P_REXW | P_REP);
	opsize(&g, byte);
	seg = g.seg >= 0 ? g.seg : EMU_DS;
	if ((f->arg & S_SRC) && (f->arg & S_DST))
		tc->nmem = 2;
	if (g.rep) {
		tc->step = true;
		count = counts[rng_below(ARRAY_SIZE(counts))];
		fix_reg(&g, EMU_RCX, with_garbage(&g, count, g.asize));
		/*
		 * With nothing to do and a 32-bit address size, Bochs (which
		 * models Intel's) clears the upper halves of RSI and RDI,
		 * AMD's CPUs and emul/ leave them: not a difference to test.
		 */
		if (!count && g.m64 && g.asize == 4)
			clean = true;
	}
	if (f->arg & S_SRC) {
		src = pick_la(g.osize, g.osize, margin);
		if (!want_ea(&g, seg, src, g.asize, &off))
			return false;
		fix_reg(&g, EMU_RSI, clean ? off : with_garbage(&g, off, g.asize));
	}
	if (f->arg & S_DST) {
		dst = pick_la(g.osize, g.osize, margin);
		if (!want_ea(&g, EMU_ES, dst, g.asize, &off))
			return false;
		fix_reg(&g, EMU_RDI, clean ? off : with_garbage(&g, off, g.asize));
	}
	/* Equal elements, so that REPE/REPNE see both outcomes. */
	if ((f->arg & S_SRC) && (f->arg & S_DST) && rng_chance(2) &&
	    arena_writable(dst, 4 * g.osize) && arena_readable(src, 4 * g.osize))
		memmove((void *)(uintptr_t)dst, (void *)(uintptr_t)src,
			g.osize * rng_below(4));
	if ((f->arg & S_ACC) && (f->arg & S_DST) && rng_chance(2))
		tc->in.gprs[EMU_RAX] = (tc->in.gprs[EMU_RAX] & ~size_mask(g.osize)) |
				       arena_read(dst, g.osize);
	if (g.m64 && g.asize == 8 && rng_chance(24)) {
		tc->in.gprs[rng_chance(2) ? EMU_RSI : EMU_RDI] ^= BIT_ULL(63);
		note(&g, "non-canonical ");
	}
	if ((f->arg & S_SRC) && (f->arg & S_DST)) {
		tc->str_size = g.osize;
		tc->str_asize = g.asize;
		tc->str_seg = seg;
		tc->str_write = f->op[0] == 0xa4;
		/* CMPS reads both: a byte may be read twice. */
		if (f->op[0] == 0xa6)
			tc->max_reads = 2;
		if (string_ambiguous(tc))
			return false;
	}
	emit(&g, f->op[0] | !byte);
	if ((f->arg & S_ACC) && !(f->arg & S_SRC) != !(f->arg & S_DST) &&
	    f->op[0] != 0xae)
		expect_mov(&g, EMU_RAX, false, 0);	/* STOS, LODS */
	note(&g, "src %#llx dst %#llx ", (unsigned long long)src,
	     (unsigned long long)dst);
	return finish(&g);
}

/* SSE moves: mandatory prefix, opcode, size, alignment, direction */
struct sse_op {
	u8 mand, op, size, align;
	bool store, w_size;	/* w_size: REX.W makes it 8 bytes */
};

static const struct sse_op sse_ops[] = {
	{ 0xf3, 0x6f, 16, 0, false, false },	/* MOVDQU xmm, m128 */
	{ 0xf3, 0x7f, 16, 0, true, false },	/* MOVDQU m128, xmm */
	{ 0x66, 0x6f, 16, 16, false, false },	/* MOVDQA */
	{ 0x66, 0x7f, 16, 16, true, false },
	{ 0x00, 0x10, 16, 0, false, false },	/* MOVUPS */
	{ 0x00, 0x11, 16, 0, true, false },
	{ 0x00, 0x28, 16, 16, false, false },	/* MOVAPS */
	{ 0x00, 0x29, 16, 16, true, false },
	{ 0x66, 0xe7, 16, 16, true, false },	/* MOVNTDQ */
	{ 0x00, 0x2b, 16, 16, true, false },	/* MOVNTPS */
};

static const struct sse_op movq_ops[] = {
	{ 0xf3, 0x7e, 8, 0, false, false },	/* MOVQ xmm, m64 */
	{ 0x66, 0xd6, 8, 0, true, false },	/* MOVQ m64, xmm */
	{ 0x66, 0x6e, 4, 0, false, true },	/* MOVD/MOVQ xmm, r/m */
	{ 0x66, 0x7e, 4, 0, true, true },	/* MOVD/MOVQ r/m, xmm */
	{ 0xf3, 0x10, 4, 0, false, false },	/* MOVSS xmm, m32 */
	{ 0xf3, 0x11, 4, 0, true, false },	/* MOVSS m32, xmm */
	{ 0xf2, 0x10, 8, 0, false, false },	/* MOVSD xmm, m64 */
	{ 0xf2, 0x11, 8, 0, true, false },	/* MOVSD m64, xmm */
};

/* f->arg: 0 the 16-byte moves, 1 MOVQ/MOVD */
static bool gen_sse(struct test_case *tc, const struct form *f)
{
	const struct sse_op *o = f->arg ? &movq_ops[rng_below(ARRAY_SIZE(movq_ops))] :
					  &sse_ops[rng_below(ARRAY_SIZE(sse_ops))];
	unsigned int size;
	struct gen g;
	u64 la;

	gen_begin(&g, tc);
	prefixes(&g, P_MEM | P_REXW);
	g.mand = o->mand;
	size = o->w_size && g.w ? 8 : o->size;
	/*
	 * Whether a misaligned 16-byte SSE access raises #AC depends on the
	 * processor (SDM Vol. 3, 6.15: "may or may not"; AMD's do, the
	 * emulator does not): no AC for those.
	 */
	if (size >= 16)
		tc->in.rflags &= ~FL_AC;
	la = pick_la(size, o->align ? o->align : size, 0);
	emit(&g, 0x0f);
	emit(&g, o->op);
	return mem(&g, pick_reg(&g), la) && finish(&g);
}

static const struct {
	u8 pp, op;
	bool aligned;
} avx_ops[] = {
	{ 2, 0x6f, false }, { 2, 0x7f, false },	/* VMOVDQU */
	{ 1, 0x6f, true }, { 1, 0x7f, true },	/* VMOVDQA */
	{ 0, 0x10, false }, { 0, 0x11, false },	/* VMOVUPS */
	{ 0, 0x28, true }, { 0, 0x29, true },	/* VMOVAPS */
};

/*
 * VMOVDQU/VMOVDQA/VMOVUPS/VMOVAPS, VEX.128 and VEX.256; with f->arg, made
 * #UD: a 66, F2, F3, LOCK or REX prefix before VEX, or VEX.vvvv in use.
 */
static bool gen_avx(struct test_case *tc, const struct form *f)
{
	unsigned int i = rng_below(ARRAY_SIZE(avx_ops)), size;
	const typeof(avx_ops[0]) *ops = avx_ops;
	struct gen g;
	u64 la;

	gen_begin(&g, tc);
	prefixes(&g, P_67 | P_SEG);
	tc->in.rflags &= ~FL_AC;	/* implementation-specific, as for SSE */
	g.vex = true;
	g.vex_pp = ops[i].pp;
	g.vex_l = rng_below(2);
	g.w = g.m64 && rng_chance(2);	/* VEX.W: ignored */
	size = 16 << g.vex_l;
	la = pick_la(size, size, 0);
	emit(&g, ops[i].op);
	if (!mem(&g, pick_reg(&g), la))
		return false;
	/* In 32-bit code C4/C5 are VEX only with R and X clear (inverted 1). */
	if (!g.m64) {
		g.b = false;
		g.x = false;
	}
	if (f->arg) {
		switch (rng_below(g.m64 ? 4 : 3)) {
		case 0:
			g.p66 = true;
			break;
		case 1:
			if (rng_chance(3))
				g.lock = true;
			else
				g.rep = rng_chance(2) ? 0xf3 : 0xf2;
			break;
		case 2:
			/* Bit 3 is ignored in 32-bit code: change the others. */
			g.vex_nvvvv = 0xf ^ (1 + rng_below(g.m64 ? 15 : 7));
			break;
		default:
			g.mand = 0x40 | rng_below(16);	/* REX, next to VEX */
			break;
		}
	}
	return finish(&g);
}

/* CLFLUSH 0F AE /7, CLFLUSHOPT 66 0F AE /7 */
static bool gen_clflush(struct test_case *tc, const struct form *f)
{
	struct gen g;
	u64 la;

	(void)f;
	gen_begin(&g, tc);
	prefixes(&g, P_MEM);
	if (host.clflushopt && rng_chance(2))
		g.mand = 0x66;
	la = pick_la(1, 1, 0);
	emit(&g, 0x0f);
	emit(&g, 0xae);
	return mem(&g, 7, la) && finish(&g);
}

/* PREFETCHh 0F 18 /0-/3, PREFETCHW 0F 0D /1 */
static bool gen_prefetch(struct test_case *tc, const struct form *f)
{
	bool w = rng_chance(4);
	struct gen g;
	u64 la;

	(void)f;
	gen_begin(&g, tc);
	prefixes(&g, P_MEM);
	la = pick_la(1, 1, 0);
	emit(&g, 0x0f);
	emit(&g, w ? 0x0d : 0x18);
	return mem(&g, w ? 1 : rng_below(4), la) && finish(&g);
}

/* LOCK where it is not allowed: #UD before any access. */
static bool gen_lock_ud(struct test_case *tc, const struct form *f)
{
	static const struct { u8 op[3]; u8 nop; s8 digit; } ops[] = {
		{ { 0x88 }, 1, -1 }, { { 0x89 }, 1, -1 }, { { 0x8a }, 1, -1 },
		{ { 0x8b }, 1, -1 }, { { 0xc6 }, 1, 0 }, { { 0xc7 }, 1, 0 },
		{ { 0x38 }, 1, -1 }, { { 0x39 }, 1, -1 }, { { 0x3a }, 1, -1 },
		{ { 0x3b }, 1, -1 }, { { 0x03 }, 1, -1 }, { { 0x12 }, 1, -1 },
		{ { 0x2b }, 1, -1 }, { { 0x80 }, 1, 7 }, { { 0x83 }, 1, 7 },
		{ { 0x84 }, 1, -1 }, { { 0x85 }, 1, -1 }, { { 0xf7 }, 1, 0 },
		{ { 0x0f, 0xa3 }, 2, -1 }, { { 0x0f, 0xba }, 2, 4 },
		{ { 0x0f, 0xb6 }, 2, -1 }, { { 0x0f, 0x94 }, 2, -1 },
		{ { 0x0f, 0x44 }, 2, -1 }, { { 0xd3 }, 1, 4 }, { { 0xd1 }, 1, 7 },
		{ { 0xff }, 1, 6 }, { { 0x8f }, 1, 0 }, { { 0xa5 }, 1, -2 },
		{ { 0xab }, 1, -2 }, { { 0x0f, 0x10 }, 2, -1 },
		{ { 0x0f, 0xc3 }, 2, -1 },
	};
	unsigned int i = rng_below(ARRAY_SIZE(ops)), j, reg;
	bool regform = rng_chance(4);
	struct gen g;

	(void)f;
	gen_begin(&g, tc);
	prefixes(&g, P_66 | P_MEM | P_REXW);
	g.lock = true;
	opsize(&g, false);
	for (j = 0; j < ops[i].nop; j++)
		emit(&g, ops[i].op[j]);
	if (ops[i].digit == -2)		/* a string instruction */
		return finish(&g);
	reg = ops[i].digit >= 0 ? (unsigned int)ops[i].digit : pick_reg(&g);
	if (regform) {
		/*
		 * A register destination: LOCK ADD, INC, NEG, XCHG to a
		 * register.  Not LOCK BTS: QEMU 7.2's TCG aborts on it.
		 */
		static const u8 rmw[][2] = {
			{ 0x01, 0xff }, { 0x00, 0xff }, { 0x81, 0 }, { 0xfe, 1 },
			{ 0xf7, 3 }, { 0x87, 0xff },
		};
		unsigned int k = rng_below(ARRAY_SIZE(rmw));

		g.n = 0;
		emit(&g, rmw[k][0]);
		reg = rmw[k][1] != 0xff ? rmw[k][1] : pick_reg(&g);
		modrm_reg(&g, reg, pick_reg(&g));
		if (rmw[k][0] == 0x81)
			emit_imm(&g, min(g.osize, 4U), rng());
		note(&g, "register form ");
		tc->regform = true;
		return finish(&g);
	}
	if (!mem(&g, reg, pick_la(4, 4, 0)))
		return false;
	if (ops[i].op[0] == 0xc6 || ops[i].op[0] == 0x80 ||
	    ops[i].op[0] == 0x83 || ops[i].op[1] == 0xba)
		emit_imm(&g, 1, rng());
	else if (ops[i].op[0] == 0xc7 || ops[i].op[0] == 0xf7)
		emit_imm(&g, min(g.osize, 4U), rng());
	return finish(&g);
}

const struct form forms[] = {
	{ .name = "mov", .gen = gen_mov },
	{ .name = "mov_moffs", .gen = gen_moffs },
	{ .name = "movzx", .gen = gen_movzx },
	{ .name = "movsxd", .gen = gen_movsxd, .flags = F_64ONLY },
	{ .name = "movbe", .gen = gen_movbe, .flags = F_MOVBE },
	{ .name = "movnti", .gen = gen_movnti },
	{ .name = "alu", .gen = gen_alu },
	{ .name = "alu_imm", .gen = gen_alu_imm },
	{ .name = "test", .gen = gen_test },
	{ .name = "incdec", .gen = gen_unary, .op = { 0xfe }, .nop = 1 },
	{ .name = "notneg", .gen = gen_unary, .op = { 0xf6 }, .nop = 1, .arg = 2 },
	{ .name = "shift", .gen = gen_shift },
	{ .name = "bt", .gen = gen_bt },
	{ .name = "bt_imm", .gen = gen_bt_imm },
	{ .name = "setcc", .gen = gen_setcc },
	{ .name = "cmovcc", .gen = gen_cmovcc },
	{ .name = "xchg", .gen = gen_xchg, .op = { 0x86 }, .nop = 1 },
	{ .name = "cmpxchg", .gen = gen_cmpxchg },
	{ .name = "cmpxchg8b", .gen = gen_cmpxchg8b },
	{ .name = "xadd", .gen = gen_xchg, .op = { 0x0f, 0xc0 }, .nop = 2 },
	{ .name = "pushpop_mem", .gen = gen_pushpop },
	{ .name = "pushpop_reg", .gen = gen_pushpop_reg },
	{ .name = "push_imm", .gen = gen_push_imm },
	{ .name = "movs", .gen = gen_string, .op = { 0xa4 }, .nop = 1, .arg = S_SRC | S_DST },
	{ .name = "cmps", .gen = gen_string, .op = { 0xa6 }, .nop = 1, .arg = S_SRC | S_DST },
	{ .name = "stos", .gen = gen_string, .op = { 0xaa }, .nop = 1, .arg = S_DST | S_ACC },
	{ .name = "lods", .gen = gen_string, .op = { 0xac }, .nop = 1, .arg = S_SRC | S_ACC },
	{ .name = "scas", .gen = gen_string, .op = { 0xae }, .nop = 1, .arg = S_DST | S_ACC },
	{ .name = "sse_mov", .gen = gen_sse },
	{ .name = "sse_movq", .gen = gen_sse, .arg = 1 },
	{ .name = "avx_mov", .gen = gen_avx, .flags = F_AVX },
	{ .name = "vex_ud", .gen = gen_avx, .flags = F_AVX, .arg = 1 },
	{ .name = "clflush", .gen = gen_clflush, .flags = F_CLFLUSH },
	{ .name = "prefetch", .gen = gen_prefetch },
	{ .name = "lock_ud", .gen = gen_lock_ud, .flags = F_LOCK_UD },
};

const unsigned int nr_forms = ARRAY_SIZE(forms);
