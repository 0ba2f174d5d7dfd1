// SPDX-License-Identifier: GPL-2.0
/*
 * VM exits: one handler per basic exit reason (SDM Vol. 3, Appendix C),
 * in a table.  A handler returns 1 to enter the guest again, 0 to return
 * to userspace with the run structure filled, or a negative errno for a
 * host failure.  Reasons without a handler reach userspace as
 * AXV_EXIT_UNKNOWN with the raw reason and qualification: never a silent
 * halt, never a host crash.  Handlers run with preemption off and the
 * vCPU's VMCS current.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <asm/msr.h>
#include <asm/special_insns.h>
#include <asm/fpu/xcr.h>
#include <asm/fpu/xstate.h>
#include <asm/trapnr.h>
#include <asm/vmx.h>

#include <axvcpu/core.h>
#include <axvcpu/vcpu.h>
#include <axvcpu/vmx.h>

#include "entry_check.h"
#include "exit_info.h"
#include "insn.h"
#include "vmcs.h"
#include "vmx_vcpu.h"

/* Pending debug exceptions: BS, a single-step trap (25.4.2, Table 25-4). */
#define VMX_PENDING_DBG_BS	BIT(14)

void vmx_insn_done(struct vmx_vcpu *vmx, unsigned long rflags)
{
	u32 intr = vmcs_read32(GUEST_INTERRUPTIBILITY_INFO);

	/* An emulated instruction ends STI and MOV SS blocking (26.3.1.5). */
	if (intr & (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS))
		vmcs_write32(GUEST_INTERRUPTIBILITY_INFO,
			     intr & ~(GUEST_INTR_STATE_STI |
				      GUEST_INTR_STATE_MOV_SS));
	/*
	 * Under RFLAGS.TF the instruction the processor did not finish
	 * itself still owes its single-step trap: left pending, it is
	 * delivered after the entry (27.7.3), as for one it executed.
	 */
	if (rflags & X86_EFLAGS_TF)
		vmcs_writel(GUEST_PENDING_DBG_EXCEPTIONS,
			    vmcs_readl(GUEST_PENDING_DBG_EXCEPTIONS) |
			    VMX_PENDING_DBG_BS);
}

void vmx_skip_insn(struct vmx_vcpu *vmx)
{
	unsigned long rip = vmcs_readl(GUEST_RIP) + vmx->exit_insn_len;

	if (!vmx_guest_long_mode())
		rip = (u32)rip;
	vmcs_writel(GUEST_RIP, rip);
	vmx_insn_done(vmx, vmcs_readl(GUEST_RFLAGS));
}

/* Fill the header of the run structure and count the exit. */
void vmx_user_exit(struct vmx_vcpu *vmx, u32 reason)
{
	struct axv_run *run = vmx->vcpu->run;
	unsigned long rflags = vmcs_readl(GUEST_RFLAGS);

	run->exit_reason = reason;
	run->hw_exit_reason = vmx->exit_reason;
	run->rip = vmcs_readl(GUEST_RIP);
	run->flags = 0;
	if (rflags & X86_EFLAGS_IF)
		run->flags |= AXV_RUN_F_IF;
	if ((rflags & X86_EFLAGS_IF) &&
	    !(vmcs_read32(GUEST_INTERRUPTIBILITY_INFO) &
	      (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS)))
		run->flags |= AXV_RUN_F_INTR_READY;
}

void vmx_count(struct vmx_vcpu *vmx, u32 reason)
{
	axv_vcpu_account_exit(vmx->vcpu, 0, reason);
}

int vmx_exit_unknown(struct vmx_vcpu *vmx)
{
	struct axv_run *run = vmx->vcpu->run;

	pr_info_ratelimited("VM %u vCPU %u: exit %u (%s), qualification %#lx, goes to userspace\n",
			    vmx->vcpu->vm_id, vmx->vcpu->id,
			    vmx->exit_reason & 0xffff,
			    vmx_exit_reason_name(vmx->exit_reason & 0xffff),
			    vmx->exit_qual);

	vmx_user_exit(vmx, AXV_EXIT_UNKNOWN);
	run->unknown.hw_reason = vmx->exit_reason & 0xffff;
	run->unknown.qualification = vmx->exit_qual;
	vmx_count(vmx, AXV_EXIT_UNKNOWN);
	return 0;
}

/* Instructions the guest is told it does not have. */
static int vmx_exit_ud(struct vmx_vcpu *vmx)
{
	vmx_queue_exception(vmx, X86_TRAP_UD, false, 0);
	vmx_count(vmx, AXV_EXIT_EXCEPTION);
	return 1;
}

static int vmx_exit_nop(struct vmx_vcpu *vmx)
{
	vmx_skip_insn(vmx);
	return 1;
}

static int vmx_exit_exception(struct vmx_vcpu *vmx)
{
	u32 info = vmx->exit_intr_info;
	struct axv_run *run = vmx->vcpu->run;
	u8 vector = info & INTR_INFO_VECTOR_MASK;

	if ((info & INTR_INFO_INTR_TYPE_MASK) == INTR_TYPE_NMI_INTR) {
		/* The host's NMI, handled in vmx_enter_once(). */
		vmx_count(vmx, AXV_EXIT_EXTERNAL_INTERRUPT);
		return 1;
	}
	/* Only exceptions userspace asked for are intercepted. */
	vmx_user_exit(vmx, AXV_EXIT_EXCEPTION);
	run->exception.vector = vector;
	run->exception.has_error_code =
		!!(info & INTR_INFO_DELIVER_CODE_MASK);
	run->exception.error_code = run->exception.has_error_code ?
		vmcs_read32(VM_EXIT_INTR_ERROR_CODE) : 0;
	/* #PF: the faulting address; #DB: what DR6 would say (27.1). */
	run->exception.payload = vmx->exit_qual;
	vmx_count(vmx, AXV_EXIT_EXCEPTION);
	return 0;
}

static int vmx_exit_external_interrupt(struct vmx_vcpu *vmx)
{
	/* Not acknowledged on exit: the host takes it as interrupts open. */
	vmx_count(vmx, AXV_EXIT_EXTERNAL_INTERRUPT);
	return 1;
}

static int vmx_exit_triple_fault(struct vmx_vcpu *vmx)
{
	struct axv_run *run = vmx->vcpu->run;
	u64 rip = vmcs_readl(GUEST_RIP);
	u64 gla = vmcs_readl(GUEST_CS_BASE) + rip;
	unsigned int n;

	vmx_user_exit(vmx, AXV_EXIT_TRIPLE_FAULT);
	run->triple_fault.rip = rip;
	run->triple_fault.last_vector =
		(vmx->idt_vectoring & VECTORING_INFO_VALID_MASK) ?
		(vmx->idt_vectoring & VECTORING_INFO_VECTOR_MASK) : 0xff;
	/* As many instruction bytes as can be read, up to 15. */
	for (n = 15; n; n--)
		if (!vmx_read_gva(vmx, gla, run->triple_fault.insn, n))
			break;
	run->triple_fault.insn_len = n;
	/* The bytes are a courtesy: nothing is brought in for them. */
	vmx->fault_pending = false;
	/* Nothing to deliver any more: the guest is shut down. */
	vmx->event.valid = false;
	vmx_count(vmx, AXV_EXIT_TRIPLE_FAULT);
	return 0;
}

static int vmx_exit_intr_window(struct vmx_vcpu *vmx)
{
	/* vmx_inject_events() delivers what waits at the next entry. */
	return 1;
}

static int vmx_exit_slice_end(struct vmx_vcpu *vmx)
{
	/* The run loop looks at kicks, signals and the scheduler next. */
	return 1;
}

static int vmx_exit_cpuid(struct vmx_vcpu *vmx)
{
	vmx_cpuid_emulate(vmx);
	vmx_skip_insn(vmx);
	return 1;
}

static int vmx_exit_hlt(struct vmx_vcpu *vmx)
{
	bool intr = vmcs_readl(GUEST_RFLAGS) & X86_EFLAGS_IF;

	/*
	 * With interrupts off nothing but an NMI or INIT ends it: without an
	 * in-kernel APIC nothing in the kernel can send those.
	 */
	if (!intr && !vmx->nmi_pending && !vmx->lapic) {
		/* .rip names the HLT; the guest goes on after it. */
		vmx_user_exit(vmx, AXV_EXIT_HALT);
		vmx_skip_insn(vmx);
		vmx_count(vmx, AXV_EXIT_HALT);
		return 0;
	}
	vmx_skip_insn(vmx);
	if (vmx->nmi_pending || (intr && vmx_apic_pending(vmx) >= 0))
		return 1;
	vmx->halted = true;
	vmx->halt_if = intr;
	vmcs_write32(GUEST_ACTIVITY_STATE, GUEST_ACTIVITY_HLT);
	vmx_count(vmx, AXV_EXIT_HALT);
	return 1;
}

static int vmx_exit_invlpg(struct vmx_vcpu *vmx)
{
	/* Without a VPID every entry and exit flushes the guest's TLB. */
	if (vmx->vpid)
		vmx_flush_vpid(vmx->vpid);
	vmx_skip_insn(vmx);
	return 1;
}

static int vmx_exit_gp(struct vmx_vcpu *vmx)
{
	vmx_queue_exception(vmx, X86_TRAP_GP, true, 0);
	return 1;
}

/* The guest's hypercall number: outside 64-bit mode only EAX is defined. */
static u64 vmx_hypercall_nr(struct vmx_vcpu *vmx)
{
	u64 nr = vmx->regs[VMX_RAX];

	return vmx_guest_long_mode() ? nr : (u32)nr;
}

static int vmx_exit_vmcall(struct vmx_vcpu *vmx)
{
	struct axv_run *run = vmx->vcpu->run;

	if (vmx_hypercall_nr(vmx) == AXV_HC_NOP) {
		vmx->regs[VMX_RAX] = 0;
		vmx_skip_insn(vmx);
		return 1;
	}
	vmx_user_exit(vmx, AXV_EXIT_HYPERCALL);
	run->hypercall.nr = vmx->regs[VMX_RAX];
	run->hypercall.args[0] = vmx->regs[VMX_RBX];
	run->hypercall.args[1] = vmx->regs[VMX_RCX];
	run->hypercall.args[2] = vmx->regs[VMX_RDX];
	run->hypercall.args[3] = vmx->regs[VMX_RSI];
	run->hypercall.args[4] = vmx->regs[VMX_RDI];
	run->hypercall.args[5] = vmx->regs[8];
	run->hypercall.ret = 0;
	vmx->pending = VMX_PENDING_HYPERCALL;
	vmx->hypercall_ret_set = false;
	vmx_skip_insn(vmx);
	vmx_count(vmx, AXV_EXIT_HYPERCALL);
	return 0;
}

/* Paging mode changes: EFER.LMA and IA-32e mode guest follow CR0.PG. */
static void vmx_paging_changed(struct vmx_vcpu *vmx)
{
	unsigned long cr0 = vmcs_readl(GUEST_CR0);
	unsigned long cr4 = vmcs_readl(GUEST_CR4);
	u64 efer = vmcs_read64(GUEST_IA32_EFER);
	u32 entry = vmcs_read32(VM_ENTRY_CONTROLS);

	if ((cr0 & X86_CR0_PG) && (efer & EFER_LME)) {
		efer |= EFER_LMA;
		entry |= VM_ENTRY_IA32E_MODE;
	} else {
		efer &= ~EFER_LMA;
		entry &= ~VM_ENTRY_IA32E_MODE;
	}
	vmcs_write64(GUEST_IA32_EFER, efer);
	vmcs_write32(VM_ENTRY_CONTROLS, entry);
	if ((cr0 & X86_CR0_PG) && (cr4 & X86_CR4_PAE) && !(efer & EFER_LMA))
		vmx_load_pdptrs(vmx, vmcs_readl(GUEST_CR3));
}

/* MOV to CR0 with the guest's value @val (25.3 for what the shadow is). */
static int vmx_set_cr0(struct vmx_vcpu *vmx, unsigned long val)
{
	u64 efer = vmcs_read64(GUEST_IA32_EFER);

	/* SDM Vol. 3, 2.5 and 9.8.5: the #GP cases of MOV to CR0. */
	if ((val >> 32) || ((val & X86_CR0_PG) && !(val & X86_CR0_PE)) ||
	    ((val & X86_CR0_NW) && !(val & X86_CR0_CD)) ||
	    ((val & X86_CR0_PG) && (efer & EFER_LME) &&
	     !(vmcs_readl(GUEST_CR4) & X86_CR4_PAE)))
		return -EINVAL;
	vmcs_writel(CR0_READ_SHADOW, val);
	vmcs_writel(GUEST_CR0, vmx_cr0_hw(val));
	vmx_paging_changed(vmx);
	return 0;
}

static int vmx_set_cr4(struct vmx_vcpu *vmx, unsigned long val)
{
	const struct vmx_msrs *m = &vmx_caps.msrs;
	u64 efer = vmcs_read64(GUEST_IA32_EFER);

	/* Bits the CPU cannot have, VMXE (no nested VMX), PAE off in long mode. */
	if ((val & ~m->cr4_fixed1) || (val & X86_CR4_VMXE) ||
	    ((efer & EFER_LMA) && !(val & X86_CR4_PAE)))
		return -EINVAL;
	vmcs_writel(CR4_READ_SHADOW, val);
	vmcs_writel(GUEST_CR4, vmx_cr4_hw(val));
	vmx_paging_changed(vmx);
	return 0;
}

/*
 * MOV to CR3 when it exits: PAE paging reloads the PDPTEs (4.4.1), and
 * the guest's TLB entries go (with a VPID they would outlive the move).
 */
static void vmx_set_cr3(struct vmx_vcpu *vmx, unsigned long val)
{
	vmcs_writel(GUEST_CR3, val);
	if ((vmcs_readl(GUEST_CR0) & X86_CR0_PG) &&
	    (vmcs_readl(GUEST_CR4) & X86_CR4_PAE) && !vmx_guest_long_mode())
		vmx_load_pdptrs(vmx, val);
	if (vmx->vpid)
		vmx_flush_vpid(vmx->vpid);
}

static unsigned long *vmx_gpr(struct vmx_vcpu *vmx, unsigned int reg)
{
	return &vmx->regs[reg & 15];
}

static int vmx_exit_cr_access(struct vmx_vcpu *vmx)
{
	struct vmx_cr_qual q;
	unsigned int cr, reg;
	unsigned long *gpr;
	int err = 0;

	vmx_decode_cr_qual(vmx->exit_qual, &q);
	cr = q.cr;
	reg = q.reg;
	gpr = vmx_gpr(vmx, reg);
	vmx->regs[VMX_RSP] = vmcs_readl(GUEST_RSP);
	switch (q.type) {
	case VMX_CR_MOV_TO:
		if (cr == 0)
			err = vmx_set_cr0(vmx, vmx_guest_long_mode() ? *gpr :
					  (u32)*gpr);
		else if (cr == 3)
			vmx_set_cr3(vmx, *gpr);
		else if (cr == 4)
			err = vmx_set_cr4(vmx, *gpr);
		else if (cr == 8)
			vmx_apic_set_cr8(vmx, *gpr);
		else
			return vmx_exit_unknown(vmx);
		break;
	case VMX_CR_MOV_FROM:
		if (cr == 3)
			*gpr = vmcs_readl(GUEST_CR3);
		else if (cr == 8)
			*gpr = vmx_apic_cr8(vmx);
		else
			return vmx_exit_unknown(vmx);
		if (!vmx_guest_long_mode())
			*gpr = (u32)*gpr;
		break;
	case VMX_CR_CLTS:
		err = vmx_set_cr0(vmx, vmx_guest_cr0() &
				  ~X86_CR0_TS);
		break;
	case VMX_CR_LMSW:	/* the low four bits; PE never clears */
		err = vmx_set_cr0(vmx, (vmx_guest_cr0() & ~0xeUL) |
				  (q.lmsw_data & 0xf));
		break;
	}
	if (reg == VMX_RSP)
		vmcs_writel(GUEST_RSP, vmx->regs[VMX_RSP]);
	if (err)
		return vmx_exit_gp(vmx);
	vmx_skip_insn(vmx);
	return 1;
}

static int vmx_exit_msr(struct vmx_vcpu *vmx, bool write)
{
	struct axv_run *run = vmx->vcpu->run;
	u32 index = vmx->regs[VMX_RCX];
	u64 data = (vmx->regs[VMX_RDX] << 32) | (u32)vmx->regs[VMX_RAX];
	int err;

	if (write)
		err = vmx_msr_write(vmx, index, data, false);
	else
		err = vmx_msr_read(vmx, index, &data);
	if (!err) {
		if (!write) {
			vmx->regs[VMX_RAX] = (u32)data;
			vmx->regs[VMX_RDX] = data >> 32;
		}
		vmx_skip_insn(vmx);
		return 1;
	}
	if (err != -ENOENT)
		return vmx_exit_gp(vmx);
	/* Off the allow-list: userspace decides. */
	vmx_user_exit(vmx, AXV_EXIT_MSR);
	run->msr.index = index;
	run->msr.is_write = write;
	run->msr.error = 0;
	run->msr.data = write ? data : 0;
	vmx->pending = write ? VMX_PENDING_MSR_WRITE : VMX_PENDING_MSR_READ;
	vmx->pend_insn_len = vmx->exit_insn_len;
	vmx_count(vmx, AXV_EXIT_MSR);
	return 0;
}

/* MOV to or from a debug register, trapped for userspace (Table 28-4). */
static int vmx_exit_dr_access(struct vmx_vcpu *vmx)
{
	struct axv_run *run = vmx->vcpu->run;
	unsigned long q = vmx->exit_qual;
	unsigned int reg = (q >> 8) & 0xf;
	bool write = !(q & BIT(4));

	vmx->regs[VMX_RSP] = vmcs_readl(GUEST_RSP);
	vmx_user_exit(vmx, AXV_EXIT_DEBUG_REG);
	run->debug_reg.dr = q & 7;
	run->debug_reg.is_write = write;
	run->debug_reg.reg = reg;
	run->debug_reg.pad = 0;
	run->debug_reg.data = write ? vmx->regs[reg] : 0;
	if (write && !vmx_guest_long_mode())
		run->debug_reg.data = (u32)run->debug_reg.data;
	vmx->pending = write ? VMX_PENDING_DR_WRITE : VMX_PENDING_DR_READ;
	vmx->pend_reg = reg;
	vmx->pend_insn_len = vmx->exit_insn_len;
	vmx_count(vmx, AXV_EXIT_DEBUG_REG);
	return 0;
}

static int vmx_exit_rdmsr(struct vmx_vcpu *vmx)
{
	return vmx_exit_msr(vmx, false);
}

static int vmx_exit_wrmsr(struct vmx_vcpu *vmx)
{
	return vmx_exit_msr(vmx, true);
}

static void vmx_read_seg(struct vmx_seg_state *seg, unsigned long sel,
			 unsigned long base, unsigned long limit,
			 unsigned long ar)
{
	seg->selector = __vmcs_read(sel);
	seg->base = __vmcs_read(base);
	seg->limit = __vmcs_read(limit);
	seg->ar = __vmcs_read(ar);
}

/* Read the guest state the VM-entry checks apply to. */
static void vmx_read_guest_state(struct vmx_guest_state *gs)
{
	const struct vmx_msrs *m = &vmx_caps.msrs;

	vmx_read_seg(&gs->cs, GUEST_CS_SELECTOR, GUEST_CS_BASE,
		     GUEST_CS_LIMIT, GUEST_CS_AR_BYTES);
	vmx_read_seg(&gs->ss, GUEST_SS_SELECTOR, GUEST_SS_BASE,
		     GUEST_SS_LIMIT, GUEST_SS_AR_BYTES);
	vmx_read_seg(&gs->ds, GUEST_DS_SELECTOR, GUEST_DS_BASE,
		     GUEST_DS_LIMIT, GUEST_DS_AR_BYTES);
	vmx_read_seg(&gs->es, GUEST_ES_SELECTOR, GUEST_ES_BASE,
		     GUEST_ES_LIMIT, GUEST_ES_AR_BYTES);
	vmx_read_seg(&gs->fs, GUEST_FS_SELECTOR, GUEST_FS_BASE,
		     GUEST_FS_LIMIT, GUEST_FS_AR_BYTES);
	vmx_read_seg(&gs->gs, GUEST_GS_SELECTOR, GUEST_GS_BASE,
		     GUEST_GS_LIMIT, GUEST_GS_AR_BYTES);
	vmx_read_seg(&gs->tr, GUEST_TR_SELECTOR, GUEST_TR_BASE,
		     GUEST_TR_LIMIT, GUEST_TR_AR_BYTES);
	vmx_read_seg(&gs->ldtr, GUEST_LDTR_SELECTOR, GUEST_LDTR_BASE,
		     GUEST_LDTR_LIMIT, GUEST_LDTR_AR_BYTES);
	gs->cr0 = vmcs_readl(GUEST_CR0);
	gs->cr3 = vmcs_readl(GUEST_CR3);
	gs->cr4 = vmcs_readl(GUEST_CR4);
	gs->dr7 = vmcs_readl(GUEST_DR7);
	gs->efer = vmcs_read64(GUEST_IA32_EFER);
	gs->rip = vmcs_readl(GUEST_RIP);
	gs->rflags = vmcs_readl(GUEST_RFLAGS);
	gs->gdtr_base = vmcs_readl(GUEST_GDTR_BASE);
	gs->gdtr_limit = vmcs_read32(GUEST_GDTR_LIMIT);
	gs->idtr_base = vmcs_readl(GUEST_IDTR_BASE);
	gs->idtr_limit = vmcs_read32(GUEST_IDTR_LIMIT);
	gs->activity = vmcs_read32(GUEST_ACTIVITY_STATE);
	gs->interruptibility = vmcs_read32(GUEST_INTERRUPTIBILITY_INFO);
	gs->entry_intr_info = vmcs_read32(VM_ENTRY_INTR_INFO_FIELD);
	gs->ia32e_mode_guest = vmcs_read32(VM_ENTRY_CONTROLS) &
			       VM_ENTRY_IA32E_MODE;
	gs->load_efer = true;
	gs->unrestricted_guest = true;
	gs->cr0_fixed0 = m->cr0_fixed0;
	gs->cr0_fixed1 = m->cr0_fixed1;
	gs->cr4_fixed0 = m->cr4_fixed0;
	gs->cr4_fixed1 = m->cr4_fixed1;
	gs->phys_addr_bits = boot_cpu_data.x86_phys_bits;
}

/* VM entry failed on the guest state or the MSR-load area (27.8). */
static int vmx_exit_fail_entry(struct vmx_vcpu *vmx)
{
	struct axv_run *run = vmx->vcpu->run;
	u32 basic = vmx->exit_reason & 0xffff;
	struct vmx_guest_state gs = { };
	const char *rule = "";

	vmx_user_exit(vmx, AXV_EXIT_FAIL_ENTRY);
	run->fail_entry.hw_reason = basic;
	run->fail_entry.vm_instruction_error = 0;
	run->fail_entry.qualification = vmx->exit_qual;
	if (basic == EXIT_REASON_INVALID_STATE) {
		vmx_read_guest_state(&gs);
		run->fail_entry.check = vmx_entry_check(&gs, &rule);
	} else if (basic == EXIT_REASON_MSR_LOAD_FAIL) {
		run->fail_entry.check = AXV_ENTRY_CHECK_MSR_LOAD;
		rule = "VM-entry MSR-load area";
	} else {
		run->fail_entry.check = AXV_ENTRY_CHECK_NONE;
	}
	pr_info_ratelimited("VM %u vCPU %u: VM entry failed, exit reason %u, qualification %#lx: %s\n",
			    vmx->vcpu->vm_id, vmx->vcpu->id, basic,
			    vmx->exit_qual, *rule ? rule : "no modelled rule broken");
	/* The next entry must not launch the same state blindly. */
	vmx->event.valid = false;
	vmx_count(vmx, AXV_EXIT_FAIL_ENTRY);
	return 0;
}

static int vmx_exit_xsetbv(struct vmx_vcpu *vmx)
{
	u64 val = (vmx->regs[VMX_RDX] << 32) | (u32)vmx->regs[VMX_RAX];
	u64 supported = vmx_supported_xcr0();

	/* SDM Vol. 1, 13.3: x87 always on, AVX needs SSE, nothing unknown. */
	if ((u32)vmx->regs[VMX_RCX] != 0 || !(val & XFEATURE_MASK_FP) ||
	    (val & ~supported) ||
	    ((val & XFEATURE_MASK_YMM) && !(val & XFEATURE_MASK_SSE)) ||
	    (!!(val & XFEATURE_MASK_AVX512) &&
	     (val & XFEATURE_MASK_AVX512) != XFEATURE_MASK_AVX512) ||
	    ((val & XFEATURE_MASK_AVX512) && !(val & XFEATURE_MASK_YMM)) ||
	    vmx_cpu_mode(vmx) == 0)
		return vmx_exit_gp(vmx);
	vmx->xcr0 = val;
	vmx_skip_insn(vmx);
	return 1;
}

static int vmx_exit_ept_misconfig(struct vmx_vcpu *vmx)
{
	struct axv_run *run = vmx->vcpu->run;

	/* axvcpu wrote a bad EPT entry: its bug, reported, never the guest's. */
	pr_warn_ratelimited("VM %u vCPU %u: EPT misconfiguration at guest-physical %#llx\n",
			    vmx->vcpu->vm_id, vmx->vcpu->id,
			    vmcs_read64(GUEST_PHYSICAL_ADDRESS));
	vmx_user_exit(vmx, AXV_EXIT_INTERNAL_ERROR);
	run->internal.suberror = AXV_INTERNAL_EMULATION;
	run->internal.ndata = 2;
	run->internal.data[0] = vmcs_read64(GUEST_PHYSICAL_ADDRESS);
	run->internal.data[1] = vmcs_readl(GUEST_RIP);
	vmx_count(vmx, AXV_EXIT_INTERNAL_ERROR);
	return 0;
}

/* Basic exit reason 11 (SDM Vol. 3, Appendix C); <asm/vmx.h> lacks it. */
#define VMX_EXIT_REASON_GETSEC	11

static int (*const vmx_exit_handlers[])(struct vmx_vcpu *vmx) = {
	[EXIT_REASON_EXCEPTION_NMI] = vmx_exit_exception,
	[EXIT_REASON_EXTERNAL_INTERRUPT] = vmx_exit_external_interrupt,
	[EXIT_REASON_TRIPLE_FAULT] = vmx_exit_triple_fault,
	[EXIT_REASON_INTERRUPT_WINDOW] = vmx_exit_intr_window,
	[EXIT_REASON_NMI_WINDOW] = vmx_exit_intr_window,
	[EXIT_REASON_CPUID] = vmx_exit_cpuid,
	[VMX_EXIT_REASON_GETSEC] = vmx_exit_ud,
	[EXIT_REASON_HLT] = vmx_exit_hlt,
	[EXIT_REASON_INVD] = vmx_exit_nop,
	[EXIT_REASON_INVLPG] = vmx_exit_invlpg,
	[EXIT_REASON_RDPMC] = vmx_exit_gp,
	[EXIT_REASON_VMCALL] = vmx_exit_vmcall,
	[EXIT_REASON_VMCLEAR] = vmx_exit_ud,
	[EXIT_REASON_VMLAUNCH] = vmx_exit_ud,
	[EXIT_REASON_VMPTRLD] = vmx_exit_ud,
	[EXIT_REASON_VMPTRST] = vmx_exit_ud,
	[EXIT_REASON_VMREAD] = vmx_exit_ud,
	[EXIT_REASON_VMRESUME] = vmx_exit_ud,
	[EXIT_REASON_VMWRITE] = vmx_exit_ud,
	[EXIT_REASON_VMOFF] = vmx_exit_ud,
	[EXIT_REASON_VMON] = vmx_exit_ud,
	[EXIT_REASON_CR_ACCESS] = vmx_exit_cr_access,
	[EXIT_REASON_DR_ACCESS] = vmx_exit_dr_access,
	[EXIT_REASON_IO_INSTRUCTION] = vmx_exit_io,
	[EXIT_REASON_MSR_READ] = vmx_exit_rdmsr,
	[EXIT_REASON_MSR_WRITE] = vmx_exit_wrmsr,
	[EXIT_REASON_INVALID_STATE] = vmx_exit_fail_entry,
	[EXIT_REASON_MSR_LOAD_FAIL] = vmx_exit_fail_entry,
	[EXIT_REASON_MWAIT_INSTRUCTION] = vmx_exit_ud,
	[EXIT_REASON_MONITOR_INSTRUCTION] = vmx_exit_ud,
	[EXIT_REASON_MCE_DURING_VMENTRY] = vmx_exit_fail_entry,
	[EXIT_REASON_TPR_BELOW_THRESHOLD] = vmx_exit_intr_window,
	[EXIT_REASON_APIC_ACCESS] = vmx_exit_apic_access,
	[EXIT_REASON_APIC_WRITE] = vmx_exit_apic_write,
	[EXIT_REASON_EOI_INDUCED] = vmx_exit_eoi_induced,
	[EXIT_REASON_EPT_VIOLATION] = vmx_exit_ept_violation,
	[EXIT_REASON_EPT_MISCONFIG] = vmx_exit_ept_misconfig,
	[EXIT_REASON_INVEPT] = vmx_exit_ud,
	[EXIT_REASON_PREEMPTION_TIMER] = vmx_exit_slice_end,
	[EXIT_REASON_INVVPID] = vmx_exit_ud,
	[EXIT_REASON_WBINVD] = vmx_exit_nop,
	[EXIT_REASON_XSETBV] = vmx_exit_xsetbv,
	[EXIT_REASON_VMFUNC] = vmx_exit_ud,
	[EXIT_REASON_ENCLS] = vmx_exit_ud,
};

/*
 * MSRs whose allow-list read always succeeds and is the same with the
 * guest's state loaded: not KERNEL_GS_BASE, whose copy is taken only
 * after the exit, and PAT only where the VMCS holds it.
 */
static bool vmx_fast_msr(u32 index)
{
	switch (index) {
	case MSR_IA32_CR_PAT:
		return vmx_caps.entry & VM_ENTRY_LOAD_IA32_PAT;
	case MSR_EFER:
	case MSR_IA32_SYSENTER_CS:
	case MSR_IA32_SYSENTER_ESP:
	case MSR_IA32_SYSENTER_EIP:
	case MSR_FS_BASE:
	case MSR_GS_BASE:
	case MSR_IA32_TSC:
		return true;
	default:
		return false;
	}
}

bool vmx_exit_fastpath(struct vmx_vcpu *vmx, u32 reason)
{
	switch (reason) {
	case EXIT_REASON_CPUID:
		break;
	case EXIT_REASON_VMCALL:
		if (vmx_hypercall_nr(vmx) != AXV_HC_NOP)
			return false;
		break;
	case EXIT_REASON_MSR_READ:
		if (!vmx_fast_msr(vmx->regs[VMX_RCX]))
			return false;
		break;
	default:
		/* The local APIC's page, when an instruction completes here. */
		return reason == EXIT_REASON_EPT_VIOLATION &&
		       vmx_mmio_fastpath(vmx);
	}
	/*
	 * The table's own handlers, which for these exits always finish in
	 * the kernel (they return 1) and never interrupt an event's delivery.
	 */
	vmx->exit_insn_len = vmcs_read32(VM_EXIT_INSTRUCTION_LEN);
	vmx_exit_handlers[reason](vmx);
	return true;
}

int vmx_handle_exit(struct vmx_vcpu *vmx)
{
	u32 basic = vmx->exit_reason & 0xffff;

	/* Bit 31: the entry failed; the basic reason says why (27.8). */
	if (vmx->exit_reason & VMX_EXIT_REASONS_FAILED_VMENTRY)
		return vmx_exit_fail_entry(vmx);
	if (basic < ARRAY_SIZE(vmx_exit_handlers) && vmx_exit_handlers[basic])
		return vmx_exit_handlers[basic](vmx);
	return vmx_exit_unknown(vmx);
}
