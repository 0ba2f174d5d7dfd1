// SPDX-License-Identifier: GPL-2.0
/*
 * Finishing, at the next AXV_RUN, the instruction behind the exit that
 * userspace handled: the data of IN and INS, the instruction an MMIO
 * access belongs to, the result of a hypercall, the outcome of an MSR
 * access off the allow-list.
 */
#include <linux/kernel.h>
#include <asm/trapnr.h>
#include <asm/vmx.h>

#include <axvcpu/vcpu.h>

#include "vmcs.h"
#include "vmx_vcpu.h"

static void vmx_complete_in(struct vmx_vcpu *vmx, const struct axv_run *run)
{
	unsigned long *rax = &vmx->regs[VMX_RAX];
	u64 data = 0;

	memcpy(&data, run->data, vmx->pend_size);
	/* IN to EAX zero-extends into RAX; to AL or AX it merges (SDM Vol. 1, 3.4.1.1). */
	if (vmx->pend_size == 4)
		*rax = (u32)data;
	else if (vmx->pend_size == 2)
		*rax = (*rax & ~0xffffUL) | (u16)data;
	else
		*rax = (*rax & ~0xffUL) | (u8)data;
	vmx_skip_insn(vmx);
	vmx_breakpoints_pend(vmx, vmx->pend_db_hit);
}

static int vmx_complete_ins(struct vmx_vcpu *vmx)
{
	bool down = vmcs_readl(GUEST_RFLAGS) & X86_EFLAGS_DF;

	int err = vmx_io_copy(vmx, vmx->pend_ins_gla, vmx->pend_count,
			      vmx->pend_size, down, true);

	/* Memory not in yet: completed again once it is (rewriting is harmless). */
	if (err == -EAGAIN) {
		vmx->pending = VMX_PENDING_INS;
		return err;
	}
	if (err)
		return vmx_io_fault(vmx, vmx->pend_ins_gla);
	vmx_io_advance(vmx, VMX_RDI, vmx->pend_count, vmx->pend_size,
		       vmx->pend_addr_size, vmx->pend_rep, down);
	return 1;
}

/*
 * 1 to go on into the guest, 0 when completing made a new exit for
 * userspace, -EAGAIN when guest memory must come in first (nothing
 * changed).  Preemption off, VMCS current.
 */
static int vmx_complete_locked(struct vmx_vcpu *vmx)
{
	const struct axv_run *run = vmx->vcpu->run;
	enum vmx_pending pending = vmx->pending;

	vmx->pending = VMX_PENDING_NONE;
	vmx->exit_insn_len = vmx->pend_insn_len;
	switch (pending) {
	case VMX_PENDING_NONE:
		break;
	case VMX_PENDING_IN:
		vmx_complete_in(vmx, run);
		break;
	case VMX_PENDING_INS:
		return vmx_complete_ins(vmx);
	case VMX_PENDING_INS_MMIO:
		return vmx_complete_string_mmio(vmx, true);
	case VMX_PENDING_OUTS_MMIO:
		return vmx_complete_string_mmio(vmx, false);
	case VMX_PENDING_EMULATE:
		/* The data of a read, if any; then the rest, maybe more exits. */
		return vmx_emulate_resume(vmx);
	case VMX_PENDING_HYPERCALL:
		vmx->regs[VMX_RAX] = vmx->hypercall_ret_set ?
				     vmx->hypercall_ret : run->hypercall.ret;
		vmx->hypercall_ret_set = false;
		break;
	case VMX_PENDING_MSR_READ:
		if (run->msr.error) {
			vmx_queue_exception(vmx, X86_TRAP_GP, true, 0);
			break;
		}
		vmx->regs[VMX_RAX] = (u32)run->msr.data;
		vmx->regs[VMX_RDX] = run->msr.data >> 32;
		vmx_skip_insn(vmx);
		break;
	case VMX_PENDING_DR_READ: {
		u64 data = vmx_guest_long_mode() ? run->debug_reg.data :
			   (u32)run->debug_reg.data;

		if (vmx->pend_reg == VMX_RSP)
			vmcs_writel(GUEST_RSP, data);
		vmx->regs[vmx->pend_reg] = data;
		vmx_skip_insn(vmx);
		break;
	}
	case VMX_PENDING_DR_WRITE:
		vmx_skip_insn(vmx);
		break;
	case VMX_PENDING_MSR_WRITE:
		if (run->msr.error)
			vmx_queue_exception(vmx, X86_TRAP_GP, true, 0);
		else
			vmx_skip_insn(vmx);
		break;
	}
	return 1;
}

int vmx_complete_userspace_exit(struct vmx_vcpu *vmx)
{
	int ret;

	if (vmx->pending == VMX_PENDING_NONE)
		return 1;
	for (;;) {
		vmx_vcpu_get(vmx);
		ret = vmx_complete_locked(vmx);
		vmx_vcpu_put(vmx);
		if (ret != -EAGAIN)
			return ret;
		ret = vmx_fault_in(vmx);
		if (ret <= 0)
			return ret;
	}
}
