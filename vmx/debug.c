// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's breakpoints on accesses the processor did not make because
 * the kernel made them for it: an emulated instruction's memory operands
 * (mmio.c), the port of IN, OUT, INS and OUTS and the memory side of INS
 * and OUTS (io.c).  The processor would have raised a #DB trap after the
 * instruction, or after the iteration of a REP string instruction that
 * made the access (SDM Vol. 3, 18.3.1.2); here it is left pending for the
 * next entry (B0-B3 and the enabled-breakpoint bit of the pending debug
 * exceptions field, 25.4.2), which delivers it with DR6 set.
 *
 * The matching itself is dr7.c's.  DR0-DR3 are the guest's as saved at
 * the exit once it has enabled a breakpoint (@guest_db_saved); with
 * MOV-DR exiting they are the VMM's, and none is matched.
 */
#include <linux/kernel.h>
#include <asm/vmx.h>

#include "dr7.h"
#include "vmcs.h"
#include "vmx_vcpu.h"

/* Pending debug exceptions: an enabled breakpoint was met (25.4.2). */
#define VMX_PENDING_DBG_BP	BIT(12)

unsigned long __vmx_breakpoints_dr7(struct vmx_vcpu *vmx)
{
	unsigned long dr7 = vmcs_readl(GUEST_DR7);

	if (!(dr7 & VMX_DR7_ENABLED) ||
	    (vmcs_read32(CPU_BASED_VM_EXEC_CONTROL) &
	     CPU_BASED_MOV_DR_EXITING))
		return 0;
	return vmx_dr7_armed(dr7, vmx_guest_cr4() & X86_CR4_DE);
}

void __vmx_breakpoints_pend(struct vmx_vcpu *vmx, unsigned int hit)
{
	vmcs_writel(GUEST_PENDING_DBG_EXCEPTIONS,
		    vmcs_readl(GUEST_PENDING_DBG_EXCEPTIONS) | hit |
		    VMX_PENDING_DBG_BP);
}
