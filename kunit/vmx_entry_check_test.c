// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: naming the broken guest-state rule behind a failed VM entry.
 *
 * Four valid guest states (64-bit long mode, real mode under unrestricted
 * guest, flat 32-bit protected mode with paging, virtual-8086 mode) must
 * pass every check.  Each case of the tables below then changes one of
 * them: the "accepted" changes stay within the rules, the "broken" ones
 * break exactly one rule, named by the expected code and field string.
 * The fixed-bit MSR values are those of a recent Core processor: CR0 must
 * have PG, NE and PE; CR4 must have VMXE and may have neither UMIP, LA57
 * nor PKE.
 */
#include <kunit/test.h>
#include <linux/bits.h>
#include <linux/limits.h>
#include <linux/string.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>
#include <asm/vmx.h>

#include <linux/axvcpu.h>

#include "../vmx/entry_check.h"

/* Access rights (SDM Table 24-2). */
#define AR_CODE64	0xa09b	/* G, L, P, S, execute/read accessed */
#define AR_CODE32	0xc09b	/* G, D, P, S, execute/read accessed */
#define AR_DATA32	0xc093	/* G, B, P, S, read/write accessed */
#define AR_CODE16	0x9b	/* P, S, execute/read accessed */
#define AR_DATA16	0x93	/* P, S, read/write accessed */
#define AR_V86		0xf3	/* P, S, DPL 3, read/write accessed */
#define AR_TSS_BUSY	0x8b	/* P, busy 32/64-bit TSS */
#define AR_LDT		0x82	/* P, LDT */
#define AR_UNUSABLE	0x10000

#define INJECT(type, vector)	(INTR_INFO_VALID_MASK | (type) | (vector))

enum base_state {
	LONG64,
	REAL,
	PROT32,
	V86,
};

static struct vmx_seg_state seg(u16 selector, u64 base, u32 limit, u32 ar)
{
	return (struct vmx_seg_state){ selector, base, limit, ar };
}

static void fixed_bits(struct vmx_guest_state *gs)
{
	memset(gs, 0, sizeof(*gs));
	gs->cr0_fixed0 = X86_CR0_PG | X86_CR0_NE | X86_CR0_PE;
	gs->cr0_fixed1 = 0xffffffff;
	gs->cr4_fixed0 = X86_CR4_VMXE;
	gs->cr4_fixed1 = 0x3767ff;
	gs->phys_addr_bits = 39;
	gs->load_efer = true;
	gs->dr7 = 0x400;
}

/* A 64-bit kernel: flat CS/SS/DS/ES, FS and GS null with bases. */
static void long_mode_state(struct vmx_guest_state *gs)
{
	fixed_bits(gs);
	gs->cr0 = X86_CR0_PG | X86_CR0_WP | X86_CR0_NE | X86_CR0_ET |
		  X86_CR0_MP | X86_CR0_PE;
	gs->cr3 = 0x1234000;
	gs->cr4 = X86_CR4_VMXE | X86_CR4_OSXMMEXCPT | X86_CR4_OSFXSR |
		  X86_CR4_PGE | X86_CR4_PAE | X86_CR4_PSE;
	gs->efer = EFER_NX | EFER_LMA | EFER_LME | EFER_SCE;
	gs->ia32e_mode_guest = true;
	gs->cs = seg(0x10, 0, 0xffffffff, AR_CODE64);
	gs->ss = seg(0x18, 0, 0xffffffff, AR_DATA32);
	gs->ds = gs->ss;
	gs->es = gs->ss;
	gs->fs = seg(0, 0x7f0012340000ULL, 0, AR_UNUSABLE);
	gs->gs = seg(0, 0xffff888100000000ULL, 0, AR_UNUSABLE);
	gs->tr = seg(0x40, 0xfffffe0000003000ULL, 0x4087, AR_TSS_BUSY);
	gs->ldtr = seg(0, 0, 0, AR_UNUSABLE);
	gs->gdtr_base = 0xfffffe0000001000ULL;
	gs->gdtr_limit = 0x7f;
	gs->idtr_base = 0xfffffe0000000000ULL;
	gs->idtr_limit = 0xfff;
	gs->rip = 0xffffffff81000000ULL;
	gs->rflags = X86_EFLAGS_IF | X86_EFLAGS_ZF | X86_EFLAGS_PF |
		     X86_EFLAGS_FIXED;
}

/* Real mode under unrestricted guest: base = selector << 4, 64 KiB. */
static void real_mode_state(struct vmx_guest_state *gs)
{
	fixed_bits(gs);
	gs->unrestricted_guest = true;
	gs->cr0 = X86_CR0_NE | X86_CR0_ET;
	gs->cr4 = X86_CR4_VMXE;
	gs->cs = seg(0xf000, 0xf0000, 0xffff, AR_CODE16);
	gs->ss = seg(0x9000, 0x90000, 0xffff, AR_DATA16);
	gs->ds = seg(0x1000, 0x10000, 0xffff, AR_DATA16);
	gs->es = seg(0x2000, 0x20000, 0xffff, AR_DATA16);
	gs->fs = seg(0, 0, 0xffff, AR_DATA16);
	gs->gs = seg(0, 0, 0xffff, AR_DATA16);
	gs->tr = seg(0, 0, 0xffff, AR_TSS_BUSY);
	gs->ldtr = seg(0, 0, 0xffff, AR_UNUSABLE);
	gs->gdtr_limit = 0xffff;
	gs->idtr_limit = 0x3ff;
	gs->rip = 0xfff0;
	gs->rflags = X86_EFLAGS_FIXED;
}

/* A 32-bit kernel with paging: flat segments, a per-CPU FS and GS. */
static void prot32_state(struct vmx_guest_state *gs)
{
	fixed_bits(gs);
	gs->cr0 = X86_CR0_PG | X86_CR0_WP | X86_CR0_NE | X86_CR0_ET |
		  X86_CR0_PE;
	gs->cr3 = 0x1a00000;
	gs->cr4 = X86_CR4_VMXE | X86_CR4_PGE | X86_CR4_PSE;
	gs->cs = seg(0x08, 0, 0xffffffff, AR_CODE32);
	gs->ss = seg(0x10, 0, 0xffffffff, AR_DATA32);
	gs->ds = gs->ss;
	gs->es = gs->ss;
	gs->fs = seg(0xd8, 0xc1a00000, 0xffffffff, AR_DATA32);
	gs->gs = seg(0xe0, 0xc1c00000, 0xfff, AR_DATA16 | VMX_AR_DB_MASK);
	gs->tr = seg(0x80, 0xc1d00000, 0x206f, AR_TSS_BUSY);
	gs->ldtr = seg(0, 0, 0, AR_UNUSABLE);
	gs->gdtr_base = 0xc1e00000;
	gs->gdtr_limit = 0xff;
	gs->idtr_base = 0xc1e01000;
	gs->idtr_limit = 0x7ff;
	gs->rip = 0xc1000000;
	gs->rflags = X86_EFLAGS_IF | X86_EFLAGS_FIXED;
}

/* Virtual-8086 mode on top of the 32-bit kernel. */
static void v86_state(struct vmx_guest_state *gs)
{
	prot32_state(gs);
	gs->cs = seg(0x1000, 0x10000, 0xffff, AR_V86);
	gs->ss = seg(0x2000, 0x20000, 0xffff, AR_V86);
	gs->ds = seg(0x3000, 0x30000, 0xffff, AR_V86);
	gs->es = gs->ds;
	gs->fs = seg(0, 0, 0xffff, AR_V86);
	gs->gs = gs->fs;
	gs->rip = 0x100;
	gs->rflags |= X86_EFLAGS_VM;
}

static void build(struct vmx_guest_state *gs, enum base_state base)
{
	switch (base) {
	case LONG64:
		long_mode_state(gs);
		break;
	case REAL:
		real_mode_state(gs);
		break;
	case PROT32:
		prot32_state(gs);
		break;
	case V86:
		v86_state(gs);
		break;
	}
}

/*
 * A change to a guest state: every field loses the bits it has in @clear
 * and gains those it has in @set (a bool set in @clear becomes false).
 */
struct entry_case {
	const char *name;
	enum base_state base;
	struct vmx_guest_state clear;
	struct vmx_guest_state set;
	unsigned int code;
	const char *field;
};

static u64 mix(u64 v, u64 clear, u64 set)
{
	return (v & ~clear) | set;
}

static void apply_seg(struct vmx_seg_state *s, const struct vmx_seg_state *clear,
		      const struct vmx_seg_state *set)
{
	s->selector = mix(s->selector, clear->selector, set->selector);
	s->base = mix(s->base, clear->base, set->base);
	s->limit = mix(s->limit, clear->limit, set->limit);
	s->ar = mix(s->ar, clear->ar, set->ar);
}

static void apply(struct vmx_guest_state *gs, const struct entry_case *c)
{
	const struct vmx_guest_state *clr = &c->clear, *set = &c->set;

	gs->cr0 = mix(gs->cr0, clr->cr0, set->cr0);
	gs->cr3 = mix(gs->cr3, clr->cr3, set->cr3);
	gs->cr4 = mix(gs->cr4, clr->cr4, set->cr4);
	gs->dr7 = mix(gs->dr7, clr->dr7, set->dr7);
	gs->efer = mix(gs->efer, clr->efer, set->efer);
	gs->rip = mix(gs->rip, clr->rip, set->rip);
	gs->rflags = mix(gs->rflags, clr->rflags, set->rflags);
	apply_seg(&gs->cs, &clr->cs, &set->cs);
	apply_seg(&gs->ss, &clr->ss, &set->ss);
	apply_seg(&gs->ds, &clr->ds, &set->ds);
	apply_seg(&gs->es, &clr->es, &set->es);
	apply_seg(&gs->fs, &clr->fs, &set->fs);
	apply_seg(&gs->gs, &clr->gs, &set->gs);
	apply_seg(&gs->tr, &clr->tr, &set->tr);
	apply_seg(&gs->ldtr, &clr->ldtr, &set->ldtr);
	gs->gdtr_base = mix(gs->gdtr_base, clr->gdtr_base, set->gdtr_base);
	gs->idtr_base = mix(gs->idtr_base, clr->idtr_base, set->idtr_base);
	gs->gdtr_limit = mix(gs->gdtr_limit, clr->gdtr_limit, set->gdtr_limit);
	gs->idtr_limit = mix(gs->idtr_limit, clr->idtr_limit, set->idtr_limit);
	gs->activity = mix(gs->activity, clr->activity, set->activity);
	gs->interruptibility = mix(gs->interruptibility,
				   clr->interruptibility,
				   set->interruptibility);
	gs->entry_intr_info = mix(gs->entry_intr_info, clr->entry_intr_info,
				  set->entry_intr_info);
	gs->ia32e_mode_guest = (gs->ia32e_mode_guest &&
				!clr->ia32e_mode_guest) ||
			       set->ia32e_mode_guest;
	gs->load_efer = (gs->load_efer && !clr->load_efer) || set->load_efer;
	gs->unrestricted_guest = (gs->unrestricted_guest &&
				  !clr->unrestricted_guest) ||
				 set->unrestricted_guest;
	gs->cr0_fixed0 = mix(gs->cr0_fixed0, clr->cr0_fixed0, set->cr0_fixed0);
	gs->cr0_fixed1 = mix(gs->cr0_fixed1, clr->cr0_fixed1, set->cr0_fixed1);
	gs->cr4_fixed0 = mix(gs->cr4_fixed0, clr->cr4_fixed0, set->cr4_fixed0);
	gs->cr4_fixed1 = mix(gs->cr4_fixed1, clr->cr4_fixed1, set->cr4_fixed1);
	gs->phys_addr_bits = mix(gs->phys_addr_bits, clr->phys_addr_bits,
				 set->phys_addr_bits);
}

static void entry_case_desc(const struct entry_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

static void run_case(struct kunit *test, const struct entry_case *c)
{
	struct vmx_guest_state gs;
	const char *field = NULL;
	unsigned int code;

	build(&gs, c->base);
	apply(&gs, c);
	code = vmx_entry_check(&gs, &field);
	KUNIT_ASSERT_NOT_NULL(test, field);
	KUNIT_EXPECT_EQ_MSG(test, code, c->code, "field: %s", field);
	KUNIT_EXPECT_STREQ(test, field, c->field);
}

#define ACCEPTED(n, b, ...) {						\
	.name = n, .base = b, __VA_ARGS__,				\
	.code = AXV_ENTRY_CHECK_NONE, .field = "",			\
}

static const struct entry_case accepted_cases[] = {
	ACCEPTED("ug_cs_data_type", REAL,
		 .clear.cs.ar = U32_MAX, .set.cs.ar = AR_DATA16),
	ACCEPTED("ug_ss_rpl_differs", REAL, .set.ss.selector = 0x3),
	ACCEPTED("ug_long_mode", LONG64, .set.unrestricted_guest = true),
	ACCEPTED("cd_nw_never_checked", LONG64,
		 .clear.cr0_fixed1 = X86_CR0_CD | X86_CR0_NW,
		 .set.cr0 = X86_CR0_CD | X86_CR0_NW),
	ACCEPTED("cr3_unchecked_without_maxphyaddr", LONG64,
		 .clear.phys_addr_bits = UINT_MAX, .set.cr3 = BIT_ULL(60)),
	ACCEPTED("efer_not_loaded", LONG64,
		 .clear.load_efer = true, .clear.efer = U64_MAX),
	ACCEPTED("rip_bit47_alone", LONG64,
		 .clear.rip = U64_MAX, .set.rip = 0x0000800000000000ULL),
	ACCEPTED("compat_mode", LONG64,
		 .clear.cs.ar = VMX_AR_L_MASK, .set.cs.ar = VMX_AR_DB_MASK,
		 .clear.rip = U64_MAX, .set.rip = 0x401000),
	ACCEPTED("unusable_ds_unchecked", LONG64,
		 .set.ds.ar = AR_UNUSABLE | GENMASK(11, 8),
		 .set.ds.base = 0xffffffff00000000ULL),
	ACCEPTED("usable_ldt", LONG64, .clear.ldtr.ar = U32_MAX,
		 .set.ldtr = { 0x50, 0, 0xfff, AR_LDT }),
	ACCEPTED("conforming_cs", PROT32, .set.cs.ar = 0x4),
	ACCEPTED("tr_16bit_tss", PROT32, .clear.tr.ar = 0x8),
	ACCEPTED("ext_intr_injected", LONG64,
		 .set.entry_intr_info = INJECT(INTR_TYPE_EXT_INTR, 0x20)),
	ACCEPTED("hlt_nmi_injected", LONG64,
		 .set.activity = GUEST_ACTIVITY_HLT,
		 .set.entry_intr_info = INJECT(INTR_TYPE_NMI_INTR, 2)),
	ACCEPTED("hlt_mtf_pending", LONG64,
		 .set.activity = GUEST_ACTIVITY_HLT,
		 .set.entry_intr_info = INJECT(INTR_TYPE_OTHER_EVENT, 0)),
	ACCEPTED("shutdown_mc_injected", LONG64,
		 .set.activity = GUEST_ACTIVITY_SHUTDOWN,
		 .set.entry_intr_info = INJECT(INTR_TYPE_HARD_EXCEPTION, 18)),
	ACCEPTED("sti_blocking", LONG64,
		 .set.interruptibility = GUEST_INTR_STATE_STI),
};

#define BROKEN(n, b, c, f, ...) {					\
	.name = n, .base = b, __VA_ARGS__,				\
	.code = AXV_ENTRY_CHECK_##c, .field = f,			\
}

#define DPL3	(3 << VMX_AR_DPL_SHIFT)

static const struct entry_case broken_cases[] = {
	/* Control registers, debug registers, MSRs. */
	BROKEN("real_mode_without_ug", REAL, CR0,
	       "CR0.PE clear without unrestricted guest",
	       .clear.unrestricted_guest = true),
	BROKEN("pg_clear_without_ug", PROT32, CR0,
	       "CR0.PG clear without unrestricted guest",
	       .clear.cr0 = X86_CR0_PG),
	BROKEN("ne_clear", LONG64, CR0, "CR0.NE clear",
	       .clear.cr0 = X86_CR0_NE),
	BROKEN("cr0_fixed0", LONG64, CR0,
	       "CR0 bit clear that IA32_VMX_CR0_FIXED0 requires",
	       .set.cr0_fixed0 = X86_CR0_AM),
	BROKEN("cr0_fixed1", LONG64, CR0,
	       "CR0 bit set that IA32_VMX_CR0_FIXED1 forbids",
	       .set.cr0 = BIT_ULL(32)),
	BROKEN("pg_without_pe", REAL, CR0, "CR0.PG set without CR0.PE",
	       .set.cr0 = X86_CR0_PG),
	BROKEN("vmxe_clear", LONG64, CR4, "CR4.VMXE clear",
	       .clear.cr4 = X86_CR4_VMXE),
	BROKEN("cr4_fixed0", PROT32, CR4,
	       "CR4 bit clear that IA32_VMX_CR4_FIXED0 requires",
	       .set.cr4_fixed0 = X86_CR4_PAE),
	BROKEN("cr4_fixed1_la57", LONG64, CR4,
	       "CR4 bit set that IA32_VMX_CR4_FIXED1 forbids",
	       .set.cr4 = X86_CR4_LA57),
	BROKEN("ia32e_without_pg", LONG64, CR0,
	       "IA-32e mode guest without CR0.PG",
	       .set.unrestricted_guest = true, .clear.cr0 = X86_CR0_PG),
	BROKEN("ia32e_without_pae", LONG64, CR4,
	       "IA-32e mode guest without CR4.PAE",
	       .clear.cr4 = X86_CR4_PAE),
	BROKEN("pcide_outside_ia32e", PROT32, CR4,
	       "CR4.PCIDE set outside IA-32e mode",
	       .set.cr4 = X86_CR4_PCIDE),
	BROKEN("cr3_beyond_maxphyaddr", LONG64, CR3,
	       "CR3 has bits beyond MAXPHYADDR", .set.cr3 = BIT_ULL(39)),
	BROKEN("dr7_high", LONG64, CR0, "DR7 bits 63:32 set",
	       .set.dr7 = BIT_ULL(32)),
	BROKEN("efer_reserved", LONG64, EFER, "EFER reserved bit set",
	       .set.efer = BIT_ULL(12)),
	BROKEN("efer_lma_outside_ia32e", PROT32, EFER,
	       "EFER.LMA differs from IA-32e mode guest",
	       .set.efer = EFER_LME | EFER_LMA),
	BROKEN("efer_lme_clear", LONG64, EFER,
	       "EFER.LME differs from EFER.LMA with CR0.PG set",
	       .clear.efer = EFER_LME),

	/* Segment registers: selectors, bases, limits. */
	BROKEN("tr_ti", LONG64, TR, "TR selector TI set",
	       .set.tr.selector = 0x4),
	BROKEN("ldtr_ti", LONG64, LDTR, "LDTR selector TI set",
	       .clear.ldtr.ar = U32_MAX,
	       .set.ldtr = { 0x54, 0, 0xfff, AR_LDT }),
	BROKEN("ss_rpl_vs_cs_rpl", PROT32, SS, "SS RPL differs from CS RPL",
	       .set.cs.selector = 0x3),
	BROKEN("v86_cs_base", V86, SEG_BASE,
	       "CS base not selector << 4 in virtual-8086 mode",
	       .set.cs.base = 0x10),
	BROKEN("tr_base", LONG64, SEG_BASE, "TR base not canonical",
	       .clear.tr.base = U64_MAX,
	       .set.tr.base = 0x0000800000000000ULL),
	BROKEN("unusable_fs_base", LONG64, SEG_BASE, "FS base not canonical",
	       .set.fs.base = BIT_ULL(63)),
	BROKEN("ldtr_base", LONG64, SEG_BASE, "LDTR base not canonical",
	       .clear.ldtr.ar = U32_MAX,
	       .set.ldtr = { 0x50, 0xfff0000000000000ULL, 0xfff, AR_LDT }),
	BROKEN("cs_base_high", LONG64, SEG_BASE, "CS base bits 63:32 set",
	       .set.cs.base = BIT_ULL(32)),
	BROKEN("ds_base_high", LONG64, SEG_BASE, "DS base bits 63:32 set",
	       .set.ds.base = 0xffffffff00000000ULL),
	BROKEN("v86_ss_limit", V86, SS,
	       "SS limit not 0xffff in virtual-8086 mode",
	       .set.ss.limit = 0xfffff),

	/* Segment registers: access rights. */
	BROKEN("v86_gs_ar", V86, DATA_SEG,
	       "GS access rights not 0xf3 in virtual-8086 mode",
	       .set.gs.ar = VMX_AR_DB_MASK),
	BROKEN("cs_not_accessed", PROT32, CS, "CS type not 9, 11, 13 or 15",
	       .clear.cs.ar = VMX_AR_TYPE_ACCESSES_MASK),
	BROKEN("cs_data_without_ug", PROT32, CS,
	       "CS type not 9, 11, 13 or 15",
	       .clear.cs.ar = VMX_AR_TYPE_CODE_MASK),
	BROKEN("ug_cs_read_only_data", REAL, CS,
	       "CS type not 3, 9, 11, 13 or 15",
	       .clear.cs.ar = VMX_AR_TYPE_CODE_MASK |
			      VMX_AR_TYPE_READABLE_MASK),
	BROKEN("ss_read_only", LONG64, SS, "SS type not 3 or 7",
	       .clear.ss.ar = VMX_AR_TYPE_READABLE_MASK),
	BROKEN("ds_not_accessed", LONG64, DATA_SEG, "DS type not accessed",
	       .clear.ds.ar = VMX_AR_TYPE_ACCESSES_MASK),
	BROKEN("es_execute_only", LONG64, DATA_SEG,
	       "ES code segment not readable",
	       .clear.es.ar = VMX_AR_TYPE_READABLE_MASK,
	       .set.es.ar = VMX_AR_TYPE_CODE_MASK),
	BROKEN("cs_system", PROT32, CS, "CS.S clear",
	       .clear.cs.ar = VMX_AR_S_MASK),
	BROKEN("gs_system", PROT32, DATA_SEG, "GS.S clear",
	       .clear.gs.ar = VMX_AR_S_MASK),
	BROKEN("cs_data_dpl3", REAL, CS, "CS type 3 with DPL not 0",
	       .clear.cs.ar = VMX_AR_TYPE_CODE_MASK, .set.cs.ar = DPL3),
	BROKEN("cs_dpl_nonconforming", PROT32, CS,
	       "CS DPL differs from SS DPL (non-conforming code)",
	       .set.cs.ar = DPL3),
	BROKEN("cs_dpl_conforming", PROT32, CS,
	       "CS DPL above SS DPL (conforming code)",
	       .set.cs.ar = 0x4 | DPL3),
	BROKEN("ss_dpl_vs_rpl", PROT32, SS, "SS DPL differs from SS RPL",
	       .set.cs.ar = 0x4, .set.ss.ar = DPL3),
	BROKEN("ss_dpl_real_mode", REAL, SS,
	       "SS DPL not 0 with CS type 3 or CR0.PE clear",
	       .set.cs.ar = 0x4, .set.ss.ar = DPL3),
	BROKEN("ds_dpl_below_rpl", PROT32, DATA_SEG, "DS DPL below RPL",
	       .set.ds.selector = 0x3),
	BROKEN("cs_not_present", PROT32, CS, "CS.P clear",
	       .clear.cs.ar = VMX_AR_P_MASK),
	BROKEN("ss_ar_bits_11_8", LONG64, SS,
	       "SS access rights bits 11:8 set", .set.ss.ar = BIT(8)),
	BROKEN("cs_l_and_d", LONG64, CS,
	       "CS.L and CS.D/B both set in IA-32e mode",
	       .set.cs.ar = VMX_AR_DB_MASK),
	BROKEN("cs_g_low_limit", PROT32, CS,
	       "CS.G set with limit bits 11:0 not all 1",
	       .clear.cs.limit = GENMASK(11, 0)),
	BROKEN("ds_g_clear_4g_limit", PROT32, DATA_SEG,
	       "DS.G clear with limit bits 31:20 not 0",
	       .clear.ds.ar = VMX_AR_G_MASK),
	BROKEN("fs_ar_bits_31_17", PROT32, DATA_SEG,
	       "FS access rights bits 31:17 set", .set.fs.ar = BIT(17)),
	BROKEN("tr_available_tss", LONG64, TR,
	       "TR type not 11 in IA-32e mode", .clear.tr.ar = 0x2),
	BROKEN("tr_16bit_in_ia32e", LONG64, TR,
	       "TR type not 11 in IA-32e mode", .clear.tr.ar = 0x8),
	BROKEN("tr_ldt_type", PROT32, TR, "TR type not 3 or 11",
	       .clear.tr.ar = 0x9),
	BROKEN("tr_s_set", LONG64, TR, "TR.S set",
	       .set.tr.ar = VMX_AR_S_MASK),
	BROKEN("tr_not_present", LONG64, TR, "TR.P clear",
	       .clear.tr.ar = VMX_AR_P_MASK),
	BROKEN("tr_g_clear_big_limit", LONG64, TR,
	       "TR.G clear with limit bits 31:20 not 0",
	       .set.tr.limit = BIT(20)),
	BROKEN("tr_unusable", LONG64, TR, "TR unusable",
	       .set.tr.ar = AR_UNUSABLE),
	BROKEN("ldtr_type", LONG64, LDTR, "LDTR type not 2",
	       .clear.ldtr.ar = U32_MAX,
	       .set.ldtr = { 0x50, 0, 0xfff, AR_LDT | 0x1 }),
	BROKEN("ldtr_s_set", LONG64, LDTR, "LDTR.S set",
	       .clear.ldtr.ar = U32_MAX,
	       .set.ldtr = { 0x50, 0, 0xfff, AR_LDT | VMX_AR_S_MASK }),

	/* Descriptor-table registers. */
	BROKEN("gdtr_limit", LONG64, DTABLE, "GDTR limit bits 31:16 set",
	       .set.gdtr_limit = BIT(16)),
	BROKEN("idtr_base", LONG64, DTABLE, "IDTR base not canonical",
	       .clear.idtr_base = U64_MAX,
	       .set.idtr_base = 0xfff0000000000000ULL),

	/* RIP and RFLAGS. */
	BROKEN("rip_high_prot32", PROT32, RIP,
	       "RIP bits 63:32 set outside 64-bit mode",
	       .set.rip = BIT_ULL(32)),
	BROKEN("rip_high_compat", LONG64, RIP,
	       "RIP bits 63:32 set outside 64-bit mode",
	       .clear.cs.ar = VMX_AR_L_MASK, .set.cs.ar = VMX_AR_DB_MASK),
	BROKEN("rip_not_sign_extended", LONG64, RIP,
	       "RIP bits 63:48 not all equal in 64-bit mode",
	       .clear.rip = U64_MAX, .set.rip = 0x0001000000000000ULL),
	BROKEN("rflags_bit15", LONG64, RFLAGS, "RFLAGS reserved bit set",
	       .set.rflags = BIT(15)),
	BROKEN("rflags_high", PROT32, RFLAGS, "RFLAGS reserved bit set",
	       .set.rflags = BIT_ULL(32)),
	BROKEN("rflags_bit1", LONG64, RFLAGS, "RFLAGS bit 1 clear",
	       .clear.rflags = X86_EFLAGS_FIXED),
	BROKEN("vm_in_ia32e", LONG64, RFLAGS, "RFLAGS.VM set in IA-32e mode",
	       .set.rflags = X86_EFLAGS_VM),
	BROKEN("vm_in_real_mode", REAL, RFLAGS,
	       "RFLAGS.VM set with CR0.PE clear", .set.rflags = X86_EFLAGS_VM),
	BROKEN("ext_intr_if_clear", PROT32, RFLAGS,
	       "RFLAGS.IF clear with an external interrupt to inject",
	       .clear.rflags = X86_EFLAGS_IF,
	       .set.entry_intr_info = INJECT(INTR_TYPE_EXT_INTR, 0x20)),

	/* Activity state. */
	BROKEN("activity_4", LONG64, ACTIVITY, "activity state not 0-3",
	       .set.activity = 4),
	BROKEN("hlt_at_cpl3", V86, ACTIVITY,
	       "HLT activity state with SS DPL not 0",
	       .set.activity = GUEST_ACTIVITY_HLT),
	BROKEN("hlt_sti_blocking", LONG64, ACTIVITY,
	       "inactive with blocking by STI or MOV SS",
	       .set.activity = GUEST_ACTIVITY_HLT,
	       .set.interruptibility = GUEST_INTR_STATE_STI),
	BROKEN("hlt_pf_injected", LONG64, ACTIVITY,
	       "event injected that the activity state blocks",
	       .set.activity = GUEST_ACTIVITY_HLT,
	       .set.entry_intr_info = INJECT(INTR_TYPE_HARD_EXCEPTION, 14)),
	BROKEN("shutdown_ext_intr_injected", LONG64, ACTIVITY,
	       "event injected that the activity state blocks",
	       .set.activity = GUEST_ACTIVITY_SHUTDOWN,
	       .set.entry_intr_info = INJECT(INTR_TYPE_EXT_INTR, 0x20)),
	BROKEN("wait_sipi_nmi_injected", LONG64, ACTIVITY,
	       "event injected that the activity state blocks",
	       .set.activity = GUEST_ACTIVITY_WAIT_SIPI,
	       .set.entry_intr_info = INJECT(INTR_TYPE_NMI_INTR, 2)),

	/* Interruptibility state. */
	BROKEN("intr_reserved", LONG64, INTERRUPTIBILITY,
	       "interruptibility bits 31:5 set",
	       .set.interruptibility = BIT(5)),
	BROKEN("sti_and_mov_ss", LONG64, INTERRUPTIBILITY,
	       "blocking by both STI and MOV SS",
	       .set.interruptibility = GUEST_INTR_STATE_STI |
				       GUEST_INTR_STATE_MOV_SS),
	BROKEN("sti_if_clear", PROT32, INTERRUPTIBILITY,
	       "blocking by STI with RFLAGS.IF clear",
	       .clear.rflags = X86_EFLAGS_IF,
	       .set.interruptibility = GUEST_INTR_STATE_STI),
	BROKEN("ext_intr_mov_ss", LONG64, INTERRUPTIBILITY,
	       "blocking by STI or MOV SS with an external interrupt to inject",
	       .set.interruptibility = GUEST_INTR_STATE_MOV_SS,
	       .set.entry_intr_info = INJECT(INTR_TYPE_EXT_INTR, 0x30)),
	BROKEN("nmi_mov_ss", LONG64, INTERRUPTIBILITY,
	       "blocking by MOV SS with an NMI to inject",
	       .set.interruptibility = GUEST_INTR_STATE_MOV_SS,
	       .set.entry_intr_info = INJECT(INTR_TYPE_NMI_INTR, 2)),
	BROKEN("smi_blocking", LONG64, INTERRUPTIBILITY,
	       "blocking by SMI outside SMM",
	       .set.interruptibility = GUEST_INTR_STATE_SMI),
	BROKEN("enclave_mov_ss", LONG64, INTERRUPTIBILITY,
	       "enclave interruption with blocking by MOV SS",
	       .set.interruptibility = GUEST_INTR_STATE_ENCLAVE_INTR |
				       GUEST_INTR_STATE_MOV_SS),
};

KUNIT_ARRAY_PARAM(accepted, accepted_cases, entry_case_desc);
KUNIT_ARRAY_PARAM(broken, broken_cases, entry_case_desc);

static void valid_states(struct kunit *test)
{
	static const enum base_state bases[] = { LONG64, REAL, PROT32, V86 };
	struct vmx_guest_state gs;
	const char *field;
	int i;

	for (i = 0; i < ARRAY_SIZE(bases); i++) {
		build(&gs, bases[i]);
		field = NULL;
		KUNIT_EXPECT_EQ_MSG(test, vmx_entry_check(&gs, &field),
				    AXV_ENTRY_CHECK_NONE, "state %d", i);
		KUNIT_ASSERT_NOT_NULL(test, field);
		KUNIT_EXPECT_STREQ(test, field, "");
	}
}

static void accepted(struct kunit *test)
{
	const struct entry_case *c = test->param_value;

	KUNIT_ASSERT_EQ(test, c->code, AXV_ENTRY_CHECK_NONE);
	run_case(test, c);
}

static void broken(struct kunit *test)
{
	const struct entry_case *c = test->param_value;

	KUNIT_ASSERT_NE(test, c->code, AXV_ENTRY_CHECK_NONE);
	KUNIT_ASSERT_NE(test, c->field[0], '\0');
	run_case(test, c);
}

/* Two rules broken: the one the SDM lists first is named. */
static void first_rule_wins(struct kunit *test)
{
	struct vmx_guest_state gs;
	const char *field;

	long_mode_state(&gs);
	gs.rflags &= ~X86_EFLAGS_FIXED;
	gs.tr.ar |= VMX_AR_S_MASK;
	KUNIT_EXPECT_EQ(test, vmx_entry_check(&gs, &field),
			AXV_ENTRY_CHECK_TR);
	KUNIT_EXPECT_STREQ(test, field, "TR.S set");

	gs.cr0 &= ~X86_CR0_NE;
	KUNIT_EXPECT_EQ(test, vmx_entry_check(&gs, &field),
			AXV_ENTRY_CHECK_CR0);
	KUNIT_EXPECT_STREQ(test, field, "CR0.NE clear");

	/* Within the segment checks, the S bits come before the DPLs. */
	prot32_state(&gs);
	gs.cs.ar |= 3 << VMX_AR_DPL_SHIFT;
	gs.gs.ar &= ~VMX_AR_S_MASK;
	KUNIT_EXPECT_EQ(test, vmx_entry_check(&gs, &field),
			AXV_ENTRY_CHECK_DATA_SEG);
	KUNIT_EXPECT_STREQ(test, field, "GS.S clear");
}

static void null_field(struct kunit *test)
{
	struct vmx_guest_state gs;

	long_mode_state(&gs);
	KUNIT_EXPECT_EQ(test, vmx_entry_check(&gs, NULL),
			AXV_ENTRY_CHECK_NONE);
	gs.activity = 7;
	KUNIT_EXPECT_EQ(test, vmx_entry_check(&gs, NULL),
			AXV_ENTRY_CHECK_ACTIVITY);
}

static struct kunit_case vmx_entry_check_test_cases[] = {
	KUNIT_CASE(valid_states),
	KUNIT_CASE_PARAM(accepted, accepted_gen_params),
	KUNIT_CASE_PARAM(broken, broken_gen_params),
	KUNIT_CASE(first_rule_wins),
	KUNIT_CASE(null_field),
	{ }
};

static struct kunit_suite vmx_entry_check_test_suite = {
	.name = "axvcpu_vmx_entry_check",
	.test_cases = vmx_entry_check_test_cases,
};

kunit_test_suites(&vmx_entry_check_test_suite);
