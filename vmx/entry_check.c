// SPDX-License-Identifier: GPL-2.0
/*
 * Which rule of SDM Vol. 3, "Checks on the Guest State Area" (in the
 * chapter "VM Entries"), a guest state breaks.  VM entry fails with basic
 * exit reason 33 when one of them does, without saying which; this replays
 * them on the fields read back from the VMCS.
 *
 * The SDM says the processor may perform the checks in any order.  This
 * file tries them in the order the SDM lists them and reports the first
 * one broken: within "Checks on Guest Segment Registers" that means the
 * selector fields of all registers first, then the bases, the limits, and
 * the access rights sub-field by sub-field (the type of CS, SS, DS, ES, FS
 * and GS, then their S bits, and so on).
 *
 * Not modelled, for want of the fields: IA32_DEBUGCTL, IA32_SYSENTER_*,
 * IA32_PAT, IA32_PERF_GLOBAL_CTRL, IA32_BNDCFGS, IA32_RTIT_CTL, the CET
 * and PKRS state, the "entry to SMM" control (VM entry is taken to be
 * from outside SMM), virtual NMIs, the pending debug exceptions, the VMCS
 * link pointer, the PDPTEs, and which activity states IA32_VMX_MISC
 * reports.
 */
#include <linux/bitops.h>
#include <linux/bits.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>
#include <asm/trapnr.h>
#include <asm/vmx.h>

#include <linux/axvcpu.h>

#include "entry_check.h"

/*
 * Linear-address width assumed for the canonical checks: 4-level paging.
 * A processor that supports 5-level paging checks against 57 bits.
 */
#define LA_BITS			48

#define SEL_RPL			GENMASK(1, 0)
#define SEL_TI			BIT(2)

#define AR_TYPE(ar)		((ar) & VMX_AR_TYPE_MASK)
#define AR_RSVD_LOW		GENMASK(11, 8)
#define AR_RSVD_HIGH		GENMASK(31, 17)
/* The only access rights allowed to CS..GS in virtual-8086 mode. */
#define AR_V86			0xf3

/* Segment types (SDM Vol. 3, "Segment Descriptor Types"). */
#define TYPE_DATA_RW_A		3	/* read/write, accessed */
#define TYPE_DATA_RW_DOWN_A	7	/* read/write, expand-down, accessed */
#define TYPE_CODE_X_A		9	/* execute-only, accessed */
#define TYPE_CODE_XR_A		11	/* execute/read, accessed */
#define TYPE_CODE_XC_A		13	/* execute-only, conforming, accessed */
#define TYPE_CODE_XRC_A		15	/* execute/read, conforming, accessed */

/* RFLAGS bits 63:22, 15, 5 and 3. */
#define RFLAGS_RESERVED		(GENMASK_ULL(63, 22) | BIT_ULL(15) | \
				 BIT_ULL(5) | BIT_ULL(3))
/* The EFER bits Intel processors define. */
#define EFER_DEFINED		(EFER_SCE | EFER_LME | EFER_LMA | EFER_NX)
/* Interruptibility-state bits 31:5. */
#define INTR_STATE_RESERVED	GENMASK(31, 5)

enum {
	SEG_CS,
	SEG_SS,
	SEG_DS,
	SEG_ES,
	SEG_FS,
	SEG_GS,
	SEG_TR,
	SEG_LDTR,
	NR_SEGS,
	/* CS..GS: the registers that have a type, a DPL and so on. */
	NR_CODE_DATA_SEGS = SEG_TR,
};

/* What the messages about one segment register say. */
struct seg_msgs {
	const char *v86_base;
	const char *v86_limit;
	const char *v86_ar;
	const char *not_accessed;
	const char *unreadable;
	const char *s_clear;
	const char *dpl_below_rpl;
	const char *p_clear;
	const char *rsvd_low;
	const char *g_set_low_limit;
	const char *g_clear_high_limit;
	const char *rsvd_high;
};

#define SEG_MSGS(r) {							\
	.v86_base = #r " base not selector << 4 in virtual-8086 mode",	\
	.v86_limit = #r " limit not 0xffff in virtual-8086 mode",	\
	.v86_ar = #r " access rights not 0xf3 in virtual-8086 mode",	\
	.not_accessed = #r " type not accessed",			\
	.unreadable = #r " code segment not readable",			\
	.s_clear = #r ".S clear",					\
	.dpl_below_rpl = #r " DPL below RPL",				\
	.p_clear = #r ".P clear",					\
	.rsvd_low = #r " access rights bits 11:8 set",			\
	.g_set_low_limit = #r ".G set with limit bits 11:0 not all 1",	\
	.g_clear_high_limit = #r ".G clear with limit bits 31:20 not 0", \
	.rsvd_high = #r " access rights bits 31:17 set",		\
}

static const struct seg_msgs seg_msgs[NR_SEGS] = {
	[SEG_CS] = SEG_MSGS(CS),
	[SEG_SS] = SEG_MSGS(SS),
	[SEG_DS] = SEG_MSGS(DS),
	[SEG_ES] = SEG_MSGS(ES),
	[SEG_FS] = SEG_MSGS(FS),
	[SEG_GS] = SEG_MSGS(GS),
	[SEG_TR] = SEG_MSGS(TR),
	[SEG_LDTR] = SEG_MSGS(LDTR),
};

static const unsigned int seg_code[NR_SEGS] = {
	[SEG_CS] = AXV_ENTRY_CHECK_CS,
	[SEG_SS] = AXV_ENTRY_CHECK_SS,
	[SEG_DS] = AXV_ENTRY_CHECK_DATA_SEG,
	[SEG_ES] = AXV_ENTRY_CHECK_DATA_SEG,
	[SEG_FS] = AXV_ENTRY_CHECK_DATA_SEG,
	[SEG_GS] = AXV_ENTRY_CHECK_DATA_SEG,
	[SEG_TR] = AXV_ENTRY_CHECK_TR,
	[SEG_LDTR] = AXV_ENTRY_CHECK_LDTR,
};

/* One run of the checks: the state, its segments by index, the verdict. */
struct entry_check {
	const struct vmx_guest_state *gs;
	const struct vmx_seg_state *seg[NR_SEGS];
	bool v86;
	const char *field;
};

static unsigned int fail(struct entry_check *c, unsigned int code,
			 const char *field)
{
	c->field = field;
	return code;
}

static bool canonical(u64 addr)
{
	return sign_extend64(addr, LA_BITS - 1) == (s64)addr;
}

static bool usable(const struct vmx_seg_state *s)
{
	return !(s->ar & VMX_AR_UNUSABLE_MASK);
}

/*
 * Most access-rights checks apply to CS always and to the other registers
 * only when they are usable.
 */
static bool ar_checked(const struct entry_check *c, int i)
{
	return i == SEG_CS || usable(c->seg[i]);
}

/* SDM "Checks on Guest Control Registers, Debug Registers, and MSRs". */
static unsigned int check_control_regs(struct entry_check *c)
{
	const struct vmx_guest_state *gs = c->gs;
	/* NW and CD are never checked: VM entry does not load them. */
	u64 exempt = X86_CR0_NW | X86_CR0_CD;
	u64 bad;

	if (gs->unrestricted_guest)
		exempt |= X86_CR0_PE | X86_CR0_PG;
	bad = gs->cr0_fixed0 & ~gs->cr0 & ~exempt;
	if (bad & X86_CR0_PE)
		return fail(c, AXV_ENTRY_CHECK_CR0,
			    "CR0.PE clear without unrestricted guest");
	if (bad & X86_CR0_PG)
		return fail(c, AXV_ENTRY_CHECK_CR0,
			    "CR0.PG clear without unrestricted guest");
	if (bad & X86_CR0_NE)
		return fail(c, AXV_ENTRY_CHECK_CR0, "CR0.NE clear");
	if (bad)
		return fail(c, AXV_ENTRY_CHECK_CR0,
			    "CR0 bit clear that IA32_VMX_CR0_FIXED0 requires");
	if (gs->cr0 & ~gs->cr0_fixed1 & ~exempt)
		return fail(c, AXV_ENTRY_CHECK_CR0,
			    "CR0 bit set that IA32_VMX_CR0_FIXED1 forbids");
	if ((gs->cr0 & X86_CR0_PG) && !(gs->cr0 & X86_CR0_PE))
		return fail(c, AXV_ENTRY_CHECK_CR0, "CR0.PG set without CR0.PE");

	bad = gs->cr4_fixed0 & ~gs->cr4;
	if (bad & X86_CR4_VMXE)
		return fail(c, AXV_ENTRY_CHECK_CR4, "CR4.VMXE clear");
	if (bad)
		return fail(c, AXV_ENTRY_CHECK_CR4,
			    "CR4 bit clear that IA32_VMX_CR4_FIXED0 requires");
	if (gs->cr4 & ~gs->cr4_fixed1)
		return fail(c, AXV_ENTRY_CHECK_CR4,
			    "CR4 bit set that IA32_VMX_CR4_FIXED1 forbids");

	if (gs->ia32e_mode_guest) {
		if (!(gs->cr0 & X86_CR0_PG))
			return fail(c, AXV_ENTRY_CHECK_CR0,
				    "IA-32e mode guest without CR0.PG");
		if (!(gs->cr4 & X86_CR4_PAE))
			return fail(c, AXV_ENTRY_CHECK_CR4,
				    "IA-32e mode guest without CR4.PAE");
	} else if (gs->cr4 & X86_CR4_PCIDE) {
		return fail(c, AXV_ENTRY_CHECK_CR4,
			    "CR4.PCIDE set outside IA-32e mode");
	}

	if (gs->phys_addr_bits && gs->phys_addr_bits < 64 &&
	    (gs->cr3 & GENMASK_ULL(63, gs->phys_addr_bits)))
		return fail(c, AXV_ENTRY_CHECK_CR3,
			    "CR3 has bits beyond MAXPHYADDR");
	/*
	 * Checked only under the "load debug controls" VM-entry control;
	 * without it the caller passes 0.  DR7 has no code of its own.
	 */
	if (gs->dr7 >> 32)
		return fail(c, AXV_ENTRY_CHECK_CR0, "DR7 bits 63:32 set");

	if (gs->load_efer) {
		bool lma = gs->efer & EFER_LMA;

		if (gs->efer & ~(u64)EFER_DEFINED)
			return fail(c, AXV_ENTRY_CHECK_EFER,
				    "EFER reserved bit set");
		if (lma != gs->ia32e_mode_guest)
			return fail(c, AXV_ENTRY_CHECK_EFER,
				    "EFER.LMA differs from IA-32e mode guest");
		if ((gs->cr0 & X86_CR0_PG) && lma != !!(gs->efer & EFER_LME))
			return fail(c, AXV_ENTRY_CHECK_EFER,
				    "EFER.LME differs from EFER.LMA with CR0.PG set");
	}
	return AXV_ENTRY_CHECK_NONE;
}

/* Selector fields. */
static unsigned int check_selectors(struct entry_check *c)
{
	const struct vmx_guest_state *gs = c->gs;

	if (gs->tr.selector & SEL_TI)
		return fail(c, AXV_ENTRY_CHECK_TR, "TR selector TI set");
	if (usable(&gs->ldtr) && (gs->ldtr.selector & SEL_TI))
		return fail(c, AXV_ENTRY_CHECK_LDTR, "LDTR selector TI set");
	if (!c->v86 && !gs->unrestricted_guest &&
	    (gs->ss.selector & SEL_RPL) != (gs->cs.selector & SEL_RPL))
		return fail(c, AXV_ENTRY_CHECK_SS, "SS RPL differs from CS RPL");
	return AXV_ENTRY_CHECK_NONE;
}

/* Base-address fields; all reported as AXV_ENTRY_CHECK_SEG_BASE. */
static unsigned int check_bases(struct entry_check *c)
{
	const struct vmx_guest_state *gs = c->gs;
	int i;

	if (c->v86) {
		for (i = 0; i < NR_CODE_DATA_SEGS; i++)
			if (c->seg[i]->base != (u64)c->seg[i]->selector << 4)
				return fail(c, AXV_ENTRY_CHECK_SEG_BASE,
					    seg_msgs[i].v86_base);
	}
	if (!canonical(gs->tr.base))
		return fail(c, AXV_ENTRY_CHECK_SEG_BASE,
			    "TR base not canonical");
	if (!canonical(gs->fs.base))
		return fail(c, AXV_ENTRY_CHECK_SEG_BASE,
			    "FS base not canonical");
	if (!canonical(gs->gs.base))
		return fail(c, AXV_ENTRY_CHECK_SEG_BASE,
			    "GS base not canonical");
	if (usable(&gs->ldtr) && !canonical(gs->ldtr.base))
		return fail(c, AXV_ENTRY_CHECK_SEG_BASE,
			    "LDTR base not canonical");
	if (gs->cs.base >> 32)
		return fail(c, AXV_ENTRY_CHECK_SEG_BASE,
			    "CS base bits 63:32 set");
	if (usable(&gs->ss) && gs->ss.base >> 32)
		return fail(c, AXV_ENTRY_CHECK_SEG_BASE,
			    "SS base bits 63:32 set");
	if (usable(&gs->ds) && gs->ds.base >> 32)
		return fail(c, AXV_ENTRY_CHECK_SEG_BASE,
			    "DS base bits 63:32 set");
	if (usable(&gs->es) && gs->es.base >> 32)
		return fail(c, AXV_ENTRY_CHECK_SEG_BASE,
			    "ES base bits 63:32 set");
	return AXV_ENTRY_CHECK_NONE;
}

/* Limit/G consistency of register @i, for the access-rights checks. */
static unsigned int check_granularity(struct entry_check *c, int i)
{
	const struct vmx_seg_state *s = c->seg[i];

	if ((s->limit & GENMASK(11, 0)) != GENMASK(11, 0) &&
	    (s->ar & VMX_AR_G_MASK))
		return fail(c, seg_code[i], seg_msgs[i].g_set_low_limit);
	if ((s->limit & GENMASK(31, 20)) && !(s->ar & VMX_AR_G_MASK))
		return fail(c, seg_code[i], seg_msgs[i].g_clear_high_limit);
	return AXV_ENTRY_CHECK_NONE;
}

/* The type sub-field of CS, SS, DS, ES, FS and GS outside virtual-8086. */
static unsigned int check_types(struct entry_check *c)
{
	const struct vmx_guest_state *gs = c->gs;
	unsigned int type = AR_TYPE(gs->cs.ar);
	int i;

	switch (type) {
	case TYPE_CODE_X_A:
	case TYPE_CODE_XR_A:
	case TYPE_CODE_XC_A:
	case TYPE_CODE_XRC_A:
		break;
	case TYPE_DATA_RW_A:
		if (gs->unrestricted_guest)
			break;
		fallthrough;
	default:
		return fail(c, AXV_ENTRY_CHECK_CS, gs->unrestricted_guest ?
			    "CS type not 3, 9, 11, 13 or 15" :
			    "CS type not 9, 11, 13 or 15");
	}

	type = AR_TYPE(gs->ss.ar);
	if (usable(&gs->ss) && type != TYPE_DATA_RW_A &&
	    type != TYPE_DATA_RW_DOWN_A)
		return fail(c, AXV_ENTRY_CHECK_SS, "SS type not 3 or 7");

	for (i = SEG_DS; i < NR_CODE_DATA_SEGS; i++) {
		if (!usable(c->seg[i]))
			continue;
		type = AR_TYPE(c->seg[i]->ar);
		if (!(type & VMX_AR_TYPE_ACCESSES_MASK))
			return fail(c, seg_code[i], seg_msgs[i].not_accessed);
		if ((type & VMX_AR_TYPE_CODE_MASK) &&
		    !(type & VMX_AR_TYPE_READABLE_MASK))
			return fail(c, seg_code[i], seg_msgs[i].unreadable);
	}
	return AXV_ENTRY_CHECK_NONE;
}

/* The DPL sub-field of CS, SS, DS, ES, FS and GS outside virtual-8086. */
static unsigned int check_dpls(struct entry_check *c)
{
	const struct vmx_guest_state *gs = c->gs;
	unsigned int cs_type = AR_TYPE(gs->cs.ar);
	unsigned int cs_dpl = VMX_AR_DPL(gs->cs.ar);
	unsigned int ss_dpl = VMX_AR_DPL(gs->ss.ar);
	int i;

	switch (cs_type) {
	case TYPE_DATA_RW_A:
		if (cs_dpl)
			return fail(c, AXV_ENTRY_CHECK_CS,
				    "CS type 3 with DPL not 0");
		break;
	case TYPE_CODE_X_A:
	case TYPE_CODE_XR_A:
		if (cs_dpl != ss_dpl)
			return fail(c, AXV_ENTRY_CHECK_CS,
				    "CS DPL differs from SS DPL (non-conforming code)");
		break;
	case TYPE_CODE_XC_A:
	case TYPE_CODE_XRC_A:
		if (cs_dpl > ss_dpl)
			return fail(c, AXV_ENTRY_CHECK_CS,
				    "CS DPL above SS DPL (conforming code)");
		break;
	default:
		/* check_types() has refused the other types. */
		break;
	}

	if (!gs->unrestricted_guest && ss_dpl != (gs->ss.selector & SEL_RPL))
		return fail(c, AXV_ENTRY_CHECK_SS, "SS DPL differs from SS RPL");
	if (ss_dpl && (cs_type == TYPE_DATA_RW_A || !(gs->cr0 & X86_CR0_PE)))
		return fail(c, AXV_ENTRY_CHECK_SS,
			    "SS DPL not 0 with CS type 3 or CR0.PE clear");

	if (gs->unrestricted_guest)
		return AXV_ENTRY_CHECK_NONE;
	for (i = SEG_DS; i < NR_CODE_DATA_SEGS; i++) {
		const struct vmx_seg_state *s = c->seg[i];

		/* Data and non-conforming code segments only. */
		if (usable(s) && AR_TYPE(s->ar) <= TYPE_CODE_XR_A &&
		    VMX_AR_DPL(s->ar) < (s->selector & SEL_RPL))
			return fail(c, seg_code[i], seg_msgs[i].dpl_below_rpl);
	}
	return AXV_ENTRY_CHECK_NONE;
}

/* Access rights of CS, SS, DS, ES, FS and GS outside virtual-8086. */
static unsigned int check_code_data_ar(struct entry_check *c)
{
	const struct vmx_guest_state *gs = c->gs;
	unsigned int code;
	int i;

	code = check_types(c);
	if (code)
		return code;
	for (i = 0; i < NR_CODE_DATA_SEGS; i++)
		if (ar_checked(c, i) && !(c->seg[i]->ar & VMX_AR_S_MASK))
			return fail(c, seg_code[i], seg_msgs[i].s_clear);
	code = check_dpls(c);
	if (code)
		return code;
	for (i = 0; i < NR_CODE_DATA_SEGS; i++)
		if (ar_checked(c, i) && !(c->seg[i]->ar & VMX_AR_P_MASK))
			return fail(c, seg_code[i], seg_msgs[i].p_clear);
	for (i = 0; i < NR_CODE_DATA_SEGS; i++)
		if (ar_checked(c, i) && (c->seg[i]->ar & AR_RSVD_LOW))
			return fail(c, seg_code[i], seg_msgs[i].rsvd_low);
	if (gs->ia32e_mode_guest && (gs->cs.ar & VMX_AR_L_MASK) &&
	    (gs->cs.ar & VMX_AR_DB_MASK))
		return fail(c, AXV_ENTRY_CHECK_CS,
			    "CS.L and CS.D/B both set in IA-32e mode");
	for (i = 0; i < NR_CODE_DATA_SEGS; i++) {
		if (!ar_checked(c, i))
			continue;
		code = check_granularity(c, i);
		if (code)
			return code;
	}
	for (i = 0; i < NR_CODE_DATA_SEGS; i++)
		if (ar_checked(c, i) && (c->seg[i]->ar & AR_RSVD_HIGH))
			return fail(c, seg_code[i], seg_msgs[i].rsvd_high);
	return AXV_ENTRY_CHECK_NONE;
}

/* Access rights of TR. */
static unsigned int check_tr_ar(struct entry_check *c)
{
	const struct vmx_guest_state *gs = c->gs;
	u32 ar = gs->tr.ar;
	unsigned int code;

	if (gs->ia32e_mode_guest) {
		if (AR_TYPE(ar) != VMX_AR_TYPE_BUSY_64_TSS)
			return fail(c, AXV_ENTRY_CHECK_TR,
				    "TR type not 11 in IA-32e mode");
	} else if (AR_TYPE(ar) != VMX_AR_TYPE_BUSY_16_TSS &&
		   AR_TYPE(ar) != VMX_AR_TYPE_BUSY_32_TSS) {
		return fail(c, AXV_ENTRY_CHECK_TR, "TR type not 3 or 11");
	}
	if (ar & VMX_AR_S_MASK)
		return fail(c, AXV_ENTRY_CHECK_TR, "TR.S set");
	if (!(ar & VMX_AR_P_MASK))
		return fail(c, AXV_ENTRY_CHECK_TR, seg_msgs[SEG_TR].p_clear);
	if (ar & AR_RSVD_LOW)
		return fail(c, AXV_ENTRY_CHECK_TR, seg_msgs[SEG_TR].rsvd_low);
	code = check_granularity(c, SEG_TR);
	if (code)
		return code;
	if (ar & VMX_AR_UNUSABLE_MASK)
		return fail(c, AXV_ENTRY_CHECK_TR, "TR unusable");
	if (ar & AR_RSVD_HIGH)
		return fail(c, AXV_ENTRY_CHECK_TR, seg_msgs[SEG_TR].rsvd_high);
	return AXV_ENTRY_CHECK_NONE;
}

/* Access rights of LDTR, checked only when it is usable. */
static unsigned int check_ldtr_ar(struct entry_check *c)
{
	u32 ar = c->gs->ldtr.ar;
	unsigned int code;

	if (!usable(&c->gs->ldtr))
		return AXV_ENTRY_CHECK_NONE;
	if (AR_TYPE(ar) != VMX_AR_TYPE_LDT)
		return fail(c, AXV_ENTRY_CHECK_LDTR, "LDTR type not 2");
	if (ar & VMX_AR_S_MASK)
		return fail(c, AXV_ENTRY_CHECK_LDTR, "LDTR.S set");
	if (!(ar & VMX_AR_P_MASK))
		return fail(c, AXV_ENTRY_CHECK_LDTR,
			    seg_msgs[SEG_LDTR].p_clear);
	if (ar & AR_RSVD_LOW)
		return fail(c, AXV_ENTRY_CHECK_LDTR,
			    seg_msgs[SEG_LDTR].rsvd_low);
	code = check_granularity(c, SEG_LDTR);
	if (code)
		return code;
	if (ar & AR_RSVD_HIGH)
		return fail(c, AXV_ENTRY_CHECK_LDTR,
			    seg_msgs[SEG_LDTR].rsvd_high);
	return AXV_ENTRY_CHECK_NONE;
}

/* SDM "Checks on Guest Segment Registers". */
static unsigned int check_segments(struct entry_check *c)
{
	unsigned int code;
	int i;

	code = check_selectors(c);
	if (code)
		return code;
	code = check_bases(c);
	if (code)
		return code;
	if (c->v86) {
		for (i = 0; i < NR_CODE_DATA_SEGS; i++)
			if (c->seg[i]->limit != 0xffff)
				return fail(c, seg_code[i],
					    seg_msgs[i].v86_limit);
		for (i = 0; i < NR_CODE_DATA_SEGS; i++)
			if (c->seg[i]->ar != AR_V86)
				return fail(c, seg_code[i], seg_msgs[i].v86_ar);
	} else {
		code = check_code_data_ar(c);
		if (code)
			return code;
	}
	code = check_tr_ar(c);
	if (code)
		return code;
	return check_ldtr_ar(c);
}

/* SDM "Checks on Guest Descriptor-Table Registers". */
static unsigned int check_dtables(struct entry_check *c)
{
	const struct vmx_guest_state *gs = c->gs;

	if (!canonical(gs->gdtr_base))
		return fail(c, AXV_ENTRY_CHECK_DTABLE,
			    "GDTR base not canonical");
	if (!canonical(gs->idtr_base))
		return fail(c, AXV_ENTRY_CHECK_DTABLE,
			    "IDTR base not canonical");
	if (gs->gdtr_limit & GENMASK(31, 16))
		return fail(c, AXV_ENTRY_CHECK_DTABLE,
			    "GDTR limit bits 31:16 set");
	if (gs->idtr_limit & GENMASK(31, 16))
		return fail(c, AXV_ENTRY_CHECK_DTABLE,
			    "IDTR limit bits 31:16 set");
	return AXV_ENTRY_CHECK_NONE;
}

static bool injecting(const struct vmx_guest_state *gs, u32 type)
{
	return (gs->entry_intr_info & INTR_INFO_VALID_MASK) &&
	       (gs->entry_intr_info & INTR_INFO_INTR_TYPE_MASK) == type;
}

/* SDM "Checks on Guest RIP, RFLAGS, and SSP" (the SSP is not modelled). */
static unsigned int check_rip_rflags(struct entry_check *c)
{
	const struct vmx_guest_state *gs = c->gs;
	u64 rflags = gs->rflags;

	if (!gs->ia32e_mode_guest || !(gs->cs.ar & VMX_AR_L_MASK)) {
		if (gs->rip >> 32)
			return fail(c, AXV_ENTRY_CHECK_RIP,
				    "RIP bits 63:32 set outside 64-bit mode");
	} else if ((s64)gs->rip >> LA_BITS != 0 &&
		   (s64)gs->rip >> LA_BITS != -1) {
		/*
		 * The SDM asks that bits 63:N be identical, N being the
		 * linear-address width: bit N-1 is not compared, so this is
		 * a little weaker than canonical.
		 */
		return fail(c, AXV_ENTRY_CHECK_RIP,
			    "RIP bits 63:48 not all equal in 64-bit mode");
	}

	if (rflags & RFLAGS_RESERVED)
		return fail(c, AXV_ENTRY_CHECK_RFLAGS, "RFLAGS reserved bit set");
	if (!(rflags & X86_EFLAGS_FIXED))
		return fail(c, AXV_ENTRY_CHECK_RFLAGS, "RFLAGS bit 1 clear");
	if ((rflags & X86_EFLAGS_VM) && gs->ia32e_mode_guest)
		return fail(c, AXV_ENTRY_CHECK_RFLAGS,
			    "RFLAGS.VM set in IA-32e mode");
	if ((rflags & X86_EFLAGS_VM) && !(gs->cr0 & X86_CR0_PE))
		return fail(c, AXV_ENTRY_CHECK_RFLAGS,
			    "RFLAGS.VM set with CR0.PE clear");
	if (!(rflags & X86_EFLAGS_IF) && injecting(gs, INTR_TYPE_EXT_INTR))
		return fail(c, AXV_ENTRY_CHECK_RFLAGS,
			    "RFLAGS.IF clear with an external interrupt to inject");
	return AXV_ENTRY_CHECK_NONE;
}

/*
 * Whether the event in the VM-entry interruption-information field may be
 * injected into a processor in activity state @activity.
 */
static bool injection_allowed(u32 activity, u32 info)
{
	u32 type = info & INTR_INFO_INTR_TYPE_MASK;
	u32 vector = info & INTR_INFO_VECTOR_MASK;

	if (!(info & INTR_INFO_VALID_MASK))
		return true;
	switch (activity) {
	case GUEST_ACTIVITY_ACTIVE:
		return true;
	case GUEST_ACTIVITY_HLT:
		return type == INTR_TYPE_EXT_INTR || type == INTR_TYPE_NMI_INTR ||
		       (type == INTR_TYPE_HARD_EXCEPTION &&
			(vector == X86_TRAP_DB || vector == X86_TRAP_MC)) ||
		       /* pending MTF VM exit */
		       (type == INTR_TYPE_OTHER_EVENT && vector == 0);
	case GUEST_ACTIVITY_SHUTDOWN:
		return type == INTR_TYPE_NMI_INTR ||
		       (type == INTR_TYPE_HARD_EXCEPTION &&
			vector == X86_TRAP_MC);
	default:
		/* Wait-for-SIPI: nothing. */
		return false;
	}
}

/* SDM "Checks on Guest Non-Register State". */
static unsigned int check_non_register(struct entry_check *c)
{
	const struct vmx_guest_state *gs = c->gs;
	u32 intr = gs->interruptibility;

	if (gs->activity > GUEST_ACTIVITY_WAIT_SIPI)
		return fail(c, AXV_ENTRY_CHECK_ACTIVITY,
			    "activity state not 0-3");
	/* SS.DPL is the CPL. */
	if (gs->activity == GUEST_ACTIVITY_HLT && VMX_AR_DPL(gs->ss.ar))
		return fail(c, AXV_ENTRY_CHECK_ACTIVITY,
			    "HLT activity state with SS DPL not 0");
	if (gs->activity != GUEST_ACTIVITY_ACTIVE &&
	    (intr & (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS)))
		return fail(c, AXV_ENTRY_CHECK_ACTIVITY,
			    "inactive with blocking by STI or MOV SS");
	if (!injection_allowed(gs->activity, gs->entry_intr_info))
		return fail(c, AXV_ENTRY_CHECK_ACTIVITY,
			    "event injected that the activity state blocks");

	if (intr & INTR_STATE_RESERVED)
		return fail(c, AXV_ENTRY_CHECK_INTERRUPTIBILITY,
			    "interruptibility bits 31:5 set");
	if ((intr & GUEST_INTR_STATE_STI) && (intr & GUEST_INTR_STATE_MOV_SS))
		return fail(c, AXV_ENTRY_CHECK_INTERRUPTIBILITY,
			    "blocking by both STI and MOV SS");
	if ((intr & GUEST_INTR_STATE_STI) && !(gs->rflags & X86_EFLAGS_IF))
		return fail(c, AXV_ENTRY_CHECK_INTERRUPTIBILITY,
			    "blocking by STI with RFLAGS.IF clear");
	if ((intr & (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS)) &&
	    injecting(gs, INTR_TYPE_EXT_INTR))
		return fail(c, AXV_ENTRY_CHECK_INTERRUPTIBILITY,
			    "blocking by STI or MOV SS with an external interrupt to inject");
	if ((intr & GUEST_INTR_STATE_MOV_SS) &&
	    injecting(gs, INTR_TYPE_NMI_INTR))
		return fail(c, AXV_ENTRY_CHECK_INTERRUPTIBILITY,
			    "blocking by MOV SS with an NMI to inject");
	/* axvcpu never enters a guest from SMM. */
	if (intr & GUEST_INTR_STATE_SMI)
		return fail(c, AXV_ENTRY_CHECK_INTERRUPTIBILITY,
			    "blocking by SMI outside SMM");
	if ((intr & GUEST_INTR_STATE_ENCLAVE_INTR) &&
	    (intr & GUEST_INTR_STATE_MOV_SS))
		return fail(c, AXV_ENTRY_CHECK_INTERRUPTIBILITY,
			    "enclave interruption with blocking by MOV SS");
	return AXV_ENTRY_CHECK_NONE;
}

unsigned int vmx_entry_check(const struct vmx_guest_state *gs,
			     const char **field)
{
	struct entry_check c = {
		.gs = gs,
		.seg = {
			[SEG_CS] = &gs->cs,
			[SEG_SS] = &gs->ss,
			[SEG_DS] = &gs->ds,
			[SEG_ES] = &gs->es,
			[SEG_FS] = &gs->fs,
			[SEG_GS] = &gs->gs,
			[SEG_TR] = &gs->tr,
			[SEG_LDTR] = &gs->ldtr,
		},
		/*
		 * The SDM calls the guest virtual-8086 whenever RFLAGS.VM is
		 * 1.  Where VM may not be 1 (IA-32e mode, CR0.PE clear), the
		 * segments are checked as if it were 0 instead, so that the
		 * RFLAGS check names the cause rather than CS or SS.
		 */
		.v86 = (gs->rflags & X86_EFLAGS_VM) && !gs->ia32e_mode_guest &&
		       (gs->cr0 & X86_CR0_PE),
		.field = "",
	};
	unsigned int code;

	code = check_control_regs(&c);
	if (!code)
		code = check_segments(&c);
	if (!code)
		code = check_dtables(&c);
	if (!code)
		code = check_rip_rflags(&c);
	if (!code)
		code = check_non_register(&c);
	if (field)
		*field = c.field;
	return code;
}
