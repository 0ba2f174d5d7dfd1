// SPDX-License-Identifier: GPL-2.0
/*
 * EPT violations (SDM Vol. 3, 28.2.1, Table 28-7) and APIC-access exits
 * that need the faulting instruction emulated.  A violation in a region
 * whose memory is not in yet brings it in; an instruction fetch or a
 * guest page walk that hits a hole is a nested page fault exit; anything
 * else is a data access to emulated memory (a hole, a read-only region,
 * the local APIC's page), and the instruction at RIP goes through the
 * emulator (emul/, include/axvcpu/emul.h) with the operations below.
 *
 * Each access the emulator makes is done here when it can be (guest RAM,
 * the in-kernel local APIC), or becomes one AXV_EXIT_MMIO for userspace:
 * a read-modify-write on a device is a read exit, then a write exit.  The
 * emulation context stays in struct vmx_vcpu between them
 * (VMX_PENDING_EMULATE), and the next AXV_RUN goes on with it.
 */
#include <linux/kernel.h>
#include <asm/fpu/api.h>
#include <asm/trapnr.h>
#include <asm/vmx.h>

#include <axvcpu/core.h>
#include <axvcpu/emul.h>
#include <axvcpu/lapic.h>
#include <axvcpu/vcpu.h>

#include "vmcs.h"
#include "vmx_vcpu.h"

#define EPT_Q_WRITE		BIT(1)
#define EPT_Q_FETCH		BIT(2)
#define EPT_Q_GLA_VALID		BIT(7)
#define EPT_Q_GLA_DATA		BIT(8)	/* the access, not the page walk */

/*
 * Offsets in the standard-format XSAVE area (SDM Vol. 1, 13.4): the XMM
 * registers in the legacy region, XSTATE_BV in the header, and the upper
 * halves of the YMM registers (state component 2, at the offset CPUID
 * 0DH.2:EBX gives, 576 on every processor with AVX).
 */
#define VMX_XSAVE_XMM		160
#define VMX_XSAVE_BV		512
#define VMX_XSAVE_YMM_HI	576

static int vmx_npf(struct vmx_vcpu *vmx, u64 gpa)
{
	struct axv_run *run = vmx->vcpu->run;

	vmx_user_exit(vmx, AXV_EXIT_NESTED_PAGE_FAULT);
	run->npf.gpa = gpa;
	run->npf.qualification = vmx->exit_qual;
	run->npf.flags = 0;
	run->npf.gva = 0;
	if (vmx->exit_qual & EPT_Q_GLA_VALID) {
		run->npf.gva = vmcs_readl(GUEST_LINEAR_ADDRESS);
		run->npf.flags = 1;
	}
	vmx_count(vmx, AXV_EXIT_NESTED_PAGE_FAULT);
	return 0;
}

static int vmx_emu_translate(struct emu_ctxt *c, u64 la, u32 acc, u64 *gpa)
{
	struct vmx_vcpu *vmx = c->priv;
	u32 pf_err;
	int err;

	err = vmx_gva_translate(vmx, la, acc & (VMX_ACC_WRITE | VMX_ACC_USER),
				gpa, &pf_err);
	if (!err)
		return EMU_OK;
	if (err == -EAGAIN)
		return EMU_AGAIN;
	c->exc.vector = X86_TRAP_PF;
	c->exc.has_error_code = true;
	c->exc.error_code = pf_err;
	c->exc.cr2 = la;
	return EMU_FAULT;
}

void vmx_mmio_exit(struct vmx_vcpu *vmx, u64 gpa, unsigned int size,
		   bool write, u64 data)
{
	struct axv_run *run = vmx->vcpu->run;

	vmx_user_exit(vmx, AXV_EXIT_MMIO);
	run->mmio.gpa = gpa;
	run->mmio.size = size;
	run->mmio.is_write = write;
	run->mmio.reg = AXV_REG_NONE;
	run->mmio.flags = 0;
	run->mmio.pad = 0;
	run->mmio.data = write ? data : 0;
	vmx_count(vmx, AXV_EXIT_MMIO);
}

/* One access of the emulator for userspace, with what a move names. */
static void vmx_emu_user_access(struct vmx_vcpu *vmx, u64 gpa,
				const void *buf, unsigned int size, bool write)
{
	const struct emu_ctxt *c = &vmx->emu;
	struct axv_run *run = vmx->vcpu->run;

	vmx_mmio_exit(vmx, gpa, size, write, 0);
	if (write)
		emu_copy_data(&run->mmio.data, buf, size);
	run->mmio.reg = c->mov_reg;
	run->mmio.flags = c->mov_extend == 2 ? AXV_MMIO_F_SIGN_EXTEND :
			  c->mov_extend == 1 ? AXV_MMIO_F_ZERO_EXTEND : 0;
	if (c->mov_high)
		run->mmio.flags |= AXV_MMIO_F_HIGH_BYTE;
}

/*
 * @gpa is in the page of the EPT violation being emulated, where guest
 * memory is not readable (a read exited) or not writable (a write did).
 */
static bool vmx_exit_page(const struct emu_ctxt *c, u64 gpa)
{
	return c->hint_valid && !((gpa ^ c->hint_gpa) & PAGE_MASK);
}

/* An access to the in-kernel local APIC's page: whether it was one. */
static bool vmx_emu_apic_read(struct vmx_vcpu *vmx, u64 gpa, void *buf,
			      unsigned int size)
{
	u64 val;

	if (!vmx_apic_page(vmx, gpa))
		return false;
	val = vmx_apic_mmio_read(vmx, gpa & ~PAGE_MASK, size);
	emu_copy_data(buf, &val, size);
	return true;
}

static bool vmx_emu_apic_write(struct vmx_vcpu *vmx, u64 gpa,
			       const void *buf, unsigned int size)
{
	u64 val = 0;

	if (!vmx_apic_page(vmx, gpa))
		return false;
	emu_copy_data(&val, buf, size);
	vmx_apic_mmio_write(vmx, gpa & ~PAGE_MASK, size, val);
	return true;
}

static int vmx_emu_read(struct emu_ctxt *c, u64 gpa, void *buf,
			unsigned int size)
{
	struct vmx_vcpu *vmx = c->priv;
	int err;

	if (vmx_emu_apic_read(vmx, gpa, buf, size))
		return EMU_OK;
	/* The page a read exited for is no guest memory: no need to look. */
	if (vmx_exit_page(c, gpa) && !c->hint_write)
		goto user;
	err = vmx_copy_gpa(vmx, gpa, buf, size, false);
	if (!err)
		return EMU_OK;
	if (err == -EAGAIN)
		return EMU_AGAIN;
user:
	vmx_emu_user_access(vmx, gpa, NULL, size, false);
	return EMU_EXIT;
}

static int vmx_emu_write(struct emu_ctxt *c, u64 gpa, const void *buf,
			 unsigned int size)
{
	struct vmx_vcpu *vmx = c->priv;
	int err;

	if (vmx_emu_apic_write(vmx, gpa, buf, size))
		return EMU_OK;
	/* Nor is a write to the page of the exit (a hole, or read-only). */
	if (vmx_exit_page(c, gpa))
		goto user;
	err = vmx_copy_gpa(vmx, gpa, (void *)buf, size, true);
	if (!err)
		return EMU_OK;
	if (err == -EAGAIN)
		return EMU_AGAIN;
user:
	/* A hole, or a read-only region: the VMM's. */
	vmx_emu_user_access(vmx, gpa, buf, size, true);
	return EMU_EXIT;
}

/*
 * The guest's vector registers, in the XSAVE area saved at the exit.  A
 * component whose XSTATE_BV bit is clear is in its initial state (zero),
 * whatever the area holds.
 */
static void vmx_emu_read_vec(struct emu_ctxt *c, unsigned int reg, void *buf,
			     unsigned int size)
{
	struct vmx_vcpu *vmx = c->priv;
	u8 *area = vmx->xsave;
	u64 bv = *(u64 *)(area + VMX_XSAVE_BV);

	memset(buf, 0, size);
	if (bv & XFEATURE_MASK_SSE)
		memcpy(buf, area + VMX_XSAVE_XMM + 16 * reg, min(size, 16U));
	if (size > 16 && (bv & XFEATURE_MASK_YMM))
		memcpy(buf + 16, area + VMX_XSAVE_YMM_HI + 16 * reg, 16);
}

static void vmx_emu_write_vec(struct emu_ctxt *c, unsigned int reg,
			      const void *buf, unsigned int size, bool vex)
{
	struct vmx_vcpu *vmx = c->priv;
	u8 *area = vmx->xsave;
	u64 *bv = (u64 *)(area + VMX_XSAVE_BV);

	if (!(*bv & XFEATURE_MASK_SSE)) {
		memset(area + VMX_XSAVE_XMM, 0, 16 * 16);
		*bv |= XFEATURE_MASK_SSE;
	}
	memcpy(area + VMX_XSAVE_XMM + 16 * reg, buf, 16);
	/* Legacy SSE keeps bits 255:128; VEX writes or clears them. */
	if (!vex && size <= 16)
		return;
	if (!(*bv & XFEATURE_MASK_YMM)) {
		if (size <= 16)
			return;		/* zero already */
		memset(area + VMX_XSAVE_YMM_HI, 0, 16 * 16);
		*bv |= XFEATURE_MASK_YMM;
	}
	if (size > 16)
		memcpy(area + VMX_XSAVE_YMM_HI + 16 * reg, buf + 16, 16);
	else
		memset(area + VMX_XSAVE_YMM_HI + 16 * reg, 0, 16);
}

/*
 * The VMCS fields of a segment register: each is its ES field plus twice
 * the register's number (SDM Vol. 3, Appendix B: the encodings of the
 * six registers' fields follow each other in that order).
 */
#define VMX_SEG_FIELD(es_field, seg)	((es_field) + 2 * (seg))

static void vmx_emu_load_segment(struct emu_ctxt *c, unsigned int seg)
{
	struct emu_segment *s = &c->segs[seg];

	s->base = vmcs_readl(VMX_SEG_FIELD(GUEST_ES_BASE, seg));
	s->limit = vmcs_read32(VMX_SEG_FIELD(GUEST_ES_LIMIT, seg));
	s->ar = vmcs_read32(VMX_SEG_FIELD(GUEST_ES_AR_BYTES, seg));
	s->selector = vmcs_read16(VMX_SEG_FIELD(GUEST_ES_SELECTOR, seg));
}

static const struct emu_ops vmx_emu_ops = {
	.translate = vmx_emu_translate,
	.read = vmx_emu_read,
	.write = vmx_emu_write,
	.read_vec = vmx_emu_read_vec,
	.write_vec = vmx_emu_write_vec,
	.load_segment = vmx_emu_load_segment,
};

/*
 * The fast path's accesses (vmx_mmio_fastpath()): the local APIC's page
 * only.  Anything else, and the vector registers (live in the CPU, not
 * in vmx->xsave, until the run loop saves them), is for the exit handler.
 */
static int vmx_emu_fast_read(struct emu_ctxt *c, u64 gpa, void *buf,
			     unsigned int size)
{
	return vmx_emu_apic_read(c->priv, gpa, buf, size) ? EMU_OK : EMU_AGAIN;
}

static int vmx_emu_fast_write(struct emu_ctxt *c, u64 gpa, const void *buf,
			      unsigned int size)
{
	return vmx_emu_apic_write(c->priv, gpa, buf, size) ? EMU_OK : EMU_AGAIN;
}

static const struct emu_ops vmx_emu_fast_ops = {
	.translate = vmx_emu_translate,
	.read = vmx_emu_fast_read,
	.write = vmx_emu_fast_write,
	.load_segment = vmx_emu_load_segment,
};

/*
 * The registers the emulator reads, from the VMCS and @vmx.  In 64-bit
 * mode only FS and GS have a base and no segment has a limit: the other
 * fields are not read.  CPL is SS.DPL (25.4.1).
 */
static void vmx_emu_load_regs(struct vmx_vcpu *vmx)
{
	struct emu_ctxt *c = &vmx->emu;

	/* unsigned long and u64 are one type of 64 bits on x86_64. */
	c->reg_file = (u64 *)vmx->regs;
	c->rip = vmcs_readl(GUEST_RIP);
	c->rflags = vmcs_readl(GUEST_RFLAGS);
}

static void vmx_emu_load(struct vmx_vcpu *vmx, const struct emu_ops *ops)
{
	struct emu_ctxt *c = &vmx->emu;
	u32 cs_ar = vmcs_read32(GUEST_CS_AR_BYTES);

	c->ops = ops;
	c->priv = vmx;
	c->cr0 = vmx_guest_cr0();
	c->cr4 = vmx_guest_cr4();
	c->xcr0 = vmx->xcr0;
	vmx_emu_load_regs(vmx);
	c->cpl = (vmcs_read32(GUEST_SS_AR_BYTES) >> 5) & 3;
	if (!(c->cr0 & X86_CR0_PE)) {
		c->mode = EMU_MODE_REAL;
		c->cpl = 0;
	} else if (c->rflags & X86_EFLAGS_VM) {
		c->mode = EMU_MODE_VM86;
		c->cpl = 3;
	} else if (vmx_guest_long_mode() && (cs_ar & EMU_AR_L)) {
		c->mode = EMU_MODE_LONG;
	} else {
		c->mode = EMU_MODE_PROT;
	}
	/*
	 * Only the segments the instruction uses are read (load_segment);
	 * CS now, for the fetch.  In 64-bit mode only the FS and GS bases
	 * count, and no limit: the others are not read at all.
	 */
	if (c->mode == EMU_MODE_LONG) {
		c->segs[EMU_CS].ar = cs_ar;
		c->segs_valid = GENMASK(EMU_NR_SEGS - 1, 0) &
				~(BIT(EMU_FS) | BIT(EMU_GS));
		return;
	}
	c->segs_valid = 0;
	vmx_emu_load_segment(c, EMU_CS);
	c->segs_valid = BIT(EMU_CS);
}

/*
 * The instruction's bytes at CS:RIP, as many as are readable (the
 * emulator says if too few).  -EAGAIN when guest memory that is not in
 * yet holds them.
 */
static int vmx_emu_fetch(struct vmx_vcpu *vmx)
{
	struct emu_ctxt *c = &vmx->emu;
	u64 la = c->rip, gpa;
	bool missing = false;
	unsigned int n;

	if (c->mode != EMU_MODE_LONG)
		la = (u32)(c->segs[EMU_CS].base + la);
	/* All of it in one page, the common case: one walk, one copy. */
	if ((la & ~PAGE_MASK) <= PAGE_SIZE - EMU_INSN_MAX &&
	    !vmx_gva_to_gpa(vmx, la, &gpa) &&
	    !vmx_copy_gpa(vmx, gpa, c->insn, EMU_INSN_MAX, false)) {
		n = EMU_INSN_MAX;
	} else {
		for (n = EMU_INSN_MAX; n; n--) {
			int err = vmx_read_gva(vmx, la, c->insn, n);

			if (!err)
				break;
			missing |= err == -EAGAIN;
		}
	}
	c->insn_avail = n;
	if (missing && n < EMU_INSN_MAX)
		return -EAGAIN;
	/* What could be read suffices: what is missing need not come in. */
	vmx->fault_pending = false;
	return 0;
}

/*
 * Data breakpoints on what the emulated instruction read and wrote: out
 * of line, off the path of a guest that has never enabled one.
 */
static noinline void vmx_emu_data_breakpoints(struct vmx_vcpu *vmx)
{
	unsigned long dr7 = vmx_breakpoints_dr7(vmx);
	const struct emu_access *a;
	unsigned int i, n, hit = 0;

	a = emu_accesses(&vmx->emu, &n);
	for (i = 0; i < n; i++)
		hit |= vmx_breakpoints_hit(vmx, dr7, a[i].la, a[i].size,
					   a[i].write ? VMX_BP_WRITE :
					   VMX_BP_READ);
	vmx_breakpoints_pend(vmx, hit);
}

/* The instruction completed: RIP, and what completing it owes. */
static void vmx_emu_commit_rip(struct vmx_vcpu *vmx)
{
	const struct emu_ctxt *c = &vmx->emu;

	vmcs_writel(GUEST_RIP, c->rip);
	vmx_insn_done(vmx, c->rflags);
	/* Saved at the exit when breakpoints are on; the fast path has none. */
	if (vmx->guest_db_saved)
		vmx_emu_data_breakpoints(vmx);
}

/* The instruction completed: its registers into the guest. */
static void vmx_emu_commit(struct vmx_vcpu *vmx)
{
	const struct emu_ctxt *c = &vmx->emu;

	/* The registers are vmx->regs already; RSP lives in the VMCS too. */
	vmcs_writel(GUEST_RSP, vmx->regs[VMX_RSP]);
	vmcs_writel(GUEST_RFLAGS, c->rflags);
	vmx_emu_commit_rip(vmx);
}

static const char *const vmx_emu_fail_reason[] = {
	[EMU_FAIL_OPCODE] = "instruction not emulated",
	[EMU_FAIL_FETCH] = "instruction not readable",
	[EMU_FAIL_MODE] = "CPU mode not emulated",
	[EMU_FAIL_NO_MEMORY] = "no memory operand",
	[EMU_FAIL_REPLAY] = "guest state changed between accesses",
	[EMU_FAIL_TOO_MANY] = "too many accesses",
};

/* The emulator gave up: AXV_INTERNAL_EMULATION_FAILED, and a log line. */
static int vmx_emu_failed(struct vmx_vcpu *vmx)
{
	const struct emu_ctxt *c = &vmx->emu;
	struct axv_run *run = vmx->vcpu->run;
	unsigned int n = min_t(unsigned int, c->insn_avail, EMU_INSN_MAX);
	u8 why = c->fail < ARRAY_SIZE(vmx_emu_fail_reason) ? c->fail : 0;

	pr_info_ratelimited("VM %u vCPU %u: cannot emulate the instruction at RIP %#llx (%*ph) for guest-physical %#llx: %s\n",
			    vmx->vcpu->vm_id, vmx->vcpu->id, c->rip, n, c->insn,
			    c->fail_gpa, vmx_emu_fail_reason[why] ?: "unknown");
	vmx_user_exit(vmx, AXV_EXIT_INTERNAL_ERROR);
	run->internal.suberror = AXV_INTERNAL_EMULATION_FAILED;
	run->internal.ndata = 3;
	run->internal.data[0] = c->fail_gpa;
	run->internal.data[1] = c->rip;
	run->internal.data[2] = c->fail;
	run->internal.data[3] = 0;
	run->internal.insn_len = n;
	run->internal.pad = 0;
	memset(run->internal.insn, 0, sizeof(run->internal.insn));
	memcpy(run->internal.insn, c->insn, n);
	vmx->pending = VMX_PENDING_NONE;
	vmx_count(vmx, AXV_EXIT_INTERNAL_ERROR);
	return 0;
}

/*
 * Run the emulator on the context in @vmx (new, or going on after an
 * exit).  Returns 1 to enter the guest, 0 for an exit to userspace, or
 * -EAGAIN when guest memory must come in first (VMX_PENDING_EMULATE is
 * set: the emulation goes on once it is in).  VMCS current.
 */
static int vmx_emu_run(struct vmx_vcpu *vmx)
{
	struct emu_ctxt *c = &vmx->emu;
	u64 fail_gpa = c->fail_gpa;

	switch (emu_emulate(c)) {
	case EMU_OK:
		vmx->pending = VMX_PENDING_NONE;
		vmx_emu_commit(vmx);
		/* Its last write is the VMM's: it sees it in the run structure. */
		return !c->exit_pending;
	case EMU_EXIT:
		vmx->pending = VMX_PENDING_EMULATE;
		return 0;
	case EMU_AGAIN:
		vmx->pending = VMX_PENDING_EMULATE;
		return -EAGAIN;
	case EMU_FAULT:
		vmx->pending = VMX_PENDING_NONE;
		if (c->exc.vector == X86_TRAP_PF)
			vmx->cr2 = c->exc.cr2;
		vmx_queue_exception(vmx, c->exc.vector, c->exc.has_error_code,
				    c->exc.error_code);
		return 1;
	default:
		if (!c->fail_gpa)
			c->fail_gpa = fail_gpa;
		return vmx_emu_failed(vmx);
	}
}

/*
 * A new emulation of the instruction at RIP, whose access to @gpa made
 * the exit, with its bytes.  -EAGAIN when they are not readable yet.
 */
static int vmx_emu_start(struct vmx_vcpu *vmx, u64 gpa, bool hint,
			 const struct emu_ops *ops)
{
	struct emu_ctxt *c = &vmx->emu;

	emu_reset(c);
	vmx_emu_load(vmx, ops);
	c->fail_gpa = gpa;
	c->hint_valid = hint;
	c->hint_exact = hint;
	if (hint) {
		c->hint_la = vmcs_readl(GUEST_LINEAR_ADDRESS);
		c->hint_gpa = gpa;
		c->hint_write = vmx->exit_qual & EPT_Q_WRITE;
	}
	return vmx_emu_fetch(vmx);
}

/*
 * A MOV to or from the device whose access exited, the commonest of all:
 * the access goes to userspace as the emulator's write or read op would
 * send it, without emu_emulate().  Whether it was one.
 */
static bool vmx_emu_quick(struct vmx_vcpu *vmx, u64 gpa)
{
	struct emu_ctxt *c = &vmx->emu;
	unsigned long rflags = c->rflags;
	unsigned int size;
	u64 val;

	if (vmx_apic_page(vmx, gpa))
		return false;
	if (!c->hint_write) {
		size = emu_quick_load(c);
		if (!size)
			return false;
		vmx_emu_user_access(vmx, gpa, NULL, size, false);
		/* Finished by vmx_emu_quick_load_resume(). */
		vmx->pending = VMX_PENDING_EMULATE;
		return true;
	}
	size = emu_quick_store(c, &val);
	if (!size)
		return false;
	/* The exit's RIP is the instruction's: commit after. */
	vmx_emu_user_access(vmx, gpa, &val, size, true);
	vmx->pending = VMX_PENDING_NONE;
	/* A MOV: RSP as it was, RFLAGS but for RF too. */
	if (c->rflags != rflags)
		vmcs_writel(GUEST_RFLAGS, c->rflags);
	vmx_emu_commit_rip(vmx);
	return true;
}

/* Emulate the instruction at RIP, whose access to @gpa made the exit. */
static int vmx_emulate(struct vmx_vcpu *vmx, u64 gpa, bool hint)
{
	int ret;

	/* Not readable yet: the guest runs it again once it is in. */
	if (vmx_emu_start(vmx, gpa, hint, &vmx_emu_ops))
		return 1;
	if (vmx_emu_quick(vmx, gpa))
		return 0;
	/* These exits give no instruction length (28.2.5): the emulator's. */
	ret = vmx_emu_run(vmx);
	return ret == -EAGAIN ? 1 : ret;
}

/* The data of emu_quick_load()'s read: the register, RIP, and RF. */
static int vmx_emu_quick_load_resume(struct vmx_vcpu *vmx)
{
	struct emu_ctxt *c = &vmx->emu;
	unsigned long rflags = c->rflags;

	emu_quick_load_complete(c, &vmx->vcpu->run->mmio.data);
	if (c->mov_reg == EMU_RSP && !c->mov_high)
		vmcs_writel(GUEST_RSP, vmx->regs[VMX_RSP]);
	if (c->rflags != rflags)
		vmcs_writel(GUEST_RFLAGS, c->rflags);
	vmx_emu_commit_rip(vmx);
	return 1;
}

int vmx_emulate_resume(struct vmx_vcpu *vmx)
{
	struct emu_ctxt *c = &vmx->emu;
	const struct emu_access *a;

	vmx_emu_load_regs(vmx);
	if (c->quick_load)
		return vmx_emu_quick_load_resume(vmx);
	a = emu_pending_access(c);
	if (a && !a->write)
		emu_complete_read(c, &vmx->vcpu->run->mmio.data);
	return vmx_emu_run(vmx);
}

int vmx_apic_access_emulate(struct vmx_vcpu *vmx, u64 gpa)
{
	return vmx_emulate(vmx, gpa, false);
}

/* A data access by an instruction, not by the processor's page walk. */
static bool vmx_ept_data_access(u64 qual)
{
	return !(qual & EPT_Q_FETCH) &&
	       (!(qual & EPT_Q_GLA_VALID) || (qual & EPT_Q_GLA_DATA));
}

bool vmx_mmio_fastpath(struct vmx_vcpu *vmx)
{
	struct lapic *apic = vmx->lapic;
	struct emu_ctxt *c = &vmx->emu;
	u64 gpa, qual;

	/* Nor with breakpoints on: DR0-DR3 are saved after the fast path. */
	if (!apic || vmx->apicv_on ||
	    (vmcs_read32(IDT_VECTORING_INFO_FIELD) & VECTORING_INFO_VALID_MASK) ||
	    (vmcs_readl(GUEST_DR7) & VMX_DR7_ENABLED))
		return false;
	gpa = vmcs_read64(GUEST_PHYSICAL_ADDRESS);
	if (!vmx_apic_page(vmx, gpa))
		return false;
	qual = vmcs_readl(EXIT_QUALIFICATION);
	if (!(qual & EPT_Q_GLA_VALID) || !vmx_ept_data_access(qual))
		return false;
	/* What the run loop reads after the last exit, read for this one. */
	vmx->exit_qual = qual;
	vmx->regs[VMX_RSP] = vmcs_readl(GUEST_RSP);
	if (vmx_emu_start(vmx, gpa, true, &vmx_emu_fast_ops) ||
	    emu_emulate(c) != EMU_OK)
		return false;
	vmx_emu_commit(vmx);
	/*
	 * A write that may have changed which interrupt the guest takes
	 * next, an ICR write to send or a level-triggered EOI to report ends
	 * the loop: the run loop looks before the next entry.  With no
	 * interrupt requested, no write but to ICR changes what is delivered.
	 */
	if (apic->icr_pending || lapic_highest_irr(apic) >= 0 ||
	    lapic_eoi_pending(apic))
		set_bit(AXV_VCPU_REQ_EVENT, &vmx->vcpu->requests);
	return true;
}

int vmx_exit_ept_violation(struct vmx_vcpu *vmx)
{
	u64 gpa = vmcs_read64(GUEST_PHYSICAL_ADDRESS);

	/* Guest memory not in yet: the run loop brings it in, then retry. */
	if (axv_vm_memory_missing(vmx->vcpu->vm, gpa)) {
		vmx_memory_missing(vmx, gpa);
		vmx_nmi_unblocked_by_iret(vmx);
		return 1;
	}
	/*
	 * An instruction fetch from a hole, or guest page tables in one (the
	 * processor's own walk faulted, bit 8 clear), cannot be emulated.
	 */
	if (!vmx_ept_data_access(vmx->exit_qual))
		return vmx_npf(vmx, gpa);
	/*
	 * Neither is an access made while delivering an event (an IDT or a
	 * stack in a hole): the instruction at RIP did not make it.
	 */
	if (vmx->idt_vectoring & VECTORING_INFO_VALID_MASK)
		return vmx_npf(vmx, gpa);
	return vmx_emulate(vmx, gpa, vmx->exit_qual & EPT_Q_GLA_VALID);
}
