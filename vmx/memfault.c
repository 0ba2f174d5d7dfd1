// SPDX-License-Identifier: GPL-2.0
/*
 * Guest memory comes in on first use (vcpu/memslot.c): an EPT violation
 * in a region, or a copy the kernel makes for the guest (an instruction
 * to decode, a page-table walk, string I/O data, the PDPTEs), finds the
 * chunk not in yet.  That happens with the VMCS loaded and preemption
 * off, where pinning cannot be done: the address is noted, the exit is
 * left undone (the guest will execute the instruction again), and the
 * run loop brings the chunk in before it enters the guest next.
 */
#include <linux/kernel.h>
#include <asm/vmx.h>

#include <axvcpu/core.h>
#include <axvcpu/vcpu.h>
#include <axvcpu/vmx.h>

#include "vmcs.h"
#include "vmx_vcpu.h"

/**
 * vmx_memory_missing() - note guest memory to bring in before the next entry.
 * @vmx: the vCPU.
 * @gpa: a guest-physical address in a region, not in yet.
 *
 * Context: any.
 * Return: -EAGAIN, for the caller to pass on: the exit is to be left
 * undone, so that the guest runs the instruction again.
 */
int vmx_memory_missing(struct vmx_vcpu *vmx, u64 gpa)
{
	vmx->fault_pending = true;
	vmx->fault_gpa = gpa;
	return -EAGAIN;
}

/* The vCPU stops: its VMM's memory behind @gpa cannot come in. */
static void vmx_memory_fault_exit(struct vmx_vcpu *vmx, int err)
{
	struct axv_vcpu *vcpu = vmx->vcpu;
	struct axv_run *run = vcpu->run;

	pr_info_ratelimited("VM %u vCPU %u: guest memory at %#llx cannot be brought in (%d): %s\n",
			    vcpu->vm_id, vcpu->id, vmx->fault_gpa, err,
			    err == -EFAULT ? "the VMM's memory is not mapped (or writable)" :
			    err == -ENOMEM ? "out of memory" :
			    err == -EIO ? "AXV_RUN from outside the VM's process" :
			    "the page cannot be mapped");
	vmx_exit_without_guest(vmx, AXV_EXIT_INTERNAL_ERROR);
	run->internal.suberror = AXV_INTERNAL_MEMORY_FAULT;
	run->internal.ndata = 2;
	run->internal.data[0] = vmx->fault_gpa;
	run->internal.data[1] = -err;
}

/**
 * vmx_fault_in() - bring in what vmx_memory_missing() noted.
 * @vmx: the vCPU, not loaded (the thread may sleep).
 *
 * Context: process, may sleep.
 * Return: 1 to go on into the guest; 0 when the memory cannot come in
 * (the run structure holds an AXV_EXIT_INTERNAL_ERROR for userspace).
 */
int vmx_fault_in(struct vmx_vcpu *vmx)
{
	int err;

	vmx->fault_pending = false;
	err = axv_vm_fault_in(vmx->vcpu->vm, vmx->fault_gpa);
	if (err) {
		vmx_memory_fault_exit(vmx, err);
		return 0;
	}
	if (vmx->pdptrs_stale) {
		vmx_vcpu_get(vmx);
		vmx_load_pdptrs(vmx, vmcs_readl(GUEST_CR3));
		vmx_vcpu_put(vmx);
	}
	return 1;
}

/**
 * vmx_nmi_unblocked_by_iret() - block NMIs again for an IRET that runs again.
 * @vmx: the vCPU, loaded, after an EPT violation that is left undone.
 *
 * An IRET that faulted after unblocking NMIs says so in bit 12 of the
 * exit qualification; with virtual NMIs the processor then leaves them
 * unblocked (28.2.3), so an NMI could come before the IRET ends, on the
 * handler's stack.  Run again, it must start as the first time did.
 *
 * Context: VMCS current, preemption off.
 */
void vmx_nmi_unblocked_by_iret(struct vmx_vcpu *vmx)
{
	if ((vmx_caps.pin & PIN_BASED_VIRTUAL_NMIS) &&
	    (vmx->exit_qual & INTR_INFO_UNBLOCK_NMI) &&
	    !(vmx->idt_vectoring & VECTORING_INFO_VALID_MASK))
		vmcs_write32(GUEST_INTERRUPTIBILITY_INFO,
			     vmcs_read32(GUEST_INTERRUPTIBILITY_INFO) |
			     GUEST_INTR_STATE_NMI);
}
